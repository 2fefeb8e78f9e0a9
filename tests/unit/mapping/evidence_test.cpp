#include "soc278/mapping/evidence.hpp"

#include <catch2/catch.hpp>

using namespace soc278;
using mapping::MatchKind;

TEST_CASE("EvidenceGroup: longest match wins, exact rows only on equality", "[mapping]") {
  const mapping::EvidenceGroup g("g", "I.A.1.c", "s",
                                 {{"E877", MatchKind::prefix, "broad", "l", "s", 1, "f"},
                                  {"E8770", MatchKind::exact, "narrow", "l", "s", 2, "f"},
                                  {"R56", MatchKind::prefix, "seizure", "l", "s", 3, "f"}},
                                 7);
  auto icd = [](const char* c) { return *model::Icd10Code::parse(c); };
  CHECK(g.match(icd("E8770"))->reason == "narrow");
  CHECK(g.match(icd("E8779"))->reason == "broad");
  CHECK(g.match(icd("E877"))->reason == "broad");
  CHECK(g.match(icd("R569"))->reason == "seizure");
  CHECK(g.match(icd("R57")) == nullptr);
  CHECK(g.line() == 7);
}

TEST_CASE("DocumentationRules classify PWK01 and PWK02", "[mapping]") {
  const mapping::DocumentationRules r({"FX", "EL"}, {"AA"}, {"M1", "09"});
  CHECK(r.classify({"M1", "FX", "", "", {}}) == mapping::PwkStatus::submitted);
  CHECK(r.classify({"09", "EL", "", "", {}}) == mapping::PwkStatus::submitted);
  CHECK(r.classify({"M1", "AA", "", "", {}}) == mapping::PwkStatus::not_submitted);
  CHECK(r.classify({"B3", "FX", "", "", {}}) == mapping::PwkStatus::not_counted);
  CHECK(r.classify({"M1", "", "", "", {}}) == mapping::PwkStatus::unknown_transmission);
  CHECK(mapping::to_string(mapping::PwkStatus::not_counted) == "not_counted");
}

TEST_CASE("EvidenceGroup: the three-character filter and the packed keys give the string answer", "[mapping]") {
  // Rows of every length 3..7, prefix and exact, with neighbours that share only part of a code.
  const mapping::EvidenceGroup g("g", "c", "s",
                                 {{"T886", MatchKind::prefix, "t886", "l", "s", 1, "f"},
                                  {"T88", MatchKind::exact, "t88", "l", "s", 2, "f"},
                                  {"F40231", MatchKind::exact, "f40231", "l", "s", 3, "f"},
                                  {"F4023", MatchKind::prefix, "f4023", "l", "s", 4, "f"},
                                  {"Z9981AB", MatchKind::exact, "z", "l", "s", 5, "f"}},
                                 1);
  auto icd = [](const char* c) { return *model::Icd10Code::parse(c); };
  auto reason = [&](const char* c) -> std::string {
    const mapping::EvidenceCode* row = g.match(icd(c));
    return row ? row->reason : "-";
  };
  CHECK(reason("T886XXA") == "t886");
  CHECK(reason("T886") == "t886");
  CHECK(reason("T88") == "t88");
  CHECK(reason("T881") == "-");      // T88 is exact only
  CHECK(reason("F40231") == "f40231");
  CHECK(reason("F40232") == "f4023");
  CHECK(reason("F4022") == "-");
  CHECK(reason("Z9981AB") == "z");
  CHECK(reason("Z9981A") == "-");
  CHECK(reason("A00") == "-");       // no row starts with A00
  // More than 7 characters: the string path, found all the same.
  const mapping::EvidenceGroup longer("l", "c", "s", {{"ABCDEFGH", MatchKind::exact, "long", "l", "s", 1, "f"},
                                                      {"R56", MatchKind::prefix, "seizure", "l", "s", 2, "f"}}, 1);
  CHECK(longer.match(icd("R569"))->reason == "seizure");
  CHECK(longer.match(icd("R57")) == nullptr);
}

TEST_CASE("DocumentationRules: trimmed codes, lengths and long codes", "[mapping]") {
  const mapping::DocumentationRules r({"FX", "E"}, {"AA"}, {"M1", "09"});
  CHECK(r.transmission_submitted(" FX "));
  CHECK(r.transmission_submitted("E"));
  CHECK_FALSE(r.transmission_submitted("EL"));   // same first letter, other length
  CHECK_FALSE(r.transmission_submitted("F"));
  CHECK_FALSE(r.transmission_submitted(""));
  CHECK(r.report_type_counted("09"));
  CHECK_FALSE(r.report_type_counted("0"));
  // A code longer than 7 characters in a list: every list is searched as strings.
  const mapping::DocumentationRules longer({"FX", "LONGCODE1"}, {"AA"}, {"M1"});
  CHECK(longer.transmission_submitted("LONGCODE1"));
  CHECK_FALSE(longer.transmission_submitted("LONGCODE"));
  CHECK(longer.classify({"M1", "FX", "", "", {}}) == mapping::PwkStatus::submitted);
  CHECK(longer.classify({"M1", "AA", "", "", {}}) == mapping::PwkStatus::not_submitted);
}

#include "soc278/mapping/evidence.hpp"

#include <catch2/catch.hpp>

using namespace soc278;
using mapping::MatchKind;

TEST_CASE("EvidenceGroup: longest match wins, exact rows only on equality", "[mapping]") {
  const mapping::EvidenceGroup g("g", "I.A.1.c", "s",
                                 {{"E877", MatchKind::prefix, "broad", "l", "s", 1},
                                  {"E8770", MatchKind::exact, "narrow", "l", "s", 2},
                                  {"R56", MatchKind::prefix, "seizure", "l", "s", 3}},
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

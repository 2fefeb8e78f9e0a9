// The envelope segments outside any set against grammars/envelope.yaml (FileValidator): GS, GE, IEA
// and TA1. Each case mutates one envelope segment of samples/infliximab-hopd.x12 and asserts the
// code, its acknowledgment level, the position and the value; the set itself stays clean.
#include <catch2/catch.hpp>

#include "ig_support.hpp"

using namespace soc278;

namespace {

// The sample with envelope segment `from` (whole, terminator excluded) replaced by `to`.
std::string with(std::string_view from, std::string_view to) {
  std::string text = test::infliximab();
  const std::string needle = std::string(from) + "~";
  const auto at = text.find(needle);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return text;
}

constexpr std::string_view gs = "GS*HI*SOCPROVIDER01*SOCHEALTHPLAN*20261115*0930*4711*X*005010X217";

// The findings FileValidator added (the reader's own are in run.envelope too, before or after).
std::vector<const core::Diagnostic*> envelope_yaml(const test::ValidationRun& run) {
  std::vector<const core::Diagnostic*> out;
  for (const auto& d : run.envelope) {
    const auto n = core::name(d.code);
    if (n.rfind("envelope.gs0", 0) == 0 || n == "envelope.element_invalid" || n == "ig.trailing_separator") out.push_back(&d);
  }
  return out;
}

void sets_clean(const test::ValidationRun& run) {
  REQUIRE(run.transactions.size() == 1);
  CHECK(run.transactions[0].result.findings.empty());
}

}  // namespace

TEST_CASE("a valid envelope has no envelope.yaml finding", "[ig][envelope]") {
  const auto run = test::validate_text(test::infliximab());
  CHECK(run.envelope.empty());
  REQUIRE(run.groups.size() == 1);
  CHECK(run.groups[0].findings.empty());
  sets_clean(run);
}

TEST_CASE("GS against envelope.yaml", "[ig][envelope]") {
  SECTION("GS05 not a time: reported only (no AK905 code), kept with the group") {
    const auto run = test::validate_text(with(gs, "GS*HI*SOCPROVIDER01*SOCHEALTHPLAN*20261115*102497*4711*X*005010X217"));
    const auto found = envelope_yaml(run);
    REQUIRE(found.size() == 1);
    const core::Diagnostic& d = *found[0];
    CHECK(d.code == core::DiagCode::gs_time_invalid);
    CHECK(core::info(d.code).level == core::AckLevel::none);
    CHECK(d.severity == core::Severity::error);
    CHECK(d.segment() == "GS");
    CHECK(d.at.segment_in_file == 2);
    CHECK(d.at.segment_in_set == 0);
    CHECK(d.at.element == 5);
    CHECK(d.element_ref == "337");
    CHECK(d.found_value == "102497");
    CHECK(d.message == "GS05 '102497' is not a valid HHMM[SS[D[D]]] time");
    REQUIRE(run.groups.size() == 1);
    REQUIRE(run.groups[0].findings.size() == 1);
    CHECK(run.groups[0].findings[0].code == core::DiagCode::gs_time_invalid);
    sets_clean(run);
  }
  SECTION("GS04 not a date") {
    const auto run = test::validate_text(with(gs, "GS*HI*SOCPROVIDER01*SOCHEALTHPLAN*20261131*0930*4711*X*005010X217"));
    const auto found = envelope_yaml(run);
    REQUIRE(found.size() == 1);
    CHECK(found[0]->code == core::DiagCode::gs_date_invalid);
    CHECK(found[0]->at.element == 4);
    CHECK(found[0]->found_value == "20261131");
    sets_clean(run);
  }
  SECTION("GS06 not digits: AK905 6") {
    // GE02 repeats it, so the reader's GE02 = GS06 check stays quiet.
    std::string text = with(gs, "GS*HI*SOCPROVIDER01*SOCHEALTHPLAN*20261115*0930*47A1*X*005010X217");
    text.replace(text.find("GE*1*4711~"), 10, "GE*1*47A1~");
    const auto run = test::validate_text(text);
    const auto found = envelope_yaml(run);
    REQUIRE(found.size() == 1);
    CHECK(found[0]->code == core::DiagCode::gs_control_number_invalid);
    CHECK(core::info(found[0]->code).level == core::AckLevel::group);
    CHECK(core::info(found[0]->code).x12_code == "6");
    CHECK(found[0]->at.element == 6);
    CHECK(found[0]->found_value == "47A1");
  }
  SECTION("GS01 no guide reads: AK905 1 (and the set's own ig.guide_unknown)") {
    const auto run = test::validate_text(with(gs, "GS*HS*SOCPROVIDER01*SOCHEALTHPLAN*20261115*0930*4711*X*005010X217"));
    const auto found = envelope_yaml(run);
    REQUIRE(found.size() == 1);
    CHECK(found[0]->code == core::DiagCode::gs_functional_id_unsupported);
    CHECK(core::info(found[0]->code).x12_code == "1");
    CHECK(found[0]->at.element == 1);
    CHECK(found[0]->found_value == "HS");
    REQUIRE(run.transactions.size() == 1);
    CHECK(run.transactions[0].result.has(core::DiagCode::ig_guide_unknown));
  }
  SECTION("GS08 no guide reads for GS01 HI: AK905 2") {
    const auto run = test::validate_text(with(gs, "GS*HI*SOCPROVIDER01*SOCHEALTHPLAN*20261115*0930*4711*X*005010X231A1"));
    const auto found = envelope_yaml(run);
    REQUIRE(found.size() == 1);
    CHECK(found[0]->code == core::DiagCode::gs_version_unsupported);
    CHECK(core::info(found[0]->code).x12_code == "2");
    CHECK(found[0]->at.element == 8);
    CHECK(found[0]->found_value == "005010X231A1");
  }
  SECTION("GS07 not X, GS03 too short, a ninth element: reported only, in element order") {
    const auto run = test::validate_text(with(gs, "GS*HI*SOCPROVIDER01*S*20261115*0930*4711*T*005010X217*EXTRA"));
    const auto found = envelope_yaml(run);
    REQUIRE(found.size() == 3);
    CHECK(found[0]->code == core::DiagCode::envelope_element_invalid);
    CHECK(found[0]->at.element == 3);
    CHECK(found[0]->found_value == "S");
    CHECK(found[1]->at.element == 7);
    CHECK(found[1]->found_value == "T");
    CHECK(found[2]->at.element == 9);
    for (const auto* d : found) CHECK(core::info(d->code).level == core::AckLevel::none);
    sets_clean(run);
  }
}

TEST_CASE("GE, IEA and TA1 against envelope.yaml", "[ig][envelope]") {
  SECTION("an extra GE element; GE01/GE02 values stay the reader's (count and control checks)") {
    const auto run = test::validate_text(with("GE*1*4711", "GE*X*4711*3"));
    std::vector<std::string> codes;
    for (const auto& d : run.envelope) codes.emplace_back(core::name(d.code));
    CHECK(codes == std::vector<std::string>{"envelope.ge_count_mismatch", "envelope.element_invalid"});
    const auto found = envelope_yaml(run);
    REQUIRE(found.size() == 1);
    CHECK(found[0]->segment() == "GE");
    CHECK(found[0]->at.element == 3);
    REQUIRE(run.groups.size() == 1);
    REQUIRE(run.groups[0].findings.size() == 1);  // GE findings belong to the group too
  }
  SECTION("IEA01 not a number: only the reader's count check") {
    const auto run = test::validate_text(with("IEA*1*000004711", "IEA*A*000004711"));
    std::vector<std::string> codes;
    for (const auto& d : run.envelope) codes.emplace_back(core::name(d.code));
    CHECK(codes == std::vector<std::string>{"envelope.iea_count_mismatch"});
  }
  SECTION("a TA1 with a bad acknowledgment code and time, before the group") {
    std::string text = test::infliximab();
    const auto gs_at = text.find("GS*");
    text.insert(gs_at, "TA1*000004711*261115*2530*Q*000~\n");
    const auto run = test::validate_text(text);
    const auto found = envelope_yaml(run);
    REQUIRE(found.size() == 2);
    CHECK(found[0]->segment() == "TA1");
    CHECK(found[0]->at.segment_in_file == 2);
    CHECK(found[0]->at.element == 3);
    CHECK(found[0]->found_value == "2530");
    CHECK(found[1]->at.element == 4);
    CHECK(found[1]->found_value == "Q");
    REQUIRE(run.groups.size() == 1);
    CHECK(run.groups[0].findings.empty());  // a TA1 is the interchange's, not the group's
  }
}

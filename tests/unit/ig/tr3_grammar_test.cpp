// Regression tests for the corrections the TR3-derived sources call for (docs/conformance.md,
// "Code lists against TR3-derived sources"; grammars/README.md section 5), one mutation of
// samples/infliximab-hopd.x12 (positions as in conformance_test.cpp: 15 UM at 2000E, 24 UM at 2000F,
// 28 NM1*SJ at 2010F). A code another loop uses is `ig.code_not_used` (IK403 I6), one no loop uses
// `ig.element_invalid_code` (IK403 7).
#include <catch2/catch.hpp>

#include "ig_support.hpp"

using namespace soc278;
using Briefs = std::vector<std::string>;

namespace {

Briefs findings_at(std::size_t position, std::string_view to) {
  const auto run = test::validate_text(test::mutate_at(test::infliximab(), position, to));
  REQUIRE(run.envelope.empty());
  REQUIRE(run.transactions.size() == 1);
  return test::briefs(run.transactions[0].result);
}

}  // namespace

TEST_CASE("UM06 E (elective) is a level of service in request 2000E and 2000F", "[ig][tr3]") {
  CHECK(findings_at(15, "UM*HS*I*1*22:B**E").empty());
  CHECK(findings_at(24, "UM*HS*I*1*22:B**E").empty());
  CHECK(findings_at(15, "UM*HS*I*1*22:B**03").empty());
  CHECK(findings_at(15, "UM*HS*I*1*22:B**X") ==
        Briefs{"ig.segment_has_element_errors@15/2000E UM", "ig.element_invalid_code@15/2000E UM06 'X'"});
}

TEST_CASE("2000F UM01 is HS or SC only", "[ig][tr3]") {
  CHECK(findings_at(24, "UM*SC*I*1*22:B").empty());
  CHECK(findings_at(24, "UM*AR*I*1*22:B") == Briefs{"ig.segment_has_element_errors@24/2000F UM", "ig.code_not_used@24/2000F UM01 'AR'"});
}

TEST_CASE("SV101-1 takes the X217 product qualifiers only", "[ig][tr3]") {
  CHECK(findings_at(26, "SV1*N4:00006073402*1*UN*1").empty());
  CHECK(findings_at(26, "SV1*ZZ:J1745*1*UN*1") == Briefs{"ig.segment_has_element_errors@26/2000F SV1", "ig.code_not_used@26/2000F SV101-1 'ZZ'"});
}

TEST_CASE("PWK02 FT is not a 278 code - AA is a request code", "[ig][tr3]") {
  CHECK(findings_at(17, "HI*ABK:M0579~\nPWK*77*AA").empty());
  CHECK(findings_at(17, "HI*ABK:M0579~\nPWK*77*FX").empty());
  CHECK(findings_at(17, "HI*ABK:M0579~\nPWK*77*FT") == Briefs{"ig.segment_has_element_errors@18/2000E PWK", "ig.element_invalid_code@18/2000E PWK02 'FT'"});
}

TEST_CASE("2010F NM101 follows the EF list: DQ in, 71 out", "[ig][tr3]") {
  CHECK(findings_at(28, "NM1*DQ*1*DOE*JANE****XX*1700000015").empty());
  CHECK_FALSE(findings_at(28, "NM1*71*1*DOE*JANE****XX*1700000015").empty());
}

TEST_CASE("PRV02 is PXC only", "[ig][tr3]") {
  CHECK(findings_at(7, "PER*IC*PA DESK*TE*4045550100~\nPRV*PE*PXC*207R00000X").empty());
  CHECK(findings_at(7, "PER*IC*PA DESK*TE*4045550100~\nPRV*PE*ZZ*207R00000X") ==
        Briefs{"ig.segment_has_element_errors@8/2010B PRV", "ig.code_not_used@8/2010B PRV02 'ZZ'"});
}

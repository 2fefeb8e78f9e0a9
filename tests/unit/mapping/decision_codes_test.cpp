#include "soc278/mapping/decision_codes.hpp"

#include <catch2/catch.hpp>

TEST_CASE("DecisionCodes defaults match decision-codes.yaml", "[mapping]") {
  const soc278::mapping::DecisionCodes d;
  CHECK(d.hcr01_approve == "A1");
  CHECK(d.hcr01_redirect == "A6");
  CHECK(d.hcr01_pend == "A4");
  CHECK(d.hcr03_approve.empty());
  CHECK(d.hcr03_redirect == "16");
}

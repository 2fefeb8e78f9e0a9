#include "soc278/soc/decision.hpp"

#include <catch2/catch.hpp>

using namespace soc278;

TEST_CASE("outcome and criterion outcome names", "[soc]") {
  CHECK(soc::to_string(soc::Outcome::approve) == "approve");
  CHECK(soc::to_string(soc::Outcome::redirect) == "redirect");
  CHECK(soc::to_string(soc::Outcome::pend) == "pend");
  CHECK(soc::to_string(soc::CriterionOutcome::not_assessed) == "not assessed");
  CHECK(soc::to_string(soc::CriterionOutcome::non_qualifying) == "non-qualifying");
}

TEST_CASE("an approval message names the section", "[soc]") {
  soc::LineDecision d;
  d.outcome = soc::Outcome::approve;
  d.policy_id = "GA.PMN.34";
  d.section = "Description";
  CHECK(soc::response_message(d) == "SITE OF CARE APPROVED AS REQUESTED PER GA.PMN.34 DESCRIPTION");
}

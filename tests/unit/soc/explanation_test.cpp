#include "soc278/soc/explanation.hpp"

#include <catch2/catch.hpp>

TEST_CASE("explanation header is self-contained and its values are plain data", "[soc]") {
  soc278::soc::Explanation e;
  e.criteria.push_back({"I.A.1.d", "I.A.1.d", soc278::soc::CriterionOutcome::met, {{"HI", "2000E", "ABF:T886XXA", {}}}, ""});
  const auto copy = e;
  CHECK(copy.criteria.size() == 1);
  CHECK(copy.criteria[0].evidence[0].segment == "HI");
}

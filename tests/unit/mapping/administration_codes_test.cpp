#include "soc278/mapping/administration_codes.hpp"

#include <catch2/catch.hpp>

using namespace soc278;

TEST_CASE("AdministrationCodes lookup", "[mapping]") {
  const mapping::AdministrationCodes a({{*model::Hcpcs::parse("96413"), "chemo", 2}, {*model::Hcpcs::parse("96365"), "iv", 1}});
  CHECK(a.contains(*model::Hcpcs::parse("96365")));
  CHECK(a.find(*model::Hcpcs::parse("96413"))->description == "chemo");
  CHECK_FALSE(a.contains(*model::Hcpcs::parse("96366")));
  CHECK(a.rows().front().code.view() == "96365");   // sorted
}

#include "soc278/soc/history.hpp"

#include <catch2/catch.hpp>

using namespace soc278;

TEST_CASE("NoHistory answers 'cannot be consulted', not 'none'", "[soc]") {
  const soc::NoHistory h;
  const soc::History& as_interface = h;
  const auto r = as_interface.prior_administrations({"M1", "DOE", "JANE", std::nullopt, false}, *model::Hcpcs::parse("J1745"),
                                                    *core::Date::make(2026, 12, 1));
  CHECK_FALSE(r.has_value());
}

#include "soc278/mapping/routing.hpp"

#include <catch2/catch.hpp>

using namespace soc278::mapping;

TEST_CASE("RoutingTable: earliest route in file order wins", "[mapping]") {
  const RoutingTable t(DefaultAction::pend, {{"A", {"ISA-A"}, {}, {"UMO-SHARED-NOT"}, 1}, {"B", {}, {"GS-B"}, {"UMO-B"}, 2}});
  auto m = t.match("ISA-A", "GS-B", "");
  REQUIRE(m);
  CHECK(m->route->policy == "A");   // route 1 beats route 2 even though GS03 matches route 2
  m = t.match("none", "GS-B", "UMO-B");
  REQUIRE(m);
  CHECK(m->route->policy == "B");
  CHECK(m->key == RouteKey::gs03);
  CHECK_FALSE(t.match("none", "none", "none"));
  CHECK(to_string(RouteKey::umo_id) == "umo_id");
}

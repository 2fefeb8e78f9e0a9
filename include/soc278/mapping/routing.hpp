// soc278/mapping/routing.hpp
//
// Provides RoutingTable, the compiled form of mappings/routing.yaml: which policy decides a request,
// by ISA08 (interchange receiver), GS03 (application receiver) or 2010A NM109 (UMO identifier).
// soc::route() applies it to a request; this header only holds the data and the lookup.
//
// Built once by load_mappings(); immutable afterwards. A lookup is one hash probe per identifier kind.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace soc278::mapping {

enum class RouteKey : std::uint8_t { isa08, gs03, umo_id };
[[nodiscard]] std::string_view to_string(RouteKey k) noexcept;  // "isa08", "gs03", "umo_id"

enum class DefaultAction : std::uint8_t { pend };

struct Route {
  std::string policy;                 // a policy id with a file in mappings/policies/
  std::vector<std::string> isa08;     // compared after trimming the ISA padding
  std::vector<std::string> gs03;
  std::vector<std::string> umo_id;
  std::uint32_t line = 0;             // line in routing.yaml
};

struct RouteMatch {
  const Route* route = nullptr;
  RouteKey key = RouteKey::isa08;     // which identifier matched
  std::string value;                  // the identifier as matched
};

class RoutingTable {
 public:
  RoutingTable() = default;
  // Identifiers must be unique across routes (the loader checks that).
  RoutingTable(DefaultAction default_action, std::vector<Route> routes);

  [[nodiscard]] DefaultAction default_action() const noexcept { return default_action_; }
  [[nodiscard]] const std::vector<Route>& routes() const noexcept { return routes_; }

  // The first route in file order any of whose identifiers equals the corresponding value; empty
  // values never match. ISA08 is trimmed of its padding here.
  [[nodiscard]] std::optional<RouteMatch> match(std::string_view isa08, std::string_view gs03,
                                                std::string_view umo_id) const;

 private:
  DefaultAction default_action_ = DefaultAction::pend;
  std::vector<Route> routes_;
  std::unordered_map<std::string, std::uint32_t> by_key_;  // "<key>\x1f<value>" -> route index
};

}  // namespace soc278::mapping

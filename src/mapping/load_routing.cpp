// mappings/routing.yaml: which policy answers a request, by ISA08, GS03 or UMO id.
#include "load_parts.hpp"

#include <algorithm>
#include <map>

namespace soc278::mapping::detail {

RoutingTable load_routing(const File& f, const std::vector<Policy>& policies, const std::set<std::string>& failed) {
  const yaml::Node& root = f.root();
  f.keys(root, "routing.yaml", {"default_action", "routes"});
  const std::string action = f.str(root, "default_action", "routing.yaml");
  if (action != "pend")
    f.fail(DiagCode::mapping_invalid, f.get(root, "default_action"),
           fmt::format("default_action must be pend (an unknown payer is never approved or redirected), found '{}'", action), action);

  std::vector<Route> routes;
  std::map<std::string, std::uint32_t> seen;  // "<key>=<value>" -> line of the route that has it
  f.each(f.require(root, "routes", "routing.yaml"), "routes", [&](const yaml::Node& r) {
    f.keys(r, "a routes row", {"policy", "match"});
    Route route;
    route.policy = f.str(r, "policy", "a routes row");
    route.line = f.line(r);
    const bool known = std::any_of(policies.begin(), policies.end(), [&](const Policy& p) { return p.id() == route.policy; });
    if (!known && failed.contains(route.policy)) return;  // that file's problems are reported already
    if (!known)
      f.fail(DiagCode::mapping_dangling_reference, f.get(r, "policy"),
             fmt::format("policy '{}' has no file in policies/", route.policy), route.policy);
    const yaml::Node m = f.require(r, "match", "a routes row");
    f.keys(m, "match", {"isa08", "gs03", "umo_id"});
    if (m.size() == 0) f.fail(DiagCode::mapping_missing_key, m, "match needs at least one of isa08, gs03, umo_id");
    auto ids = [&](std::string_view key, std::vector<std::string>& target) {
      if (!f.has(m, key)) return;
      for (auto& [v, n] : f.strings(f.get(m, key), key)) {
        if (v.empty()) f.fail(DiagCode::mapping_invalid, n, fmt::format("an empty {} identifier never matches", key));
        if (auto [it, fresh] = seen.emplace(fmt::format("{}={}", key, v), route.line); !fresh)
          f.fail(DiagCode::mapping_duplicate, n, fmt::format("{} '{}' already routes at line {}", key, v, it->second), v);
        target.push_back(v);
      }
    };
    ids("isa08", route.isa08);
    ids("gs03", route.gs03);
    ids("umo_id", route.umo_id);
    if (route.isa08.empty() && route.gs03.empty() && route.umo_id.empty())
      f.fail(DiagCode::mapping_missing_key, m, "match needs at least one identifier");
    routes.push_back(std::move(route));
  });
  return RoutingTable(DefaultAction::pend, std::move(routes));
}

}  // namespace soc278::mapping::detail

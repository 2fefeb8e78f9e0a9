// mappings/drug-groups.yaml: reference products and the codes of their biosimilars.
#include "load_parts.hpp"

#include <map>

namespace soc278::mapping::detail {

DrugGroups load_drug_groups(const File& f) {
  const yaml::Node& root = f.root();
  f.keys(root, "drug-groups.yaml", {"source", "groups"});
  (void)f.str(root, "source", "drug-groups.yaml");
  std::vector<DrugGroup> groups;
  std::map<std::string, std::uint32_t> ids;
  std::map<std::string, std::uint32_t> codes;   // every reference and member code -> its line
  auto parse_code = [&](const yaml::Node& map, std::string_view key, std::string_view what) {
    const std::string code = f.str(map, key, what);
    const auto parsed = model::Hcpcs::parse(code);
    if (!parsed || parsed->view() != code)
      f.fail(DiagCode::mapping_invalid, f.get(map, key), fmt::format("'{}' is not an upper-case HCPCS code", code), code);
    if (auto [it, fresh] = codes.emplace(code, f.line(map)); !fresh)
      f.fail(DiagCode::mapping_duplicate, f.get(map, key),
             fmt::format("code '{}' is already in a drug group (line {}); a code belongs to one group only", code, it->second), code);
    return *parsed;
  };
  f.each(f.require(root, "groups", "drug-groups.yaml"), "groups", [&](const yaml::Node& g) {
    f.keys(g, "a drug group", {"id", "reference", "source", "members"});
    DrugGroup group;
    group.id = f.str(g, "id", "a drug group");
    group.line = f.line(g);
    if (auto [it, fresh] = ids.emplace(group.id, group.line); !fresh)
      f.fail(DiagCode::mapping_duplicate, f.get(g, "id"), fmt::format("group id '{}' is used twice (first at line {})", group.id, it->second),
             group.id);
    group.reference = parse_code(g, "reference", "a drug group");
    group.source = f.str(g, "source", "a drug group");
    const std::string what = fmt::format("a member of drug group '{}'", group.id);
    f.each(f.require(g, "members", "a drug group"), "members", [&](const yaml::Node& m) {
      f.keys(m, what, {"hcpcs", "name"});
      DrugGroupMember member;
      member.hcpcs = parse_code(m, "hcpcs", what);
      member.name = f.str(m, "name", what);
      member.line = f.line(m);
      group.members.push_back(std::move(member));
    });
    if (group.members.empty()) f.fail(DiagCode::mapping_invalid, g, fmt::format("drug group '{}' has no members", group.id));
    groups.push_back(std::move(group));
  });
  return DrugGroups(std::move(groups));
}

}  // namespace soc278::mapping::detail

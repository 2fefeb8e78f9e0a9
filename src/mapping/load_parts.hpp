// src/mapping/load_parts.hpp (private to the mapping stage)
//
// Loaders of single mappings/ files that live outside load.cpp, called by load_mappings().
#pragma once

#include <set>
#include <string>
#include <vector>

#include "soc278/mapping/drug_groups.hpp"
#include "soc278/mapping/policy.hpp"
#include "soc278/mapping/routing.hpp"
#include "soc278/mapping/wording.hpp"
#include "yaml_file.hpp"

namespace soc278::mapping::detail {

// drug-groups.yaml (docs/policies.md section 8).
[[nodiscard]] DrugGroups load_drug_groups(const File& f);

// routing.yaml (docs/policies.md): `failed` names the policy files that could not be read, whose routes are
// not reported again as dangling.
[[nodiscard]] RoutingTable load_routing(const File& f, const std::vector<Policy>& policies, const std::set<std::string>& failed);

// wording.yaml (docs/policies.md): every phrase of wording.def, each using only its own slots.
[[nodiscard]] Wording load_wording(const File& f);

}  // namespace soc278::mapping::detail

// src/mapping/load_parts.hpp (private to the mapping stage)
//
// Loaders of single mappings/ files that live outside load.cpp, called by load_mappings().
#pragma once

#include "soc278/mapping/drug_groups.hpp"
#include "yaml_file.hpp"

namespace soc278::mapping::detail {

// drug-groups.yaml (docs/policies.md section 8).
[[nodiscard]] DrugGroups load_drug_groups(const File& f);

}  // namespace soc278::mapping::detail

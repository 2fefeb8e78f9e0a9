// soc278/mapping/drug_groups.hpp
//
// Provides DrugGroups, the compiled form of mappings/drug-groups.yaml: for a reference product (a
// HCPCS code such as J9312 rituximab) the codes its biosimilars bill under (Q5115, Q5119, Q5123).
// A drug table row whose note says "includes biosimilars" (flag includes_biosimilars) lends its other
// flags to every member of its group, so a biosimilar keeps the reference row's Appendix B note
// ("1st visit in AIS") whichever code the provider bills (DrugTable, policy.hpp).
//
// Built once by load_mappings(); immutable afterwards.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "soc278/model/codes.hpp"

namespace soc278::mapping {

struct DrugGroupMember {
  model::Hcpcs hcpcs;          // the biosimilar's own code ("Q5115")
  std::string name;            // nonproprietary name and brand ("rituximab-abbs (Truxima)")
  std::uint32_t line = 0;      // line in drug-groups.yaml
};

struct DrugGroup {
  std::string id;                       // "rituximab"
  model::Hcpcs reference;               // the reference product's code ("J9312")
  std::string source;                   // where the membership comes from
  std::vector<DrugGroupMember> members; // file order
  std::uint32_t line = 0;
};

class DrugGroups {
 public:
  DrugGroups() = default;
  explicit DrugGroups(std::vector<DrugGroup> groups) : groups_(std::move(groups)) {}

  [[nodiscard]] const std::vector<DrugGroup>& groups() const noexcept { return groups_; }
  // The group whose reference product is `code`, or nullptr.
  [[nodiscard]] const DrugGroup* by_reference(const model::Hcpcs& code) const noexcept {
    for (const DrugGroup& g : groups_)
      if (g.reference == code) return &g;
    return nullptr;
  }
  // The group `code` is a member of, or nullptr.
  [[nodiscard]] const DrugGroup* by_member(const model::Hcpcs& code) const noexcept {
    for (const DrugGroup& g : groups_)
      for (const DrugGroupMember& m : g.members)
        if (m.hcpcs == code) return &g;
    return nullptr;
  }

 private:
  std::vector<DrugGroup> groups_;
};

}  // namespace soc278::mapping

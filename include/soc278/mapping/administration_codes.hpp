// soc278/mapping/administration_codes.hpp
//
// Provides AdministrationCodes, the compiled form of mappings/administration-codes.yaml: CPT codes
// that identify the infusion or injection itself rather than the drug. A service line carrying one
// follows the site decision of the drug line of the same request (x12-278-reference.md section 7).
// Immutable after load; lookup is a binary search.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "soc278/model/codes.hpp"

namespace soc278::mapping {

struct AdministrationCode {
  model::Hcpcs code;          // "96365"
  std::string description;    // short paraphrase; "(add-on)" marks add-on codes
  std::uint32_t line = 0;
};

class AdministrationCodes {
 public:
  AdministrationCodes() = default;
  explicit AdministrationCodes(std::vector<AdministrationCode> rows);

  [[nodiscard]] const AdministrationCode* find(const model::Hcpcs& code) const noexcept;
  [[nodiscard]] bool contains(const model::Hcpcs& code) const noexcept { return find(code) != nullptr; }
  [[nodiscard]] const std::vector<AdministrationCode>& rows() const noexcept { return rows_; }

 private:
  std::vector<AdministrationCode> rows_;   // sorted by code
  std::vector<std::uint64_t> keys_;        // rows_[i].code packed (tables.cpp hcpcs_key), same order
};

}  // namespace soc278::mapping

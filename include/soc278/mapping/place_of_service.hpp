// soc278/mapping/place_of_service.hpp
//
// Provides SiteClass (the five settings a site-of-care policy decides between) and SiteTable, the
// compiled form of mappings/place-of-service.yaml: CMS place-of-service codes (UM04-2 = B) and NUBC
// bill-type prefixes (UM04-2 = A) mapped to a SiteClass, plus the place-of-service code a response
// writes in UM04 when it certifies a site class (the redirect target).
//
// Built once by load_mappings(); immutable afterwards. Lookups are O(1) (arrays indexed by the two
// digits), so the evaluator may call them per service line. The table owns its strings.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "soc278/model/authorization_request.hpp"

namespace soc278::mapping {

// GA.PMN.34 Description: the setting that needs an exception (hospital outpatient, POS 19/22) and the
// lower-cost settings it redirects to (POS 11/24/49, 12, 01); anything else is out of the policy's scope.
enum class SiteClass : std::uint8_t { hospital_outpatient, infusion_suite_or_office, home, pharmacy, out_of_scope };

inline constexpr std::array<SiteClass, 5> all_site_classes = {
    SiteClass::hospital_outpatient, SiteClass::infusion_suite_or_office, SiteClass::home, SiteClass::pharmacy,
    SiteClass::out_of_scope};

[[nodiscard]] std::string_view to_string(SiteClass c) noexcept;  // "infusion_suite_or_office"
[[nodiscard]] std::string_view describe(SiteClass c) noexcept;   // "infusion suite/office" (for sentences)
[[nodiscard]] std::optional<SiteClass> site_class_from_string(std::string_view text) noexcept;

struct SiteCode {                 // one row of place_of_service or bill_types
  std::string code;               // two digits as written ("01", "13")
  std::string name;               // CMS / NUBC name, shortened
  SiteClass site_class = SiteClass::out_of_scope;
  std::uint32_t line = 0;         // line in place-of-service.yaml, for explanations and reviews
  std::vector<std::string> pos;   // bill types only: the place-of-service codes of the same setting (same class)
};

class SiteTable {
 public:
  SiteTable() = default;
  // Rows must have valid, distinct two-digit codes (the loader checks that); `redirect_codes` gives,
  // per site class, the place-of-service code a response writes in UM04 for that class ("" = none).
  SiteTable(std::vector<SiteCode> places_of_service, std::vector<SiteCode> bill_types,
            std::array<std::string, all_site_classes.size()> redirect_codes);

  // UM04-2 = B: nullptr when the code is not two digits or not listed (CMS "unassigned").
  [[nodiscard]] const SiteCode* place_of_service(std::string_view code) const noexcept;
  // UM04-2 = A: first two digits of the type of bill; a full 3-digit type of bill ("131") is accepted.
  [[nodiscard]] const SiteCode* bill_type(std::string_view code) const noexcept;
  // Either, by the UM04-2 qualifier; nullptr for qualifier none or an unknown code.
  [[nodiscard]] const SiteCode* classify(const model::RequestedSite& site) const noexcept;
  // The POS code a response writes in UM04 (with qualifier B) when it certifies `c`; "" when none.
  [[nodiscard]] std::string_view redirect_code(SiteClass c) const noexcept;

  [[nodiscard]] const std::vector<SiteCode>& places_of_service() const noexcept { return pos_rows_; }
  [[nodiscard]] const std::vector<SiteCode>& bill_types() const noexcept { return bill_rows_; }

 private:
  std::vector<SiteCode> pos_rows_;
  std::vector<SiteCode> bill_rows_;
  std::array<std::int16_t, 100> pos_index_{};   // two digits -> row + 1 (0 = not listed)
  std::array<std::int16_t, 100> bill_index_{};
  std::array<std::string, all_site_classes.size()> redirect_codes_;
};

}  // namespace soc278::mapping

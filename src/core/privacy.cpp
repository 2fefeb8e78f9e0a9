#include "soc278/core/privacy.hpp"

namespace soc278::core {

bool identifies_person(std::string_view id, std::string_view nm101, std::string_view loop, std::size_t e) noexcept {
  const bool person_loop = loop == "2010C" || loop == "2010D";
  if (id == "NM1") {
    const bool person = nm101.empty() ? person_loop : nm101 == "IL" || nm101 == "QC";
    return person && (e == 3 || e == 4 || e == 5 || e == 9);
  }
  if (id == "DMG") return e == 2;
  if (id == "N3") return e == 1 || e == 2;
  if (id == "REF") return person_loop && e == 2;
  return false;
}

}  // namespace soc278::core

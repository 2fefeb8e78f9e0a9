// soc278/core/privacy.hpp
//
// Provides identifies_person(): which X12 elements identify a person (a member's id, name, birth
// date, street). Everything soc278 writes for an operator or a partner other than the 278 response
// itself masks or leaves out their values: the engine (soc278/engine/privacy.hpp) masks them, and
// the 999 leaves their IK404 (copy of the bad element, optional in X12) empty.
#pragma once

#include <cstddef>
#include <string_view>

namespace soc278::core {

// NM103 / NM104 / NM105 / NM109 of a subscriber or patient (NM101 IL or QC; when NM101 is not
// known, an NM1 of loop 2010C or 2010D), DMG02 (birth date), N301 / N302 (street lines, whoever's),
// REF02 of loop 2010C or 2010D.
[[nodiscard]] bool identifies_person(std::string_view segment_id, std::string_view nm101, std::string_view loop,
                                     std::size_t element) noexcept;

}  // namespace soc278::core

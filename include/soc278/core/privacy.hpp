// soc278/core/privacy.hpp
//
// Provides the rule of which received values may identify a person (a member's id, name, birth
// date, street), decided by content class where a value leaves the program, not by where the guide
// expected it (docs/operations.md "What soc278 prints"):
//
//   identity carriers   NM1 of a person or of an entity soc278 does not know (NM101 not a payer,
//                       provider, facility, other-UMO or transport-location code): NM103..NM107,
//                       NM109..NM112; N3: every element; N4: city, postal code, location id (N401,
//                       N403, N406); DMG: everything but its qualifier and gender code (DMG01, DMG03);
//                       REF of a person (REF01 not an authorization, referral, administrator's
//                       reference or provider id qualifier, or any REF of loop 2010C / 2010D):
//                       everything but REF01 — in whatever loop they stand.
//   misframed segments  an element that ends with a carrier's id (a lost terminator: "1NM1", then
//                       IL, 1, DOE...) is masked, and the elements after it are read as that
//                       carrier's; elements past a segment's standard element count are masked.
//   dates               a date-shaped value (CCYYMMDD or CCYY-MM-DD) anywhere but DTP03 outside the
//                       patient loops, BHT04 and GS04.
// Everything soc278 writes for an operator or a partner other than the 278 response itself masks
// these values (soc278/engine/privacy.hpp): codes, qualifiers, segment ids and positions stay visible.
// identifies_person() is the narrower element rule, by where the guide places an element
// (engine::personal_element); the 999 leaves an IK404 empty by phi_value(), the content rule.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace soc278::core {

// NM103 / NM104 / NM105 / NM109 of a subscriber or patient (NM101 IL or QC; when NM101 is not
// known, an NM1 of loop 2010C or 2010D), DMG02 (birth date), N301 / N302 (street lines, whoever's),
// REF02 of loop 2010C or 2010D.
[[nodiscard]] bool identifies_person(std::string_view segment_id, std::string_view nm101, std::string_view loop,
                                     std::size_t element) noexcept;

// CCYYMMDD or CCYY-MM-DD with a month 01..12 and a day 01..31 (spaces around it ignored).
[[nodiscard]] bool date_shaped(std::string_view value) noexcept;

// Which values of one segment may identify a person, by the rule above: masked[e] for element
// e + 1 of `values` (the segment's elements as read, element 1 first). `loop` is where the guide
// placed the segment, empty when not known.
void phi_elements(std::string_view segment_id, std::span<const std::string_view> values, std::string_view loop, std::vector<bool>& masked);

// The same rule for one value seen without its segment (a finding's quoted value): element
// `element` of a segment `segment_id`; an NM1 whose NM101 is not known (`nm101` empty) counts as a
// person's, and so does any REF (its REF01 is not known here).
[[nodiscard]] bool phi_value(std::string_view segment_id, std::string_view nm101, std::string_view loop, std::size_t element,
                             std::string_view value) noexcept;

// Whether a segment id is an identity carrier (NM1, N3, N4, DMG, REF).
[[nodiscard]] bool identity_carrier(std::string_view segment_id) noexcept;

}  // namespace soc278::core

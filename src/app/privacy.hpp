// src/app/privacy.hpp — private: what the command line may print about a person.
//
// Output and logs never print member ids, names or birth dates in full (the brief's privacy rule).
// Segment text shown to an operator goes through redact_segment(); --show-phi turns it off for an
// analyst working on a secured machine.
#pragma once

#include <string>
#include <string_view>

#include "soc278/x12/segment.hpp"

namespace soc278::app {

// "SOC000000123" -> "S*********23"; short values become all stars.
[[nodiscard]] std::string mask_identifier(std::string_view value);
// The segment text with the person-identifying elements masked: NM1 of a subscriber or patient
// (NM101 IL / QC: names and NM109), DMG02 birth date, REF02 under a person, N3 street lines.
[[nodiscard]] std::string redact_segment(const x12::SegmentView& s);

}  // namespace soc278::app

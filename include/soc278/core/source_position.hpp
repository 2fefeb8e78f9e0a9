// soc278/core/source_position.hpp
//
// Provides SourcePosition: everything an analyst needs to find the byte a finding is about.
// Every Diagnostic and every typed model field carries one. Plain value, no ownership.
#pragma once

#include <cstdint>

namespace soc278::core {

struct SourcePosition {
  std::uint32_t file = 0;             // index into the run's FileTable (the name is kept once, not per finding)
  std::uint64_t byte_offset = 0;      // first byte of the segment in the file (after any BOM or whitespace)
  std::uint64_t segment_in_file = 0;  // 1-based ordinal of the segment in the file; 0 = before the first segment
  std::uint32_t segment_in_set = 0;   // 1-based from ST, as SE01 and IK302 count; 0 = outside ST..SE
  std::uint16_t element = 0;          // 1-based element position; 0 = the whole segment
  std::uint16_t component = 0;        // 1-based component position; 0 = the whole element

  friend bool operator==(const SourcePosition&, const SourcePosition&) = default;
};

}  // namespace soc278::core

// src/x12/segment_scan.hpp — private: SegmentView::scan, the reader's tokenizer, inline.
//
// Included by the x12 sources that call it (chunk_reader.cpp), so that it is inlined into
// ChunkReader::next_fast(): a call with five arguments and a returned struct costs ~15
// instructions a segment. Its block loop asks the speed fence (core/simd.hpp) for the separator
// and terminator masks; a SOC278_PORTABLE build takes the byte loop alone.
#pragma once

#include <bit>

#include "core/simd.hpp"
#include "soc278/x12/segment.hpp"

namespace soc278::x12 {

SOC278_SIMD_INLINE SegmentView::ScanResult SegmentView::scan(const char* text, std::size_t available, const Delimiters& d,
                                                             std::uint64_t byte_offset, std::uint64_t ordinal) noexcept {
  ScanResult r;
  std::size_t count = 0;
  std::size_t i = 0;
  std::size_t end = available;
  const char sep = d.element;
  const char term = d.segment;
  const auto record = [&](std::size_t at) {
    if (count < max_elements) bounds_[count] = static_cast<std::uint32_t>(at);
    ++count;
  };
  if constexpr (core::simd::enabled) {
    // A block holds at most 16 separators: while 16 more fit in bounds_, they are stored without
    // record()'s overflow check.
    const auto record_block = [&](std::size_t at, unsigned seps) {
      if (count + 16 <= max_elements) [[likely]] {
        while (seps != 0) {
          bounds_[count++] = static_cast<std::uint32_t>(at + static_cast<unsigned>(std::countr_zero(seps)));
          seps &= seps - 1;
        }
        return;
      }
      while (seps != 0) {
        record(at + static_cast<unsigned>(std::countr_zero(seps)));
        seps &= seps - 1;
      }
    };
    for (; i + 16 <= available; i += 16) {
      unsigned seps = 0;
      unsigned terms = 0;
      core::simd::match16x2(text + i, sep, term, seps, terms);
      if (terms != 0) {
        const unsigned stop = static_cast<unsigned>(std::countr_zero(terms));
        record_block(i, seps & ((1u << stop) - 1u));
        end = i + stop;
        r.found = true;
        break;
      }
      record_block(i, seps);
    }
  }
  if (!r.found) {
    for (; i < available; ++i) {
      const char c = text[i];
      if (c == term) {
        end = i;
        r.found = true;
        break;
      }
      if (c == sep) record(i);
    }
  }
  if (!r.found) return r;
  text_ = text;
  length_ = static_cast<std::uint32_t>(end);
  delimiters_ = d;
  byte_offset_ = byte_offset;
  ordinal_ = ordinal;
  r.length = end;
  if (count == 0) {
    id_length_ = length_;
    element_count_ = 0;
    bounds_[0] = length_;
    return r;
  }
  id_length_ = bounds_[0];
  if (count > max_elements) {
    element_count_ = static_cast<std::uint32_t>(max_elements - 1);
    r.fits = false;
    return r;
  }
  element_count_ = static_cast<std::uint32_t>(count);
  bounds_[count] = length_;
  return r;
}

}  // namespace soc278::x12

#include "soc278/x12/segment.hpp"

#include <bit>
#include <cstring>

#include "core/simd.hpp"

namespace soc278::x12 {

std::string_view nth_piece(std::string_view text, char sep, std::size_t n) noexcept {
  if (n == 0) return {};
  std::size_t start = 0;
  for (std::size_t k = 1; k < n; ++k) {
    const std::size_t p = text.find(sep, start);
    if (p == std::string_view::npos) return {};
    start = p + 1;
  }
  const std::size_t end = text.find(sep, start);
  return text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

std::size_t piece_count(std::string_view text, char sep) noexcept {
  if (text.empty()) return 0;
  std::size_t n = 1;
  for (char c : text) n += (c == sep);
  return n;
}

bool SegmentView::assign(const char* text, std::size_t length, const Delimiters& d, std::uint64_t byte_offset,
                         std::uint64_t ordinal) noexcept {
  text_ = text;
  length_ = static_cast<std::uint32_t>(length);
  delimiters_ = d;
  byte_offset_ = byte_offset;
  ordinal_ = ordinal;
  std::size_t count = 0;  // separators found
  bool overflow = false;
  const char sep = d.element;
  std::size_t i = 0;
  if constexpr (core::simd::enabled) {
    // 16 bytes at a time: compare against the separator and walk the set bits. Segments average
    // ~30 bytes, so this halves the per-byte work against a plain loop (docs/PERFORMANCE.md).
    for (; i + 16 <= length; i += 16) {
      unsigned mask = core::simd::match16(text + i, sep);
      while (mask != 0) {
        const unsigned bit = static_cast<unsigned>(std::countr_zero(mask));
        if (count < max_elements) {
          bounds_[count] = static_cast<std::uint32_t>(i + bit);
        } else {
          overflow = true;
        }
        ++count;
        mask &= mask - 1;
      }
    }
  }
  for (; i < length; ++i) {
    if (text[i] == sep) {
      if (count < max_elements) {
        bounds_[count] = static_cast<std::uint32_t>(i);
      } else {
        overflow = true;
      }
      ++count;
    }
  }
  if (count == 0) {
    id_length_ = length_;
    element_count_ = 0;
    bounds_[0] = length_;
    return true;
  }
  id_length_ = bounds_[0];
  const std::size_t kept = count < max_elements ? count : max_elements;
  element_count_ = static_cast<std::uint32_t>(kept);
  // bounds_[0] is the separator after the id; element k runs from bounds_[k-1]+1 to bounds_[k].
  // Shift the array view: element(i) uses bounds_[i-1] and bounds_[i], so close it with length_
  // (or with the first dropped separator when the segment overflowed).
  if (overflow) {
    element_count_ = static_cast<std::uint32_t>(max_elements - 1);
    return false;
  }
  bounds_[kept] = length_;
  return true;
}

void SegmentView::shorten(std::size_t new_length) noexcept {
  if (new_length >= length_) return;
  length_ = static_cast<std::uint32_t>(new_length);
  if (element_count_ == 0) {
    id_length_ = length_;
    bounds_[0] = length_;
    return;
  }
  while (element_count_ > 0 && bounds_[element_count_ - 1] >= new_length) --element_count_;
  bounds_[element_count_] = length_;
  if (element_count_ == 0) id_length_ = length_;
}

OwnedSegment copy(const SegmentView& s) {
  return OwnedSegment{std::string(s.text()), s.delimiters(), s.byte_offset(), s.ordinal()};
}

SegmentView OwnedSegment::view() const noexcept {
  SegmentView v;
  (void)v.assign(text.data(), text.size(), delimiters, byte_offset, ordinal);
  return v;
}

}  // namespace soc278::x12

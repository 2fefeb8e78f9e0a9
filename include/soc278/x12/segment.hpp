// soc278/x12/segment.hpp
//
// Provides SegmentView: one tokenized segment as views into the reader's buffer, with its
// position in the file. A SegmentView is valid until the next call to ChunkReader::next(); copy
// out (SegmentView::copy(), or the typed values) whatever must outlive it. Element and component
// positions are 1-based, as X12 counts them (NM109 is element(9)).
//
// No allocation: element boundaries live in a fixed array filled by the tokenizer; components and
// repetitions are found on demand by scanning the element.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "soc278/x12/delimiters.hpp"

namespace soc278::x12 {

// Nth piece (1-based) of `text` split on `sep`; empty when there are fewer pieces.
[[nodiscard]] std::string_view nth_piece(std::string_view text, char sep, std::size_t n) noexcept;
// Number of pieces `text` splits into on `sep` (1 for a non-empty text without `sep`, 0 for "").
[[nodiscard]] std::size_t piece_count(std::string_view text, char sep) noexcept;

namespace detail {
struct ReaderFastPath;  // src/x12/reader_fast.hpp
}  // namespace detail

class SegmentView {
 public:
  // The most elements any segment may carry. X12 segments stop well short of this (SV1 has 21,
  // CLM 20); more is reported as x12.too_many_elements.
  static constexpr std::size_t max_elements = 64;

  [[nodiscard]] std::string_view id() const noexcept { return {text_, id_length_}; }
  [[nodiscard]] bool is(std::string_view segment_id) const noexcept { return id() == segment_id; }
  // Number of elements as sent, empty ones included (NM1*IL*1 has 2).
  [[nodiscard]] std::size_t element_count() const noexcept { return element_count_; }
  // Element `i` (1-based); empty when absent.
  [[nodiscard]] std::string_view element(std::size_t i) const noexcept {
    if (i == 0 || i > element_count_) return {};
    return {text_ + bounds_[i - 1] + 1, static_cast<std::size_t>(bounds_[i] - bounds_[i - 1] - 1)};
  }
  // Element `i` for 1 <= i <= element_count(), without element()'s range check (loops over the
  // elements already keep to the range).
  [[nodiscard]] std::string_view element_at(std::size_t i) const noexcept {
    return {text_ + bounds_[i - 1] + 1, static_cast<std::size_t>(bounds_[i] - bounds_[i - 1] - 1)};
  }
  // Component `c` (1-based) of element `i`.
  [[nodiscard]] std::string_view component(std::size_t i, std::size_t c) const noexcept {
    return nth_piece(element(i), delimiters_.component, c);
  }
  [[nodiscard]] std::size_t component_count(std::size_t i) const noexcept {
    return piece_count(element(i), delimiters_.component);
  }
  // Repetition `r` (1-based) of element `i`; the element itself when the interchange has no repetition separator.
  [[nodiscard]] std::string_view repetition(std::size_t i, std::size_t r) const noexcept {
    if (delimiters_.repetition == '\0') return r == 1 ? element(i) : std::string_view{};
    return nth_piece(element(i), delimiters_.repetition, r);
  }
  [[nodiscard]] std::size_t repetition_count(std::size_t i) const noexcept {
    if (delimiters_.repetition == '\0') return element(i).empty() ? 0 : 1;
    return piece_count(element(i), delimiters_.repetition);
  }
  // The segment as sent, without its terminator.
  [[nodiscard]] std::string_view text() const noexcept { return {text_, length_}; }
  [[nodiscard]] const Delimiters& delimiters() const noexcept { return delimiters_; }
  [[nodiscard]] std::uint64_t byte_offset() const noexcept { return byte_offset_; }
  [[nodiscard]] std::uint64_t ordinal() const noexcept { return ordinal_; }  // 1-based in the file

  // Tokenizes `text` (one segment without terminator). Returns false when it has more than
  // max_elements elements; the view then holds the first max_elements.
  [[nodiscard]] bool assign(const char* text, std::size_t length, const Delimiters& d, std::uint64_t byte_offset,
                            std::uint64_t ordinal) noexcept;

  // Drops bytes from the end of the segment (a CR before a newline terminator).
  void shorten(std::size_t new_length) noexcept;

 private:
  friend class ChunkReader;
  friend struct detail::ReaderFastPath;
  // One pass over `available` bytes finding the element separators and the segment terminator
  // together (the reader's hot path). When the terminator is found the view holds the segment and
  // `found` is set; `fits` is false when it has more than max_elements elements. Defined in the
  // private src/x12/segment_scan.hpp, so that it is inlined into the reader's fast path.
  struct ScanResult {
    std::size_t length = 0;  // bytes before the terminator
    bool found = false;
    bool fits = true;
  };
  [[nodiscard]] inline ScanResult scan(const char* text, std::size_t available, const Delimiters& d, std::uint64_t byte_offset,
                                       std::uint64_t ordinal) noexcept;

  const char* text_ = "";
  std::uint32_t length_ = 0;
  std::uint32_t id_length_ = 0;
  std::uint32_t element_count_ = 0;
  // bounds_[k] = offset of the separator before element k+1; bounds_[element_count_] = length_.
  std::array<std::uint32_t, max_elements + 1> bounds_{};
  Delimiters delimiters_;
  std::uint64_t byte_offset_ = 0;
  std::uint64_t ordinal_ = 0;
};

// An owning copy of a segment, for the cold paths that keep one (diagnostics, explain, tests).
struct OwnedSegment {
  std::string text;
  Delimiters delimiters;
  std::uint64_t byte_offset = 0;
  std::uint64_t ordinal = 0;
  [[nodiscard]] SegmentView view() const noexcept;
};
[[nodiscard]] OwnedSegment copy(const SegmentView& s);

}  // namespace soc278::x12

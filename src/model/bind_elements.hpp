// Private to the binder (src/model/bind.cpp, its only includer). Tokenizing one segment: its elements (the
// only vector code of the binder, in Elements::assign) and the components of an element.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/simd.hpp"

#include "soc278/x12/segment.hpp"


namespace soc278::model::binding {

// Besides the bound values, Binder::apply reads a few elements by position (NM101, NM102, NM103,
// NM104, NM108, N402, PWK07, SV201, TRN01, DMG01, HI composites): the tokenizer must reach them.
constexpr std::uint16_t last_element_read_by_position = 8;

// A segment's elements, found by one pass over its text that stops after the last element the
// binder reads. Same meaning as x12::SegmentView (1-based, empty when absent), without its copy of
// the delimiters and positions and without scanning the rest of the segment: tokenizing with
// SegmentView::assign was a tenth of binding.
class Elements {
 public:
  static constexpr std::size_t capacity = x12::SegmentView::max_elements;

  // `text` is one segment of `length` bytes; `readable` (>= length) bytes may be read from it (the
  // rest of the transaction's text), so that whole 16-byte blocks can be compared near its end.
  void assign(const char* text, std::size_t length, std::size_t readable, char separator, std::size_t last) noexcept {
    text_ = text;
    const std::size_t wanted = (last < capacity ? last : capacity) + 1;  // the separators around elements 1..last
    std::size_t found = 0;
    std::size_t i = 0;
    if constexpr (core::simd::enabled) {
      // A block adds at most 16 separators, so the bound is checked once per block: elements past
      // `last` may be recorded too (bounds_ has room), never read.
      for (; i < length && i + 16 <= readable; i += 16) {
        unsigned mask = core::simd::match16(text + i, separator);
        if (length - i < 16) mask &= (1U << (length - i)) - 1U;  // bytes past the segment are not its own
        for (; mask != 0; mask &= mask - 1) bounds_[found++] = static_cast<std::uint32_t>(i + core::simd::lowest_bit(mask));
        if (found >= wanted) return finish(wanted - 1, length);
      }
    }
    for (; i < length; ++i) {
      if (text[i] != separator) continue;
      bounds_[found++] = static_cast<std::uint32_t>(i);
      if (found == wanted) return finish(found - 1, length);
    }
    bounds_[found] = static_cast<std::uint32_t>(length);
    finish(found, length);
  }

  [[nodiscard]] std::string_view id() const noexcept { return {text_, id_length_}; }
  [[nodiscard]] std::string_view element(std::size_t i) const noexcept {
    if (i == 0 || i > elements_) return {};
    return present(i);
  }
  // The elements found: every one up to `last`, fewer when the segment ends sooner.
  [[nodiscard]] std::size_t count() const noexcept { return elements_; }
  // element(i) for 1 <= i <= count().
  [[nodiscard]] std::string_view present(std::size_t i) const noexcept {
    return {text_ + bounds_[i - 1] + 1, static_cast<std::size_t>(bounds_[i] - bounds_[i - 1] - 1)};
  }

 private:
  void finish(std::size_t elements, std::size_t length) noexcept {
    elements_ = elements;
    id_length_ = elements == 0 ? length : bounds_[0];
  }

  const char* text_ = "";
  std::size_t elements_ = 0;
  std::size_t id_length_ = 0;
  std::array<std::uint32_t, capacity + 16> bounds_{};  // bounds_[k]: the separator (or end) after element k; 15 spare for a block's overshoot
};

// Reads the components of one element in order, each scan starting where the previous one ended
// (x12::nth_piece starts again from the element's first byte for every component).
class ComponentCursor {
 public:
  // Component `c` of element `element` of `elements`; components must be asked for in
  // increasing order within an element. Empty when absent, as SegmentView::component.
  std::string_view get(const Elements& elements, std::uint16_t element, std::uint16_t c, char separator) noexcept {
    if (element != element_ || c <= next_ - 1) {
      const std::string_view e = elements.element(element);
      element_ = element;
      next_ = 1;
      p_ = e.data();
      end_ = e.data() + e.size();
      done_ = e.empty();
    }
    std::string_view piece;
    while (next_ <= c) {
      if (done_) return {};
      const char* q = p_;
      while (q != end_ && *q != separator) ++q;
      piece = std::string_view(p_, static_cast<std::size_t>(q - p_));
      if (q == end_) {
        done_ = true;
      } else {
        p_ = q + 1;
      }
      ++next_;
    }
    return piece;
  }

  // Forgets the element read last: the next get() starts a new one. A cursor is kept with the
  // binder's storage and restarted per segment (building one per segment cost 7 stores).
  void restart() noexcept { element_ = 0; }

 private:
  std::uint16_t element_ = 0;  // 0: none yet
  std::uint16_t next_ = 1;     // the component p_ points at
  const char* p_ = nullptr;
  const char* end_ = nullptr;
  bool done_ = true;           // no component after the last one read
};

// Component 1 of an element (the HI qualifier before its code).
inline std::string_view first_component(std::string_view element, char separator) noexcept {
  std::size_t n = 0;
  while (n < element.size() && element[n] != separator) ++n;
  return element.substr(0, n);
}

}  // namespace soc278::model::binding

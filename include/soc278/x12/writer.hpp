// soc278/x12/writer.hpp
//
// Provides SegmentWriter, the one X12 writer every output goes through (278 responses, 999s,
// TA1s, the round-trip tests). Callers build a segment element by element (begin / element /
// component / repetition / end) and the writer applies the syntax rules that are easy to get
// wrong by hand:
//   - trailing empty elements and trailing empty components are never written (reference 5.3:
//     `DMG*D8*19800115~`, not `DMG*D8*19800115*~`); empty elements in the middle are kept;
//   - SE01, GE01 and IEA01 are counted from what was written (write_se / write_ge / write_iea), so
//     they are right by construction;
//   - the ISA is written fixed width, 106 bytes with its terminator (reference 1.1), ISA11 and
//     ISA16 taken from the delimiters in force.
//
// Two destinations:
//   - a std::ostream (which the writer does not own): each finished segment is written to it at
//     end(), so the stream's position is always at a segment boundary (callers take rewind marks
//     from it); the writer keeps only the segment being built;
//   - its own buffer (the constructor without a stream): finished segments accumulate in the
//     writer until the caller takes them with buffered() and drops them with clear_buffered(). The
//     278 response writer holds a functional group this way until it knows whether the group stands,
//     and hands the stream one write per group instead of one per segment.
// The buffer is reused (no allocation per segment once warm). The hot calls (begin, element, end)
// are defined in this header so that literal ids and values compile to a few stores.
//
// Values are written as given. The writer does not escape (X12 has no escape character), so a
// value must not contain one of the delimiters in force; callers copying free text from an input
// with other delimiters clean it first (see respond/ack_999.hpp for IK404).
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "soc278/core/bytes.hpp"
#include "soc278/x12/delimiters.hpp"

// The writer's per-element calls are a few stores each; forced inline so that literal ids and
// values fold into them at the dozens of call sites that build one segment each.
#if defined(__GNUC__)
#define SOC278_WRITER_INLINE inline __attribute__((always_inline))
#else
#define SOC278_WRITER_INLINE inline
#endif

namespace soc278::x12 {

// The ISA fields a writer needs; ISA11 and ISA16 come from the writer's delimiters. Every field is
// padded to its fixed width (AN with trailing spaces) or cut to it, so the ISA is always 106 bytes.
struct IsaFields {
  std::string_view authorization_qualifier = "00";  // ISA01
  std::string_view authorization;                   // ISA02 (10)
  std::string_view security_qualifier = "00";       // ISA03
  std::string_view security;                        // ISA04 (10)
  std::string_view sender_qualifier = "ZZ";         // ISA05
  std::string_view sender_id;                       // ISA06 (15)
  std::string_view receiver_qualifier = "ZZ";       // ISA07
  std::string_view receiver_id;                     // ISA08 (15)
  std::string_view date;                            // ISA09 YYMMDD
  std::string_view time;                            // ISA10 HHMM
  std::string_view version = "00501";               // ISA12
  std::string_view control_number;                  // ISA13: digits are zero-padded to 9 ("4711" -> "000004711")
  std::string_view ack_requested = "0";             // ISA14
  std::string_view usage = "P";                     // ISA15
};

// Fixed length of an ISA segment including its terminator (reference 1.1).
inline constexpr std::size_t isa_length = 106;

class SegmentWriter {
 public:
  // Writes each finished segment to `out`. `line_break` is written after every segment
  // terminator: "" (one long line), "\n" or "\r\n"; not when it holds one of the delimiters in
  // force (a reader would take it for that delimiter), nor after a newline terminator.
  explicit SegmentWriter(std::ostream& out, Delimiters delimiters = {}, std::string_view line_break = {});
  // Keeps finished segments in the writer's buffer (see buffered()).
  explicit SegmentWriter(Delimiters delimiters = {}, std::string_view line_break = {});
  SegmentWriter(const SegmentWriter&) = delete;
  SegmentWriter& operator=(const SegmentWriter&) = delete;

  // Delimiters and line break may change between interchanges (each ISA declares its own).
  void set_delimiters(const Delimiters& d);
  void set_line_break(std::string_view line_break);
  [[nodiscard]] const Delimiters& delimiters() const noexcept { return delimiters_; }
  [[nodiscard]] std::string_view line_break() const noexcept { return line_break_; }

  // Starts a segment. A segment still open is ended first.
  SOC278_WRITER_INLINE SegmentWriter& begin(std::string_view id) {
    if (open_) end();
    std::size_t at = size_;
    if (capacity_ - at < id.size()) grow(id.size());
    copy_short(data_.get() + at, id.data(), id.size());
    segment_start_ = at;
    at += id.size();
    size_ = at;
    content_end_ = at;
    element_end_ = at;
    has_element_ = false;
    open_ = true;
    kind_ = id == "ST" ? Kind::st : id == "GS" ? Kind::gs : Kind::other;
    return *this;
  }
  // Starts the next element with `value` (which may be empty: an empty element in the middle).
  SOC278_WRITER_INLINE SegmentWriter& element(std::string_view value) {
    char* out = element_space(value.size());
    copy_short(out, value.data(), value.size());
    open_element(out + value.size());
    return *this;
  }
  SOC278_WRITER_INLINE SegmentWriter& element(std::uint64_t value) {
    char* out = element_space(20);
    open_element(std::to_chars(out, out + 20, value).ptr);
    return *this;
  }
  // Starts the next element with what `fill(char* out)` writes there: at most `max_size` bytes,
  // and it returns how many it wrote. For values formatted or cleaned on the way in (dates,
  // numbers, free text) without a temporary string.
  template <typename Fill>
  SOC278_WRITER_INLINE SegmentWriter& element_with(std::size_t max_size, Fill&& fill) {
    char* out = element_space(max_size);
    const std::size_t n = fill(out);
    open_element(out + n);
    return *this;
  }
  // Starts the next element as a composite of `components` (trailing empty ones dropped).
  SegmentWriter& composite(std::initializer_list<std::string_view> components);
  // Appends the next component to the current element (`element("HC").component("J1745")`).
  SOC278_WRITER_INLINE SegmentWriter& component(std::string_view value) {
    if (!has_element_) return element(value);  // the first component starts the element
    piece(delimiters_.component, value);
    return *this;
  }
  // Appends the next repetition to the current element, separated by ISA11.
  SegmentWriter& repetition(std::string_view value);
  // Ends the segment: trailing empties removed, terminator and line break written.
  SOC278_WRITER_INLINE void end() {
    if (!open_) return;
    count_segment(kind_);
    open_ = false;
    has_element_ = false;
    std::size_t at = content_end_;  // the trailing empty elements go
    size_ = at;
    if (ending_.size() <= short_ending_max) [[likely]] {
      if (capacity_ - at < sizeof short_ending_) grow(sizeof short_ending_);
      std::memcpy(data_.get() + at, short_ending_, sizeof short_ending_);  // one store; only the ending's bytes count
      size_ = at + ending_.size();
    } else {
      append_raw(ending_);
    }
    ++segments_written_;
    if (out_ != nullptr) {
      emit();
    } else {
      bytes_written_ += size_ - segment_start_;
    }
  }

  // A segment built through a Segment (segment("NM1").element(..)...end()) gives the same bytes
  // and counts as begin / element / end. Its write position lives in the Segment, a local the
  // compiler keeps in registers: the writer's own members would be reloaded after every byte
  // stored (a char store may alias anything), which made each element cost ~25 instructions.
  // While a Segment is open the writer must not be used otherwise; one dropped without end()
  // leaves nothing behind.
  class Segment;
  [[nodiscard]] SOC278_WRITER_INLINE Segment segment(std::string_view id);

  // Writes the whole ISA (fixed width). Starts a new interchange: resets the group count.
  void write_isa(const IsaFields& isa);
  // SE*<segments since the last ST, SE included>*<control>.
  void write_se(std::string_view control);
  // GE*<ST written since the last GS>*<control>.
  void write_ge(std::string_view control);
  // IEA*<GS written since the last ISA>*<control>.
  void write_iea(std::string_view control);

  // Pushes what was written to the stream's device (std::ostream::flush); nothing without a stream.
  void flush();

  // Without a stream: the finished segments written since the last clear_buffered() (a segment
  // still open is not included). Valid until the next call that writes.
  [[nodiscard]] std::string_view buffered() const noexcept {
    return {data_.get(), open_ ? segment_start_ : size_};
  }
  // Drops the buffered segments (an open segment is dropped too). Counters are kept.
  void clear_buffered() noexcept;

  [[nodiscard]] std::uint32_t segments_in_set() const noexcept { return set_segments_; }  // ST counted
  [[nodiscard]] std::uint32_t sets_in_group() const noexcept { return group_sets_; }
  [[nodiscard]] std::uint32_t groups_in_interchange() const noexcept { return interchange_groups_; }
  [[nodiscard]] std::uint64_t segments_written() const noexcept { return segments_written_; }
  [[nodiscard]] std::uint64_t bytes_written() const noexcept { return bytes_written_; }

 private:
  enum class Kind : std::uint8_t { st, gs, other };

  void grow(std::size_t n);  // makes room for n bytes after size_
  void append_raw(std::string_view s) {
    if (capacity_ - size_ < s.size()) grow(s.size());
    if (!s.empty()) std::memcpy(data_.get() + size_, s.data(), s.size());
    size_ += s.size();
  }
  // The short values segments are made of are copied without a call to memcpy.
  SOC278_WRITER_INLINE static void copy_short(char* out, const char* in, std::size_t n) noexcept { core::copy_short(out, in, n); }
  // Drops the current element's trailing empty components / repetitions, writes the element
  // separator and returns where the element's value goes, with room for `max_size` bytes.
  SOC278_WRITER_INLINE char* element_space(std::size_t max_size) {
    const std::size_t at = element_end_;
    size_ = at;
    if (capacity_ - at < max_size + 1) grow(max_size + 1);
    char* out = data_.get() + at;
    *out = delimiters_.element;
    return out + 1;
  }
  // The element's value ends at `value_end` (in the buffer).
  SOC278_WRITER_INLINE void open_element(const char* value_end) noexcept {
    const std::size_t at = static_cast<std::size_t>(value_end - data_.get());
    if (at != element_end_ + 1) content_end_ = at;  // not empty
    size_ = at;
    element_end_ = at;
    has_element_ = true;
  }
  SOC278_WRITER_INLINE void piece(char separator, std::string_view value) {
    std::size_t at = size_;
    if (capacity_ - at < value.size() + 1) grow(value.size() + 1);
    char* out = data_.get() + at;
    *out = separator;
    copy_short(out + 1, value.data(), value.size());
    at += value.size() + 1;
    size_ = at;
    if (!value.empty()) {
      element_end_ = at;
      content_end_ = at;
    }
  }
  // For Segment: keeps the bytes up to `at` (the segment being built included) and makes room for
  // `n` more; returns the buffer, which may have moved.
  char* grow_segment(std::size_t at, std::size_t n);
  // For Segment::end: the segment ends at `at` (its ending written). Counts it and emits it.
  SOC278_WRITER_INLINE void close_segment(std::size_t at, Kind kind) {
    count_segment(kind);
    size_ = at;
    ++segments_written_;
    if (out_ != nullptr) {
      emit();
    } else {
      bytes_written_ += at - segment_start_;
    }
  }
  // The counts SE01, GE01 and IEA01 are made of, for a segment that has just ended.
  SOC278_WRITER_INLINE void count_segment(Kind kind) noexcept {
    switch (kind) {
      case Kind::st:
        set_segments_ = 1;
        ++group_sets_;
        break;
      case Kind::gs:
        ++interchange_groups_;
        group_sets_ = 0;
        break;
      case Kind::other: ++set_segments_; break;
    }
  }
  void emit();  // the finished segment to out_
  void update_ending();

  static constexpr std::size_t short_ending_max = 8;
  std::ostream* out_ = nullptr;  // null: segments stay in the buffer
  Delimiters delimiters_;
  std::string line_break_;
  std::string ending_;  // segment terminator, then the line break when one applies
  char short_ending_[short_ending_max] = {};  // ending_ padded, when it fits: end() stores it in one go
  std::unique_ptr<char[]> data_;  // [0, size_): buffered segments, then the segment being built
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  std::size_t segment_start_ = 0;  // where the segment being built begins
  std::size_t element_end_ = 0;    // end of the current element's last non-empty piece (or its separator)
  std::size_t content_end_ = 0;    // end of the segment's last non-empty piece
  bool open_ = false;
  bool has_element_ = false;
  Kind kind_ = Kind::other;
  std::uint32_t set_segments_ = 0;
  std::uint32_t group_sets_ = 0;
  std::uint32_t interchange_groups_ = 0;
  std::uint64_t segments_written_ = 0;
  std::uint64_t bytes_written_ = 0;
};

// Offsets rather than pointers, so that a buffer that grows mid-segment needs only a new base.
class SegmentWriter::Segment {
 public:
  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;

  // As SegmentWriter::element / element_with / component (the same trimming rules).
  SOC278_WRITER_INLINE Segment& element(std::string_view value) {
    char* out = element_space(value.size());
    copy_short(out, value.data(), value.size());
    open_element(value.size());
    return *this;
  }
  // Most values come from std::strings: copied like any view (copy_short's overlapping loads),
  // never reading past the string's size, whatever the standard library's string layout.
  SOC278_WRITER_INLINE Segment& element(const std::string& value) { return element(std::string_view(value)); }
  // A literal would convert to both std::string_view and std::string: this says which.
  template <std::size_t N>
  SOC278_WRITER_INLINE Segment& element(const char (&text)[N]) {
    return element(std::string_view(text));
  }
  SOC278_WRITER_INLINE Segment& element(std::uint64_t value) {
    char* out = element_space(20);
    open_element(static_cast<std::size_t>(std::to_chars(out, out + 20, value).ptr - out));
    return *this;
  }
  template <typename Fill>
  SOC278_WRITER_INLINE Segment& element_with(std::size_t max_size, Fill&& fill) {
    char* out = element_space(max_size);
    open_element(fill(out));
    return *this;
  }
  SOC278_WRITER_INLINE Segment& component(std::string_view value) {
    if (!has_element_) return element(value);  // the first component starts the element
    room(value.size() + 1);
    char* out = base_ + at_;
    *out = component_;
    copy_short(out + 1, value.data(), value.size());
    at_ += value.size() + 1;
    if (!value.empty()) {
      element_end_ = at_;
      content_end_ = at_;
    }
    return *this;
  }
  // Trailing empty elements dropped, the terminator (and line break) written, the segment counted.
  SOC278_WRITER_INLINE void end() {
    std::size_t at = content_end_;
    if (writer_.ending_.size() <= short_ending_max) [[likely]] {
      room_at(at, sizeof writer_.short_ending_);
      std::memcpy(base_ + at, writer_.short_ending_, sizeof writer_.short_ending_);
      at += writer_.ending_.size();
    } else {
      room_at(at, writer_.ending_.size());
      std::memcpy(base_ + at, writer_.ending_.data(), writer_.ending_.size());
      at += writer_.ending_.size();
    }
    writer_.close_segment(at, kind_);
  }

 private:
  friend class SegmentWriter;
  SOC278_WRITER_INLINE Segment(SegmentWriter& writer, std::size_t at, Kind kind)
      : writer_(writer), base_(writer.data_.get()), capacity_(writer.capacity_), at_(at), element_end_(at), content_end_(at),
        element_(writer.delimiters_.element), component_(writer.delimiters_.component), kind_(kind) {}

  SOC278_WRITER_INLINE void room_at(std::size_t at, std::size_t n) {
    if (capacity_ - at < n) [[unlikely]] {
      base_ = writer_.grow_segment(at, n);
      capacity_ = writer_.capacity_;
    }
  }
  SOC278_WRITER_INLINE void room(std::size_t n) { room_at(at_, n); }
  SOC278_WRITER_INLINE char* element_space(std::size_t max_size) {
    at_ = element_end_;  // the current element's trailing empty components go
    room(max_size + 1);
    char* out = base_ + at_;
    *out = element_;
    ++at_;
    return out + 1;
  }
  SOC278_WRITER_INLINE void open_element(std::size_t size) {
    at_ += size;
    element_end_ = at_;
    if (size != 0) content_end_ = at_;
    has_element_ = true;
  }

  SegmentWriter& writer_;
  char* base_;
  std::size_t capacity_;
  std::size_t at_;           // where the next byte goes
  std::size_t element_end_;  // end of the current element's last non-empty piece (or its separator)
  std::size_t content_end_;  // end of the segment's last non-empty piece
  char element_;
  char component_;
  bool has_element_ = false;
  Kind kind_;
};

SOC278_WRITER_INLINE SegmentWriter::Segment SegmentWriter::segment(std::string_view id) {
  if (open_) end();
  const std::size_t at = size_;
  if (capacity_ - at < id.size()) grow(id.size());
  copy_short(data_.get() + at, id.data(), id.size());
  segment_start_ = at;
  return Segment(*this, at + id.size(), id == "ST" ? Kind::st : id == "GS" ? Kind::gs : Kind::other);
}

}  // namespace soc278::x12

#undef SOC278_WRITER_INLINE

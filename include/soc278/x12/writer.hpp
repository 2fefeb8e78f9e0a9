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
// Memory: the writer owns one small buffer for the segment being built (reused, so no allocation
// per segment once warm) and writes each finished segment to the std::ostream it was given, which
// it does not own. Nothing else is kept: a 999 for a 100k-set group streams out as it is written;
// flush() pushes the stream's own buffer to its device.
//
// Values are written as given. The writer does not escape (X12 has no escape character), so a
// value must not contain one of the delimiters in force; callers copying free text from an input
// with other delimiters clean it first (see respond/ack_999.hpp for IK404).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <string_view>

#include "soc278/x12/delimiters.hpp"

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
  // `line_break` is written after every segment terminator: "" (one long line), "\n" or "\r\n".
  explicit SegmentWriter(std::ostream& out, Delimiters delimiters = {}, std::string_view line_break = {});

  // Delimiters and line break may change between interchanges (each ISA declares its own).
  void set_delimiters(const Delimiters& d) noexcept { delimiters_ = d; }
  void set_line_break(std::string_view line_break) { line_break_ = line_break; }
  [[nodiscard]] const Delimiters& delimiters() const noexcept { return delimiters_; }
  [[nodiscard]] std::string_view line_break() const noexcept { return line_break_; }

  // Starts a segment. A segment still open is ended first.
  SegmentWriter& begin(std::string_view id);
  // Starts the next element with `value` (which may be empty: an empty element in the middle).
  SegmentWriter& element(std::string_view value);
  SegmentWriter& element(std::uint64_t value);
  // Starts the next element as a composite of `components` (trailing empty ones dropped).
  SegmentWriter& composite(std::initializer_list<std::string_view> components);
  // Appends the next component to the current element (`element("HC").component("J1745")`).
  SegmentWriter& component(std::string_view value);
  // Appends the next repetition to the current element, separated by ISA11.
  SegmentWriter& repetition(std::string_view value);
  // Ends the segment: trailing empties removed, terminator and line break written.
  void end();

  // Writes the whole ISA (fixed width). Starts a new interchange: resets the group count.
  void write_isa(const IsaFields& isa);
  // SE*<segments since the last ST, SE included>*<control>.
  void write_se(std::string_view control);
  // GE*<ST written since the last GS>*<control>.
  void write_ge(std::string_view control);
  // IEA*<GS written since the last ISA>*<control>.
  void write_iea(std::string_view control);

  // Pushes what was written to the stream's device (std::ostream::flush).
  void flush();

  [[nodiscard]] std::uint32_t segments_in_set() const noexcept { return set_segments_; }  // ST counted
  [[nodiscard]] std::uint32_t sets_in_group() const noexcept { return group_sets_; }
  [[nodiscard]] std::uint32_t groups_in_interchange() const noexcept { return interchange_groups_; }
  [[nodiscard]] std::uint64_t segments_written() const noexcept { return segments_written_; }
  [[nodiscard]] std::uint64_t bytes_written() const noexcept { return bytes_written_; }

 private:
  void close_element() noexcept;
  void piece(char separator, std::string_view value);
  void emit();
  void append_line_break();

  std::ostream& out_;
  Delimiters delimiters_;
  std::string line_break_;
  std::string segment_;          // the segment being built, reused
  std::size_t id_length_ = 0;
  bool open_ = false;
  bool has_element_ = false;
  std::size_t element_start_ = 0;  // index of the separator opening the current element
  std::size_t element_end_ = 0;    // end of the current element's last non-empty piece
  std::size_t content_end_ = 0;    // end of the segment's last non-empty element
  std::uint32_t set_segments_ = 0;
  std::uint32_t group_sets_ = 0;
  std::uint32_t interchange_groups_ = 0;
  std::uint64_t segments_written_ = 0;
  std::uint64_t bytes_written_ = 0;
};

}  // namespace soc278::x12

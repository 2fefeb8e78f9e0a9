#include "soc278/x12/writer.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <ostream>

namespace soc278::x12 {
namespace {

// ISA fields are fixed width: AN values are cut or padded with trailing spaces (reference 1.1).
void append_fixed(std::string& out, std::string_view value, std::size_t width) {
  value = value.substr(0, std::min(value.size(), width));
  out.append(value);
  out.append(width - value.size(), ' ');
}

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

SegmentWriter::SegmentWriter(std::ostream& out, Delimiters delimiters, std::string_view line_break)
    : out_(out), delimiters_(delimiters), line_break_(line_break) {
  segment_.reserve(256);
}

SegmentWriter& SegmentWriter::begin(std::string_view id) {
  if (open_) end();
  segment_.assign(id);
  id_length_ = id.size();
  content_end_ = id.size();
  has_element_ = false;
  open_ = true;
  return *this;
}

void SegmentWriter::close_element() noexcept {
  if (!has_element_) return;
  // Drop the current element's trailing empty components / repetitions; keep its own separator
  // so that an empty element in the middle stays a pair of adjacent separators.
  segment_.resize(element_end_);
  if (element_end_ > element_start_ + 1) content_end_ = element_end_;
}

SegmentWriter& SegmentWriter::element(std::string_view value) {
  close_element();
  segment_.push_back(delimiters_.element);
  element_start_ = segment_.size() - 1;
  segment_.append(value);
  element_end_ = segment_.size();
  has_element_ = true;
  return *this;
}

SegmentWriter& SegmentWriter::element(std::uint64_t value) {
  std::array<char, 24> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  return element(std::string_view(buf.data(), static_cast<std::size_t>(r.ptr - buf.data())));
}

SegmentWriter& SegmentWriter::composite(std::initializer_list<std::string_view> components) {
  bool first = true;
  for (std::string_view c : components) {
    if (first) {
      element(c);
      first = false;
    } else {
      piece(delimiters_.component, c);
    }
  }
  if (first) element(std::string_view{});
  return *this;
}

void SegmentWriter::piece(char separator, std::string_view value) {
  segment_.push_back(separator);
  segment_.append(value);
  if (!value.empty()) element_end_ = segment_.size();
}

SegmentWriter& SegmentWriter::component(std::string_view value) {
  if (!has_element_) return element(value);  // the first component starts the element
  piece(delimiters_.component, value);
  return *this;
}

SegmentWriter& SegmentWriter::repetition(std::string_view value) {
  if (!has_element_) return element(value);
  // An interchange without a repetition separator (ISA12 < 00402) cannot repeat an element; the
  // repetition is dropped rather than written with a character the reader would take as data.
  if (delimiters_.repetition == '\0') return *this;
  piece(delimiters_.repetition, value);
  return *this;
}

void SegmentWriter::end() {
  if (!open_) return;
  close_element();
  segment_.resize(content_end_);
  const std::string_view id(segment_.data(), id_length_);
  if (id == "ST") {
    set_segments_ = 1;
    ++group_sets_;
  } else if (id == "GS") {
    ++interchange_groups_;
    group_sets_ = 0;
  } else {
    ++set_segments_;
  }
  segment_.push_back(delimiters_.segment);
  append_line_break();
  emit();
  open_ = false;
  has_element_ = false;
}

void SegmentWriter::append_line_break() {
  // A newline terminator already ends the line: a line break after it would be an empty segment.
  if (line_break_.empty() || delimiters_.segment == '\n' || line_break_.front() == delimiters_.segment) return;
  segment_.append(line_break_);
}

void SegmentWriter::emit() {
  out_.write(segment_.data(), static_cast<std::streamsize>(segment_.size()));
  bytes_written_ += segment_.size();
  ++segments_written_;
}

void SegmentWriter::write_isa(const IsaFields& isa) {
  if (open_) end();
  const char e = delimiters_.element;
  segment_.assign("ISA");
  segment_.push_back(e);
  append_fixed(segment_, isa.authorization_qualifier, 2);
  segment_.push_back(e);
  append_fixed(segment_, isa.authorization, 10);
  segment_.push_back(e);
  append_fixed(segment_, isa.security_qualifier, 2);
  segment_.push_back(e);
  append_fixed(segment_, isa.security, 10);
  segment_.push_back(e);
  append_fixed(segment_, isa.sender_qualifier, 2);
  segment_.push_back(e);
  append_fixed(segment_, isa.sender_id, 15);
  segment_.push_back(e);
  append_fixed(segment_, isa.receiver_qualifier, 2);
  segment_.push_back(e);
  append_fixed(segment_, isa.receiver_id, 15);
  segment_.push_back(e);
  append_fixed(segment_, isa.date, 6);
  segment_.push_back(e);
  append_fixed(segment_, isa.time, 4);
  segment_.push_back(e);
  // ISA11 is a repetition separator only from ISA12 00402 on; older interchanges carry 'U' there
  // (reference 1.1). Without a repetition separator 'U' is the only meaningful value.
  segment_.push_back(delimiters_.repetition != '\0' ? delimiters_.repetition : 'U');
  segment_.push_back(e);
  append_fixed(segment_, isa.version, 5);
  segment_.push_back(e);
  if (all_digits(isa.control_number) && isa.control_number.size() <= 9) {
    segment_.append(9 - isa.control_number.size(), '0');  // ISA13 is N0 with a fixed width of 9
    segment_.append(isa.control_number);
  } else {
    append_fixed(segment_, isa.control_number, 9);
  }
  segment_.push_back(e);
  append_fixed(segment_, isa.ack_requested, 1);
  segment_.push_back(e);
  append_fixed(segment_, isa.usage, 1);
  segment_.push_back(e);
  segment_.push_back(delimiters_.component);  // ISA16
  segment_.push_back(delimiters_.segment);
  append_line_break();
  emit();
  interchange_groups_ = 0;
  group_sets_ = 0;
  set_segments_ = 0;
}

void SegmentWriter::write_se(std::string_view control) {
  if (open_) end();
  // SE01 counts every segment from ST to SE inclusive (reference 5.10): those written plus SE.
  begin("SE").element(static_cast<std::uint64_t>(set_segments_) + 1).element(control).end();
}

void SegmentWriter::write_ge(std::string_view control) {
  if (open_) end();
  const std::uint64_t sets = group_sets_;
  begin("GE").element(sets).element(control).end();
}

void SegmentWriter::write_iea(std::string_view control) {
  if (open_) end();
  const std::uint64_t groups = interchange_groups_;
  begin("IEA").element(groups).element(control).end();
}

void SegmentWriter::flush() { out_.flush(); }

}  // namespace soc278::x12

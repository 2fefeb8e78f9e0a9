#include "soc278/x12/writer.hpp"

#include <algorithm>
#include <ostream>

namespace soc278::x12 {
namespace {

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

SegmentWriter::SegmentWriter(std::ostream& out, Delimiters delimiters, std::string_view line_break)
    : SegmentWriter(delimiters, line_break) {
  out_ = &out;
}

SegmentWriter::SegmentWriter(Delimiters delimiters, std::string_view line_break)
    : delimiters_(delimiters), line_break_(line_break) {
  grow(256);
  update_ending();
}

void SegmentWriter::set_delimiters(const Delimiters& d) {
  delimiters_ = d;
  update_ending();
}

void SegmentWriter::set_line_break(std::string_view line_break) {
  line_break_ = line_break;
  update_ending();
}

void SegmentWriter::update_ending() {
  ending_.assign(1, delimiters_.segment);
  // A newline terminator already ends the line: a line break after it would be an empty segment.
  // A line break holding any delimiter (CR or LF as the element, component or repetition separator)
  // would be read as one: then none is written.
  const auto delimiter = [this](char c) {
    return c == delimiters_.segment || c == delimiters_.element || c == delimiters_.component ||
           (delimiters_.repetition != '\0' && c == delimiters_.repetition);
  };
  if (!line_break_.empty() && std::none_of(line_break_.begin(), line_break_.end(), delimiter)) ending_.append(line_break_);
  std::memset(short_ending_, 0, sizeof short_ending_);
  std::memcpy(short_ending_, ending_.data(), std::min(ending_.size(), sizeof short_ending_));
}

void SegmentWriter::grow(std::size_t n) {
  if (capacity_ - size_ >= n) return;
  // Doubling keeps a group buffered for the 278 response at amortised constant cost per byte.
  const std::size_t capacity = std::max({capacity_ * 2, size_ + n, std::size_t{256}});
  auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
  if (size_ != 0) std::memcpy(bigger.get(), data_.get(), size_);
  data_ = std::move(bigger);
  capacity_ = capacity;
}

char* SegmentWriter::grow_segment(std::size_t at, std::size_t n) {
  // grow() keeps [0, size_): the open segment's bytes must move too, but they are not the
  // writer's until Segment::end (a Segment dropped without it leaves nothing).
  const std::size_t finished = size_;
  size_ = at;
  grow(n);
  size_ = finished;
  return data_.get();
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

SegmentWriter& SegmentWriter::repetition(std::string_view value) {
  if (!has_element_) return element(value);
  // An interchange without a repetition separator (ISA12 < 00402) cannot repeat an element; the
  // repetition is dropped rather than written with a character the reader would take as data.
  if (delimiters_.repetition == '\0') return *this;
  piece(delimiters_.repetition, value);
  return *this;
}

void SegmentWriter::emit() {
  // In stream mode the buffer holds only this segment, from 0.
  out_->write(data_.get(), static_cast<std::streamsize>(size_));
  bytes_written_ += size_;
  size_ = 0;
}

void SegmentWriter::clear_buffered() noexcept {
  size_ = 0;
  segment_start_ = 0;
  element_end_ = 0;
  content_end_ = 0;
  open_ = false;
  has_element_ = false;
}

void SegmentWriter::write_isa(const IsaFields& isa) {
  if (open_) end();
  segment_start_ = size_;
  // ISA fields are fixed width: AN values are cut or padded with trailing spaces (reference 1.1).
  const auto fixed = [this](std::string_view value, std::size_t width) {
    value = value.substr(0, std::min(value.size(), width));
    grow(width + 1);
    data_[size_++] = delimiters_.element;
    if (!value.empty()) std::memcpy(data_.get() + size_, value.data(), value.size());
    std::memset(data_.get() + size_ + value.size(), ' ', width - value.size());
    size_ += width;
  };
  append_raw("ISA");
  fixed(isa.authorization_qualifier, 2);
  fixed(isa.authorization, 10);
  fixed(isa.security_qualifier, 2);
  fixed(isa.security, 10);
  fixed(isa.sender_qualifier, 2);
  fixed(isa.sender_id, 15);
  fixed(isa.receiver_qualifier, 2);
  fixed(isa.receiver_id, 15);
  fixed(isa.date, 6);
  fixed(isa.time, 4);
  // ISA11 is a repetition separator only from ISA12 00402 on; older interchanges carry 'U' there
  // (reference 1.1). Without a repetition separator 'U' is the only meaningful value.
  fixed(std::string_view(delimiters_.repetition != '\0' ? &delimiters_.repetition : "U", 1), 1);
  fixed(isa.version, 5);
  if (all_digits(isa.control_number) && isa.control_number.size() <= 9) {
    // ISA13 is N0 with a fixed width of 9: zero-padded on the left.
    grow(10);
    data_[size_++] = delimiters_.element;
    std::memset(data_.get() + size_, '0', 9 - isa.control_number.size());
    std::memcpy(data_.get() + size_ + 9 - isa.control_number.size(), isa.control_number.data(), isa.control_number.size());
    size_ += 9;
  } else {
    fixed(isa.control_number, 9);
  }
  fixed(isa.ack_requested, 1);
  fixed(isa.usage, 1);
  fixed(std::string_view(&delimiters_.component, 1), 1);  // ISA16
  append_raw(ending_);
  ++segments_written_;
  if (out_ != nullptr) {
    emit();
  } else {
    bytes_written_ += size_ - segment_start_;
  }
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

void SegmentWriter::flush() {
  if (out_ != nullptr) out_->flush();
}

}  // namespace soc278::x12

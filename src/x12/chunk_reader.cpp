#include "soc278/x12/chunk_reader.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstring>

#include "x12/grammar/grammar.hpp"
#include "x12/reader_fast.hpp"

namespace soc278::x12 {
namespace {

constexpr std::size_t isa_length = 106;  // fixed: 105 bytes of ISA plus the segment terminator

// The reader's byte classes, shared with the inline fast path (chunk_reader.hpp).
inline bool is_alnum(char c) noexcept { return detail::reader_alnum(c); }
inline bool is_space(char c) noexcept { return detail::reader_space(c); }
using detail::valid_segment_id;

// A short, printable rendering of bytes for messages: never more than 24 characters.
std::string preview(const char* p, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < std::min<std::size_t>(n, 16); ++i) {
    const unsigned char c = static_cast<unsigned char>(p[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  if (n > 16) out += "...";
  return out;
}

// Says what the bytes look like, so the error tells an analyst more than "not X12".
std::string describe_non_x12(const char* p, std::size_t n) {
  if (n >= 3 && p[0] == 'S' && p[1] == 'T' && !is_alnum(p[2]))
    return "a bare transaction set (ST) without the ISA/GS envelope";
  if (n >= 1 && (p[0] == '{' || p[0] == '[')) return "what looks like JSON";
  if (n >= 1 && p[0] == '<') return "what looks like XML or HTML";
  if (std::memchr(p, '\0', std::min<std::size_t>(n, 64)) != nullptr) return "binary data";
  return "text that is not an X12 segment";
}

}  // namespace

// The reader's common case (chunk_reader.hpp), with SegmentView::scan inlined (reader_fast.hpp).
bool ChunkReader::next_fast(SegmentView& out) noexcept { return detail::ReaderFastPath::fast(*this, out); }

ChunkReader::ChunkReader(ByteSource& source, ReaderOptions options) : source_(source), options_(options) {
  if (options_.chunk_size == 0) options_.chunk_size = 1;
  // One chunk plus the longest segment we accept plus an ISA: a segment that starts at the end of
  // a chunk always fits after the carry-over. The buffer never grows after this.
  buffer_.resize(options_.chunk_size + options_.max_segment_length + isa_length + 512);
}

bool ChunkReader::fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    const std::size_t keep = end_ - pos_;
    std::memmove(buffer_.data(), buffer_.data() + pos_, keep);
    base_offset_ += pos_;
    end_ = keep;
    pos_ = 0;
  }
  const std::size_t room = std::min(options_.chunk_size, buffer_.size() - end_);
  if (room == 0) return false;
  const std::ptrdiff_t n = source_.read(buffer_.data() + end_, room);
  if (n < 0) {
    io_failed_ = true;
    eof_ = true;
    return false;
  }
  if (n == 0) {
    eof_ = true;
    return false;
  }
  end_ += static_cast<std::size_t>(n);
  bytes_read_ += static_cast<std::uint64_t>(n);
  return true;
}

bool ChunkReader::ensure(std::size_t n) {
  while (available() < n) {
    if (!fill()) return available() >= n;
  }
  return true;
}

void ChunkReader::report(core::DiagnosticSink& sink, core::DiagCode code, std::uint64_t at, std::string_view seg,
                         std::string message) const {
  core::SourcePosition p;
  p.file = options_.file;
  p.byte_offset = at;
  p.segment_in_file = ordinal_ + 1;
  sink.report(core::make_diagnostic(code, p, seg, std::move(message)));
}

void ChunkReader::skip_whitespace() {
  for (;;) {
    while (pos_ < end_) {
      const char c = buffer_[pos_];
      if (!is_space(c) || (have_delimiters_ && (c == delimiters_.segment || c == delimiters_.element))) return;
      ++pos_;
    }
    if (!fill()) return;
  }
}

void ChunkReader::scan_for_isa(core::DiagnosticSink& sink) {
  if (!in_garbage_) {
    ensure(64);
    const std::size_t n = std::min<std::size_t>(available(), 64);
    const char* p = buffer_.data() + pos_;
    report(sink, core::DiagCode::input_not_x12, offset_here(), "",
           fmt::format("expected an ISA interchange header, found {} ('{}'); skipping to the next ISA",
                       describe_non_x12(p, n), preview(p, n)));
    in_garbage_ = true;
  }
  // Move on to the next "ISA" in bounded memory: keep at most two bytes that could start one. The
  // byte at the starting position is not an ISA (or not one that reads); the two bytes kept over a
  // refill were never tried, so an "ISA" that starts there (split by the chunk boundary) counts.
  for (bool first = true;; first = false) {
    const char* begin = buffer_.data() + pos_;
    const char* end = buffer_.data() + end_;
    for (const char* q = begin; q + 3 <= end; ++q) {
      q = static_cast<const char*>(std::memchr(q, 'I', static_cast<std::size_t>(end - q)));
      if (q == nullptr || q + 3 > end) break;
      if (q[1] == 'S' && q[2] == 'A' && (q != begin || !first)) {
        pos_ = static_cast<std::size_t>(q - buffer_.data());
        return;
      }
    }
    pos_ = end_ - std::min<std::size_t>(available(), 2);
    if (!fill()) {
      pos_ = end_;
      return;
    }
  }
}

bool ChunkReader::read_isa(SegmentView& out, core::DiagnosticSink& sink) {
  const std::uint64_t at = offset_here();
  ensure(isa_length);
  const char* p = buffer_.data() + pos_;
  std::size_t avail = available();
  const char sep = avail > 3 ? p[3] : '\0';
  Delimiters d;
  d.element = sep;
  std::size_t length = isa_length;
  const bool fixed = avail >= isa_length && grammar::isa_fixed_layout(std::string_view(p, isa_length), sep);
  if (fixed) {
    d.component = p[104];
    d.segment = p[105];
  } else {
    // Not fixed width (e.g. unpadded fields): find ISA16 as the byte after the 16th separator, within
    // 200 bytes more than an ISA, whatever the chunk boundaries (read them in first).
    ensure(isa_length + 200);
    p = buffer_.data() + pos_;
    avail = available();
    std::size_t seps = 0;
    std::size_t i = 3;
    const std::size_t limit = std::min<std::size_t>(avail, isa_length + 200);
    for (; i < limit && seps < 16; ++i) seps += (p[i] == sep);
    if (seps < 16 || i + 1 >= limit) {
      if (avail < isa_length && eof_) {
        report(sink, core::DiagCode::x12_isa_truncated, at, "ISA",
               fmt::format("the input ends {} bytes into an ISA header; an ISA is 106 bytes", avail));
      } else {
        report(sink, core::DiagCode::x12_isa_not_fixed_width, at, "ISA",
               fmt::format("expected 16 ISA elements separated by '{}' within {} bytes, found {}; skipping to the next ISA",
                           preview(&sep, 1), limit, seps));
      }
      pos_ += std::min<std::size_t>(3, avail);
      in_garbage_ = true;
      return false;
    }
    d.component = p[i];
    d.segment = p[i + 1];
    length = i + 2;
  }
  const bool distinct = d.element != d.component && d.element != d.segment && d.component != d.segment;
  if (is_alnum(d.element) || is_alnum(d.component) || is_alnum(d.segment) || !distinct || d.element == ' ') {
    report(sink, core::DiagCode::x12_delimiters_invalid, at, "ISA",
           fmt::format("expected distinct non-alphanumeric delimiters, found element '{}', component '{}', segment '{}'; "
                       "skipping to the next ISA",
                       preview(&d.element, 1), preview(&d.component, 1), preview(&d.segment, 1)));
    pos_ += 3;
    in_garbage_ = true;
    return false;
  }
  if (!fixed) {
    report(sink, core::DiagCode::x12_isa_not_fixed_width, at, "ISA",
           fmt::format("expected a fixed-width ISA of 106 bytes, found {} bytes (fields not padded); read by splitting on '{}'",
                       length, preview(&sep, 1)));
  }
  const std::size_t body = length - 1;
  if (!out.assign(p, body, d, at, ordinal_ + 1)) {
    // Cannot happen with 16 separators; keep the reader honest anyway.
    report(sink, core::DiagCode::x12_too_many_elements, at, "ISA", "ISA has more than 16 elements");
  }
  // ISA11 is a repetition separator only from ISA12 00402 on; older files put data (e.g. 'U') there.
  const std::string_view version = out.element(12);
  const std::string_view rep = out.element(11);
  d.repetition = '\0';
  if (version >= std::string_view("00402") && rep.size() == 1 && !is_alnum(rep[0]) && rep[0] != ' ' &&
      rep[0] != d.element && rep[0] != d.component && rep[0] != d.segment) {
    d.repetition = rep[0];
  }
  (void)out.assign(p, body, d, at, ordinal_ + 1);
  delimiters_ = d;
  have_delimiters_ = true;
  in_garbage_ = false;
  bad_id_run_ = false;
  isa_.authorization_qualifier = out.element(1);
  isa_.authorization = out.element(2);
  isa_.security_qualifier = out.element(3);
  isa_.security = out.element(4);
  isa_.sender_qualifier = out.element(5);
  isa_.sender_id = out.element(6);
  isa_.receiver_qualifier = out.element(7);
  isa_.receiver_id = out.element(8);
  isa_.date = out.element(9);
  isa_.time = out.element(10);
  isa_.repetition_field = out.element(11);
  isa_.version = out.element(12);
  isa_.control_number = out.element(13);
  isa_.ack_requested = out.element(14);
  isa_.usage = out.element(15);
  isa_.delimiters = d;
  isa_.fixed_width = fixed;
  pos_ += length;
  scanned_ = 0;
  ++ordinal_;
  return true;
}

ReadStatus ChunkReader::next_general(SegmentView& out, core::DiagnosticSink& sink) {
  const ReadStatus status = next_slow(out, sink);
  fast_ready_ = started_ && have_delimiters_ && !in_garbage_ && !skipping_long_ && !bad_id_run_ && scanned_ == 0;
  return status;
}

ReadStatus ChunkReader::next_slow(SegmentView& out, core::DiagnosticSink& sink) {
  if (!started_) {
    started_ = true;
    ensure(3);
    if (available() >= 3 && std::memcmp(buffer_.data() + pos_, "\xEF\xBB\xBF", 3) == 0) pos_ += 3;
  }
  for (;;) {
    if (skipping_long_) {
      const char* begin = buffer_.data() + pos_;
      const void* t = std::memchr(begin, delimiters_.segment, available());
      if (t == nullptr) {
        pos_ = end_;
        if (!fill()) {
          skipping_long_ = false;
          return ReadStatus::end;
        }
        continue;
      }
      pos_ = static_cast<std::size_t>(static_cast<const char*>(t) - buffer_.data()) + 1;
      skipping_long_ = false;
      ++ordinal_;
      continue;
    }
    if (available() == 0 || is_space(buffer_[pos_])) skip_whitespace();
    if (available() == 0) {
      if (io_failed_) {
        report(sink, core::DiagCode::input_io_error, offset_here(), "", "the input could not be read to its end");
      } else if (bytes_read_ == 0) {
        report(sink, core::DiagCode::input_empty, 0, "", "expected an X12 interchange, found an empty input");
      } else if (!have_delimiters_ && !in_garbage_) {
        report(sink, core::DiagCode::input_not_x12, offset_here(), "",
               "expected an ISA interchange header, found only whitespace");
      }
      return ReadStatus::end;
    }
    if (available() < 4) ensure(4);
    const char* p = buffer_.data() + pos_;
    const bool looks_like_isa = available() >= 4 && p[0] == 'I' && p[1] == 'S' && p[2] == 'A' && !is_alnum(p[3]);
    if (looks_like_isa) {
      if (read_isa(out, sink)) return ReadStatus::segment;
      continue;
    }
    if (!have_delimiters_ || in_garbage_) {
      scan_for_isa(sink);
      continue;
    }
    // Fast path: the whole segment is in the buffer; one pass finds separators and terminator.
    if (scanned_ == 0) {
      const std::uint64_t at = offset_here();
      const auto r = out.scan(p, std::min(available(), options_.max_segment_length + 2), delimiters_, at, ordinal_ + 1);
      if (r.found && r.length <= options_.max_segment_length) {
        std::size_t body = r.length;
        pos_ += r.length + 1;
        if (delimiters_.segment == '\n' && body > 0 && p[body - 1] == '\r') out.shorten(--body);
        return finish_segment(out, sink, r.fits);
      }
    }
    // Slow path: find the terminator, refilling as needed, without rescanning.
    const void* t = nullptr;
    for (;;) {
      const char* from = buffer_.data() + pos_ + scanned_;
      t = std::memchr(from, delimiters_.segment, available() - scanned_);
      if (t != nullptr) break;
      scanned_ = available();
      if (available() > options_.max_segment_length) break;
      if (!fill()) break;
    }
    p = buffer_.data() + pos_;  // fill() may have moved the data to the front of the buffer
    const std::uint64_t at = offset_here();
    std::size_t length = 0;
    if (t == nullptr) {
      if (available() > options_.max_segment_length) {
        report(sink, core::DiagCode::x12_segment_too_long, at,
               std::string_view(buffer_.data() + pos_, std::min<std::size_t>(3, available())),
               fmt::format("expected a segment terminator '{}' within {} bytes, found none; skipped to the next terminator",
                           preview(&delimiters_.segment, 1), options_.max_segment_length));
        skipping_long_ = true;
        scanned_ = 0;
        pos_ = end_;
        continue;
      }
      // End of input inside a segment: deliver what is there (many senders omit the last terminator).
      length = available();
      while (length > 0 && is_space(buffer_[pos_ + length - 1])) --length;
      report(sink, core::DiagCode::x12_missing_final_terminator, at,
             std::string_view(buffer_.data() + pos_, std::min<std::size_t>(3, length)),
             fmt::format("expected a segment terminator '{}' after the last segment, found the end of the input",
                         preview(&delimiters_.segment, 1)));
      pos_ = end_;
    } else {
      length = static_cast<std::size_t>(static_cast<const char*>(t) - p);
      pos_ += length + 1;
    }
    scanned_ = 0;
    std::size_t body = length;
    if (delimiters_.segment == '\n' && body > 0 && p[body - 1] == '\r') --body;  // CRLF with a newline terminator
    const std::uint64_t ordinal = ordinal_ + 1;
    if (body > options_.max_segment_length) {
      // Found within one chunk but still over the limit: the same rule whatever the chunking.
      report(sink, core::DiagCode::x12_segment_too_long, at, std::string_view(p, std::min<std::size_t>(3, body)),
             fmt::format("expected a segment terminator '{}' within {} bytes, found none; skipped to the next terminator",
                         preview(&delimiters_.segment, 1), options_.max_segment_length));
      ++ordinal_;
      continue;
    }
    return finish_segment(out, sink, out.assign(p, body, delimiters_, at, ordinal));
  }
}

ReadStatus ChunkReader::finish_segment(SegmentView& out, core::DiagnosticSink& sink, bool fits) {
  const std::string_view id = out.id();
  if (fits && !bad_id_run_ && valid_segment_id(id)) [[likely]] {
    ++ordinal_;
    return ReadStatus::segment;
  }
  if (!valid_segment_id(id)) {
    if (!bad_id_run_) {
      report(sink, core::DiagCode::x12_segment_id_invalid, out.byte_offset(), "",
             fmt::format("expected a segment id of 2-3 upper-case letters or digits, found '{}'", preview(id.data(), id.size())));
    }
    bad_id_run_ = true;
  } else {
    bad_id_run_ = false;
  }
  if (!fits) {
    report(sink, core::DiagCode::x12_too_many_elements, out.byte_offset(), id,
           fmt::format("expected at most {} elements, found more; the rest are ignored", SegmentView::max_elements - 1));
  }
  ++ordinal_;
  return ReadStatus::segment;
}

}  // namespace soc278::x12

// soc278/x12/chunk_reader.hpp
//
// Provides ChunkReader: bytes -> segments, in constant memory. It pulls fixed chunks (64 KiB by
// default) from a ByteSource into one buffer and hands out SegmentViews into it. A view is valid
// until the next call to next(). Delimiters come from each ISA as it is met, so a file may hold
// several interchanges with different delimiter sets.
//
// Tolerated and silent: a UTF-8 BOM and whitespace before the first ISA, CR / LF / CRLF (and
// indentation) between segments, a CR before a newline terminator.
// Reported, then carried on: anything before an ISA that is not one (one input.not_x12 per run of
// such bytes), an ISA that is not fixed width (read by splitting instead), a segment longer than
// max_segment_length (skipped up to its terminator: the buffer never grows), a bad segment id, a
// segment with more elements than SegmentView holds, a missing terminator at the very end.
//
// The reader knows nothing of GS/ST: EnvelopeReader (envelope.hpp) checks the envelopes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "soc278/core/diagnostic.hpp"
#include "soc278/x12/byte_source.hpp"
#include "soc278/x12/delimiters.hpp"
#include "soc278/x12/segment.hpp"

namespace soc278::x12 {

struct ReaderOptions {
  std::size_t chunk_size = 64 * 1024;
  std::size_t max_segment_length = 16 * 1024;  // longer segments are errors (Beast's header_limit idea)
  std::uint32_t file = 0;                      // FileTable index stamped on every position
};

enum class ReadStatus : std::uint8_t {
  segment,  // `out` holds the next segment
  end,      // no more segments (end of input, or an I/O error already reported)
};

// The ISA as read, fields copied (each fits std::string's small buffer: no allocation).
struct IsaHeader {
  std::string authorization_qualifier, authorization, security_qualifier, security;  // ISA01-04
  std::string sender_qualifier, sender_id, receiver_qualifier, receiver_id;          // ISA05-08, as sent (padded)
  std::string date, time;                                                            // ISA09 YYMMDD, ISA10 HHMM
  std::string repetition_field;                                                      // ISA11 as sent
  std::string version, control_number, ack_requested, usage;                         // ISA12-15
  Delimiters delimiters;
  bool fixed_width = true;  // false: read by splitting (x12.isa_not_fixed_width was reported)
};

namespace detail {
struct ReaderFastPath;  // src/x12/reader_fast.hpp: next() with next_fast() inlined, for EnvelopeReader::run
}  // namespace detail

class ChunkReader {
 public:
  explicit ChunkReader(ByteSource& source, ReaderOptions options = {});

  // The common case costs one call (next_fast()); anything else takes next_general().
  // EnvelopeReader::run inlines the common case (src/x12/reader_fast.hpp).
  // [[nodiscard]] first: clang refuses a standard attribute after a GNU one.
  [[nodiscard]]
#if defined(__GNUC__)
  __attribute__((always_inline))
#endif
  ReadStatus next(SegmentView& out, core::DiagnosticSink& sink) {
    if (fast_ready_ && next_fast(out)) [[likely]] return ReadStatus::segment;
    return next_general(out, sink);
  }

  // The ISA most recently returned by next() (valid once an ISA segment was returned).
  [[nodiscard]] const IsaHeader& isa() const noexcept { return isa_; }
  [[nodiscard]] bool seen_isa() const noexcept { return have_delimiters_; }
  [[nodiscard]] std::uint64_t bytes_read() const noexcept { return bytes_read_; }
  [[nodiscard]] std::uint64_t segments_read() const noexcept { return ordinal_; }
  [[nodiscard]] bool io_failed() const noexcept { return io_failed_; }
  [[nodiscard]] std::uint32_t file() const noexcept { return options_.file; }

 private:
  friend struct detail::ReaderFastPath;
  // The state of almost every call: delimiters known, nothing pending, the next segment (after
  // the line break most files put after a terminator) whole in the buffer, not an ISA, with a
  // valid id and not too many elements. Then it is read, and true returned; otherwise nothing
  // changes but `out`, and next_general() reads it from pos_ as if this had not been tried.
  [[nodiscard]] bool next_fast(SegmentView& out) noexcept;
  // Everything else: the first call, ISA, garbage, refills, over-long segments, findings. It
  // recomputes fast_ready_ before it returns (it alone changes what that depends on).
  ReadStatus next_general(SegmentView& out, core::DiagnosticSink& sink);
  ReadStatus next_slow(SegmentView& out, core::DiagnosticSink& sink);
  bool fill();
  bool ensure(std::size_t n);
  [[nodiscard]] std::size_t available() const noexcept { return end_ - pos_; }
  [[nodiscard]] std::uint64_t offset_here() const noexcept { return base_offset_ + pos_; }
  void skip_whitespace();
  bool read_isa(SegmentView& out, core::DiagnosticSink& sink);
  void scan_for_isa(core::DiagnosticSink& sink);
  ReadStatus finish_segment(SegmentView& out, core::DiagnosticSink& sink, bool fits);
  void report(core::DiagnosticSink& sink, core::DiagCode code, std::uint64_t at, std::string_view seg,
              std::string message) const;

  ByteSource& source_;
  ReaderOptions options_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::size_t scanned_ = 0;         // bytes after pos_ already searched for a terminator
  std::uint64_t base_offset_ = 0;   // file offset of buffer_[0]
  std::uint64_t bytes_read_ = 0;
  std::uint64_t ordinal_ = 0;
  bool eof_ = false;
  bool io_failed_ = false;
  bool started_ = false;            // BOM check done
  bool have_delimiters_ = false;    // an ISA has been read
  bool in_garbage_ = false;         // inside a run of non-X12 bytes already reported
  bool skipping_long_ = false;      // discarding an over-long segment up to its terminator
  bool bad_id_run_ = false;         // inside a run of segments with invalid ids already reported
  std::uint64_t long_start_ = 0;
  // started_ && have_delimiters_ && !in_garbage_ && !skipping_long_ && !bad_id_run_ && scanned_ == 0,
  // as one flag for next()'s test.
  bool fast_ready_ = false;
  Delimiters delimiters_;
  IsaHeader isa_;
};

namespace detail {
inline bool reader_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
inline bool reader_alnum(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
inline bool reader_id_char(char c) noexcept {
  return static_cast<unsigned char>(c - 'A') < 26u || static_cast<unsigned char>(c - '0') < 10u;
}
// 2-3 upper-case letters or digits.
inline bool valid_segment_id(std::string_view id) noexcept {
  const std::size_t n = id.size();
  return (n == 2 || n == 3) && reader_id_char(id[0]) && reader_id_char(id[1]) && (n == 2 || reader_id_char(id[2]));
}
}  // namespace detail

}  // namespace soc278::x12

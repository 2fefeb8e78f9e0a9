// src/x12/reader_fast.hpp — private: ChunkReader's common case, inline.
//
// ChunkReader::next() (public, inline) calls next_fast() out of line; the envelope reader's loop
// (EnvelopeReader::run, the path of validate and process) includes this instead, so the common case
// and the tokenizer (segment_scan.hpp) are inlined into it: ~10 instructions a segment less.
#pragma once

#include <algorithm>

#include "soc278/x12/chunk_reader.hpp"
#include "x12/segment_scan.hpp"

namespace soc278::x12::detail {

struct ReaderFastPath {
  // The state of almost every call: see ChunkReader::next_fast().
  SOC278_SIMD_INLINE static bool fast(ChunkReader& rd, SegmentView& out) noexcept {
    const char* const buf = rd.buffer_.data();
    std::size_t pos = rd.pos_;
    // Whitespace between segments: every such byte is <= ' ', so one compare clears a segment's first letter.
    while (pos < rd.end_ && static_cast<unsigned char>(buf[pos]) <= ' ' && detail::reader_space(buf[pos]) &&
           buf[pos] != rd.delimiters_.segment && buf[pos] != rd.delimiters_.element)
      ++pos;
    const std::size_t avail = rd.end_ - pos;
    if (avail < 4) return false;
    const char* p = buf + pos;
    if (p[0] == 'I' && p[1] == 'S' && p[2] == 'A' && !detail::reader_alnum(p[3])) return false;
    const auto r = out.scan(p, std::min(avail, rd.options_.max_segment_length + 2), rd.delimiters_, rd.base_offset_ + pos, rd.ordinal_ + 1);
    if (!r.found || r.length > rd.options_.max_segment_length || !r.fits) return false;
    std::size_t body = r.length;
    if (rd.delimiters_.segment == '\n' && body > 0 && p[body - 1] == '\r') out.shorten(--body);  // CRLF
    if (!detail::valid_segment_id(out.id())) return false;
    rd.pos_ = pos + r.length + 1;
    ++rd.ordinal_;
    return true;
  }

  // ChunkReader::next(), with the common case inline.
  SOC278_SIMD_INLINE static ReadStatus next(ChunkReader& rd, SegmentView& out, core::DiagnosticSink& sink) {
    if (rd.fast_ready_ && fast(rd, out)) [[likely]] return ReadStatus::segment;
    return rd.next_general(out, sink);
  }
};

}  // namespace soc278::x12::detail

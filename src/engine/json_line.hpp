// src/engine/json_line.hpp — private: a small streaming JSON writer for the decision report.
//
// The report is written once per service line, millions of times in a nightly batch; building a
// nlohmann::json tree per line cost more than every other stage together (perf, docs/PERFORMANCE.md).
// This appends straight into one reused buffer: keys in the order given, strings escaped per
// RFC 8259, no allocation once the buffer is warm. Text that is not UTF-8 is made so by the one rule of
// core/output_text.hpp: each byte outside a well-formed sequence becomes U+FFFD.
//
// A report line is ~1.7 KB in ~200 small pieces, so the writer works on raw bytes: it sizes the
// string up front and keeps a cursor, and brings the string's size back to what was written each
// time the outermost object or array closes (and when it is destroyed). Between those points `out`
// holds scratch bytes past the cursor: read it only after closing what was opened. Once the
// outermost value is closed the caller may use `out` freely; the destructor then leaves it alone.
#pragma once

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/simd.hpp"
#include "soc278/core/bytes.hpp"
#include "soc278/core/output_text.hpp"

namespace soc278::engine {

namespace detail {
// Characters RFC 8259 requires escaped in a string: controls, '"' and '\\'; and the bytes past
// ASCII, which are checked for well-formed UTF-8.
inline constexpr std::array<bool, 256> json_escape_table = [] {
  std::array<bool, 256> t{};
  for (std::size_t c = 0; c < 0x20; ++c) t[c] = true;
  for (std::size_t c = 0x80; c < 0x100; ++c) t[c] = true;
  t['"'] = true;
  t['\\'] = true;
  return t;
}();

// Whether any byte of `w` (8 or 4 bytes) needs an escape or is past ASCII. Exact: the classic
// haszero / hasless tests may misplace the flagged byte, but they never miss or invent one.
template <typename Word>
[[nodiscard]] inline bool json_escape_in(Word w) noexcept {
  constexpr Word ones = static_cast<Word>(0x0101010101010101ULL), highs = static_cast<Word>(0x8080808080808080ULL);
  const Word quote = w ^ static_cast<Word>(ones * '"');
  const Word backslash = w ^ static_cast<Word>(ones * '\\');
  const Word t = static_cast<Word>(((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash));
  return ((t | w) & highs) != 0;
}
// Whether any of the 16 bytes at `p` is past ASCII.
[[nodiscard]] inline bool non_ascii_in16(const char* p) noexcept {
  std::uint64_t a, b;
  std::memcpy(&a, p, 8);
  std::memcpy(&b, p + 8, 8);
  return ((a | b) & 0x8080808080808080ULL) != 0;
}
// Whether any of the 16 bytes at `p` needs an escape (the speed fence's json_escape16: bit i set
// when byte i is a control, '"' or '\\') or is past ASCII (checked for UTF-8 in the byte loop).
[[nodiscard]] inline bool json_escape_in16(const char* p) noexcept { return core::simd::json_escape16(p) != 0 || non_ascii_in16(p); }

// Writes `s` escaped per RFC 8259, without the quotes, at `d`, which has room for 6 * s.size()
// bytes (the worst case, every byte a \u00XX); returns the end of what was written.
[[nodiscard]] inline char* json_escape_into(char* d, std::string_view s) noexcept {
  const char* p = s.data();
  const char* const end = p + s.size();
  const std::size_t n = s.size();
  // Fast paths for text that needs no escape (nearly all of the report): whole words, and for the
  // last partial word an overlapping load of the final 8 (or 4) bytes, so no byte loop at all.
  if (n >= 8) {
    while (end - p >= 16 && !json_escape_in16(p)) {
      std::memcpy(d, p, 16);
      p += 16;
      d += 16;
    }
    while (end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      if (json_escape_in(w)) break;
      std::memcpy(d, p, 8);
      p += 8;
      d += 8;
    }
    if (p == end) return d;
    if (end - p < 8) {
      std::uint64_t w;
      std::memcpy(&w, end - 8, 8);
      if (!json_escape_in(w)) {
        std::memcpy(d - (8 - (end - p)), end - 8, 8);
        return d + (end - p);
      }
    }
  } else if (n >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, end - 4, 4);
    if (!json_escape_in(a) && !json_escape_in(b)) {
      std::memcpy(d, p, 4);
      std::memcpy(d + n - 4, end - 4, 4);
      return d + n;
    }
  }
  for (;;) {
    while (p != end && !json_escape_table[static_cast<unsigned char>(*p)]) *d++ = *p++;
    if (p == end) return d;
    const auto c = static_cast<unsigned char>(*p);
    if (c >= 0x80) {  // a well-formed UTF-8 sequence is copied; any other byte becomes U+FFFD
      const std::size_t len = core::utf8_sequence_length(std::string_view(p, static_cast<std::size_t>(end - p)));
      if (len == 0) {
        d[0] = '\xEF', d[1] = '\xBF', d[2] = '\xBD', d += 3;
        ++p;
      } else {
        std::memcpy(d, p, len);
        d += len;
        p += len;
      }
      continue;
    }
    ++p;
    switch (c) {
      case '"': d[0] = '\\', d[1] = '"', d += 2; break;
      case '\\': d[0] = '\\', d[1] = '\\', d += 2; break;
      case '\n': d[0] = '\\', d[1] = 'n', d += 2; break;
      case '\r': d[0] = '\\', d[1] = 'r', d += 2; break;
      case '\t': d[0] = '\\', d[1] = 't', d += 2; break;
      default: {
        static constexpr char hex[] = "0123456789abcdef";
        d[0] = '\\', d[1] = 'u', d[2] = '0', d[3] = '0', d[4] = hex[c >> 4], d[5] = hex[c & 15];
        d += 6;
      }
    }
  }
}

// Room json_escape_into needs for `s`, with its quotes.
[[nodiscard]] constexpr std::size_t json_string_room(std::string_view s) noexcept { return 6 * s.size() + 2; }
}  // namespace detail

// A run of members written into room sized once (JsonLine::begin_run): no room check and no
// separator state per member. Keys are literals carrying their own punctuation (`,"line":`), so a
// run reads like the line it writes. The report writes ~25 members per service line, millions of
// lines a night: per-member bookkeeping was most of the report's cost.
class JsonRun {
 public:
  explicit JsonRun(char* at) noexcept : d_(at) {}
  // Writes a literal (punctuation and keys) as it is.
  template <std::size_t N>
  [[gnu::always_inline]] JsonRun& raw(const char (&literal)[N]) noexcept {
    std::memcpy(d_, literal, N - 1);
    d_ += N - 1;
    return *this;
  }
  // Bytes a run may store past what it reserved for its members (the 16-byte copy below).
  static constexpr std::size_t slack = 32;

  JsonRun& string(std::string_view v) noexcept {
    *d_++ = '"';
    d_ = detail::json_escape_into(d_, v);
    *d_++ = '"';
    return *this;
  }
  // Most of a line's members are short std::strings (codes, qualifiers, rule ids, certification
  // numbers): one of up to 16 characters is copied into a zero-padded block on the stack (two
  // overlapping loads, never a byte past its size), checked and stored as one 16-byte block; the
  // bytes stored past it are overwritten by what follows (the run's room has `slack` for the last one).
  [[gnu::always_inline]] JsonRun& string(const std::string& v) noexcept {
    const std::size_t n = v.size();
    if (n <= 16) {
      char block[16] = {};
      core::copy_short(block, v.data(), n);
      if ((core::simd::json_escape16(block) & ((1U << n) - 1U)) == 0 && !detail::non_ascii_in16(block)) {
        *d_++ = '"';
        std::memcpy(d_, block, 16);
        d_ += n;
        *d_++ = '"';
        return *this;
      }
    }
    return string(std::string_view(v));
  }
  // A literal converts to both std::string_view and std::string: this says which.
  template <std::size_t N>
  JsonRun& string(const char (&literal)[N]) noexcept {
    return string(std::string_view(literal, N - 1));
  }
  JsonRun& string_or_null(std::string_view v) noexcept { return v.empty() ? raw("null") : string(v); }
  JsonRun& string_or_null(const std::string& v) noexcept { return v.empty() ? raw("null") : string(v); }
  template <std::size_t N>
  JsonRun& string_or_null(const char (&literal)[N]) noexcept {
    return string_or_null(std::string_view(literal, N - 1));
  }
  JsonRun& number(std::uint64_t v) noexcept {
    d_ = std::to_chars(d_, d_ + 20, v).ptr;
    return *this;
  }
  JsonRun& boolean(bool v) noexcept { return v ? raw("true") : raw("false"); }
  // Writes "CCYY-MM-DD" (with its quotes) for a year of four digits.
  JsonRun& iso_date(int year, unsigned month, unsigned day) noexcept {
    char* d = d_;
    d[0] = '"';
    d[1] = static_cast<char>('0' + year / 1000 % 10), d[2] = static_cast<char>('0' + year / 100 % 10);
    d[3] = static_cast<char>('0' + year / 10 % 10), d[4] = static_cast<char>('0' + year % 10);
    d[5] = '-', d[6] = static_cast<char>('0' + month / 10), d[7] = static_cast<char>('0' + month % 10);
    d[8] = '-', d[9] = static_cast<char>('0' + day / 10), d[10] = static_cast<char>('0' + day % 10), d[11] = '"';
    d_ += 12;
    return *this;
  }
  [[nodiscard]] char* end() const noexcept { return d_; }

 private:
  char* d_;
};

class JsonLine {
 public:
  explicit JsonLine(std::string& out) : out_(out), pos_(out.size()), data_(out.data()), end_(out.size()) {}
  // Writes from the start of `scratch`, a buffer reused line after line whose size is never brought
  // back: growing a std::string zero-fills what it adds, and a line that sizes its room up front
  // (begin_run) paid that fill every time. What was written is text(); the bytes past it are
  // leftovers of earlier lines.
  struct Scratch {};
  JsonLine(std::string& scratch, Scratch) : out_(scratch), pos_(0), data_(scratch.data()), end_(scratch.size()), scratch_(true) {}
  ~JsonLine() {
    if (!scratch_ && end_ != pos_) out_.resize(pos_);
  }
  // The text written so far (complete once the outermost value is closed).
  [[nodiscard]] std::string_view text() const noexcept { return {data_, pos_}; }
  // Ends the line: a newline after the closed outermost value.
  JsonLine& newline() {
    put('\n');
    return *this;
  }
  JsonLine(const JsonLine&) = delete;
  JsonLine& operator=(const JsonLine&) = delete;

  JsonLine& begin_object() { return open('{'); }
  // Opens an object whose first members were written earlier by another JsonLine that began an
  // object, wrote them and was destroyed without closing it (`written` is that output, '{'
  // included): a prefix shared by several lines is escaped once and copied into each.
  JsonLine& resume_object(std::string_view written) {
    separate();
    raw(written);
    fresh_ = (fresh_ << 1) | (written.size() > 1 ? 0U : 1U);
    ++depth_;
    return *this;
  }
  JsonLine& end_object() { return close('}'); }
  JsonLine& begin_array() { return open('['); }
  JsonLine& end_array() { return close(']'); }
  // Keys are the report's own field names, written as given: they must need no escaping.
  [[gnu::always_inline]] JsonLine& key(std::string_view k) {
    separate();
    reserve(k.size() + 3);
    char* d = data_ + pos_;
    *d++ = '"';
    std::memcpy(d, k.data(), k.size());
    d += k.size();
    *d++ = '"';
    *d++ = ':';
    pos_ = static_cast<std::size_t>(d - data_);
    after_key_ = true;
    return *this;
  }
  JsonLine& string(std::string_view v) {
    separate();
    string_body(v);
    return *this;
  }
  JsonLine& string_or_null(std::string_view v) { return v.empty() ? null() : string(v); }
  JsonLine& number(std::uint64_t v) {
    separate();
    reserve(24);
    const auto r = std::to_chars(data_ + pos_, data_ + pos_ + 24, v);
    pos_ = static_cast<std::size_t>(r.ptr - data_);
    return *this;
  }
  JsonLine& boolean(bool v) {
    separate();
    raw(v ? std::string_view("true") : std::string_view("false"));
    return *this;
  }
  JsonLine& null() {
    separate();
    raw("null");
    return *this;
  }
  // Room for `room` bytes of members at the cursor, written with a JsonRun and closed by end_run()
  // with the run's end. Used inside an open object that already has a member (the run's keys start
  // with their comma).
  [[nodiscard]] char* begin_run(std::size_t room) {
    reserve(room + JsonRun::slack);
    return data_ + pos_;
  }
  JsonLine& end_run(const JsonRun& run) noexcept {
    pos_ = static_cast<std::size_t>(run.end() - data_);
    fresh_ &= ~std::uint64_t{1};
    return *this;
  }
  // key + value shorthands
  // Inlined, so that a literal key is copied with a known length.
  [[gnu::always_inline]] JsonLine& field(std::string_view k, std::string_view v) { return key(k).string(v); }
  [[gnu::always_inline]] JsonLine& field_or_null(std::string_view k, std::string_view v) { return key(k).string_or_null(v); }
  [[gnu::always_inline]] JsonLine& field(std::string_view k, std::uint64_t v) { return key(k).number(v); }

 private:
  // Room for `n` more bytes at the cursor.
  [[gnu::always_inline]] void reserve(std::size_t n) {
    if (pos_ + n <= end_) [[likely]] return;
    grow(n);
  }
  [[gnu::noinline]] void grow(std::size_t n) {
    // Grow in steps: resize() zero-fills what it adds, so sizing to the whole capacity every line
    // would clear kilobytes per line. The string's own growth is geometric.
    out_.resize(pos_ + (n > 512 ? n : 512));
    data_ = out_.data();
    end_ = out_.size();
  }
  void put(char c) {
    reserve(1);
    data_[pos_++] = c;
  }
  void raw(std::string_view s) {
    reserve(s.size());
    std::memcpy(data_ + pos_, s.data(), s.size());
    pos_ += s.size();
  }

  // One bit per open object or array, innermost lowest: set while nothing has been written in it.
  // The report nests four deep; 64 levels is the limit (a deeper open is a caller bug).
  JsonLine& open(char c) {
    separate();
    put(c);
    fresh_ = (fresh_ << 1) | 1U;
    ++depth_;
    return *this;
  }
  JsonLine& close(char c) {
    put(c);
    fresh_ >>= 1;
    if (--depth_ == 0 && !scratch_) {  // complete: `out` may be read now
      out_.resize(pos_);
      end_ = pos_;
    }
    return *this;
  }
  [[gnu::always_inline]] void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (depth_ == 0) return;
    if (fresh_ & 1U) {
      fresh_ &= ~std::uint64_t{1};
    } else {
      put(',');
    }
  }

  void string_body(std::string_view s) {
    reserve(6 * s.size() + 2);
    char* d = data_ + pos_;  // a local cursor: writes through char* would make the compiler reload pos_
    *d++ = '"';
    d = detail::json_escape_into(d, s);
    finish(d);
  }
  // Closes a string whose last byte is before `d` (room for the quote was reserved).
  void finish(char* d) {
    *d++ = '"';
    pos_ = static_cast<std::size_t>(d - data_);
  }

  std::string& out_;
  std::size_t pos_;           // the cursor: bytes written so far (out_ holds scratch past it)
  char* data_ = nullptr;      // out_.data() while sized past pos_
  std::size_t end_ = 0;       // out_.size(): usable bytes at data_ (== pos_ when out_ is exact)
  std::uint64_t fresh_ = 0;
  unsigned depth_ = 0;
  bool after_key_ = false;
  bool scratch_ = false;  // see Scratch
};

}  // namespace soc278::engine

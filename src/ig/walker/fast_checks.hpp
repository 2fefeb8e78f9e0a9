// src/ig/walker/fast_checks.hpp — private: the fast path's value checks: they only ever conclude "no finding".
// Included once, by walker.cpp (whose opening comment says how the parts fit), after the includes:
// one translation unit keeps the per-segment path inlined.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "ig/walker/common.hpp"

namespace soc278::ig {
namespace {

// ---- the fast path ----------------------------------------------------------------------------------
//
// Most values are valid. These checks clear a value only when the full checks (check_element,
// check_value) would surely find nothing; any doubt returns false and the full checks run and
// report. They never report themselves, so findings cannot depend on them.

// Bit i set where keys[i] == key, for i < n <= 64; `keys` is padded with zeros (no occurrence has
// key 0) to a multiple of 4, so it is compared four at a time with no data-dependent exit.
SOC278_INLINE std::uint64_t key_mask(const std::uint32_t* keys, std::size_t n, std::uint32_t key, std::size_t from = 0) noexcept {
  std::uint64_t m = 0;
  for (std::size_t i = from & ~std::size_t{3}; i < n; i += 4)  // bits below `from`'s group are not needed
    m |= static_cast<std::uint64_t>(core::simd::match4_u32(keys + i, key)) << i;
  // The zero padding matches key 0 (an id segment_key() cannot pack, e.g. 'ABCD'): keep [0, n) only.
  return n >= 64 ? m : m & ((std::uint64_t{1} << n) - 1);
}

// One pass over a segment's bytes: whether any is a repetition separator or outside the X12
// character set (then every element takes the full checks), and whether any is a component
// separator (then a simple element must be told free of it). The element and component separators
// are never "outside the set" here, even when a sender picks control characters for them: values
// and component pieces exclude them.
using SegmentScan = core::simd::SegmentBytes;  // {rep_or_bad, component}
static_assert(sizeof(x12::Delimiters) == sizeof(std::uint32_t), "SegmentClasses::prepare compares the delimiters as one word");
struct SegmentClasses {
  x12::Delimiters d;
  std::uint32_t packed = 0;  // d as prepare() compares it
  bool ready = false;
  void prepare(const x12::Delimiters& delims) noexcept {
    std::uint32_t now = 0;  // the four delimiters as one word: one compare instead of four
    std::memcpy(&now, &delims, sizeof now);
    if (ready && now == packed) [[likely]] return;
    packed = now;
    d = delims;
    ready = true;
  }
  // `t` is the whole segment text: its id is letters and digits, which no class flags. The
  // repetition separator is '\0' when there is none: NUL is bad anyway.
  [[nodiscard]] SegmentScan scan(std::string_view t) const noexcept {
    return core::simd::segment_bytes(t.data(), t.size(), d.element, d.repetition, d.component);
  }
};

// Whether a[0, n) == b[0, n) for 8 <= n <= 64, and memcpy for the short texts of segments, inline,
// never reading outside [0, n): the speed fence's (core/simd.hpp).
using core::simd::copy_bytes;
using core::simd::same_bytes;

// Whether `v` holds byte `c`; values are short, so a plain loop beats a call to memchr.
SOC278_INLINE bool has_byte(std::string_view v, char c) noexcept {
  if (v.size() > 32) return std::memchr(v.data(), c, v.size()) != nullptr;
  bool found = false;
  for (char x : v) found |= x == c;
  return found;
}

inline bool is_digit(char c) noexcept { return static_cast<unsigned char>(c - '0') < 10U; }

SOC278_INLINE bool all_digits(const char* p, std::size_t n) noexcept {
  unsigned bad = 0;
  for (std::size_t i = 0; i < n; ++i) bad |= static_cast<unsigned>(static_cast<unsigned char>(p[i] - '0') > 9U);
  return bad == 0;
}

SOC278_INLINE int two_digits(const char* p) noexcept { return (p[0] - '0') * 10 + (p[1] - '0'); }

// Same calendar rule as core::Date::valid (years 1-9999), inline for the per-value path.
SOC278_INLINE bool valid_day(int y, int m, int d) noexcept {
  static constexpr std::uint8_t days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

// CCYYMMDD: eight digits naming a calendar day (what x12::parse_date accepts). `ordinal` orders dates.
SOC278_INLINE bool fast_date8(const char* p, std::uint32_t& ordinal) noexcept {
  if (!all_digits(p, 8)) return false;
  const int y = two_digits(p) * 100 + two_digits(p + 2);
  const int m = two_digits(p + 4);
  const int d = two_digits(p + 6);
  ordinal = static_cast<std::uint32_t>(y * 10000 + m * 100 + d);
  return valid_day(y, m, d);
}

// YYMMDD, years 00-69 in 20xx (x12::parse_date_yymmdd).
SOC278_INLINE bool fast_date6(const char* p) noexcept {
  if (!all_digits(p, 6)) return false;
  const int yy = two_digits(p);
  return valid_day(yy < 70 ? 2000 + yy : 1900 + yy, two_digits(p + 2), two_digits(p + 4));
}

// HHMM[SS[D[D]]] (x12::parse_time): 4, 6, 7 or 8 digits, hour <= 23, minute and second <= 59.
SOC278_INLINE bool fast_time(const char* p, std::size_t n) noexcept {
  if ((n != 4 && (n < 6 || n > 8)) || !all_digits(p, n)) return false;
  if (two_digits(p) > 23 || two_digits(p + 2) > 59) return false;
  return n == 4 || two_digits(p + 4) <= 59;
}

// R: digits with at most one '.' and at least one digit (x12::parse_decimal without a sign);
// `significant` is numeric_length (the point does not count). 18 digits always convert.
SOC278_INLINE bool fast_decimal(const char* p, std::size_t n, std::size_t& significant) noexcept {
  std::size_t dots = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] == '.') {
      ++dots;
    } else if (!is_digit(p[i])) {
      return false;
    }
  }
  significant = n - dots;
  return dots <= 1 && significant != 0 && n <= 18;
}

// x12::parse_integer with the common case (up to 18 plain digits) inline: HL01/HL02 on every HL.
SOC278_INLINE std::optional<std::int64_t> to_integer(std::string_view v) noexcept {
  if (v.empty() || v.size() > 18 || !all_digits(v.data(), v.size())) return x12::parse_integer(v);
  std::int64_t n = 0;
  for (char c : v) n = n * 10 + (c - '0');
  return n;
}

// Whether the value is in the FastCheck's code list (true when it has none).
SOC278_INLINE bool has_code(const FastCheck& f, std::string_view v) noexcept {
  if (f.codes == nullptr) return true;
  return f.codes_inline ? in_block(f.code_block, v) : detail::contains(*f.codes, v);
}

// A value the full checks (check_value) would find nothing in, format qualifier aside: the
// caller checks f.format_from (fast_format). The caller has made sure the value holds no
// separator and no character outside the X12 set.
SOC278_INLINE bool fast_value(const FastCheck& f, std::string_view v) noexcept {
  const char* p = v.data();
  const std::size_t n = v.size();
  if (p[0] == ' ' || p[n - 1] == ' ') return false;
  std::size_t len = n;
  switch (f.kind) {
    case FastCheck::Kind::text:
      break;
    case FastCheck::Kind::integer:
      // 18 digits always fit parse_integer's int64; a sign or more digits take the full checks.
      if (n > 18 || !all_digits(p, n)) return false;
      break;
    case FastCheck::Kind::decimal:
      if (!fast_decimal(p, n, len)) return false;
      break;
    case FastCheck::Kind::date8: {
      std::uint32_t ordinal = 0;
      if (n != 8 || !fast_date8(p, ordinal)) return false;
      break;
    }
    case FastCheck::Kind::date6:
      if (n != 6 || !fast_date6(p)) return false;
      break;
    case FastCheck::Kind::time:
      if (!fast_time(p, n)) return false;
      break;
    case FastCheck::Kind::full:
    case FastCheck::Kind::composite:
      return false;
  }
  if (len < f.min_length || len > f.max_length) return false;
  return has_code(f, v);
}

// DTP03-style values checked by their 1250 format qualifier (valid_by_format): D8 and RD8 here,
// anything else (or a padded qualifier) by the full checks.
SOC278_INLINE bool fast_format(std::string_view format, std::string_view v) noexcept {
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  if (format.size() == 3 && format[0] == 'R' && format[1] == 'D' && format[2] == '8')
    return v.size() == 17 && v[8] == '-' && fast_date8(v.data(), a) && fast_date8(v.data() + 9, b) && a <= b;
  if (format.size() == 2 && format[0] == 'D' && format[1] == '8') return v.size() == 8 && fast_date8(v.data(), a);
  return false;
}

}  // namespace
}  // namespace soc278::ig

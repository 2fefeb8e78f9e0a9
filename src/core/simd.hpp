// src/core/simd.hpp — private: every SIMD instruction and byte trick of soc278, in one place.
//
// The stages' hot loops (the reader's tokenizer, the walker's segment scan and clean-segment memo,
// the binder, the decision text, the 278 writer's MSG check, the report writer's JSON escapes) ask
// these functions; none of them names an intrinsic or a compiler builtin. Each routine exists twice:
//   - `scalar::name`, plain C++ that any compiler and any target takes, and
//   - `sse2::name`, SSE2 (the x86-64 baseline, no -m flag needed), only when SOC278_SIMD is 1;
// and `name` (in soc278::core::simd) is the one the build selected. SOC278_SIMD is 0 on targets
// other than x86-64 and when CMake's SOC278_PORTABLE is ON (then no intrinsic header is included at
// all). tests/unit/core/simd_test.cpp runs both versions side by side on random and edge-case input
// and demands the same results, so either build gives the same output byte for byte.
//
// Not a public header (include/soc278/ has none of this): include it from src/ files only, as
// "core/simd.hpp". To add a routine: write scalar:: first (the meaning), then sse2:: with the same
// signature, select it below, and add both to simd_test.cpp (docs/HACKING.md, "The speed fence").
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(SOC278_PORTABLE) && SOC278_PORTABLE
#define SOC278_SIMD 0
#elif defined(__SSE2__) && (defined(__x86_64__) || defined(_M_X64))
#define SOC278_SIMD 1
#else
#define SOC278_SIMD 0
#endif

#if SOC278_SIMD
#include <emmintrin.h>
#endif
#if defined(SOC278_PORTABLE) && SOC278_PORTABLE && SOC278_SIMD
#error "SOC278_PORTABLE builds must take the scalar versions"
#endif

#if defined(__GNUC__)
#define SOC278_SIMD_INLINE __attribute__((always_inline)) inline
#else
#define SOC278_SIMD_INLINE inline
#endif

namespace soc278::core::simd {

// Whether this build uses the SSE2 versions (false in a SOC278_PORTABLE build).
inline constexpr bool enabled = SOC278_SIMD != 0;

// ---- plain byte helpers (one version: compilers turn them into single instructions) -------------

// The 4 / 2 bytes at p as a big-endian number (a byte swap on little-endian targets).
SOC278_SIMD_INLINE std::uint32_t load_be32(const char* p) noexcept {
  unsigned char b[4];
  std::memcpy(b, p, 4);
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
}
SOC278_SIMD_INLINE std::uint16_t load_be16(const char* p) noexcept {
  unsigned char b[2];
  std::memcpy(b, p, 2);
  return static_cast<std::uint16_t>((b[0] << 8) | b[1]);
}

// Index of the lowest set bit of a non-zero mask.
SOC278_SIMD_INLINE unsigned lowest_bit(std::uint64_t m) noexcept { return static_cast<unsigned>(std::countr_zero(m)); }

// The last occurrence of c in [p, p + n), or nullptr.
SOC278_SIMD_INLINE const char* find_last(const char* p, std::size_t n, char c) noexcept {
  for (std::size_t i = n; i-- > 0;)
    if (p[i] == c) return p + i;
  return nullptr;
}

// ---- the routines, plain ---------------------------------------------------------------------------

namespace scalar {

// Bit i set where p[i] == c, for the 16 bytes at p.
SOC278_SIMD_INLINE unsigned match16(const char* p, char c) noexcept {
  unsigned m = 0;
  for (unsigned i = 0; i < 16; ++i) m |= static_cast<unsigned>(p[i] == c) << i;
  return m;
}
// match16 for two bytes at once.
SOC278_SIMD_INLINE void match16x2(const char* p, char a, char b, unsigned& ma, unsigned& mb) noexcept {
  ma = match16(p, a);
  mb = match16(p, b);
}
// Bit i set where p[i] is one of the six bytes of `set` (repeats allowed).
SOC278_SIMD_INLINE unsigned match16_any6(const char* p, const std::array<char, 6>& set) noexcept {
  unsigned m = 0;
  for (char c : set) m |= match16(p, c);
  return m;
}
// Bit i set where keys[i] == key, for the 4 keys at `keys`.
SOC278_SIMD_INLINE unsigned match4_u32(const std::uint32_t* keys, std::uint32_t key) noexcept {
  unsigned m = 0;
  for (unsigned i = 0; i < 4; ++i) m |= static_cast<unsigned>(keys[i] == key) << i;
  return m;
}
// Bit i set where p[i] needs a JSON escape (RFC 8259: '"', '\\', 0x00-0x1F), for the 16 bytes at p.
SOC278_SIMD_INLINE unsigned json_escape16(const char* p) noexcept {
  unsigned m = 0;
  for (unsigned i = 0; i < 16; ++i) {
    const auto u = static_cast<unsigned char>(p[i]);
    m |= static_cast<unsigned>(u < 0x20 || u == '"' || u == '\\') << i;
  }
  return m;
}

// What one pass over a segment's bytes says (the walker's fast path): whether any byte is the
// repetition separator `rep` or outside the X12 character set (below 0x20, 0x7F, or 0x80 and up)
// without being the element or component separator, and whether any is the component separator.
struct SegmentBytes {
  bool rep_or_bad = false;
  bool component = false;
  friend bool operator==(const SegmentBytes&, const SegmentBytes&) = default;
};
SOC278_SIMD_INLINE SegmentBytes segment_bytes(const char* p, std::size_t n, char sep, char rep, char comp) noexcept {
  bool rb = false;
  bool cp = false;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = p[i];
    const auto u = static_cast<unsigned char>(c);
    const bool is_comp = c == comp;
    const bool bad = !(c == sep || is_comp) && (u < 0x20 || u >= 0x7f);
    rb |= bad || c == rep;
    cp |= is_comp;
  }
  return {rb, cp};
}

// Whether a[0, n) == b[0, n), for 8 <= n.
SOC278_SIMD_INLINE bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
  std::uint64_t diff = 0;
  for (std::size_t i = 0; i + 8 < n; i += 8) {
    std::uint64_t x = 0;
    std::uint64_t y = 0;
    std::memcpy(&x, a + i, 8);
    std::memcpy(&y, b + i, 8);
    diff |= x ^ y;
  }
  std::uint64_t x = 0;
  std::uint64_t y = 0;
  std::memcpy(&x, a + n - 8, 8);
  std::memcpy(&y, b + n - 8, 8);
  return (diff | (x ^ y)) == 0;
}

// memcpy for short texts (not overlapping): overlapping word moves, never outside [0, n).
SOC278_SIMD_INLINE void copy_bytes(char* dst, const char* src, std::size_t n) noexcept {
  if (n > 64) {
    std::memcpy(dst, src, n);
  } else if (n > 16) {
    std::uint64_t w[8];
    const std::size_t words = (n - 1) / 8;  // whole words before the last, overlapping one
    for (std::size_t i = 0; i < words; ++i) std::memcpy(&w[i], src + 8 * i, 8);
    std::uint64_t last = 0;
    std::memcpy(&last, src + n - 8, 8);
    for (std::size_t i = 0; i < words; ++i) std::memcpy(dst + 8 * i, &w[i], 8);
    std::memcpy(dst + n - 8, &last, 8);
  } else if (n >= 8) {
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    std::memcpy(&a, src, 8);
    std::memcpy(&b, src + n - 8, 8);
    std::memcpy(dst, &a, 8);
    std::memcpy(dst + n - 8, &b, 8);
  } else if (n >= 4) {
    std::uint32_t a = 0;
    std::uint32_t b = 0;
    std::memcpy(&a, src, 4);
    std::memcpy(&b, src + n - 4, 4);
    std::memcpy(dst, &a, 4);
    std::memcpy(dst + n - 4, &b, 4);
  } else {
    for (std::size_t i = 0; i < n; ++i) dst[i] = src[i];
  }
}

// MSG-safe text (the 278 response's MSG01, soc/decision.cpp): each of the first `len` (1..16) bytes
// at `in` upper-cased if a letter, kept if a digit or one of ' ( ) , - . / ;, else a space; a space
// after a space is dropped. Writes at out + n (and may write up to 16 bytes there, whatever len is);
// `space` says whether the last written character is a space. Returns the new n.
inline constexpr std::array<char, 256> msg_chars = [] {
  std::array<char, 256> t{};
  for (std::size_t c = 0; c < t.size(); ++c) t[c] = ' ';
  for (char c = '0'; c <= '9'; ++c) t[static_cast<unsigned char>(c)] = c;
  for (char c = 'A'; c <= 'Z'; ++c) t[static_cast<unsigned char>(c)] = c;
  for (char c = 'a'; c <= 'z'; ++c) t[static_cast<unsigned char>(c)] = static_cast<char>(c - 'a' + 'A');
  for (char c : {' ', '.', ',', ';', '(', ')', '/', '-', '\''}) t[static_cast<unsigned char>(c)] = c;
  return t;
}();
SOC278_SIMD_INLINE std::size_t put_msg_block(const char* in, unsigned len, char* out, std::size_t n, bool& space) noexcept {
  for (unsigned k = 0; k < len; ++k) {
    const char m = msg_chars[static_cast<unsigned char>(in[k])];
    if (m == ' ') {
      if (space) continue;
      space = true;
    } else {
      space = false;
    }
    out[n++] = m;
  }
  return n;
}

}  // namespace scalar

// ---- the routines, SSE2 -----------------------------------------------------------------------------

#if SOC278_SIMD
namespace sse2 {

SOC278_SIMD_INLINE __m128i load(const char* p) noexcept { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
// A 32-bit broadcast (movd + pshufd) is cheaper than _mm_set1_epi8 without SSSE3's pshufb.
SOC278_SIMD_INLINE __m128i broadcast(char c) noexcept {
  return _mm_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(static_cast<unsigned char>(c)) * 0x01010101u));
}
SOC278_SIMD_INLINE unsigned mask(__m128i v) noexcept { return static_cast<unsigned>(_mm_movemask_epi8(v)); }

SOC278_SIMD_INLINE unsigned match16(const char* p, char c) noexcept { return mask(_mm_cmpeq_epi8(load(p), broadcast(c))); }
SOC278_SIMD_INLINE void match16x2(const char* p, char a, char b, unsigned& ma, unsigned& mb) noexcept {
  const __m128i v = load(p);
  ma = mask(_mm_cmpeq_epi8(v, broadcast(a)));
  mb = mask(_mm_cmpeq_epi8(v, broadcast(b)));
}
SOC278_SIMD_INLINE unsigned match16_any6(const char* p, const std::array<char, 6>& set) noexcept {
  const __m128i v = load(p);
  __m128i hit = _mm_cmpeq_epi8(v, _mm_set1_epi8(set[0]));
  for (std::size_t k = 1; k < 6; ++k) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(set[k])));
  return mask(hit);
}
SOC278_SIMD_INLINE unsigned match4_u32(const std::uint32_t* keys, std::uint32_t key) noexcept {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(keys));
  return static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(v, _mm_set1_epi32(static_cast<int>(key))))));
}
// min(b, 0x1F) == b for the controls (an unsigned compare: bytes >= 0x80 are UTF-8, not escaped).
SOC278_SIMD_INLINE unsigned json_escape16(const char* p) noexcept {
  const __m128i v = load(p);
  const __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                                    _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v));
  return mask(hits);
}

using scalar::SegmentBytes;
// Short texts are loaded as overlapping pieces of themselves (a byte seen twice changes no flag), so
// nothing outside [p, p + n) is read.
SOC278_SIMD_INLINE SegmentBytes segment_bytes(const char* p, std::size_t n, char sep_c, char rep_c, char comp_c) noexcept {
  if (n < 4) return scalar::segment_bytes(p, n, sep_c, rep_c, comp_c);
  const __m128i sep = _mm_set1_epi8(sep_c);
  const __m128i rep = _mm_set1_epi8(rep_c);
  const __m128i comp = _mm_set1_epi8(comp_c);
  const __m128i low = _mm_set1_epi8(0x20);
  const __m128i del = _mm_set1_epi8(0x7f);
  __m128i rb = _mm_setzero_si128();
  __m128i cp = _mm_setzero_si128();
  const auto block = [&](__m128i b) {
    // Signed compare: bytes 0x80-0xff are negative, so "< 0x20" catches them with the controls.
    const __m128i is_comp = _mm_cmpeq_epi8(b, comp);
    const __m128i bad = _mm_andnot_si128(_mm_or_si128(_mm_cmpeq_epi8(b, sep), is_comp),
                                         _mm_or_si128(_mm_cmplt_epi8(b, low), _mm_cmpeq_epi8(b, del)));
    rb = _mm_or_si128(rb, _mm_or_si128(bad, _mm_cmpeq_epi8(b, rep)));
    cp = _mm_or_si128(cp, is_comp);
  };
  if (n >= 16) {
    for (std::size_t i = 0; i + 16 < n; i += 16) block(load(p + i));
    block(load(p + n - 16));  // the last 16, overlapping
  } else if (n >= 8) {
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + n - 8, 8);
    block(_mm_set_epi64x(static_cast<long long>(b), static_cast<long long>(a)));
  } else {
    std::uint32_t a = 0;
    std::uint32_t b = 0;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    const std::uint64_t lo = a | (std::uint64_t{b} << 32);
    block(_mm_set_epi64x(static_cast<long long>(lo), static_cast<long long>(lo)));
  }
  return {mask(rb) != 0, mask(cp) != 0};
}

SOC278_SIMD_INLINE bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
  if (n >= 16) {
    __m128i diff = _mm_xor_si128(load(a + n - 16), load(b + n - 16));
    for (std::size_t i = 0; i + 16 < n; i += 16) diff = _mm_or_si128(diff, _mm_xor_si128(load(a + i), load(b + i)));
    return mask(_mm_cmpeq_epi8(diff, _mm_setzero_si128())) == 0xffff;
  }
  return scalar::same_bytes(a, b, n);
}

SOC278_SIMD_INLINE void copy_bytes(char* dst, const char* src, std::size_t n) noexcept {
  if (n > 64 || n < 16) {
    scalar::copy_bytes(dst, src, n);
    return;
  }
  const __m128i a = load(src);
  const __m128i b = load(src + n - 16);
  if (n > 32) {
    const __m128i c = load(src + 16);
    const __m128i d = load(src + n - 32);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 16), c);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + n - 32), d);
  }
  _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), a);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + n - 16), b);
}

// 0xFF in the bytes of v between lo and hi (as unsigned bytes, so never a byte >= 0x80 here):
// v - lo <= hi - lo unsigned, which a signed compare sees after the bias 0x80.
SOC278_SIMD_INLINE __m128i bytes_between(__m128i v, char lo, char hi) noexcept {
  const __m128i biased = _mm_add_epi8(v, _mm_set1_epi8(static_cast<char>(0x80 - lo)));
  return _mm_cmplt_epi8(biased, _mm_set1_epi8(static_cast<char>(hi - lo - 0x7F)));
}
// Reads 16 bytes at `in` and writes 16 at out + n whatever len is.
SOC278_SIMD_INLINE std::size_t put_msg_block(const char* in, unsigned len, char* out, std::size_t n, bool& space) noexcept {
  constexpr unsigned kBlock = 16;
  const __m128i v = load(in);
  const __m128i letter = bytes_between(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z');
  // ' ( ) , - . / 0-9 are 0x27..0x39 without 0x2A (*) and 0x2B (+).
  const __m128i star_plus = _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8(static_cast<char>(0xFE))), _mm_set1_epi8('*'));
  const __m128i punct = _mm_andnot_si128(star_plus, bytes_between(v, '\'', '9'));
  const __m128i kept = _mm_or_si128(_mm_or_si128(letter, punct), _mm_cmpeq_epi8(v, _mm_set1_epi8(';')));
  const __m128i upper = _mm_andnot_si128(_mm_and_si128(letter, _mm_set1_epi8(0x20)), v);
  const __m128i m = _mm_or_si128(_mm_and_si128(kept, upper), _mm_andnot_si128(kept, _mm_set1_epi8(' ')));
  const unsigned valid = len == kBlock ? 0xFFFFu : (1u << len) - 1u;
  const unsigned spaces = ~mask(kept) & valid;  // a kept byte is never a space
  unsigned dropped = spaces & ((spaces << 1) | (space ? 1u : 0u));
  space = ((spaces >> (len - 1)) & 1u) != 0;
  if (dropped == 0) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + n), m);
    return n + len;
  }
  // Copy the runs between dropped spaces (usually one, after ": " or a delimiter next to a blank).
  alignas(16) char mapped[2 * kBlock];
  _mm_store_si128(reinterpret_cast<__m128i*>(mapped), m);
  _mm_store_si128(reinterpret_cast<__m128i*>(mapped + kBlock), _mm_set1_epi8(' '));
  unsigned from = 0;
  for (; dropped != 0; dropped &= dropped - 1) {
    const auto at = static_cast<unsigned>(std::countr_zero(dropped));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + n), load(mapped + from));
    n += at - from;
    from = at + 1;
  }
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out + n), load(mapped + from));
  return n + (len - from);
}

}  // namespace sse2
#endif

// ---- the selected versions --------------------------------------------------------------------------

#if SOC278_SIMD
namespace active = sse2;
#else
namespace active = scalar;
#endif

using scalar::SegmentBytes;
using active::copy_bytes;
using active::json_escape16;
using active::match16;
using active::match16_any6;
using active::match16x2;
using active::match4_u32;
using active::put_msg_block;
using active::same_bytes;
using active::segment_bytes;

#if SOC278_SIMD && defined(__GLIBC__)
// glibc's memrchr: vectorized for long texts.
SOC278_SIMD_INLINE const char* find_last_fast(const char* p, std::size_t n, char c) noexcept {
  return static_cast<const char*>(::memrchr(p, c, n));
}
#else
SOC278_SIMD_INLINE const char* find_last_fast(const char* p, std::size_t n, char c) noexcept { return find_last(p, n, c); }
#endif

}  // namespace soc278::core::simd

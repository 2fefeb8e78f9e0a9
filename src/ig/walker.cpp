// The loop walker and the element checks (walker.hpp says what and why).
//
// Walking: the open loops form a stack of frames. A segment is matched, in this order,
//   1. for an HL, as a child loop of the frame whose HL01 its HL02 names (the hierarchy the sender
//      declared, so a 2000E under 2000C closes a 2000D that came before it);
//   2. forward, strictly: the top frame's remaining occurrences (same-id occurrences told apart by
//      the codes of their first element), then its child loops' starts, then the trailer; then the
//      same in each ancestor frame (a match there closes the frames above it);
//   3. forward again, ignoring the first-element codes (so a bad qualifier reads as an invalid code
//      where the segment most likely belongs, not as an unexpected segment);
//   4. backward, in any open frame: out of sequence (IK304 7), attached to that loop, nothing closed.
// A segment matching nothing is unrecognised (not in segments.yaml), not in the set (the guide
// never uses it) or unexpected (used elsewhere in the guide). Closing a frame reports its
// required segments and loops that never came ("surely ended": the segment that closed it is
// outside the loop).
//
// Speed (docs/PERFORMANCE.md, bench/validate_bench.cpp): the element checks have two paths. The
// fast path takes each value against its occurrence's compiled FastCheck (guide.hpp: type, length,
// up to four codes inline, format qualifier) after one SIMD pass over the segment's bytes, and only
// ever concludes "no finding". Whatever it cannot clear is checked again by the full checks
// (check_element, check_value, check_syntax), which alone build findings, so the findings never
// depend on the fast path. A segment whose bytes were found clean against the same occurrence
// before is clean again (Impl::clean_segments: an exact-key cache of that pure function, which
// files full of the same payer, provider and service segments hit most of the time). Matching
// tries the innermost loop's next occurrences and child loops first (find()), then reads packed key
// tables (LoopDef::segment_keys...) four at a time, skipping loops whose key_filter rules the id out.
#include "soc278/ig/walker.hpp"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "soc278/core/icd10.hpp"
#include "soc278/x12/values.hpp"

// Reporting is the error path: keep it out of line so the checks it guards stay small.
#if defined(__GNUC__)
#define SOC278_COLD __attribute__((noinline, cold))
#define SOC278_INLINE __attribute__((always_inline)) inline
#define SOC278_HOT __attribute__((hot))  // the per-segment path: optimized harder, placed together
#define SOC278_NOINLINE __attribute__((noinline))  // keeps a hot loop's registers free of a rarer path's
#else
#define SOC278_NOINLINE
#define SOC278_COLD
#define SOC278_INLINE inline
#define SOC278_HOT
#endif

namespace soc278::ig {
namespace {

// yaml-cpp throws InvalidNode when asked the type of a missing key's node: ask IsDefined() first.
inline bool is_map(const YAML::Node& n) { return n.IsDefined() && n.IsMap(); }
inline bool is_seq(const YAML::Node& n) { return n.IsDefined() && n.IsSequence(); }
inline bool is_null(const YAML::Node& n) { return !n.IsDefined() || n.IsNull(); }
inline bool is_scalar(const YAML::Node& n) { return n.IsDefined() && n.IsScalar(); }

constexpr std::size_t max_loops = 256;  // per guide; the loader's guides have ~30
// A set of loop indices. Its words are not initialized: push_frame clears the ones the guide uses
// (Impl::loop_words, 1 for every guide here), so a frame costs two stores, not 64 bytes.
struct LoopSet {
  std::array<std::uint64_t, max_loops / 64> w;
  [[nodiscard]] bool test(std::size_t i) const noexcept { return (w[i >> 6] >> (i & 63) & 1U) != 0; }
  void set(std::size_t i) noexcept { w[i >> 6] |= std::uint64_t{1} << (i & 63); }
};
constexpr std::size_t max_found = 99;   // IK404 is AN 1-99
// reference 4: the 999 CTX business unit of a 278 is the patient event's TRN02
constexpr std::string_view trace_loop = "2000E";
constexpr std::uint32_t trn_key = segment_key("TRN");
constexpr std::uint32_t hl_key = segment_key("HL");

enum class Region : std::uint8_t { segments, children, trailer };

struct alignas(128) Frame {  // a power of two: frames.size() is a shift, not a division
  const LoopDef* loop = nullptr;
  LoopNode* node = nullptr;
  Region region = Region::segments;
  std::uint16_t pos = 0;        // last matched occurrence (segments or trailer region)
  std::uint16_t child_pos = 0;  // last opened child loop
  std::uint32_t counts = 0;     // offset into Impl::counts: [segments..., children..., trailer...]
  std::int32_t hl = -1;         // this loop's HL in Impl::hls
  LoopSet seen;                 // loops opened anywhere below this frame
  LoopSet missing;              // required loops already reported missing below (2000E under 2000D and 2000C: once)
  Frame() noexcept {}           // seen/missing: see LoopSet
};

struct alignas(64) HlRecord {  // 64 bytes: hls.size() is a shift, not a division
  std::array<char, 16> id{};
  const LoopDef* loop = nullptr;
  core::SourcePosition at;
  std::uint8_t id_length = 0;
  char hl04 = 0;  // '0', '1', or 0 when absent / something else (the code check reports that)
  bool reported = false;  // an IK3 for this HL is out already (a late HL04 finding needs one)
  [[nodiscard]] std::string_view hl01() const noexcept { return {id.data(), id_length}; }
  [[nodiscard]] bool is(std::string_view v) const noexcept {  // hl01() == v, without a call to memcmp
    if (v.size() != id_length) return false;
    for (std::size_t i = 0; i < v.size(); ++i)
      if (id[i] != v[i]) return false;
    return true;
  }
};

enum class MatchKind : std::uint8_t { none, in_loop, child, trailer };
struct Match {
  MatchKind kind = MatchKind::none;
  std::uint16_t depth = 0;
  std::uint16_t index = 0;
  bool out_of_sequence = false;
};

std::string_view cut(std::string_view v) noexcept { return v.substr(0, std::min(v.size(), max_found)); }

std::string_view trim_spaces(std::string_view v) noexcept {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  return v;
}

// Calls f(index (1-based), piece) for each piece of `v` split on `sep`; stops when f returns false.
template <typename F>
void for_each_piece(std::string_view v, char sep, F&& f) {
  std::size_t index = 1;
  std::size_t start = 0;
  for (;;) {
    const std::size_t p = v.find(sep, start);
    const std::string_view piece = v.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start);
    if (!f(index, piece)) return;
    if (p == std::string_view::npos) return;
    start = p + 1;
    ++index;
  }
}

// One pass over a value: the separators that make it repeat or compound, and whether every byte
// is in the X12 character set (printable ASCII; reference 5.8). A 256-byte class table per
// delimiter set turns it into one load and one OR per byte.
struct ValueScan {
  bool repetition = false;
  bool component = false;
  bool printable = true;
};
enum : std::uint8_t { class_repetition = 1, class_component = 2, class_bad = 4 };
struct ByteClasses {
  std::array<std::uint8_t, 256> table{};
  char repetition = 0;
  char component = 0;
  bool ready = false;
  void prepare(char rep, char comp) noexcept {
    if (ready && rep == repetition && comp == component) return;
    for (int c = 0; c < 256; ++c) table[static_cast<std::size_t>(c)] = (c < 0x20 || c > 0x7e) ? class_bad : 0;
    if (rep != '\0') table[static_cast<unsigned char>(rep)] |= class_repetition;
    table[static_cast<unsigned char>(comp)] |= class_component;
    repetition = rep;
    component = comp;
    ready = true;
  }
  [[nodiscard]] ValueScan scan(std::string_view v) const noexcept {
    unsigned acc = 0;
    for (char c : v) acc |= table[static_cast<unsigned char>(c)];
    return {(acc & class_repetition) != 0, (acc & class_component) != 0, (acc & class_bad) == 0};
  }
};

bool printable(std::string_view v) noexcept {
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return false;
  }
  return true;
}

std::string_view type_name(const ElementDef& e) noexcept {
  switch (e.type) {
    case ValueType::id: return "ID";
    case ValueType::an: return "AN";
    case ValueType::date: return "DT";
    case ValueType::time: return "TM";
    case ValueType::numeric: return "N";
    case ValueType::decimal: return "R";
  }
  return "AN";
}

std::string code_preview(const CodeSet& codes) {
  const auto v = codes.values();
  std::string out;
  for (std::size_t i = 0; i < v.size() && i < 12; ++i) out += fmt::format("{}{}", i == 0 ? "" : " ", v[i]);
  if (v.size() > 12) out += fmt::format(" ... ({} codes)", v.size());
  return out;
}

// Whether the first element's codes accept the segment. Same-id occurrences (qualified) are told
// apart this way; for a single occurrence the walker's strict pass uses it only to choose between
// open loops (an empty first element passes: CR1***X, HSD*****29*2), and its lenient pass ignores it.
// Whether `v` is one of up to four packed codes (CodeSet::packed_block), compared all at once.
SOC278_INLINE bool in_block(const std::array<std::uint64_t, 4>& block, std::string_view v) noexcept {
  if (v.size() > CodeSet::max_packed) return false;
  const std::uint64_t k = CodeSet::pack(v);
  return ((block[0] == k) | (block[1] == k) | (block[2] == k) | (block[3] == k)) != 0;
}

// The first component of `v` (up to the component separator).
SOC278_INLINE std::string_view first_piece(std::string_view v, char sep) noexcept {
  std::size_t i = 0;
  while (i < v.size() && v[i] != sep) ++i;
  return v.substr(0, i);
}

SOC278_INLINE bool first_element_matches(const SegmentRule& r, const x12::SegmentView& s) noexcept {
  if (r.match_codes == nullptr) return true;  // no codes on the first element (or no elements): the id decides
  const std::string_view v = r.match_component ? first_piece(s.element(1), s.delimiters().component) : s.element(1);
  if (v.empty() && !r.qualified) return true;
  return r.match_inline ? in_block(r.match_block, v) : r.match_codes->contains(v);
}

SOC278_INLINE bool starts_loop(const LoopDef& l, const x12::SegmentView& s) noexcept {
  if (l.start_element == 0) return true;  // the segment id alone starts it (the 999 loops)
  const std::string_view v = l.start_component != 0 ? s.component(l.start_element, l.start_component) : s.element(l.start_element);
  return l.start_inline ? in_block(l.start_block, v) : l.start_codes.contains(v);
}

// A date or period by its 1250 format qualifier (DTP02 for DTP03, C022-3 for C022-4).
bool valid_by_format(std::string_view format, std::string_view v) noexcept {
  if (format == "D8") return v.size() == 8 && x12::parse_date(v).has_value();
  if (format == "RD8") return x12::parse_date_range(v).has_value();
  if (format == "D6") return v.size() == 6 && x12::parse_date_yymmdd(v).has_value();
  if (format == "DT") return v.size() == 12 && x12::parse_date(v.substr(0, 8)) && x12::parse_time(v.substr(8));
  if (format == "TM") return x12::parse_time(v).has_value();
  if (format == "RDT") {
    return v.size() == 25 && v[12] == '-' && x12::parse_date(v.substr(0, 8)) && x12::parse_time(v.substr(8, 4)) &&
           x12::parse_date(v.substr(13, 8)) && x12::parse_time(v.substr(21, 4));
  }
  return true;  // a format the code list does not know: its own code check reports it
}

// ---- the fast path ----------------------------------------------------------------------------------
//
// Most values are valid. These checks clear a value only when the full checks (check_element,
// check_value) would surely find nothing; any doubt returns false and the full checks run and
// report. They never report themselves, so findings cannot depend on them.

// Bit i set where keys[i] == key, for i < n <= 64; `keys` is padded with zeros (no occurrence has
// key 0) to a multiple of 4, so it is compared four at a time with no data-dependent exit.
SOC278_INLINE std::uint64_t key_mask(const std::uint32_t* keys, std::size_t n, std::uint32_t key, std::size_t from = 0) noexcept {
  std::uint64_t m = 0;
#if defined(__SSE2__)
  const __m128i k = _mm_set1_epi32(static_cast<int>(key));
  for (std::size_t i = from & ~std::size_t{3}; i < n; i += 4) {  // bits below `from`'s group are not needed
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(keys + i));
    m |= static_cast<std::uint64_t>(_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(v, k)))) << i;
  }
#else
  for (std::size_t i = from; i < n; ++i) m |= static_cast<std::uint64_t>(keys[i] == key) << i;
#endif
  // The zero padding matches key 0 (an id segment_key() cannot pack, e.g. 'ABCD'): keep [0, n) only.
  return n >= 64 ? m : m & ((std::uint64_t{1} << n) - 1);
}

// One pass over a segment's bytes: whether any is a repetition separator or outside the X12
// character set (then every element takes the full checks), and whether any is a component
// separator (then a simple element must be told free of it). The element and component separators
// are never "outside the set" here, even when a sender picks control characters for them: values
// and component pieces exclude them.
struct SegmentScan {
  bool rep_or_bad = false;
  bool component = false;
};
enum : std::uint8_t { seg_rep_or_bad = 1, seg_component = 2 };
static_assert(sizeof(x12::Delimiters) == sizeof(std::uint32_t), "SegmentClasses::prepare compares the delimiters as one word");
struct SegmentClasses {
  std::array<std::uint8_t, 256> table{};
  x12::Delimiters d;
  std::uint32_t packed = 0;  // d as prepare() compares it
  bool ready = false;
#if defined(__SSE2__)
  __m128i sep_v{}, rep_v{}, comp_v{};  // the delimiters broadcast, set with the table
#endif
  void prepare(const x12::Delimiters& delims) noexcept {
    std::uint32_t now = 0;  // the four delimiters as one word: one compare instead of four
    std::memcpy(&now, &delims, sizeof now);
    if (ready && now == packed) [[likely]] return;
    packed = now;
    for (int c = 0; c < 256; ++c) table[static_cast<std::size_t>(c)] = (c < 0x20 || c > 0x7e) ? seg_rep_or_bad : 0;
    table[static_cast<unsigned char>(delims.element)] = 0;  // never inside a value
    if (delims.repetition != '\0') table[static_cast<unsigned char>(delims.repetition)] |= seg_rep_or_bad;
    table[static_cast<unsigned char>(delims.component)] = seg_component;  // distinct from the others (the reader checks)
    d = delims;
#if defined(__SSE2__)
    sep_v = _mm_set1_epi8(d.element);
    rep_v = _mm_set1_epi8(d.repetition);  // '\0' when there is none: NUL is bad anyway
    comp_v = _mm_set1_epi8(d.component);
#endif
    ready = true;
  }
  // `t` is the whole segment text: its id is letters and digits, which no class flags. Never reads
  // outside `t`: short texts are loaded as two overlapping halves.
  [[nodiscard]] SegmentScan scan(std::string_view t) const noexcept {
    const char* p = t.data();
    const std::size_t n = t.size();
#if defined(__SSE2__)
    if (n >= 4) {
      const __m128i sep = sep_v;
      const __m128i rep = rep_v;
      const __m128i comp = comp_v;
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
        for (std::size_t i = 0; i + 16 < n; i += 16) block(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)));
        block(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + n - 16)));  // the last 16, overlapping
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
        block(_mm_set_epi64x(0x4141414141414141LL, static_cast<long long>(lo)));  // 'A' fills the upper half
      }
      return {_mm_movemask_epi8(rb) != 0, _mm_movemask_epi8(cp) != 0};
    }
#endif
    unsigned acc = 0;
    for (std::size_t i = 0; i < n; ++i) acc |= table[static_cast<unsigned char>(p[i])];
    return {(acc & seg_rep_or_bad) != 0, (acc & seg_component) != 0};
  }
};

// Whether a[0, n) == b[0, n) for 8 <= n <= 64, inline: 16 bytes at a time where SSE2 has them
// (the last block overlapping the one before), never reading outside [0, n).
SOC278_INLINE bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
#if defined(__SSE2__)
  if (n >= 16) {
    const auto load = [](const char* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); };
    __m128i diff = _mm_xor_si128(load(a + n - 16), load(b + n - 16));
    for (std::size_t i = 0; i + 16 < n; i += 16) diff = _mm_or_si128(diff, _mm_xor_si128(load(a + i), load(b + i)));
    return _mm_movemask_epi8(_mm_cmpeq_epi8(diff, _mm_setzero_si128())) == 0xffff;
  }
#endif
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

// memcpy for the short texts of segments, inline: overlapping word moves, never outside [src, src + n).
SOC278_INLINE void copy_bytes(char* dst, const char* src, std::size_t n) noexcept {
  if (n > 64) {
    std::memcpy(dst, src, n);
  } else if (n >= 16) {
#if defined(__SSE2__)
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + n - 16));
    if (n > 32) {
      const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 16));
      const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + n - 32));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 16), c);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + n - 32), d);
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), a);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + n - 16), b);
#else
    std::memcpy(dst, src, n);
#endif
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
  return f.codes_inline ? in_block(f.code_block, v) : f.codes->contains(v);
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

// ------------------------------------------------------------------------------------------------

struct TransactionValidator::Impl {
  explicit Impl(const GuideSet& g, ValidationOptions o) : guides(g), options(o) {
    if (options.fast_path) clean_segments.resize(std::size_t{1} << clean_bits);
  }

  GuideSet guides;
  ValidationOptions options;
  core::DiagnosticSink* sink = nullptr;

  // The transaction.
  enum class State : std::uint8_t { idle, awaiting_bht, walking, no_guide } state = State::idle;
  std::string isa12, gs01, gs08;
  std::uint32_t file = 0;
  std::string st_text;
  x12::SegmentView st_view;  // st_text tokenized
  core::SourcePosition st_at;
  struct Choice {  // the last guide chosen without a finding, and what chose it
    const Guide* guide = nullptr;
    std::string isa12, gs01, gs08, st01, bht02;
  } last_choice;
  std::string bht_st01;  // the last ST01 asked about needs_bht02, and the answer
  bool bht_needed = false;
  const Guide* guide = nullptr;
  TransactionResult result;
  std::size_t text_hint = 4096;
  // The loop tree's text is gathered here and appended to result.text a few KB at a time
  // (flush_text(), and at the end of the set): one inline copy per segment instead of
  // std::string::append's bookkeeping and a call to memcpy.
  std::size_t text_used = 0;  // bytes of text so far: result.text plus the staged ones
  std::size_t text_staged = 0;
  std::array<char, 4096> text_stage;
  void flush_text() {
    result.text.append(text_stage.data(), text_staged);
    text_staged = 0;
  }
  std::vector<Frame> frames;
  std::vector<std::uint32_t> counts;  // per open frame: [segments..., children..., trailer...]; see push_frame
  std::size_t counts_top = 0;
  std::size_t loop_words = max_loops / 64;  // LoopSet words the guide's loop indices need (start_walk)
  std::vector<HlRecord> hls;
  static_assert(sizeof(HlRecord) == 64, "keep HlRecord a power of two");
  std::int32_t hl_parent = -1;  // the HL being walked: the index in hls its HL02 names, or -1
  core::SourcePosition last_at;

  // The segment being checked.
  const x12::SegmentView* seg = nullptr;
  const core::SourcePosition* seg_pos = nullptr;  // of the segment being checked (last_at or st_at): not copied
  [[nodiscard]] const core::SourcePosition& seg_at() const noexcept { return *seg_pos; }
  std::string_view seg_loop;
  bool seg_level_reported = false;
  bool last_segment_reported = false;  // the segment just ended has an IK3 finding
  std::size_t seg_element_findings = 0;
  core::Severity seg_worst = core::Severity::info;
  std::vector<core::Diagnostic> pending;  // element findings of this segment, emitted after its IK3
  ByteClasses classes;
  SegmentClasses segment_classes;
  // Syntax notes depend only on which positions are present: remember (occurrence, presence)
  // pairs that passed, so the notes of a recurring segment shape are evaluated once.
  struct SyntaxMemo {
    const SegmentRule* rule = nullptr;
    std::uint64_t present = 0;
  };
  std::array<SyntaxMemo, 64> syntax_memo{};
  std::size_t counted = 0;  // findings counted so far (count()): tells whether a check found anything

  // The element checks are a function of the occurrence, the segment's bytes, the delimiters and
  // the options alone, and most segments of a file recur byte for byte (the same payer, provider,
  // service lines...). Segments whose checks found nothing are remembered here, keyed by exactly
  // those inputs (the options are the validator's own): the same bytes against the same occurrence
  // are clean again without running the checks. 1024 sets of two 88-byte slots, least recently
  // used out (see check_elements_once), hashed on the occurrence's serial rather than its address
  // so that which segments collide does not depend on heap layout. Off with
  // ValidationOptions::fast_path, so the tests can compare it with the full checks.
  static constexpr std::size_t clean_max = 64;     // longer segments are always checked
  static constexpr std::size_t clean_min = 8;      // shorter ones cost less to check than to look up
  static constexpr unsigned clean_bits = 11;
  struct CleanSegment {
    const SegmentRule* rule = nullptr;
    std::uint32_t length = 0;
    std::uint32_t delimiters = 0;
    std::array<char, clean_max> text{};
  };
  std::vector<CleanSegment> clean_segments;

  // Spare vectors of the previous sets' loop nodes, emptied but with their capacity: a set builds
  // ~10 loop nodes, and taking their vectors from here saves two allocations and two frees each.
  // The first spare_*_count entries are the spares; the rest are empty vectors without storage, so
  // taking and giving back are swaps (a moved-from vector<LoopNode> would cost an out-of-line
  // destructor call: the type is recursive).
  std::vector<std::vector<SegmentNode>> spare_segments;
  std::vector<std::vector<LoopNode>> spare_children;
  std::size_t spare_segments_count = 0;
  std::size_t spare_children_count = 0;

  void recycle(LoopNode& node) noexcept {
    for (LoopNode& child : node.children) {
      recycle(child);
      if (child.segments.capacity() != 0) {
        child.segments.clear();
        if (spare_segments_count == spare_segments.size()) spare_segments.emplace_back();
        spare_segments[spare_segments_count++].swap(child.segments);
      }
      if (child.children.capacity() != 0) {  // emptied by recycle()
        if (spare_children_count == spare_children.size()) spare_children.emplace_back();
        spare_children[spare_children_count++].swap(child.children);
      }
    }
    node.children.clear();
  }

  // A fresh child of `parent`, its vectors taken from the spares when there are any.
  LoopNode& new_child(LoopNode& parent, std::size_t segment_hint) {
    if (parent.children.capacity() == 0) {
      if (spare_children_count != 0) {
        parent.children.swap(spare_children[--spare_children_count]);
      } else {
        parent.children.reserve(4);
      }
    }
    LoopNode& node = parent.children.emplace_back();
    if (spare_segments_count != 0) {
      node.segments.swap(spare_segments[--spare_segments_count]);
    } else {
      node.segments.reserve(segment_hint);
    }
    return node;
  }

  // The result back to empty, field by field (a moved-from result keeps no storage): cheaper than
  // assigning a fresh TransactionResult, which copies the whole struct through the stack. The loop
  // tree's vectors go to the spares.
  void reset_result() noexcept {
    recycle(result.root);
    result.guide = nullptr;
    result.rejected = false;
    result.errors = 0;
    result.warnings = 0;
    result.findings.clear();
    result.findings_dropped = 0;
    result.root.def = nullptr;
    result.root.at = {};
    result.root.segments.clear();
    result.root.children.clear();
    result.text.clear();
    text_used = 0;
    text_staged = 0;
    result.delimiters = {};
    result.trn02_trace.clear();
    result.segments = 0;
  }

  // ---- reporting ----------------------------------------------------------------------------------
  [[nodiscard]] bool wanted() const noexcept {
    return sink != nullptr || result.findings.size() + pending.size() < options.max_findings;
  }

  void count(core::Severity s) noexcept {
    ++counted;
    if (s == core::Severity::error) ++result.errors;
    if (s == core::Severity::warning) ++result.warnings;
  }

  void store(core::Diagnostic d) {
    if (sink != nullptr) sink->report(d);
    if (result.findings.size() < options.max_findings) {
      result.findings.push_back(std::move(d));
    } else {
      ++result.findings_dropped;
    }
  }

  core::Diagnostic make(core::DiagCode code, core::Severity sev, const core::SourcePosition& at, std::string_view segment_id,
                        std::string_view loop_id, std::string message) const {
    core::Diagnostic d = core::make_diagnostic(code, at, segment_id, std::move(message));
    d.severity = sev;
    d.loop_id = loop_id;
    return d;
  }

  // Set-, segment- or loop-level finding, stored at once.
  template <typename... Args>
  SOC278_COLD void report(core::DiagCode code, const core::SourcePosition& at, std::string_view segment_id, std::string_view loop_id,
              fmt::format_string<Args...> f, Args&&... args) {
    const core::Severity sev = core::info(code).severity;
    count(sev);
    if (!wanted()) {
      ++result.findings_dropped;
      return;
    }
    store(make(code, sev, at, segment_id, loop_id, fmt::format(f, std::forward<Args>(args)...)));
  }

  // A segment-level finding about the segment being walked.
  template <typename... Args>
  SOC278_COLD void segment_finding(core::DiagCode code, std::string_view loop_id, fmt::format_string<Args...> f, Args&&... args) {
    seg_level_reported = true;
    report(code, seg_at(), seg->id(), loop_id, f, std::forward<Args>(args)...);
  }

  [[nodiscard]] bool tolerated(const ValueRule& rule) const noexcept {
    if (!rule.tolerate) return false;
    if (rule.label == "SV105") return options.accept_sv105;
    return options.accept_tolerated;
  }

  // An element-level finding about the segment being checked; held until its IK3 is out.
  template <typename... Args>
  SOC278_COLD void element_finding(core::DiagCode code, const ValueRule& rule, std::uint16_t element, std::uint16_t component,
                       std::string_view found, fmt::format_string<Args...> f, Args&&... args) {
    core::Severity sev = core::info(code).severity;
    if (code == core::DiagCode::ig_element_space_padded && options.accept_space_padding) sev = core::Severity::warning;
    if (sev == core::Severity::error && tolerated(rule)) sev = core::Severity::warning;
    count(sev);
    ++seg_element_findings;
    if (static_cast<int>(sev) > static_cast<int>(seg_worst)) seg_worst = sev;
    if (!wanted()) {
      ++result.findings_dropped;
      return;
    }
    core::SourcePosition at = seg_at();
    at.element = element;
    at.component = component;
    core::Diagnostic d = make(code, sev, at, seg->id(), seg_loop, fmt::format(f, std::forward<Args>(args)...));
    if (rule.element != nullptr) d.element_ref = rule.element->ref;
    d.found_value = cut(found);
    pending.push_back(std::move(d));
  }

  // `pending` is empty between segments (end_segment() and begin() empty it).
  void begin_segment(const x12::SegmentView& s, const core::SourcePosition& at, std::string_view loop_id) {
    seg = &s;
    seg_pos = &at;
    seg_loop = loop_id;
    seg_level_reported = false;
    seg_element_findings = 0;
    seg_worst = core::Severity::info;
  }

  SOC278_INLINE void end_segment() {
    last_segment_reported = seg_level_reported || seg_element_findings != 0;
    if (!last_segment_reported && pending.empty()) return;  // the common case: nothing found
    flush_segment();
  }
  SOC278_COLD void flush_segment() {
    if (seg_element_findings != 0 && !seg_level_reported) {
      // The IK3 that carries the IK4s: as severe as the worst of them.
      const core::Severity sev = seg_worst;
      count(sev);
      if (wanted()) {
        store(make(core::DiagCode::ig_segment_has_element_errors, sev, seg_at(), seg->id(), seg_loop,
                   fmt::format("{} at set position {} has {} element finding(s)", seg->id(), seg_at().segment_in_set,
                               seg_element_findings)));
      } else {
        ++result.findings_dropped;
      }
    }
    for (auto& d : pending) store(std::move(d));
    pending.clear();
  }

  // ---- guide selection ----------------------------------------------------------------------------
  void select(std::string_view bht02);
  void start_walk();

  // ---- walking ------------------------------------------------------------------------------------
  [[nodiscard]] std::size_t frame_slots(const LoopDef& l) const noexcept {
    return std::size_t{l.segment_count} + l.child_count + l.trailer_count;
  }
  // `counts` is a stack used up to counts_top; it only grows, so pushing a frame zeroes its slots
  // in place instead of resizing.
  void push_frame(const LoopDef& l, LoopNode* node) {
    const std::size_t base = counts_top;
    const std::size_t slots = frame_slots(l);
    if (base + slots > counts.size()) counts.resize(std::max<std::size_t>(2 * counts.size(), base + slots + 64));
    std::uint32_t* c = counts.data() + base;
    for (std::size_t i = 0; i < slots; ++i) c[i] = 0;
    counts_top = base + slots;
    Frame& f = frames.emplace_back();
    for (std::size_t k = 0; k < loop_words; ++k) f.seen.w[k] = f.missing.w[k] = 0;
    f.loop = &l;
    f.node = node;
    f.counts = static_cast<std::uint32_t>(base);
  }
  void close_frame(const core::SourcePosition& trigger, std::string_view trigger_id);
  SOC278_COLD void report_missing(const core::SourcePosition& trigger, std::string_view trigger_id);
  Match forward(std::size_t depth, const x12::SegmentView& s, std::uint32_t key, bool strict) const;
  Match forward_scan(std::size_t depth, const x12::SegmentView& s, std::uint32_t key, bool strict) const;
  Match backward(std::size_t depth, const x12::SegmentView& s, std::uint32_t key, bool strict) const;
  Match hl_directed(const x12::SegmentView& s) const;
  Match find(const x12::SegmentView& s, std::uint32_t key) const;
  SOC278_INLINE void walk(const x12::SegmentView& s, const core::SourcePosition& at);  // one caller: segment()
  void unmatched(const x12::SegmentView& s, std::uint32_t key);
  SOC278_INLINE void accept(const x12::SegmentView& s, const SegmentRule& rule, LoopNode* node);
  std::int32_t find_hl(std::string_view hl01) const noexcept;
  [[nodiscard]] static bool hl_parent_allowed(const LoopDef& l, const LoopDef& parent) noexcept;
  void check_hl(const x12::SegmentView& s, const SegmentRule& rule);
  SOC278_COLD void check_icd10(const x12::SegmentView& s, const SegmentRule& rule);
  void finish_hl();
  void hl_child_finding(HlRecord& hl, std::string message);

  // ---- element checks -----------------------------------------------------------------------------
  [[nodiscard]] static bool fast_element(const x12::SegmentView& s, const SegmentRule& rule, const FastCheck& f,
                                         std::string_view v, bool component_in_segment) noexcept;
  [[nodiscard]] static bool fast_syntax(const SegmentRule& rule, std::uint64_t present) noexcept;
  void check_elements(const x12::SegmentView& s, const SegmentRule& rule);
  SOC278_INLINE void check_elements_once(const x12::SegmentView& s, const SegmentRule& rule);
  void remember_clean(CleanSegment* set, const SegmentRule& rule, std::uint32_t delims, const char* p, std::size_t n) noexcept;
  // A hit in way 1 makes it the more recently used (out of line: rare, and 176 bytes to move).
  SOC278_NOINLINE static void swap_ways(CleanSegment* set) noexcept { std::swap(set[0], set[1]); }
  SOC278_COLD void trailing_elements(const x12::SegmentView& s, std::size_t sent, std::size_t last);
  SOC278_COLD void element_values(const x12::SegmentView& s, const SegmentRule& rule, std::size_t first, std::size_t upto,
                                  std::uint64_t& present);
  SOC278_COLD void element_tail(const x12::SegmentView& s, const SegmentRule& rule, std::size_t last);
  void check_element(const x12::SegmentView& s, const ElementRule& rule, std::string_view value);
  SOC278_INLINE void check_value(const x12::SegmentView& s, const ValueRule& rule, std::uint16_t element, std::uint16_t component,
                                 std::string_view value, std::string_view composite_value, bool known_printable);
  void check_syntax(const SegmentRule& rule, std::uint64_t present);
};

// ---- guide selection ------------------------------------------------------------------------------

void TransactionValidator::Impl::select(std::string_view bht02) {
  const x12::SegmentView& st = st_view;
  const std::string_view st01 = st.element(1);
  const std::string_view st03 = st.element(3);
  const bool mismatch = !st03.empty() && st03 != gs08;
  // Most sets of a file choose the same guide: the last clean choice is kept with what chose it.
  if (!mismatch && last_choice.guide != nullptr && last_choice.st01 == st01 && last_choice.bht02 == bht02 &&
      last_choice.isa12 == isa12 && last_choice.gs01 == gs01 && last_choice.gs08 == gs08) {
    guide = last_choice.guide;
    start_walk();
    return;
  }
  guide = guides.select(isa12, gs01, gs08, st01, bht02);
  if (guide != nullptr && !mismatch) {
    last_choice.guide = guide;
    last_choice.isa12 = isa12;
    last_choice.gs01 = gs01;
    last_choice.gs08 = gs08;
    last_choice.st01 = st01;
    last_choice.bht02 = bht02;
  }
  // A GS08 no guide reads but an ST03 one does: walk by ST03 so the body is still checked; the
  // mismatch itself rejects the set (reference 5.13).
  if (guide == nullptr && mismatch) guide = guides.select(isa12, gs01, st03, st01, bht02);
  core::SourcePosition at = st_at;
  if (mismatch) {
    at.element = 3;
    report(core::DiagCode::ig_st03_mismatch, at, "ST", "", "ST03 says '{}', expected GS08 '{}' (reference 5.13)", st03, gs08);
    at.element = 0;
  }
  if (guide == nullptr) {
    state = State::no_guide;
    if (!guides.supports_transaction(st01)) {
      at.element = 1;
      report(core::DiagCode::ig_transaction_unsupported, at, "ST", "",
             "no implementation guide reads transaction set '{}' (grammars/index.yaml)", st01);
    } else if (bht02.empty() && guides.needs_bht02(st01)) {
      report(core::DiagCode::ig_guide_unknown, at, "ST", "",
             "no BHT02 after ST to choose the {} guide by (request 13, response 11; grammars/index.yaml)", st01);
    } else {
      report(core::DiagCode::ig_guide_unknown, at, "ST", "",
             "no implementation guide for ISA12 '{}' GS01 '{}' GS08 '{}' ST01 '{}' BHT02 '{}' (grammars/index.yaml)", isa12,
             gs01, gs08, st01, bht02);
    }
    return;
  }
  start_walk();
}

void TransactionValidator::Impl::start_walk() {
  state = State::walking;
  loop_words = std::min<std::size_t>(max_loops / 64, (guide->loops.size() + 1 + 63) / 64);  // indices 0..loops.size()
  result.guide = guide;
  LoopNode* root = options.build_tree ? &result.root : nullptr;
  if (root != nullptr) {
    root->def = &guide->root;
    root->at = st_at;
  }
  push_frame(guide->root, root);
  const x12::SegmentView& st = st_view;
  const SegmentRule& rule = guide->root.segments.front();
  counts[frames.back().counts] = 1;
  begin_segment(st, st_at, "");
  accept(st, rule, root);
  end_segment();
}

// ---- walking --------------------------------------------------------------------------------------

Match TransactionValidator::Impl::forward(std::size_t depth, const x12::SegmentView& s, std::uint32_t key, bool strict) const {
  const Frame& f = frames[depth];
  const LoopDef& l = *f.loop;
  const auto d16 = static_cast<std::uint16_t>(depth);
  const std::size_t nseg = l.segment_count;
  const std::size_t nchild = l.child_count;
  const std::size_t ntrail = l.trailer_count;
  if (nseg > 64 || nchild > 64 || ntrail > 64) return forward_scan(depth, s, key, strict);
  if (f.region == Region::segments) {
    // Same-id occurrences share one position (README §3), so the run the last match belongs to is still open.
    const std::size_t from = std::max<std::size_t>(l.segments[f.pos].run_start, 1);
    for (std::uint64_t m = key_mask(l.segment_keys.data(), nseg, key, from) & (~std::uint64_t{0} << from); m != 0; m &= m - 1) {
      const auto i = static_cast<std::size_t>(__builtin_ctzll(m));
      if (!strict || first_element_matches(l.segments[i], s)) return {MatchKind::in_loop, d16, static_cast<std::uint16_t>(i), false};
    }
  }
  if (f.region != Region::trailer && nchild != 0) {
    // From the current child on, then the earlier ones (out of sequence once the children region began).
    const std::uint64_t all = key_mask(l.child_keys.data(), nchild, key);
    const std::uint64_t later = ~std::uint64_t{0} << f.child_pos;
    for (std::uint64_t m = all & later; m != 0; m &= m - 1) {
      const auto c = static_cast<std::size_t>(__builtin_ctzll(m));
      if (!strict || starts_loop(*l.children[c], s)) return {MatchKind::child, d16, static_cast<std::uint16_t>(c), false};
    }
    for (std::uint64_t m = all & ~later; m != 0; m &= m - 1) {
      const auto c = static_cast<std::size_t>(__builtin_ctzll(m));
      if (!strict || starts_loop(*l.children[c], s))
        return {MatchKind::child, d16, static_cast<std::uint16_t>(c), f.region == Region::children};
    }
  }
  if (ntrail != 0) {
    const std::size_t from = f.region == Region::trailer ? l.trailer[f.pos].run_start : 0;
    for (std::uint64_t m = key_mask(l.trailer_keys.data(), ntrail, key, from) & (~std::uint64_t{0} << from); m != 0; m &= m - 1) {
      const auto i = static_cast<std::size_t>(__builtin_ctzll(m));
      if (!strict || first_element_matches(l.trailer[i], s)) return {MatchKind::trailer, d16, static_cast<std::uint16_t>(i), false};
    }
  }
  return {};
}

// forward() for loops with more than 64 occurrences or children (no guide has one): the same order, one by one.
Match TransactionValidator::Impl::forward_scan(std::size_t depth, const x12::SegmentView& s, std::uint32_t key, bool strict) const {
  const Frame& f = frames[depth];
  const LoopDef& l = *f.loop;
  const auto d16 = static_cast<std::uint16_t>(depth);
  if (f.region == Region::segments) {
    for (std::size_t i = std::max<std::size_t>(l.segments[f.pos].run_start, 1); i < l.segments.size(); ++i) {
      if (l.segments[i].key == key && (!strict || first_element_matches(l.segments[i], s)))
        return {MatchKind::in_loop, d16, static_cast<std::uint16_t>(i), false};
    }
  }
  if (f.region != Region::trailer) {
    const std::size_t n = l.children.size();
    for (std::size_t k = 0; k < n; ++k) {
      std::size_t c = f.child_pos + k;
      if (c >= n) c -= n;
      if (l.children[c]->start_key == key && (!strict || starts_loop(*l.children[c], s)))
        return {MatchKind::child, d16, static_cast<std::uint16_t>(c), f.region == Region::children && c < f.child_pos};
    }
  }
  for (std::size_t i = f.region == Region::trailer ? l.trailer[f.pos].run_start : 0; i < l.trailer.size(); ++i) {
    if (l.trailer[i].key == key && (!strict || first_element_matches(l.trailer[i], s)))
      return {MatchKind::trailer, d16, static_cast<std::uint16_t>(i), false};
  }
  return {};
}

Match TransactionValidator::Impl::backward(std::size_t depth, const x12::SegmentView& s, std::uint32_t key, bool strict) const {
  const Frame& f = frames[depth];
  const LoopDef& l = *f.loop;
  const auto d16 = static_cast<std::uint16_t>(depth);
  const std::size_t end = f.region == Region::segments ? l.segments[f.pos].run_start : l.segments.size();
  for (std::size_t i = 1; i < end; ++i) {
    if (l.segment_keys[i] == key && (!strict || first_element_matches(l.segments[i], s)))
      return {MatchKind::in_loop, d16, static_cast<std::uint16_t>(i), true};
  }
  if (f.region == Region::trailer) {
    for (std::size_t i = 0; i < l.trailer[f.pos].run_start; ++i) {
      if (l.trailer_keys[i] == key && (!strict || first_element_matches(l.trailer[i], s)))
        return {MatchKind::trailer, d16, static_cast<std::uint16_t>(i), true};
    }
  }
  return {};
}

// Whether an HL of loop `parent` may be the parent of an HL of loop `l` (hl.parents in the guide).
bool TransactionValidator::Impl::hl_parent_allowed(const LoopDef& l, const LoopDef& parent) noexcept {
  if (parent.index < 64 && l.hl_parents_in_mask) return (l.hl_parent_mask >> parent.index & 1U) != 0;
  return std::find(l.hl_parents.begin(), l.hl_parents.end(), &parent) != l.hl_parents.end();
}

std::int32_t TransactionValidator::Impl::find_hl(std::string_view hl01) const noexcept {
  if (hl01.empty()) return -1;
  // HL01 counts 1, 2, 3 ...: try the direct slot first, then search (only after a numbering error).
  if (const auto n = to_integer(hl01); n && *n >= 1 && static_cast<std::size_t>(*n) <= hls.size()) {
    if (hls[static_cast<std::size_t>(*n - 1)].is(hl01)) return static_cast<std::int32_t>(*n - 1);
  }
  for (std::size_t i = hls.size(); i-- > 0;) {
    if (hls[i].is(hl01)) return static_cast<std::int32_t>(i);
  }
  return -1;
}

Match TransactionValidator::Impl::hl_directed(const x12::SegmentView& s) const {
  const std::int32_t parent = hl_parent;
  if (parent < 0) return {};
  for (std::size_t d = frames.size(); d-- > 0;) {
    if (frames[d].hl != parent) continue;
    const Frame& f = frames[d];
    if (f.region == Region::trailer) return {};
    const LoopDef& l = *f.loop;
    const std::size_t n = l.children.size();
    for (std::size_t k = 0; k < n; ++k) {
      std::size_t c = f.child_pos + k;  // from the current child on, then the earlier ones
      if (c >= n) c -= n;
      if (l.child_keys[c] == hl_key && starts_loop(*l.children[c], s))
        return {MatchKind::child, static_cast<std::uint16_t>(d), static_cast<std::uint16_t>(c),
                f.region == Region::children && c < f.child_pos};
    }
    return {};
  }
  return {};
}

Match TransactionValidator::Impl::find(const x12::SegmentView& s, std::uint32_t key) const {
  if (key == hl_key) {
    if (const Match m = hl_directed(s); m.kind != MatchKind::none) return m;
  } else {
    // The common case first: a later occurrence of the innermost loop. When the id differs from
    // the last matched one's, no occurrence of the run forward() starts from has it, so forward()'s
    // first candidate is the first later occurrence with this id; if its first element agrees,
    // that is forward()'s answer. Anything else takes the full search below.
    const Frame& top = frames.back();
    const LoopDef& l = *top.loop;
    if (top.region == Region::segments && l.segment_keys[top.pos] != key) {
      const auto depth = static_cast<std::uint16_t>(frames.size() - 1);
      const std::size_t nseg = l.segment_count;
      std::size_t i = static_cast<std::size_t>(top.pos) + 1;
      for (; i < nseg; ++i) {
        if (l.segment_keys[i] != key) continue;
        if (first_element_matches(l.segments[i], s)) return {MatchKind::in_loop, depth, static_cast<std::uint16_t>(i), false};
        break;
      }
      // No later occurrence has the id: forward() goes on with the child loops, from the current one.
      if (i == nseg) {
        const std::size_t nchild = l.child_count;
        for (std::size_t c = top.child_pos; c < nchild; ++c) {
          if (l.child_keys[c] != key) continue;
          if (starts_loop(*l.children[c], s)) return {MatchKind::child, depth, static_cast<std::uint16_t>(c), false};
          break;
        }
      }
    }
  }
  for (bool strict : {true, false}) {
    for (std::size_t d = frames.size(); d-- > 0;) {
      if (!frames[d].loop->may_take(key)) continue;  // no occurrence or child loop with this id
      if (const Match m = forward(d, s, key, strict); m.kind != MatchKind::none) return m;
    }
  }
  for (bool strict : {true, false}) {
    for (std::size_t d = frames.size(); d-- > 0;) {
      if (const Match m = backward(d, s, key, strict); m.kind != MatchKind::none) return m;
    }
  }
  return {};
}

void TransactionValidator::Impl::close_frame(const core::SourcePosition& trigger, std::string_view trigger_id) {
  const Frame& f = frames.back();
  const LoopDef& l = *f.loop;
  // Usually nothing is missing: tell that from the counts and the seen loops, and report (below,
  // out of line) only otherwise.
  bool complete = true;
  for (const std::uint16_t i : l.required_segments) complete &= counts[f.counts + i] != 0;
  const std::size_t trailer_at = f.counts + std::size_t{l.segment_count} + l.child_count;
  for (const std::uint16_t i : l.required_trailer) complete &= counts[trailer_at + i] != 0;
  if (!l.required_children.empty())
    complete &= l.required_children_in_mask && (l.required_children_mask & ~(f.seen.w[0] | f.missing.w[0])) == 0;
  if (!complete) report_missing(trigger, trigger_id);
  counts_top = f.counts;
  if (frames.size() > 1) {
    Frame& parent = frames[frames.size() - 2];
    for (std::size_t k = 0; k < loop_words; ++k) {
      parent.seen.w[k] |= f.seen.w[k];
      parent.missing.w[k] |= f.missing.w[k];
    }
  }
  frames.pop_back();
}

// What the closing frame misses: required segments, loops, trailer segments, in that order.
void TransactionValidator::Impl::report_missing(const core::SourcePosition& trigger, std::string_view trigger_id) {
  const Frame& f = frames.back();
  const LoopDef& l = *f.loop;
  const std::size_t nseg = l.segment_count;
  const std::size_t nchild = l.child_count;
  core::SourcePosition at = trigger;
  at.element = 0;
  at.component = 0;
  auto missing = [&](const SegmentRule& r) {
    report(core::DiagCode::ig_required_segment_missing, at, r.id, l.id,
           "expected {} ({}) in {}, found none before {} at set position {}", r.id, r.name,
           l.id.empty() ? std::string("the heading/trailer") : "loop " + l.id, trigger_id, trigger.segment_in_set);
  };
  for (const std::uint16_t i : l.required_segments)
    if (counts[f.counts + i] == 0) missing(l.segments[i]);
  for (const std::uint16_t c : l.required_children) {
    const LoopDef& child = *l.children[c];
    if (f.seen.test(child.index) || f.missing.test(child.index)) continue;
    frames.back().missing.set(child.index);
    report(core::DiagCode::ig_required_loop_missing, at, child.segments.empty() ? std::string_view{} : child.segments.front().id,
           child.id, "expected loop {} ({}) in {}, found none before {} at set position {}", child.id, child.name,
           l.id.empty() ? std::string("the transaction") : "loop " + l.id, trigger_id, trigger.segment_in_set);
  }
  for (const std::uint16_t i : l.required_trailer)
    if (counts[f.counts + nseg + nchild + i] == 0) missing(l.trailer[i]);
}

void TransactionValidator::Impl::unmatched(const x12::SegmentView& s, std::uint32_t key) {
  const Frame& top = frames.back();
  const std::string_view loop_id = top.loop->id;
  const SegmentDef* def = key == 0 ? nullptr : guides.segment(key);
  if (def == nullptr) {
    segment_finding(core::DiagCode::ig_segment_unrecognized, loop_id, "'{}' is not a segment id soc278 knows (grammars/segments.yaml)",
                    cut(s.id()));
    return;
  }
  if (!guide->uses_segment(key)) {
    segment_finding(core::DiagCode::ig_segment_not_in_set, loop_id, "{} ({}) is not part of the {} {} ({})", s.id(), def->name,
                    guide->transaction_id, guide->purpose, guide->version);
    return;
  }
  // What could have come here instead (error path only).
  std::string expected;
  const LoopDef& l = *top.loop;
  if (top.region == Region::segments) {
    for (std::size_t i = std::max<std::size_t>(top.pos, 1); i < l.segments.size(); ++i) {
      if (expected.find(l.segments[i].id) == std::string::npos) expected += fmt::format("{} ", l.segments[i].id);
    }
  }
  for (const LoopDef* c : l.children) expected += fmt::format("loop {} ", c->id);
  if (!expected.empty()) expected.pop_back();
  segment_finding(core::DiagCode::ig_segment_unexpected, loop_id, "{} does not fit {} here (expected {})", s.id(),
                  loop_id.empty() ? std::string("the heading") : "loop " + std::string(loop_id),
                  expected.empty() ? std::string("the end of the loop") : expected);
}

SOC278_INLINE void TransactionValidator::Impl::walk(const x12::SegmentView& s, const core::SourcePosition& at) {
  const std::string_view id = s.id();
  const std::uint32_t key = id.size() == 2   ? (static_cast<std::uint32_t>(static_cast<unsigned char>(id[0])) << 8) | static_cast<unsigned char>(id[1])
                            : id.size() == 3 ? (static_cast<std::uint32_t>(static_cast<unsigned char>(id[0])) << 16) |
                                                   (static_cast<std::uint32_t>(static_cast<unsigned char>(id[1])) << 8) | static_cast<unsigned char>(id[2])
                                             : segment_key(id);
  if (key == hl_key) hl_parent = find_hl(s.element(2));  // for hl_directed() and check_hl()
  const Match m = find(s, key);
  if (m.kind == MatchKind::none) {
    begin_segment(s, at, frames.back().loop->id);
    unmatched(s, key);
    end_segment();
    return;
  }
  if (!m.out_of_sequence || m.kind == MatchKind::child) {
    while (frames.size() > static_cast<std::size_t>(m.depth) + 1) close_frame(at, s.id());
  }
  Frame& f = frames[m.depth];
  const LoopDef& l = *f.loop;
  const std::size_t nseg = l.segment_count;
  const std::size_t nchild = l.child_count;
  const SegmentRule* rule = nullptr;
  LoopNode* node = f.node;
  std::uint32_t used = 0;
  if (m.kind == MatchKind::in_loop) {
    rule = &l.segments[m.index];
    begin_segment(s, at, l.id);
    if (m.out_of_sequence) {
      segment_finding(core::DiagCode::ig_segment_out_of_sequence, l.id,
                      "{} ({}) belongs before the segments already read in {}", s.id(), rule->name,
                      l.id.empty() ? std::string("the heading") : "loop " + l.id);
    } else {
      f.region = Region::segments;
      f.pos = m.index;
    }
    used = ++counts[f.counts + m.index];
  } else if (m.kind == MatchKind::trailer) {
    rule = &l.trailer[m.index];
    begin_segment(s, at, l.id);
    if (m.out_of_sequence) {
      segment_finding(core::DiagCode::ig_segment_out_of_sequence, l.id, "{} ({}) belongs before the trailer segments already read",
                      s.id(), rule->name);
    } else {
      f.region = Region::trailer;
      f.pos = m.index;
    }
    used = ++counts[f.counts + nseg + nchild + m.index];
  } else {
    const LoopDef& child = *l.children[m.index];
    const std::uint32_t repeats = ++counts[f.counts + nseg + m.index];
    f.region = Region::children;
    if (!m.out_of_sequence) f.child_pos = m.index;
    f.seen.set(child.index);
    LoopNode* parent_node = f.node;
    if (parent_node != nullptr) {
      node = &new_child(*parent_node, std::min<std::size_t>(child.segments.size(), 8));
      node->def = &child;
      node->at = at;
    } else {
      node = nullptr;
    }
    push_frame(child, node);  // invalidates f
    rule = &child.segments.front();
    used = ++counts[frames.back().counts];
    begin_segment(s, at, child.id);
    if (m.out_of_sequence) {
      segment_finding(core::DiagCode::ig_segment_out_of_sequence, child.id, "loop {} ({}) belongs before the loops already read in {}",
                      child.id, child.name, l.id.empty() ? std::string("the transaction") : "loop " + l.id);
    }
    if (child.repeat != 0 && repeats > child.repeat) {
      segment_finding(core::DiagCode::ig_loop_over_max_repeats, child.id, "loop {} ({}) occurs {} times, the guide allows {}",
                      child.id, child.name, repeats, child.repeat);
    }
  }
  if (rule->max_use != 0 && used > rule->max_use) {
    segment_finding(core::DiagCode::ig_segment_over_max_use, seg_loop, "{} ({}) occurs {} times in {}, the guide allows {}",
                    s.id(), rule->name, used, seg_loop.empty() ? std::string("the heading") : "loop " + std::string(seg_loop),
                    rule->max_use);
  }
  accept(s, *rule, node);
  end_segment();
  if (rule->starts_hl && !hls.empty()) hls.back().reported = last_segment_reported;
}

// The segment has its occurrence: record it, check it.
SOC278_INLINE void TransactionValidator::Impl::accept(const x12::SegmentView& s, const SegmentRule& rule, LoopNode* node) {
  const bool used = rule.usage != Usage::not_used;
  if (!used) {
    // One finding for the whole segment (IK304 I4); its elements are not judged against a use it has not.
    segment_finding(core::DiagCode::ig_segment_not_used, seg_loop, "{} ({}) is not used here by the guide", s.id(), rule.name);
  }
  if (node != nullptr) {
    const std::string_view t = s.text();
    SegmentNode n;
    n.rule = &rule;
    n.at = seg_at();
    n.text_offset = static_cast<std::uint32_t>(text_used);
    n.text_length = static_cast<std::uint32_t>(t.size());
    if (text_staged + t.size() > text_stage.size()) [[unlikely]] {
      flush_text();
      if (t.size() > text_stage.size()) result.text.append(t);
    }
    if (t.size() <= text_stage.size()) {
      copy_bytes(text_stage.data() + text_staged, t.data(), t.size());
      text_staged += t.size();
    }
    text_used += t.size();
    node->segments.push_back(n);
  }
  if (used) check_elements_once(s, rule);
  if (rule.starts_hl) check_hl(s, rule);
  if (rule.key == trn_key && result.trn02_trace.empty() && rule.loop != nullptr && rule.loop->id == trace_loop)
    result.trn02_trace = s.element(2);
}

// ---- HL rules (reference 5.11) --------------------------------------------------------------------

void TransactionValidator::Impl::check_hl(const x12::SegmentView& s, const SegmentRule& rule) {
  const LoopDef& l = *rule.loop;
  const std::string_view hl01 = s.element(1);
  const std::string_view hl02 = s.element(2);
  const std::string_view hl04 = s.element(4);
  const std::size_t expected = hls.size() + 1;
  const auto n = to_integer(hl01);
  if (!hl01.empty() && (!n || *n != static_cast<std::int64_t>(expected)) && rule.element(1) != nullptr) {
    element_finding(core::DiagCode::ig_hl_sequence, *rule.element(1), 1, 0, hl01,
                    "expected HL01 = {} (HLs count 1, 2, 3 ... in order within the set), found '{}'", expected, hl01);
  }
  const std::int32_t parent = hl_parent;  // find_hl(hl02), computed by walk()
  const bool parent_valid = parent >= 0 && hl_parent_allowed(l, *hls[static_cast<std::size_t>(parent)].loop);
  const bool top = l.hl_parent_mask == 0 && l.hl_parents.empty();
  if ((top ? !hl02.empty() : !hl02.empty() && !parent_valid) && rule.element(2) != nullptr) {
    const ElementRule* r2 = rule.element(2);
    if (top) {
      // An HL02 the guide does not use at the top level is reported as such (IK403 I10), once.
      if (!hl02.empty() && r2->usage != Usage::not_used)
        element_finding(core::DiagCode::ig_hl_parent_invalid, *r2, 2, 0, hl02,
                        "expected HL02 empty at the top level (loop {}), found '{}'", l.id, hl02);
    } else if (!hl02.empty() && !parent_valid) {
      std::string allowed;  // error path only
      for (const LoopDef* p : l.hl_parents) allowed += fmt::format("{}{} ({})", allowed.empty() ? "" : " or ", p->id, p->hl_level);
      if (parent < 0) {
        element_finding(core::DiagCode::ig_hl_parent_invalid, *r2, 2, 0, hl02,
                        "HL02 '{}' names no earlier HL in this set; loop {} must hang under {}", hl02, l.id, allowed);
      } else {
        const LoopDef* pl = hls[static_cast<std::size_t>(parent)].loop;
        element_finding(core::DiagCode::ig_hl_parent_invalid, *r2, 2, 0, hl02,
                        "HL02 '{}' points to loop {} (HL03 {}); loop {} must hang under {}", hl02, pl->id, pl->hl_level, l.id,
                        allowed);
      }
    }
  }
  // HL04 of the previous HL: 1 exactly when this HL is its child (depth-first order). An HL02 that
  // names a parent of the wrong level is that HL's error, not the previous HL04's.
  if (!hls.empty() && (parent_valid || top)) {
    HlRecord& prev = hls.back();
    const bool child_follows = parent_valid && static_cast<std::size_t>(parent) == hls.size() - 1;
    if ((prev.hl04 == '1' && !child_follows) || (prev.hl04 == '0' && child_follows)) {
      hl_child_finding(prev, prev.hl04 == '1'
                                 ? fmt::format("HL04 '1' says a child HL follows HL {}, but the next HL ({}) hangs under '{}'",
                                               prev.hl01(), hl01, hl02)
                                 : fmt::format("HL04 '0' says no child HL follows HL {}, but the next HL ({}) is its child",
                                               prev.hl01(), hl01));
    }
  }
  HlRecord& rec = hls.emplace_back();  // filled in place
  rec.id_length = static_cast<std::uint8_t>(std::min(hl01.size(), rec.id.size()));
  if (rec.id_length != 0) std::memcpy(rec.id.data(), hl01.data(), rec.id_length);  // an absent HL01 has no data pointer
  rec.loop = &l;
  rec.hl04 = hl04.size() == 1 && (hl04[0] == '0' || hl04[0] == '1') ? hl04[0] : 0;
  rec.at = seg_at();
  frames.back().hl = static_cast<std::int32_t>(hls.size() - 1);
}

void TransactionValidator::Impl::finish_hl() {
  if (hls.empty() || hls.back().hl04 != '1') return;
  HlRecord& last = hls.back();
  hl_child_finding(last, fmt::format("HL04 '1' says a child HL follows HL {}, but it is the last HL of the set", last.hl01()));
}

// HL04 is judged only when the next HL (or the SE) arrives, so the finding names an earlier segment;
// that segment gets its IK3 now if it has none yet.
void TransactionValidator::Impl::hl_child_finding(HlRecord& hl, std::string message) {
  const ElementRule* r4 = hl.loop->segments.front().element(4);
  const core::Severity sev = core::info(core::DiagCode::ig_hl_child_code).severity;
  core::SourcePosition at = hl.at;
  if (!hl.reported) {
    hl.reported = true;
    count(sev);
    if (wanted()) {
      store(make(core::DiagCode::ig_segment_has_element_errors, sev, at, "HL", hl.loop->id,
                 fmt::format("HL at set position {} has element finding(s)", at.segment_in_set)));
    } else {
      ++result.findings_dropped;
    }
  }
  count(sev);
  if (!wanted()) {
    ++result.findings_dropped;
    return;
  }
  at.element = 4;
  core::Diagnostic d = make(core::DiagCode::ig_hl_child_code, sev, at, "HL", hl.loop->id, std::move(message));
  if (r4 != nullptr && r4->element != nullptr) d.element_ref = r4->element->ref;
  d.found_value = std::string(1, hl.hl04);
  store(std::move(d));
}

// ---- element checks (reference 5) -----------------------------------------------------------------

// HI: each code under an ICD-10-CM qualifier (core/icd10.hpp). X12 sends the code without its
// decimal point: one sent with it is read without it (a warning, IK403 6), and one that is not
// ICD-10-CM shaped is reported (IK403 7) so that the binder's refusal to read it is never silent.
void TransactionValidator::Impl::check_icd10(const x12::SegmentView& s, const SegmentRule& rule) {
  const char comp = s.delimiters().component;
  const std::size_t upto = std::min<std::size_t>(s.element_count(), rule.elements.size());
  for (std::size_t i = 1; i <= upto; ++i) {
    const ElementRule& er = rule.elements[i - 1];
    if (er.composite == nullptr || er.components.size() < 2) continue;
    const std::string_view v = s.element(i);
    const char rep = s.delimiters().repetition;
    if (rep != '\0' && v.find(rep) != std::string_view::npos) continue;  // ig.too_many_repetitions says it
    if (!core::icd10_qualifier(trim_spaces(x12::nth_piece(v, comp, 1)))) continue;
    const std::string_view code = trim_spaces(x12::nth_piece(v, comp, 2));
    if (code.empty()) continue;
    const ValueRule& cr = er.components[1];
    const core::Icd10Reading r = core::read_icd10(code);
    const auto element = static_cast<std::uint16_t>(i);
    if (r.decimal_point && r.problem != core::Icd10Problem::not_icd10)
      element_finding(core::DiagCode::ig_icd10_decimal_point, cr, element, 2, code,
                      "{} '{}' has a decimal point; X12 sends ICD-10-CM codes without it: read as {}", cr.label, cut(code), r.code());
    if (r.problem == core::Icd10Problem::not_icd10)
      element_finding(core::DiagCode::ig_icd10_invalid, cr, element, 2, code,
                      "{} '{}' is not an ICD-10-CM code (expected a letter, a digit, a digit or letter, then up to four letters "
                      "or digits, without a decimal point); not read as a diagnosis",
                      cr.label, cut(code));
    else if (r.problem == core::Icd10Problem::missing_seventh)
      element_finding(core::DiagCode::ig_icd10_invalid, cr, element, 2, code,
                      "{} '{}' is not a complete ICD-10-CM code: chapter {} codes have a 7th character ({} has {}); not read as a "
                      "diagnosis",
                      cr.label, cut(code), r.code().substr(0, 1), r.code(), r.code().size());
  }
}

SOC278_HOT void TransactionValidator::Impl::check_elements(const x12::SegmentView& s, const SegmentRule& rule) {
  const std::size_t sent = s.element_count();
  std::size_t last = sent;
  while (last > 0 && s.element_at(last).empty()) --last;
  if (last < sent) trailing_elements(s, sent, last);
  const std::size_t defined = rule.positions;  // rule.elements.size(), from the rule's first cache line
  std::uint64_t present = 0;
  const std::size_t upto = std::min(last, defined);
  segment_classes.prepare(s.delimiters());
  const std::string_view text = s.text();
  const SegmentScan scan = segment_classes.scan(text);
  if (!scan.rep_or_bad && rule.fast.size() >= defined && upto < 64 && options.fast_path) [[likely]] {
    // The fast path: each value against its compiled FastCheck. It only marks what it cannot
    // clear (`slow`); check_element then takes those in element order and reports, so the loop
    // itself calls nothing and keeps its state in registers.
    const FastCheck* fast = rule.fast.data();
    const std::uint64_t required = rule.required_elements;
    const char comp = s.delimiters().component;
    // The component separators lie between the first and the last one: a value outside that
    // span holds none, without looking at its bytes.
    std::uintptr_t comp_first = 1;  // none: no value starts at or before 0
    std::uintptr_t comp_last = 0;
    if (scan.component) {
      comp_first = reinterpret_cast<std::uintptr_t>(std::memchr(text.data(), comp, text.size()));
      comp_last = reinterpret_cast<std::uintptr_t>(::memrchr(text.data(), comp, text.size()));
    }
    std::uint64_t slow = 0;
    for (std::size_t i = 1; i <= upto; ++i) {
      const std::string_view v = s.element_at(i);
      const std::uint64_t bit = std::uint64_t{1} << i;
      const std::size_t n = v.size();
      if (n == 0) {
        slow |= required & bit;  // a required element sent empty: the full checks report it
        continue;
      }
      present |= bit;
      const FastCheck& f = fast[i - 1];
      const auto at = reinterpret_cast<std::uintptr_t>(v.data());
      const bool maybe_component = at <= comp_last && at + n > comp_first;
      bool ok = false;
      if (f.kind == FastCheck::Kind::text) {
        // AN / ID, the common case, inline: no edge space, length, codes, no component separator.
        ok = v[0] != ' ' && v[n - 1] != ' ' && n >= f.min_length && n <= f.max_length &&
             has_code(f, v) && (!maybe_component || !has_byte(v, comp)) &&
             (f.format_from == 0 || fast_format(s.element_at(f.format_from), v));
      } else {
        ok = fast_element(s, rule, f, v, maybe_component);
      }
      slow |= ok ? 0 : bit;
    }
    for (std::uint64_t unused = 0; slow != 0; slow &= slow - 1) {  // `present` is complete already
      const auto i = static_cast<std::size_t>(__builtin_ctzll(slow));
      element_values(s, rule, i, i, unused);
    }
    if (last > defined || (last < defined && (rule.required_elements >> (last + 1)) != 0)) element_tail(s, rule, last);
  } else {
    element_values(s, rule, 1, upto, present);
    element_tail(s, rule, last);
  }
  if (rule.positions != 0 && text.size() > 2 && text[0] == 'H' && text[1] == 'I' && text[2] == s.delimiters().element) [[unlikely]]
    check_icd10(s, rule);
  if (!rule.syntax.empty() && !options.fast_path) {
    check_syntax(rule, present);
  } else if (!rule.syntax.empty()) {
    const std::size_t h = static_cast<std::size_t>(((reinterpret_cast<std::uintptr_t>(&rule) >> 4) ^ (present * 0x9E3779B97F4A7C15ULL >> 58)) & 63U);
    SyntaxMemo& memo = syntax_memo[h];
    if (memo.rule != &rule || memo.present != present) {
      if (fast_syntax(rule, present)) {
        memo.rule = &rule;
        memo.present = present;
      } else {
        check_syntax(rule, present);
      }
    }
  }
}

// check_elements(), unless the same bytes were found clean against the same occurrence before
// (Impl::clean_segments says why that gives the same findings: none).
SOC278_INLINE void TransactionValidator::Impl::check_elements_once(const x12::SegmentView& s, const SegmentRule& rule) {
  const std::string_view t = s.text();
  const std::size_t n = t.size();
  if (n < clean_min || n > clean_max || !options.fast_path) {
    check_elements(s, rule);
    return;
  }
  std::uint32_t delims = 0;
  std::memcpy(&delims, &s.delimiters(), sizeof delims);
  const char* p = t.data();
  constexpr std::uint64_t k = 0x9E3779B97F4A7C15ULL;
  // The slot: from the first, middle and last 8 bytes (a collision only costs a miss; the
  // comparison below is over every byte).
  std::uint64_t head = 0;
  std::uint64_t middle = 0;
  std::uint64_t tail = 0;
  std::memcpy(&head, p, 8);
  std::memcpy(&middle, p + n / 2 - 4, 8);
  std::memcpy(&tail, p + n - 8, 8);  // the last 8 bytes, overlapping the previous word
  std::uint64_t h = ((std::uint64_t{rule.serial} << 40) ^ (std::uint64_t{delims} << 8) ^ n ^ head) * k;
  h = (h ^ middle ^ (tail << 1 | tail >> 63)) * k;
  // 2-way: two recurring segments whose hashes collide (a pair in a few dozen, in every file)
  // would otherwise evict each other set after set. Way 0 holds the more recently used.
  CleanSegment* set = &clean_segments[static_cast<std::size_t>(h >> (64 - clean_bits)) & ~std::size_t{1}];
  if (set[0].rule == &rule && set[0].length == n && set[0].delimiters == delims && same_bytes(p, set[0].text.data(), n))
    return;  // clean before
  if (set[1].rule == &rule && set[1].length == n && set[1].delimiters == delims && same_bytes(p, set[1].text.data(), n)) [[unlikely]] {
    swap_ways(set);
    return;  // clean before
  }
  const std::size_t before = counted;
  check_elements(s, rule);
  if (counted != before) return;
  remember_clean(set, rule, delims, p, n);
}

// The newcomer into way 0 of `set`, the previous way 0 into way 1 (out of line: only misses get here).
SOC278_NOINLINE void TransactionValidator::Impl::remember_clean(CleanSegment* set, const SegmentRule& rule, std::uint32_t delims,
                                                               const char* p, std::size_t n) noexcept {
  set[1] = set[0];
  set[0].rule = &rule;
  set[0].length = static_cast<std::uint32_t>(n);
  set[0].delimiters = delims;
  copy_bytes(set[0].text.data(), p, n);
}

// Trailing empty elements (reference 5.3): one finding for the run.
void TransactionValidator::Impl::trailing_elements(const x12::SegmentView& s, std::size_t sent, std::size_t last) {
  const core::Severity sev = options.accept_trailing_separators ? core::Severity::warning : core::Severity::error;
  count(sev);
  if (wanted()) {
    core::SourcePosition at = seg_at();
    at.element = static_cast<std::uint16_t>(last + 1);
    store(make(core::DiagCode::ig_trailing_separator, sev, at, s.id(), seg_loop,
               fmt::format("{} ends with {} empty element(s) after {}{:02} (reference 5.3: omit trailing separators)", s.id(),
                           sent - last, s.id(), last)));
  } else {
    ++result.findings_dropped;
  }
}

// The full checks of elements first..upto (1-based), reporting what they find; `present` gets
// the non-empty positions.
void TransactionValidator::Impl::element_values(const x12::SegmentView& s, const SegmentRule& rule, std::size_t first,
                                                std::size_t upto, std::uint64_t& present) {
  for (std::size_t i = first; i <= upto; ++i) {
    const ElementRule& er = rule.elements[i - 1];
    const std::string_view v = s.element(i);
    if (v.empty()) {
      if (er.usage == Usage::required)
        element_finding(core::DiagCode::ig_element_required_missing, er, static_cast<std::uint16_t>(i), 0, v,
                        "{} ({}) is required, found it empty", er.label, er.name);
      continue;
    }
    if (i < 64) present |= std::uint64_t{1} << i;
    if (er.usage == Usage::not_used) {
      element_finding(core::DiagCode::ig_element_not_used, er, static_cast<std::uint16_t>(i), 0, v,
                      "{} ({}) is not used by the guide here, found '{}'", er.label, er.name, cut(v));
      if (!tolerated(er)) continue;  // accepted by a quirk switch: check it like any other value
    }
    check_element(s, er, v);
  }
}

// Elements beyond the definition, and required ones after the last element sent.
void TransactionValidator::Impl::element_tail(const x12::SegmentView& s, const SegmentRule& rule, std::size_t last) {
  const std::size_t defined = rule.elements.size();
  if (last > defined) {
    const std::string_view v = s.element(defined + 1);
    static const ValueRule none;
    element_finding(core::DiagCode::ig_too_many_elements, none, static_cast<std::uint16_t>(defined + 1), 0, v,
                    "{} has {} elements, its definition {}", s.id(), last, defined);
  }
  for (std::size_t i = last + 1; i <= defined; ++i) {
    const ElementRule& er = rule.elements[i - 1];
    if (er.usage == Usage::required)
      element_finding(core::DiagCode::ig_element_required_missing, er, static_cast<std::uint16_t>(i), 0, std::string_view{},
                      "{} ({}) is required, found the segment ending before it", er.label, er.name);
  }
}

// Whether every syntax note holds (check_syntax would report nothing), from the precomputed masks.
// A note whose positions are not distinct and below 64 (mask_exact false) takes check_syntax.
bool TransactionValidator::Impl::fast_syntax(const SegmentRule& rule, std::uint64_t present) noexcept {
  for (const SyntaxNote& n : rule.syntax) {
    const std::uint64_t m = present & n.mask;
    const bool several = (m & (m - 1)) != 0;  // two or more present
    const bool first = (present & n.first) != 0;
    bool ok = n.mask_exact;
    switch (n.kind) {
      case SyntaxKind::paired: ok = ok && (m == 0 || m == n.mask); break;
      case SyntaxKind::required: ok = ok && m != 0; break;
      case SyntaxKind::conditional: ok = ok && (!first || m == n.mask); break;
      case SyntaxKind::exclusion: ok = ok && !several; break;
      case SyntaxKind::list_conditional: ok = ok && (!first || several); break;
    }
    if (!ok) return false;
  }
  return true;
}

// The fast path for one element (see fast_value): true when the full checks would find nothing.
SOC278_NOINLINE bool TransactionValidator::Impl::fast_element(const x12::SegmentView& s, const SegmentRule& rule, const FastCheck& f,
                                                            std::string_view v, bool component_in_segment) noexcept {
  const char comp = s.delimiters().component;
  if (f.kind != FastCheck::Kind::composite) {
    if (component_in_segment && has_byte(v, comp)) return false;
    return fast_value(f, v) && (f.format_from == 0 || fast_format(s.element(f.format_from), v));
  }
  const FastCheck* components = rule.fast.data() + f.first_component;
  const std::size_t defined = f.component_count;
  if (!component_in_segment) {
    // One component: the common case (HI01 'ABK' alone would be caught by a required component 2).
    return (f.required_components >> 2) == 0 && fast_value(components[0], v) && components[0].format_from == 0;
  }
  // The pieces, one or more (the loop finds out: no separate look for a separator first).
  std::size_t index = 0;  // pieces seen
  std::size_t last = 0;   // last non-empty piece
  std::size_t start = 0;
  const std::size_t n = v.size();
  for (std::size_t p = 0; p <= n; ++p) {  // values are short: a byte loop, not a call to memchr per piece
    if (p < n && v[p] != comp) continue;
    const std::string_view piece = v.substr(start, p - start);
    start = p + 1;
    if (++index > defined) return false;  // more components than defined, or trailing empty ones: findings
    if (piece.empty()) {
      if ((f.required_components >> index & 1U) != 0) return false;
      continue;
    }
    last = index;
    const FastCheck& cf = components[index - 1];
    if (!fast_value(cf, piece)) return false;
    if (cf.format_from != 0 && !fast_format(x12::nth_piece(v, comp, cf.format_from), piece)) return false;
  }
  if (index == 1 && components[0].format_from != 0) return false;  // as the one-component case above
  // Trailing empty components are a warning; a required component after the last sent is missing.
  return last == index && (f.required_components >> (last + 1)) == 0;
}

void TransactionValidator::Impl::check_element(const x12::SegmentView& s, const ElementRule& er, std::string_view value) {
  const auto pos = er.position;
  const x12::Delimiters& d = s.delimiters();
  classes.prepare(d.repetition, d.component);
  const ValueScan scanned = classes.scan(value);
  // Repetitions (ISA11 from 00402 on).
  if (scanned.repetition) {
    std::size_t reps = 0;
    for_each_piece(value, d.repetition, [&](std::size_t, std::string_view) {
      ++reps;
      return true;
    });
    if (er.repeat != 0 && reps > er.repeat) {
      element_finding(core::DiagCode::ig_too_many_repetitions, er, pos, 0, value, "{} repeats {} times, the guide allows {}",
                      er.label, reps, er.repeat);
      return;
    }
    for_each_piece(value, d.repetition, [&](std::size_t, std::string_view rep) {
      if (!rep.empty()) check_element(s, er, rep);  // no repetition separator inside a piece: no recursion beyond one level
      return true;
    });
    return;
  }
  if (er.composite != nullptr && !scanned.component) {
    // One component only: the common case (HI01 'ABK', UM04 sent as '22' alone is caught below).
    const ValueRule& cr = er.components.empty() ? static_cast<const ValueRule&>(er) : er.components[0];
    if (cr.usage == Usage::not_used) {
      element_finding(core::DiagCode::ig_element_not_used, cr, pos, 1, value, "{} ({}) is not used by the guide here, found '{}'",
                      cr.label, cr.name, cut(value));
      if (!tolerated(cr)) return;
    }
    check_value(s, cr, pos, 1, value, value, scanned.printable);
    for (std::size_t i = 2; i <= er.components.size(); ++i) {
      const ValueRule& rest = er.components[i - 1];
      if (rest.usage == Usage::required)
        element_finding(core::DiagCode::ig_element_required_missing, rest, pos, static_cast<std::uint16_t>(i), std::string_view{},
                        "{} ({}) is required, found the composite ending before it", rest.label, rest.name);
    }
    return;
  }
  if (er.composite != nullptr) {
    std::size_t count_sent = 0;
    std::size_t last = 0;
    for_each_piece(value, d.component, [&](std::size_t i, std::string_view c) {
      count_sent = i;
      if (!c.empty()) last = i;
      return true;
    });
    if (last < count_sent) {
      const core::Severity sev = options.accept_trailing_separators ? core::Severity::warning : core::Severity::error;
      count(sev);
      if (wanted()) {
        core::SourcePosition at = seg_at();
        at.element = pos;
        at.component = static_cast<std::uint16_t>(last + 1);
        core::Diagnostic diag = make(core::DiagCode::ig_trailing_separator, sev, at, s.id(), seg_loop,
                                     fmt::format("{} ends with {} empty component(s) (reference 5.3: omit trailing separators)",
                                                 er.label, count_sent - last));
        diag.found_value = cut(value);
        pending.push_back(std::move(diag));
      } else {
        ++result.findings_dropped;
      }
    }
    const std::size_t defined = er.components.size();
    if (last > defined) {
      element_finding(core::DiagCode::ig_too_many_components, er, pos, static_cast<std::uint16_t>(defined + 1), value,
                      "{} has {} components, composite {} defines {}", er.label, last, er.composite->id, defined);
    }
    for_each_piece(value, d.component, [&](std::size_t i, std::string_view c) {
      if (i > defined || i > last) return false;
      const ValueRule& cr = er.components[i - 1];
      if (c.empty()) {
        if (cr.usage == Usage::required)
          element_finding(core::DiagCode::ig_element_required_missing, cr, pos, static_cast<std::uint16_t>(i), c,
                          "{} ({}) is required, found it empty", cr.label, cr.name);
        return true;
      }
      if (cr.usage == Usage::not_used) {
        element_finding(core::DiagCode::ig_element_not_used, cr, pos, static_cast<std::uint16_t>(i), c,
                        "{} ({}) is not used by the guide here, found '{}'", cr.label, cr.name, cut(c));
        if (!tolerated(cr)) return true;
      }
      check_value(s, cr, pos, static_cast<std::uint16_t>(i), c, value, scanned.printable);
      return true;
    });
    for (std::size_t i = last + 1; i <= defined; ++i) {
      const ValueRule& cr = er.components[i - 1];
      if (cr.usage == Usage::required)
        element_finding(core::DiagCode::ig_element_required_missing, cr, pos, static_cast<std::uint16_t>(i), std::string_view{},
                        "{} ({}) is required, found the composite ending before it", cr.label, cr.name);
    }
    return;
  }
  if (scanned.component) {
    element_finding(core::DiagCode::ig_too_many_components, er, pos, 0, value,
                    "{} is a simple element, found components in '{}' (component separator '{}')", er.label, cut(value),
                    d.component);
    return;
  }
  check_value(s, er, pos, 0, value, {}, scanned.printable);
}

SOC278_INLINE void TransactionValidator::Impl::check_value(const x12::SegmentView& s, const ValueRule& rule, std::uint16_t element,
                                             std::uint16_t component, std::string_view value, std::string_view composite_value,
                                             bool known_printable) {
  if (rule.element == nullptr) return;
  const ElementDef& def = *rule.element;
  if (value.front() == ' ' || value.back() == ' ') {
    element_finding(core::DiagCode::ig_element_space_padded, rule, element, component, value,
                    "{} '{}' has leading or trailing spaces", rule.label, cut(value));
    value = trim_spaces(value);
    if (value.empty()) return;
  }
  bool well_formed = true;
  switch (def.type) {
    case ValueType::an:
    case ValueType::id:
      if (!known_printable && !printable(value)) {
        element_finding(core::DiagCode::ig_element_invalid_character, rule, element, component, value,
                        "{} holds a character outside the X12 character set", rule.label);
        well_formed = false;
      }
      break;
    case ValueType::numeric:
      if (!x12::parse_integer(value)) {
        element_finding(core::DiagCode::ig_element_invalid_character, rule, element, component, value,
                        "{} '{}' is not a number (type N{}: digits, an optional leading '-')", rule.label, cut(value), def.decimals);
        well_formed = false;
      }
      break;
    case ValueType::decimal:
      if (!x12::parse_decimal(value)) {
        element_finding(core::DiagCode::ig_element_invalid_character, rule, element, component, value,
                        "{} '{}' is not a decimal number (type R)", rule.label, cut(value));
        well_formed = false;
      }
      break;
    case ValueType::date: {
      const bool ok = def.max_length == 6 ? value.size() == 6 && x12::parse_date_yymmdd(value).has_value()
                                          : value.size() == 8 && x12::parse_date(value).has_value();
      if (!ok) {
        element_finding(core::DiagCode::ig_element_invalid_date, rule, element, component, value,
                        "{} '{}' is not a valid {} date", rule.label, cut(value), def.max_length == 6 ? "YYMMDD" : "CCYYMMDD");
        return;
      }
      break;
    }
    case ValueType::time:
      if (!x12::parse_time(value)) {
        element_finding(core::DiagCode::ig_element_invalid_time, rule, element, component, value,
                        "{} '{}' is not a valid HHMM[SS[D[D]]] time", rule.label, cut(value));
        return;
      }
      break;
  }
  // Codes first: a value outside the list is reported as such, not also as a length problem.
  const bool listed = !rule.codes.empty() || rule.codes_from != nullptr;
  if (listed && !(rule.codes.empty() ? rule.codes_from->codes.contains(value) : rule.codes.contains(value))) {
    const std::string allowed = rule.codes.empty() ? fmt::format("code list {}", rule.codes_from->id) : code_preview(rule.codes);
    if (def.known_codes.contains(value)) {
      // A code of this element that the guide allows elsewhere, not here (IK403 I6).
      element_finding(core::DiagCode::ig_code_not_used, rule, element, component, value,
                      "{} '{}' is a valid {} code, but the guide does not use it here (allowed: {})", rule.label, cut(value),
                      def.ref, allowed);
    } else {
      element_finding(core::DiagCode::ig_element_invalid_code, rule, element, component, value,
                      "{} '{}' is not a valid code here (allowed: {})", rule.label, cut(value), allowed);
    }
    return;
  }
  if (well_formed) {
    const bool numeric = def.type == ValueType::numeric || def.type == ValueType::decimal;
    const std::size_t len = numeric ? x12::numeric_length(value) : value.size();
    if (len < rule.min_length) {
      element_finding(core::DiagCode::ig_element_too_short, rule, element, component, value,
                      "{} '{}' has {} character(s), the minimum is {} ({} {}/{})", rule.label, cut(value), len, rule.min_length,
                      type_name(def), rule.min_length, rule.max_length);
    } else if (len > rule.max_length) {
      element_finding(core::DiagCode::ig_element_too_long, rule, element, component, value,
                      "{} has {} character(s), the maximum is {} ({} {}/{})", rule.label, len, rule.max_length, type_name(def),
                      rule.min_length, rule.max_length);
    }
  }
  if (rule.format_from != 0) {
    const std::string_view format = component == 0 ? s.element(rule.format_from)
                                                   : x12::nth_piece(composite_value, s.delimiters().component, rule.format_from);
    if (!valid_by_format(trim_spaces(format), value)) {
      element_finding(core::DiagCode::ig_element_invalid_date, rule, element, component, value,
                      "{} '{}' is not a valid {} value ({})", rule.label, cut(value), trim_spaces(format),
                      trim_spaces(format) == "RD8" ? "CCYYMMDD-CCYYMMDD, start <= end" : "date");
    }
  }
}

void TransactionValidator::Impl::check_syntax(const SegmentRule& rule, std::uint64_t present) {
  auto has = [&](std::uint8_t p) { return p < 64 && (present >> p & 1U) != 0; };
  for (const SyntaxNote& n : rule.syntax) {
    std::size_t count_present = 0;
    for (std::size_t i = 0; i < n.count; ++i) count_present += has(n.positions[i]) ? 1 : 0;
    auto at_rule = [&](std::uint8_t p) -> const ElementRule& { return rule.elements[p - 1]; };
    switch (n.kind) {
      case SyntaxKind::paired:
        if (count_present != 0 && count_present != n.count) {
          for (std::size_t i = 0; i < n.count; ++i) {
            const std::uint8_t p = n.positions[i];
            if (!has(p))
              element_finding(core::DiagCode::ig_syntax_paired, at_rule(p), p, 0, {},
                              "{}: {} is required because another of the paired elements is present", n.text, at_rule(p).label);
          }
        }
        break;
      case SyntaxKind::required:
        if (count_present == 0) {
          const std::uint8_t p = n.positions[0];
          element_finding(core::DiagCode::ig_syntax_required, at_rule(p), p, 0, {}, "{}: at least one of the listed elements is required",
                          n.text);
        }
        break;
      case SyntaxKind::conditional:
        if (has(n.positions[0])) {
          for (std::size_t i = 1; i < n.count; ++i) {
            const std::uint8_t p = n.positions[i];
            if (!has(p))
              element_finding(core::DiagCode::ig_syntax_conditional, at_rule(p), p, 0, {}, "{}: {} is required because {} is present",
                              n.text, at_rule(p).label, at_rule(n.positions[0]).label);
          }
        }
        break;
      case SyntaxKind::exclusion:
        if (count_present > 1) {
          std::size_t seen = 0;
          for (std::size_t i = 0; i < n.count; ++i) {
            const std::uint8_t p = n.positions[i];
            if (has(p) && ++seen > 1)
              element_finding(core::DiagCode::ig_syntax_exclusion, at_rule(p), p, 0, {},
                              "{}: only one of the listed elements may be present, found {} too", n.text, at_rule(p).label);
          }
        }
        break;
      case SyntaxKind::list_conditional:
        if (has(n.positions[0]) && count_present == 1) {
          const std::uint8_t p = n.positions[1];
          element_finding(core::DiagCode::ig_syntax_list_conditional, at_rule(p), p, 0, {},
                          "{}: {} is present, so at least one of the other listed elements is required", n.text,
                          at_rule(n.positions[0]).label);
        }
        break;
    }
  }
}

// ---- TransactionValidator -------------------------------------------------------------------------

TransactionValidator::TransactionValidator(const GuideSet& guides, ValidationOptions options)
    : impl_(std::make_unique<Impl>(guides, options)) {}
TransactionValidator::~TransactionValidator() = default;
TransactionValidator::TransactionValidator(TransactionValidator&&) noexcept = default;
TransactionValidator& TransactionValidator::operator=(TransactionValidator&&) noexcept = default;

void TransactionValidator::forward_to(core::DiagnosticSink* sink) noexcept { impl_->sink = sink; }
const ValidationOptions& TransactionValidator::options() const noexcept { return impl_->options; }

void TransactionValidator::begin(std::string_view isa12, std::string_view gs01, std::string_view gs08, std::uint32_t file) {
  Impl& m = *impl_;
  m.state = Impl::State::idle;
  // The same for every set of a group: compared, which is cheaper than assigning again.
  if (m.isa12 != isa12) m.isa12 = isa12;
  if (m.gs01 != gs01) m.gs01 = gs01;
  if (m.gs08 != gs08) m.gs08 = gs08;
  m.file = file;
  m.guide = nullptr;
  m.reset_result();
  if (m.options.build_tree) m.result.text.reserve(m.text_hint);
  m.frames.clear();
  m.counts_top = 0;
  m.hls.clear();
  m.pending.clear();
  m.last_at = {};
}

void TransactionValidator::segment(const x12::SegmentView& s, std::uint32_t position_in_set) {
  Impl& m = *impl_;
  ++m.result.segments;
  core::SourcePosition& at = m.last_at;  // filled in place: no copy of a just-written struct
  at.file = m.file;
  at.byte_offset = s.byte_offset();
  at.segment_in_file = s.ordinal();
  at.segment_in_set = position_in_set;
  at.element = 0;
  at.component = 0;
  switch (m.state) {
    case Impl::State::idle:
      // ST: held until the guide is known (BHT02 tells the 278 request from the response).
      m.st_text.assign(s.text());
      (void)m.st_view.assign(m.st_text.data(), m.st_text.size(), s.delimiters(), at.byte_offset, at.segment_in_file);
      m.st_at = at;
      m.result.delimiters = s.delimiters();
      m.state = Impl::State::awaiting_bht;
      if (const std::string_view st01 = s.element(1); st01 != m.bht_st01) {
        m.bht_st01 = st01;
        m.bht_needed = m.guides.needs_bht02(st01);
      }
      if (!m.bht_needed) m.select({});
      return;
    case Impl::State::awaiting_bht:
      m.select(s.is("BHT") ? s.element(2) : std::string_view{});
      if (m.state != Impl::State::walking) return;
      break;
    case Impl::State::walking:
      break;
    case Impl::State::no_guide:
      return;
  }
  m.walk(s, at);
}

std::vector<core::Diagnostic> TransactionValidator::check_segment(const x12::SegmentView& s, const SegmentRule& rule,
                                                                  const core::SourcePosition& at) {
  Impl& m = *impl_;
  // The transaction's state is idle between sets; the checks report into a scratch result.
  TransactionResult saved = std::move(m.result);
  m.reset_result();
  core::DiagnosticSink* sink = std::exchange(m.sink, nullptr);
  m.begin_segment(s, at, "");
  if (rule.usage != Usage::not_used) m.check_elements(s, rule);
  m.end_segment();
  std::vector<core::Diagnostic> out = std::move(m.result.findings);
  m.result = std::move(saved);
  m.sink = sink;
  return out;
}

// FileValidator's per-segment call lives here so that segment() above is inlined into it.
SOC278_HOT void FileValidator::on_transaction_segment(const x12::TransactionInfo&, const x12::SegmentView& s, std::uint32_t position) {
  validator_.segment(s, position);
}

TransactionResult& TransactionValidator::end_in_place() {
  Impl& m = *impl_;
  if (m.state == Impl::State::awaiting_bht) m.select({});
  if (m.state == Impl::State::walking) {
    const std::string_view trigger = m.last_at.segment_in_set == m.result.segments ? std::string_view("SE") : std::string_view{};
    while (!m.frames.empty()) m.close_frame(m.last_at, trigger.empty() ? "the end of the set" : trigger);
    m.finish_hl();
  }
  m.result.guide = m.guide;
  m.result.rejected = m.result.errors != 0;
  m.flush_text();
  m.text_hint = std::max<std::size_t>(m.text_hint, m.text_used);
  m.state = Impl::State::idle;
  m.frames.clear();
  m.counts_top = 0;
  m.hls.clear();
  return m.result;
}

TransactionResult TransactionValidator::end() {
  TransactionResult out = std::move(end_in_place());
  impl_->reset_result();
  return out;
}

x12::SegmentView TransactionResult::view(const SegmentNode& n) const noexcept {
  x12::SegmentView v;
  (void)v.assign(text.data() + n.text_offset, n.text_length, delimiters, n.at.byte_offset, n.at.segment_in_file);
  return v;
}

bool TransactionResult::has(core::DiagCode code) const noexcept {
  return std::any_of(findings.begin(), findings.end(), [&](const core::Diagnostic& d) { return d.code == code; });
}

// ---- options ----------------------------------------------------------------------------------------

namespace {

core::Result<ValidationOptions> options_from(const YAML::Node& root, std::string_view name) {
  auto fail = [&](const YAML::Node& at, const std::string& what) -> core::Result<ValidationOptions> {
    return core::make_diagnostic(core::DiagCode::ig_grammar_invalid, core::SourcePosition{}, "",
                                 fmt::format("{}:{}: {}", name, at.Mark().line + 1, what));
  };
  ValidationOptions o;
  if (is_null(root)) return o;
  if (!is_map(root)) return fail(root, "expected a mapping of option: value");
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    const std::string value = is_scalar(kv.second) ? kv.second.Scalar() : std::string();
    bool* flag = nullptr;
    if (key == "accept_space_padding") flag = &o.accept_space_padding;
    if (key == "accept_sv105") flag = &o.accept_sv105;
    if (key == "accept_tolerated") flag = &o.accept_tolerated;
    if (key == "accept_trailing_separators") flag = &o.accept_trailing_separators;
    if (key == "build_tree") flag = &o.build_tree;
    if (flag != nullptr) {
      if (value != "true" && value != "false") return fail(kv.second, fmt::format("{}: expected true or false, found '{}'", key, value));
      *flag = value == "true";
    } else if (key == "max_findings") {
      const auto n = x12::parse_integer(value);
      if (!n || *n < 1) return fail(kv.second, fmt::format("max_findings: expected a positive integer, found '{}'", value));
      o.max_findings = static_cast<std::size_t>(*n);
    } else {
      return fail(kv.first, fmt::format("unknown option '{}' (expected accept_space_padding, accept_sv105, accept_tolerated, "
                                        "accept_trailing_separators, max_findings or build_tree)",
                                        key));
    }
  }
  return o;
}

}  // namespace

core::Result<ValidationOptions> parse_validation_options(std::string_view yaml_text, std::string_view name) {
  try {
    return options_from(YAML::Load(std::string(yaml_text)), name);
  } catch (const YAML::Exception& e) {
    return core::make_diagnostic(core::DiagCode::ig_grammar_invalid, core::SourcePosition{}, "",
                                 fmt::format("{}:{}: {}", name, e.mark.line + 1, e.msg));
  }
}

core::Result<ValidationOptions> load_validation_options(const std::filesystem::path& yaml_file) {
  try {
    return options_from(YAML::LoadFile(yaml_file.string()), yaml_file.string());
  } catch (const YAML::Exception& e) {
    return core::make_diagnostic(core::DiagCode::ig_grammar_invalid, core::SourcePosition{}, "",
                                 fmt::format("{}:{}: {}", yaml_file.string(), e.mark.line + 1, e.msg));
  }
}

}  // namespace soc278::ig

// src/ig/walker/common.hpp — private: the walker's types and small helpers.
// Included once, by walker.cpp (whose opening comment says how the parts fit), after the includes:
// one translation unit keeps the per-segment path inlined.
#pragma once

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/simd.hpp"
#include "ig/compiled.hpp"
#include "soc278/ig/walker.hpp"
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

using detail::FastCheck;

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
  const std::uint64_t k = detail::pack_code(v);
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
  return r.match_inline ? in_block(r.match_block, v) : detail::contains(*r.match_codes, v);
}

SOC278_INLINE bool starts_loop(const LoopDef& l, const x12::SegmentView& s) noexcept {
  if (l.start_element == 0) return true;  // the segment id alone starts it (the 999 loops)
  const std::string_view v = l.start_component != 0 ? s.component(l.start_element, l.start_component) : s.element(l.start_element);
  return l.start_inline ? in_block(l.start_block, v) : detail::contains(l.start_codes, v);
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

}  // namespace
}  // namespace soc278::ig

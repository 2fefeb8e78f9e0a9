// src/ig/compiled.hpp — private: what load_guides() compiles for the walker's fast path.
//
// The public guide (soc278/ig/guide.hpp) holds the implementation guide as data; this holds what
// only the walker reads and nobody outside src/ig/ should build on: the inline CodeSet lookup and
// code packing, each occurrence's value checks (FastCheck) and the serial its clean-segment memo
// hashes. compile_fast.cpp fills it once the guides are loaded (compile_for_walker); walker.cpp
// reads it through SegmentRule::compiled.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/simd.hpp"
#include "soc278/ig/guide.hpp"

namespace soc278::ig::detail {

struct GuideData;

// CodeSet::pack, inline: bytes in order, zero-padded to 7, then the length in the low byte, from two
// overlapping big-endian loads instead of a byte loop (values never read past their end).
SOC278_SIMD_INLINE std::uint64_t pack_code(std::string_view code) noexcept {
  const std::size_t n = code.size();
  const char* p = code.data();
  std::uint64_t v = 0;
  if (n >= 4) {
    const unsigned extra = static_cast<unsigned>(8 * (n - 4));  // bits of the tail after p[0..3]: 0, 8, 16 or 24
    const std::uint64_t tail = core::simd::load_be32(p + n - 4) & ((std::uint64_t{1} << extra) - 1);
    v = (std::uint64_t{core::simd::load_be32(p)} << 32) | (tail << (32 - extra));
  } else if (n >= 2) {
    v = std::uint64_t{core::simd::load_be16(p)} << 48;
    if (n == 3) v |= std::uint64_t{static_cast<unsigned char>(p[2])} << 40;
  } else if (n == 1) {
    v = std::uint64_t{static_cast<unsigned char>(p[0])} << 56;
  }
  return v | n;
}

// CodeSet::contains, inline (the walker's per-value path).
struct CodeSetAccess {
  SOC278_SIMD_INLINE static bool contains(const CodeSet& s, std::string_view value) noexcept {
    if (value.size() > CodeSet::max_packed) return s.contains_long(value);
    const std::uint64_t k = pack_code(value);
    if (s.packed_.size() <= CodeSet::small_size) {
      const std::uint64_t* p = s.small_.data();
      return ((p[0] == k) | (p[1] == k) | (p[2] == k) | (p[3] == k) | (p[4] == k) | (p[5] == k) | (p[6] == k) | (p[7] == k)) != 0;
    }
    if (!s.table_.empty()) {  // the first probe inline: it usually decides
      const std::uint64_t v = s.table_[static_cast<std::size_t>((k * CodeSet::hash_multiplier) >> s.shift_)];
      if (v == k) return true;
      if (v == CodeSet::no_code) return false;
    }
    return s.contains_packed(k);
  }
};
SOC278_SIMD_INLINE bool contains(const CodeSet& s, std::string_view value) noexcept { return CodeSetAccess::contains(s, value); }

// What the validator's fast path needs to clear one value (walker/fast_checks.hpp), compiled from
// the ValueRule: the type to test, the length range, the code list. The fast path only ever says
// "no finding"; a value it cannot clear goes through the full checks, which alone report, so the
// findings do not depend on it.
struct FastCheck {
  enum class Kind : std::uint8_t {
    full,       // no fast path: always the full checks (an element not used here, no dictionary entry)
    text,       // AN / ID: printable (the segment scan says so), no edge spaces, length, codes
    integer,    // N, Nn: digits only
    decimal,    // R: digits with at most one '.'
    date8,      // DT CCYYMMDD
    date6,      // DT YYMMDD
    time,       // TM HHMM[SS[D[D]]]
    composite,  // a composite: each component by its own FastCheck (CompiledRule::fast from first_component)
  };
  Kind kind = Kind::full;
  std::uint16_t min_length = 0;
  std::uint16_t max_length = 0;
  std::uint16_t format_from = 0;    // as ValueRule::format_from (D8 / RD8 are checked fast, others fully)
  std::uint16_t first_component = 0;  // composite: index in CompiledRule::fast of its component 1
  std::uint16_t component_count = 0;  // composite: components defined (fewer than 64)
  bool codes_inline = false;        // codes fit code_block (CodeSet::packed_block): no visit to the CodeSet
  std::uint64_t required_components = 0;  // composite: bit c set when component c (1-based) is required
  std::array<std::uint64_t, 4> code_block{};
  const CodeSet* codes = nullptr;   // the list the value must be in; nullptr: no list
};

// One occurrence's compiled checks: one FastCheck per base position ([0] = position 01), then each
// composite's components, packed so that checking a segment reads a few cache lines.
struct alignas(64) CompiledRule {
  // This occurrence's number in its guide set, dense from 0, the same from run to run: the walker's
  // clean-segment memo hashes it where the address would depend on heap layout. Unique only within
  // one GuideSet: users compare the rule itself.
  std::uint16_t serial = 0;
  std::vector<FastCheck> fast;
};

// Compiles every occurrence and loop of `data` for the walker (the FastChecks, the matching and
// key tables, the masks, the serials); load_guides() calls it once everything is loaded and checked.
void compile_for_walker(GuideData& data);

}  // namespace soc278::ig::detail

// src/ig/walker/memo.hpp — private: the clean-segment memo around check_elements.
// Included once, by walker.cpp (whose opening comment says how the parts fit), after TransactionValidator::Impl:
// one translation unit keeps the per-segment path inlined.
#pragma once

namespace soc278::ig {

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
  const std::uint64_t serial = rule.compiled != nullptr ? rule.compiled->serial : 0;  // 0: a rule made by hand
  std::uint64_t h = ((serial << 40) ^ (std::uint64_t{delims} << 8) ^ n ^ head) * k;
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
}  // namespace soc278::ig

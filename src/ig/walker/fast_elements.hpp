// src/ig/walker/fast_elements.hpp — private: the fast path per element and per syntax note.
// Included once, by walker.cpp (whose opening comment says how the parts fit), after TransactionValidator::Impl:
// one translation unit keeps the per-segment path inlined.
#pragma once

namespace soc278::ig {

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
  const FastCheck* components = rule.compiled->fast.data() + f.first_component;  // check_elements: not nullptr
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
}  // namespace soc278::ig

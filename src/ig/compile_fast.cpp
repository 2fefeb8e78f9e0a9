// Compiles the loaded guides for the walker (compiled.hpp): each occurrence's FastChecks and
// first-element match block, each loop's key tables and masks, and the serials the walker's
// clean-segment memo hashes. Runs once, after load_guides() has read and checked every file.
#include <cstdint>
#include <vector>

#include "ig/compiled.hpp"
#include "ig/guide_data.hpp"

namespace soc278::ig::detail {
namespace {

FastCheck compile_value(const ValueRule& v) {
  FastCheck f;
  if (v.usage == Usage::not_used || v.element == nullptr) return f;  // a value here is a finding: the full checks
  switch (v.element->type) {
    case ValueType::an:
    case ValueType::id: f.kind = FastCheck::Kind::text; break;
    case ValueType::numeric: f.kind = FastCheck::Kind::integer; break;
    case ValueType::decimal: f.kind = FastCheck::Kind::decimal; break;
    case ValueType::date: f.kind = v.element->max_length == 6 ? FastCheck::Kind::date6 : FastCheck::Kind::date8; break;
    case ValueType::time: f.kind = FastCheck::Kind::time; break;
  }
  f.min_length = v.min_length;
  f.max_length = v.max_length;
  f.format_from = v.format_from;
  if (!v.codes.empty()) {
    f.codes = &v.codes;
  } else if (v.codes_from != nullptr) {
    f.codes = &v.codes_from->codes;
  }
  f.codes_inline = f.codes != nullptr && f.codes->packed_block(f.code_block);
  return f;
}

// `out` is the occurrence's CompiledRule, new; its serial is its index in GuideData::compiled
// (envelope first, then each guide's root and loops in load order: stable from run to run).
void compile_occurrence(SegmentRule& s, CompiledRule& out) {
  s.positions = static_cast<std::uint16_t>(s.elements.size());
  std::vector<FastCheck>& fast = out.fast;
  fast.clear();
  s.required_elements = 0;
  for (const ElementRule& e : s.elements) {
    if (e.usage == Usage::required && e.position < 64) s.required_elements |= std::uint64_t{1} << e.position;
    fast.push_back(e.composite == nullptr ? compile_value(e) : FastCheck{});
  }
  for (std::size_t i = 0; i < s.elements.size(); ++i) {
    const ElementRule& e = s.elements[i];
    if (e.composite == nullptr || e.usage == Usage::not_used || e.components.empty() || e.components.size() >= 64) continue;
    FastCheck f;
    f.kind = FastCheck::Kind::composite;
    f.first_component = static_cast<std::uint16_t>(fast.size());
    f.component_count = static_cast<std::uint16_t>(e.components.size());
    for (std::size_t c = 0; c < e.components.size(); ++c) {
      if (e.components[c].usage == Usage::required) f.required_components |= std::uint64_t{1} << (c + 1);
      fast.push_back(compile_value(e.components[c]));
    }
    fast[i] = f;
  }
  for (SyntaxNote& n : s.syntax) {
    n.mask = 0;
    n.first = 0;
    n.mask_exact = n.count > 0;
    for (std::size_t i = 0; i < n.count; ++i) {
      const std::uint8_t p = n.positions[i];
      if (p >= 64 || (n.mask >> p & 1U) != 0) {
        n.mask_exact = false;
        continue;
      }
      n.mask |= std::uint64_t{1} << p;
      if (i == 0) n.first = std::uint64_t{1} << p;
    }
  }
  s.match_codes = nullptr;
  s.match_component = false;
  if (!s.elements.empty()) {
    const ElementRule& el = s.elements[0];
    s.match_component = el.composite != nullptr && !el.components.empty();
    const ValueRule& e = s.match_component ? el.components[0] : static_cast<const ValueRule&>(el);
    if (!e.codes.empty()) {
      s.match_codes = &e.codes;
    } else if (e.codes_from != nullptr) {
      s.match_codes = &e.codes_from->codes;
    }
  }
  s.match_inline = s.match_codes != nullptr && s.match_codes->packed_block(s.match_block);
  s.compiled = &out;
}

template <typename Rules>  // a vector, or the envelope's deque
void compile_occurrences(Rules& rules, GuideData& data) {
  for (SegmentRule& s : rules) {
    CompiledRule& c = data.compiled.emplace_back();
    c.serial = static_cast<std::uint16_t>(data.compiled.size() - 1);
    compile_occurrence(s, c);
  }
}

void compile_loop(LoopDef& l, GuideData& data) {
  compile_occurrences(l.segments, data);
  if (l.is_hl() && !l.segments.empty()) l.segments.front().starts_hl = true;
  l.start_inline = l.start_codes.packed_block(l.start_block);
  l.hl_parent_mask = 0;
  l.hl_parents_in_mask = true;
  for (const LoopDef* p : l.hl_parents) {
    if (p->index < 64) {
      l.hl_parent_mask |= std::uint64_t{1} << p->index;
    } else {
      l.hl_parents_in_mask = false;
    }
  }
  compile_occurrences(l.trailer, data);
  l.segment_keys.clear();
  l.trailer_keys.clear();
  l.child_keys.clear();
  for (const auto& s : l.segments) l.segment_keys.push_back(s.key);
  for (const auto& s : l.trailer) l.trailer_keys.push_back(s.key);
  for (const LoopDef* c : l.children) l.child_keys.push_back(c->start_key);
  // Padded with zeros (no segment has key 0) to a multiple of 4: the walker compares four at a time.
  for (auto* keys : {&l.segment_keys, &l.trailer_keys, &l.child_keys}) keys->resize((keys->size() + 3) / 4 * 4, 0);
  l.segment_count = static_cast<std::uint16_t>(l.segments.size());
  l.child_count = static_cast<std::uint16_t>(l.children.size());
  l.trailer_count = static_cast<std::uint16_t>(l.trailer.size());
  l.required_children_mask = 0;
  l.required_children_in_mask = true;
  for (const std::uint16_t c : l.required_children) {
    const std::uint16_t index = l.children[c]->index;
    if (index < 64) {
      l.required_children_mask |= std::uint64_t{1} << index;
    } else {
      l.required_children_in_mask = false;
    }
  }
  l.key_filter = 0;
  for (const auto* keys : {&l.segment_keys, &l.trailer_keys, &l.child_keys})
    for (const std::uint32_t k : *keys) l.key_filter |= std::uint64_t{1} << LoopDef::key_bucket(k);  // padding adds key 0: harmless
}

}  // namespace

void compile_for_walker(GuideData& data) {
  compile_occurrences(data.envelope, data);
  for (const auto& g : data.guides) {
    compile_loop(g->root, data);
    for (const auto& l : g->loops) compile_loop(*l, data);
  }
}

}  // namespace soc278::ig::detail

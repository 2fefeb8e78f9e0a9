// Once everything is loaded: the base code list of each element, and the walker's fast-path and
// matching tables (guide.hpp FastCheck), compiled in one place (compile_guides()).
#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "ig/guide_loader.hpp"

namespace soc278::ig::detail {

// The "base list" of each element: every code any occurrence allows for it.
void Loader::collect_known_codes() {
  std::unordered_map<const ElementDef*, std::set<std::string>> known;
  auto add = [&](const ValueRule& v) {
    if (v.element == nullptr) return;
    auto& k = known[v.element];
    for (auto& c : v.codes.values()) k.insert(std::move(c));
    if (v.codes_from != nullptr)
      for (const auto& e : v.codes_from->entries) k.insert(e.first);
  };
  auto visit = [&](const std::vector<SegmentRule>& segs) {
    for (const auto& s : segs) {
      for (const auto& e : s.elements) {
        add(e);
        for (const auto& c : e.components) add(c);
      }
    }
  };
  visit({data_->envelope.begin(), data_->envelope.end()});
  for (const auto& g : data_->guides) {
    visit(g->root.segments);
    visit(g->root.trailer);
    for (const auto& l : g->loops) {
      visit(l->segments);
      visit(l->trailer);
    }
  }
  for (auto& [def, codes] : known) {
    auto& target = const_cast<ElementDef&>(*def).known_codes;
    for (const auto& c : codes) target.add(c);
    target.finish();
  }
}

// The walker's fast path (guide.hpp FastCheck) and matching tables, compiled once everything is loaded.
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

void compile_occurrence(SegmentRule& s) {
  s.positions = static_cast<std::uint16_t>(s.elements.size());
  s.fast.clear();
  s.required_elements = 0;
  for (const ElementRule& e : s.elements) {
    if (e.usage == Usage::required && e.position < 64) s.required_elements |= std::uint64_t{1} << e.position;
    s.fast.push_back(e.composite == nullptr ? compile_value(e) : FastCheck{});
  }
  for (std::size_t i = 0; i < s.elements.size(); ++i) {
    const ElementRule& e = s.elements[i];
    if (e.composite == nullptr || e.usage == Usage::not_used || e.components.empty() || e.components.size() >= 64) continue;
    FastCheck f;
    f.kind = FastCheck::Kind::composite;
    f.first_component = static_cast<std::uint16_t>(s.fast.size());
    f.component_count = static_cast<std::uint16_t>(e.components.size());
    for (std::size_t c = 0; c < e.components.size(); ++c) {
      if (e.components[c].usage == Usage::required) f.required_components |= std::uint64_t{1} << (c + 1);
      s.fast.push_back(compile_value(e.components[c]));
    }
    s.fast[i] = f;
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
}

void compile_occurrences(std::vector<SegmentRule>& segments) {
  for (SegmentRule& s : segments) compile_occurrence(s);
}

void compile_loop(LoopDef& l) {
  compile_occurrences(l.segments);
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
  compile_occurrences(l.trailer);
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

void compile_guides(GuideData& data) {
  for (SegmentRule& s : data.envelope) compile_occurrence(s);
  for (const auto& g : data.guides) {
    compile_loop(g->root);
    for (const auto& l : g->loops) compile_loop(*l);
  }
  // Serials: every occurrence of the set, in load order (stable from run to run).
  std::uint16_t serial = 0;
  auto number = [&serial](auto& rules) {  // a vector, or the envelope's deque
    for (SegmentRule& s : rules) s.serial = serial++;
  };
  number(data.envelope);
  for (const auto& g : data.guides) {
    number(g->root.segments);
    number(g->root.trailer);
    for (const auto& l : g->loops) {
      number(l->segments);
      number(l->trailer);
    }
  }
}

}  // namespace soc278::ig::detail

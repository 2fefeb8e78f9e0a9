// One segment occurrence of a guide or of envelope.yaml (its elements and components), and the
// checks across the occurrences of one loop.
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

void Loader::check_codes_fit(const yaml::Node& at, const ValueRule& v,
                             const std::vector<std::pair<std::string, yaml::Node>>& codes, std::string_view what) {
  for (const auto& [code, node] : codes) {
    if (code.size() > v.max_length || code.size() < v.min_length) {
      error(node, fmt::format("{}: code '{}' does not fit the length {}..{}", what, code, v.min_length, v.max_length));
    }
    if (v.codes_from != nullptr && !v.codes_from->codes.contains(code)) {
      error(node, fmt::format("{}: code '{}' is not in codes_from list {}", what, code, v.codes_from->id));
    }
  }
  (void)at;
}

// Reads the keys an element and a component share into `v` (already holding the dictionary defaults).
void Loader::parse_value(const yaml::Node& n, ValueRule& v, std::string_view what, bool composite_allowed,
                         ElementRule* element) {
  if (composite_allowed) {
    check_map(n, what,
              {"usage", "codes", "codes_from", "min", "max", "repeat", "bind", "components", "name", "tolerate", "note"},
              {"usage"});
  } else {
    check_map(n, what, {"usage", "codes", "codes_from", "min", "max", "bind", "name", "tolerate", "note"}, {"usage"});
  }
  if (!is_map(n)) return;
  const auto parsed_usage = usage(n["usage"], what);
  if (parsed_usage) v.usage = *parsed_usage;
  if (n["name"].IsDefined()) v.name = text(n["name"], what);
  if (n["bind"].IsDefined()) v.bind = text(n["bind"], what);
  if (n["note"].IsDefined()) v.note = text(n["note"], what);
  if (n["tolerate"].IsDefined()) v.tolerate = boolean(n["tolerate"], what).value_or(false);
  const bool is_composite = element != nullptr && element->composite != nullptr;
  if (is_composite) {
    for (auto key : {"codes", "codes_from", "min", "max"}) {
      if (n[key].IsDefined()) error(n[key], fmt::format("{}: '{}' belongs on the components of a composite", what, key));
    }
  } else if (n["components"].IsDefined()) {
    error(n["components"], fmt::format("{}: components given for a simple element", what));
  }
  if (n["min"].IsDefined()) {
    if (const auto m = length(n["min"], what)) v.min_length = *m;
  }
  if (n["max"].IsDefined()) {
    if (const auto m = length(n["max"], what)) v.max_length = *m;
  }
  if (v.min_length > v.max_length) error(n, fmt::format("{}: min {} is greater than max {}", what, v.min_length, v.max_length));
  if (n["codes_from"].IsDefined()) {
    const std::string id = text(n["codes_from"], what);
    v.codes_from = find_list(id);
    if (v.codes_from == nullptr) error(n["codes_from"], fmt::format("{}: codes_from list '{}' is not in codes/", what, id));
  }
  if (n["codes"].IsDefined()) {
    const auto codes = string_list(n["codes"], what);
    if (codes.empty()) error(n["codes"], fmt::format("{}: codes is an empty list", what));
    for (const auto& c : codes) v.codes.add(c.first);
    v.codes.finish();
    check_codes_fit(n, v, codes, what);
  }
  // A not-used element may carry codes only when a quirk switch may accept it (`tolerate`): they
  // check the value once it is accepted.
  if (parsed_usage && v.usage == Usage::not_used && !v.tolerate && (!v.codes.empty() || v.codes_from != nullptr))
    error(n, fmt::format("{}: a not-used (N) element carries codes without tolerate: true", what));
  if (parsed_usage && v.usage == Usage::not_used && !v.bind.empty()) error(n, fmt::format("{}: a not-used (N) element carries a bind", what));
  if (!v.codes.empty() && v.codes_from != nullptr) error(n, fmt::format("{}: give codes or codes_from, never both", what));
  if (element != nullptr && n["repeat"].IsDefined()) {
    if (const auto r = count(n["repeat"], what)) element->repeat = static_cast<std::uint16_t>(std::min<std::uint32_t>(*r, 65535));
  }
  if (element != nullptr && is_composite && n["components"].IsDefined()) {
    const yaml::Node comps = n["components"];
    if (!is_map(comps)) {
      error(comps, fmt::format("{}: components must be a mapping of component positions", what));
      return;
    }
    for (const auto& kv : comps) {
      const std::string key = kv.first.Scalar();
      const auto pos = to_uint(key);
      if (!pos || *pos == 0 || *pos > element->components.size()) {
        error(kv.first, fmt::format("{}: component '{}' is not a position of {} (1..{})", what, key, element->composite->id,
                                    element->components.size()));
        continue;
      }
      ValueRule& c = element->components[*pos - 1];
      parse_value(kv.second, c, c.label, false, nullptr);
    }
  }
}

bool Loader::parse_occurrence(const yaml::Node& n, SegmentRule& out, const LoopDef* loop, std::string_view context) {
  if (!check_map(n, fmt::format("{} segment", context), {"id", "name", "usage", "max_use", "syntax", "elements", "note"},
                 {"id", "usage"}))
    return false;
  out.id = text(n["id"], context);
  out.key = segment_key(out.id);
  out.file = where(n);
  out.loop = loop;
  out.def = find_segment(out.id);
  const std::string what = fmt::format("{} {}", context, out.id);
  if (out.def == nullptr) {
    error(n["id"], fmt::format("{}: segment {} is not in segments.yaml", context, out.id));
    return false;
  }
  out.name = n["name"].IsDefined() ? text(n["name"], what) : out.def->name;
  if (const auto u = usage(n["usage"], what)) out.usage = *u;
  out.max_use = 1;
  if (n["max_use"].IsDefined()) {
    if (const auto m = count(n["max_use"], what)) out.max_use = *m;
  }
  if (n["note"].IsDefined()) out.note = text(n["note"], what);
  out.syntax = out.def->syntax;
  for (const auto& [t, node] : string_list(n["syntax"], what + " syntax")) {
    (void)t;
    if (auto note = parse_syntax(node, out.def->elements.size(), what)) out.syntax.push_back(std::move(*note));
  }
  // Every base position gets a rule; those the occurrence does not list stay not used.
  out.elements.clear();
  out.elements.resize(out.def->elements.size());
  for (std::size_t i = 0; i < out.def->elements.size(); ++i) {
    const auto& slot = out.def->elements[i];
    ElementRule& e = out.elements[i];
    e.position = static_cast<std::uint16_t>(i + 1);
    e.label = element_label(out.id, i + 1);
    e.name = slot.name;
    e.element = slot.element;
    e.composite = slot.composite;
    if (slot.element != nullptr) {
      e.min_length = slot.element->min_length;
      e.max_length = slot.element->max_length;
      // A date (1251) right after its format qualifier (1250) is checked by that format (DTP03 by DTP02).
      if (slot.element->ref == "1251" && i > 0 && out.def->elements[i - 1].element != nullptr &&
          out.def->elements[i - 1].element->ref == "1250")
        e.format_from = static_cast<std::uint16_t>(i);
    }
    if (slot.composite != nullptr) {
      const auto& comps = slot.composite->components;
      e.components.resize(comps.size());
      for (std::size_t c = 0; c < comps.size(); ++c) {
        ValueRule& v = e.components[c];
        v.element = comps[c].element;
        v.label = fmt::format("{}-{}", e.label, c + 1);
        v.name = comps[c].name;
        if (v.element != nullptr) {
          v.min_length = v.element->min_length;
          v.max_length = v.element->max_length;
          if (v.element->ref == "1251" && c > 0 && comps[c - 1].element != nullptr && comps[c - 1].element->ref == "1250")
            v.format_from = static_cast<std::uint16_t>(c);
        }
      }
    }
  }
  const yaml::Node els = n["elements"];
  if (els.IsDefined() && !is_null(els)) {
    if (!is_map(els)) {
      error(els, fmt::format("{}: elements must be a mapping like {{ {}01: {{ usage: R }} }}", what, out.id));
    } else {
      for (const auto& kv : els) {
        const std::string key = kv.first.Scalar();
        const auto label = parse_label(key, out.id);
        if (!label || label->component != 0 || label->element > out.elements.size()) {
          error(kv.first, fmt::format("{}: '{}' is not an element of {} ({}01..{}{:02})", what, key, out.id, out.id, out.id,
                                      out.elements.size()));
          continue;
        }
        ElementRule& e = out.elements[label->element - 1];
        parse_value(kv.second, e, e.label, true, &e);
      }
    }
  }
  return true;
}

// Same-id occurrences in one list must be told apart by the codes of their first element.
void Loader::finish_loop_segments(std::vector<SegmentRule>& segments, const LoopDef* loop, const yaml::Node& at) {
  for (std::size_t i = 0; i < segments.size(); ++i) {
    segments[i].index = static_cast<std::uint16_t>(i);
    segments[i].loop = loop;
    segments[i].run_start =
        i > 0 && segments[i - 1].key == segments[i].key ? segments[i - 1].run_start : static_cast<std::uint16_t>(i);
    if (segments[i].run_start == i) {
      for (std::size_t j = 0; j + 1 < i; ++j) {
        if (segments[j].key == segments[i].key) {
          error(at, fmt::format("{}: {} occurrences at {} and {} are not consecutive", loop->id.empty() ? "heading/trailer" : "loop " + loop->id,
                                segments[i].id, segments[j].file, segments[i].file));
          break;
        }
      }
    }
  }
  for (std::size_t i = 0; i < segments.size(); ++i) {
    for (std::size_t j = i + 1; j < segments.size(); ++j) {
      if (segments[i].key != segments[j].key) continue;
      segments[i].qualified = segments[j].qualified = true;
      auto first_codes = [](const SegmentRule& s) -> std::vector<std::string> {
        if (s.elements.empty()) return {};
        // The first element, or for a composite its first component (CTX01-1).
        const ValueRule& e = s.elements[0].composite != nullptr && !s.elements[0].components.empty()
                                 ? static_cast<const ValueRule&>(s.elements[0].components[0])
                                 : static_cast<const ValueRule&>(s.elements[0]);
        if (!e.codes.empty()) return e.codes.values();
        if (e.codes_from != nullptr) return e.codes_from->codes.values();
        return {};
      };
      const auto a = first_codes(segments[i]);
      const auto b = first_codes(segments[j]);
      const std::string loop_name = loop->id.empty() ? std::string("the heading/trailer") : "loop " + loop->id;
      if (a.empty() || b.empty()) {
        error(at, fmt::format("{}: two {} occurrences ({} and {}) cannot be told apart: each needs codes on {}01",
                              loop_name, segments[i].id, segments[i].file, segments[j].file, segments[i].id));
        continue;
      }
      for (const auto& c : a) {
        if (std::binary_search(b.begin(), b.end(), c)) {
          error(at, fmt::format("{}: {} occurrences at {} and {} both accept {}01 = '{}'", loop_name, segments[i].id,
                                segments[i].file, segments[j].file, segments[i].id, c));
          break;
        }
      }
    }
  }
}

}  // namespace soc278::ig::detail

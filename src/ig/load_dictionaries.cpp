// elements.yaml, composites.yaml, codes/*.yaml and segments.yaml (with their syntax notes): the
// dictionaries every occurrence refers to.
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

void Loader::load_elements() {
  const auto root = load("elements.yaml");
  if (!root) return;
  check_map(*root, "elements.yaml", {"source", "elements"}, {"elements"});
  const yaml::Node list = (*root)["elements"];
  if (!is_map(list)) {
    error(list, "elements: expected a mapping of element reference numbers");
    return;
  }
  for (const auto& kv : list) {
    const std::string ref = kv.first.Scalar();
    const std::string what = fmt::format("element {}", ref);
    if (!check_map(kv.second, what, {"name", "type", "min", "max"}, {"name", "type", "min", "max"})) continue;
    ElementDef e;
    e.ref = ref;
    e.name = text(kv.second["name"], what);
    const std::string type = text(kv.second["type"], what);
    if (type == "ID") {
      e.type = ValueType::id;
    } else if (type == "AN") {
      e.type = ValueType::an;
    } else if (type == "DT") {
      e.type = ValueType::date;
    } else if (type == "TM") {
      e.type = ValueType::time;
    } else if (type == "R") {
      e.type = ValueType::decimal;
    } else if (type.size() == 2 && type[0] == 'N' && type[1] >= '0' && type[1] <= '9') {
      e.type = ValueType::numeric;
      e.decimals = static_cast<std::uint8_t>(type[1] - '0');
    } else {
      error(kv.second["type"], fmt::format("{}: type '{}' is not ID, AN, DT, TM, R or N0..N9", what, type));
      continue;
    }
    const auto mn = length(kv.second["min"], what + " min");
    const auto mx = length(kv.second["max"], what + " max");
    if (!mn || !mx) continue;
    if (*mn > *mx) error(kv.second, fmt::format("{}: min {} is greater than max {}", what, *mn, *mx));
    e.min_length = *mn;
    e.max_length = *mx;
    if (elements_.count(ref) != 0) {
      error(kv.first, fmt::format("element {} is defined twice", ref));
      continue;
    }
    data_->elements.push_back(std::move(e));
    elements_[ref] = &data_->elements.back();
  }
}

void Loader::load_composites() {
  const auto root = load("composites.yaml");
  if (!root) return;
  check_map(*root, "composites.yaml", {"composites"}, {"composites"});
  const yaml::Node list = (*root)["composites"];
  if (!is_map(list)) {
    error(list, "composites: expected a mapping of composite ids");
    return;
  }
  for (const auto& kv : list) {
    const std::string id = kv.first.Scalar();
    const std::string what = fmt::format("composite {}", id);
    if (!check_map(kv.second, what, {"name", "components"}, {"name", "components"})) continue;
    CompositeDef c;
    c.id = id;
    c.name = text(kv.second["name"], what);
    const yaml::Node comps = kv.second["components"];
    if (!is_seq(comps) || comps.size() == 0) {
      error(comps, fmt::format("{}: components must be a non-empty list", what));
      continue;
    }
    for (const auto& item : comps) {
      const std::string cw = fmt::format("{}-{}", id, c.components.size() + 1);
      if (!check_map(item, cw, {"ref", "name"}, {"ref"})) continue;
      const std::string ref = text(item["ref"], cw);
      CompositeDef::Component comp;
      comp.element = find_element(ref);
      if (comp.element == nullptr) error(item["ref"], fmt::format("{}: element {} is not in elements.yaml", cw, ref));
      comp.name = item["name"].IsDefined() ? text(item["name"], cw) : (comp.element ? comp.element->name : "");
      c.components.push_back(std::move(comp));
    }
    if (composites_.count(id) != 0) {
      error(kv.first, fmt::format("composite {} is defined twice", id));
      continue;
    }
    data_->composites.push_back(std::move(c));
    composites_[id] = &data_->composites.back();
  }
}

void Loader::load_code_lists() {
  const fs::path dir = dir_ / "codes";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    const std::string rel = "codes/" + p.filename().string();
    const auto root = load(rel);
    if (!root) continue;
    const std::string what = rel;
    if (!check_map(*root, what, {"list", "name", "source", "version", "codes"}, {"list", "name", "source", "version", "codes"}))
      continue;
    CodeList l;
    l.id = text((*root)["list"], what);
    l.name = text((*root)["name"], what);
    l.source = text((*root)["source"], what);
    l.version = text((*root)["version"], what);
    if (l.id != p.stem().string())
      error((*root)["list"], fmt::format("list '{}' should be named like its file ('{}')", l.id, p.stem().string()));
    const yaml::Node codes = (*root)["codes"];
    if (!is_map(codes) || codes.size() == 0) {
      error(codes, fmt::format("{}: codes must be a non-empty mapping of code: description", what));
      continue;
    }
    std::set<std::string> seen;
    for (const auto& kv : codes) {
      const std::string code = kv.first.Scalar();
      if (code.empty()) error(kv.first, fmt::format("{}: empty code", what));
      if (!seen.insert(code).second) error(kv.first, fmt::format("{}: code '{}' listed twice", what, code));
      l.codes.add(code);
      l.entries.emplace_back(code, is_scalar(kv.second) ? kv.second.Scalar() : std::string());
    }
    l.codes.finish();
    std::sort(l.entries.begin(), l.entries.end());
    if (lists_.count(l.id) != 0) {
      error((*root)["list"], fmt::format("code list {} is defined twice", l.id));
      continue;
    }
    data_->code_lists.push_back(std::move(l));
    lists_[data_->code_lists.back().id] = &data_->code_lists.back();
  }
}

std::optional<SyntaxNote> Loader::parse_syntax(const yaml::Node& n, std::size_t element_count, std::string_view owner) {
  const auto s = scalar(n, owner);
  if (!s) return std::nullopt;
  SyntaxNote note;
  note.text = *s;
  const std::string_view t = *s;
  bool ok = t.size() >= 5 && (t.size() - 1) % 2 == 0;
  if (ok) {
    switch (t[0]) {
      case 'P': note.kind = SyntaxKind::paired; break;
      case 'R': note.kind = SyntaxKind::required; break;
      case 'C': note.kind = SyntaxKind::conditional; break;
      case 'E': note.kind = SyntaxKind::exclusion; break;
      case 'L': note.kind = SyntaxKind::list_conditional; break;
      default: ok = false;
    }
  }
  const std::size_t n_pos = ok ? (t.size() - 1) / 2 : 0;
  if (ok && (n_pos > note.positions.size() || (note.kind == SyntaxKind::list_conditional && n_pos < 3))) ok = false;
  for (std::size_t i = 0; ok && i < n_pos; ++i) {
    const auto v = to_uint(t.substr(1 + 2 * i, 2));
    if (!v || *v == 0 || *v > element_count) {
      ok = false;
      break;
    }
    note.positions[i] = static_cast<std::uint8_t>(*v);
  }
  if (!ok) {
    error(n, fmt::format("{}: syntax note '{}' is not P/R/C/E/L followed by 2-digit positions of this segment "
                         "(1..{})",
                         owner, t, element_count));
    return std::nullopt;
  }
  note.count = static_cast<std::uint8_t>(n_pos);
  return note;
}

void Loader::load_segments() {
  const auto root = load("segments.yaml");
  if (!root) return;
  check_map(*root, "segments.yaml", {"segments"}, {"segments"});
  const yaml::Node list = (*root)["segments"];
  if (!is_map(list)) {
    error(list, "segments: expected a mapping of segment ids");
    return;
  }
  for (const auto& kv : list) {
    const std::string id = kv.first.Scalar();
    const std::string what = fmt::format("segment {}", id);
    if (!valid_segment_id(id)) error(kv.first, fmt::format("'{}' is not a segment id (2-3 upper-case letters or digits)", id));
    if (!check_map(kv.second, what, {"name", "elements", "syntax"}, {"name", "elements"})) continue;
    SegmentDef s;
    s.id = id;
    s.key = segment_key(id);
    s.name = text(kv.second["name"], what);
    const yaml::Node els = kv.second["elements"];
    if (!is_seq(els) || els.size() == 0) {
      error(els, fmt::format("{}: elements must be a non-empty list", what));
      continue;
    }
    for (const auto& item : els) {
      const std::string ew = element_label(id, s.elements.size() + 1);
      if (!check_map(item, ew, {"ref", "composite", "name"})) continue;
      SegmentDef::Slot slot;
      if (item["ref"].IsDefined() == item["composite"].IsDefined()) {
        error(item, fmt::format("{}: give exactly one of ref or composite", ew));
      } else if (item["ref"].IsDefined()) {
        const std::string ref = text(item["ref"], ew);
        slot.element = find_element(ref);
        if (slot.element == nullptr) error(item["ref"], fmt::format("{}: element {} is not in elements.yaml", ew, ref));
      } else {
        const std::string cid = text(item["composite"], ew);
        slot.composite = find_composite(cid);
        if (slot.composite == nullptr) error(item["composite"], fmt::format("{}: composite {} is not in composites.yaml", ew, cid));
      }
      if (item["name"].IsDefined()) {
        slot.name = text(item["name"], ew);
      } else if (slot.element != nullptr) {
        slot.name = slot.element->name;
      } else if (slot.composite != nullptr) {
        slot.name = slot.composite->name;
      }
      s.elements.push_back(std::move(slot));
    }
    for (const auto& [t, node] : string_list(kv.second["syntax"], what + " syntax")) {
      (void)t;
      if (auto note = parse_syntax(node, s.elements.size(), what)) s.syntax.push_back(std::move(*note));
    }
    if (segments_.count(id) != 0) {
      error(kv.first, fmt::format("segment {} is defined twice", id));
      continue;
    }
    data_->segments.push_back(std::move(s));
    segments_[id] = &data_->segments.back();
  }
}

}  // namespace soc278::ig::detail

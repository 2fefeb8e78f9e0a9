// envelope.yaml, index.yaml and each guide file (its loops, their start codes, HL levels and children).
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

void Loader::load_envelope() {
  const auto root = load("envelope.yaml");
  if (!root) return;
  check_map(*root, "envelope.yaml", {"segments"}, {"segments"});
  const yaml::Node list = (*root)["segments"];
  if (!is_seq(list)) {
    error(list, "segments: expected a list of segment occurrences");
    return;
  }
  std::set<std::string> seen;
  for (const auto& item : list) {
    SegmentRule r;
    if (!parse_occurrence(item, r, nullptr, "envelope")) continue;
    if (!seen.insert(r.id).second) error(item, fmt::format("envelope: segment {} is listed twice", r.id));
    data_->envelope.push_back(std::move(r));
  }
  for (auto id : {"ST", "SE"}) {
    if (seen.count(id) == 0) error_at("envelope.yaml", 0, fmt::format("segment {} is missing", id));
  }
}

// The ISA codes the envelope reader checks (x12::EnvelopeCodes), taken from envelope.yaml's ISA rules.
void Loader::collect_envelope_codes() {
  const SegmentRule* isa = nullptr;
  for (const SegmentRule& s : data_->envelope)
    if (s.id == "ISA") isa = &s;
  if (isa == nullptr) return;
  auto codes_of = [&](std::size_t position) {
    std::vector<std::string> out;
    if (position > isa->elements.size()) return out;
    const ElementRule& e = isa->elements[position - 1];
    if (!e.codes.empty()) return e.codes.values();
    if (e.codes_from != nullptr)
      for (const auto& entry : e.codes_from->entries) out.push_back(entry.first);
    return out;
  };
  x12::EnvelopeCodes& c = data_->envelope_codes;
  c.isa01 = codes_of(1);
  c.isa03 = codes_of(3);
  c.isa05 = codes_of(5);
  c.isa07 = codes_of(7);
  c.isa14 = codes_of(14);
  c.isa15 = codes_of(15);
}

void Loader::load_index() {
  const auto root = load("index.yaml");
  if (!root) return;
  check_map(*root, "index.yaml", {"guides"}, {"guides"});
  const yaml::Node list = (*root)["guides"];
  if (!is_seq(list) || list.size() == 0) {
    error(list, "guides: expected a non-empty list");
    return;
  }
  std::set<std::string> ids, keys;
  std::vector<bool> aliases;  // per entry: reads with an earlier entry's guide (`same_as`), no file of its own
  for (const auto& item : list) {
    if (!check_map(item, "guide", {"id", "isa12", "gs01", "gs08", "st01", "bht02", "file", "same_as"},
                   {"id", "isa12", "gs01", "gs08", "st01"}))
      continue;
    if (item["file"].IsDefined() == item["same_as"].IsDefined()) {
      error(item, "guide: give either file (a guide of its own) or same_as (the id of an earlier entry whose guide it uses)");
      continue;
    }
    GuideSelector g;
    g.id = text(item["id"], "guide id");
    for (const auto& v : string_list(item["isa12"], "isa12")) g.isa12.push_back(v.first);
    if (g.isa12.empty()) error(item["isa12"], fmt::format("guide {}: isa12 must list at least one version", g.id));
    g.gs01 = text(item["gs01"], "gs01");
    g.gs08 = text(item["gs08"], "gs08");
    g.st01 = text(item["st01"], "st01");
    if (item["bht02"].IsDefined()) g.bht02 = text(item["bht02"], "bht02");
    if (!ids.insert(g.id).second) error(item["id"], fmt::format("guide id '{}' is listed twice", g.id));
    for (const auto& v : g.isa12) {
      if (!keys.insert(fmt::format("{}/{}/{}/{}/{}", v, g.gs01, g.gs08, g.st01, g.bht02)).second)
        error(item, fmt::format("guide {}: another entry already selects ISA12 {} GS01 {} GS08 {} ST01 {} BHT02 '{}'", g.id,
                                v, g.gs01, g.gs08, g.st01, g.bht02));
    }
    if (item["same_as"].IsDefined()) {
      // Another GS08 (or ISA12, GS01) read with an earlier entry's guide, e.g. the 999 of 005010X231
      // with the X231A1 guide: the guide's transaction id must agree, its version need not.
      const std::string other = text(item["same_as"], "same_as");
      const auto it = std::find_if(data_->index.begin(), data_->index.end(), [&](const GuideSelector& e) { return e.id == other; });
      if (it == data_->index.end()) {
        error(item["same_as"], fmt::format("guide {}: same_as '{}' is not an earlier entry's id", g.id, other));
        continue;
      }
      if (aliases[static_cast<std::size_t>(it - data_->index.begin())]) {
        error(item["same_as"], fmt::format("guide {}: same_as '{}' is itself a same_as entry", g.id, other));
        continue;
      }
      if (it->st01 != g.st01) error(item["st01"], fmt::format("guide {}: st01 {} differs from {}'s st01 {}", g.id, g.st01, other, it->st01));
      if (it->bht02 != g.bht02) error(item, fmt::format("guide {}: bht02 '{}' differs from {}'s bht02 '{}'", g.id, g.bht02, other, it->bht02));
      g.guide = it->guide;
      data_->index.push_back(std::move(g));
      aliases.push_back(true);
      continue;
    }
    const std::string rel = text(item["file"], "file");
    const std::string index_file = file_;
    auto guide = std::make_unique<Guide>();
    guide->id = g.id;
    guide->file = rel;
    data_->guides.push_back(std::move(guide));
    g.guide = data_->guides.back().get();
    data_->index.push_back(std::move(g));
    aliases.push_back(false);
    file_ = index_file;
  }
  for (std::size_t i = 0; i < data_->index.size(); ++i)
    if (!aliases[i]) load_guide(data_->index[i]);
}

void Loader::load_guide(GuideSelector& entry) {
  Guide& g = *const_cast<Guide*>(entry.guide);
  const auto root = load(g.file);
  if (!root) return;
  check_map(*root, g.file, {"transaction", "header", "loops", "definitions", "trailer"},
            {"transaction", "header", "loops", "definitions"});
  const yaml::Node tx = (*root)["transaction"];
  if (check_map(tx, "transaction", {"id", "version", "purpose", "bht02", "name"}, {"id", "version", "purpose", "name"})) {
    g.transaction_id = text(tx["id"], "transaction id");
    g.version = text(tx["version"], "transaction version");
    g.purpose = text(tx["purpose"], "transaction purpose");
    g.bht02 = text(tx["bht02"], "transaction bht02");
    g.name = text(tx["name"], "transaction name");
    if (g.transaction_id != entry.st01)
      error(tx["id"], fmt::format("transaction id {} differs from index.yaml st01 {}", g.transaction_id, entry.st01));
    if (g.version != entry.gs08)
      error(tx["version"], fmt::format("transaction version {} differs from index.yaml gs08 {}", g.version, entry.gs08));
    if (g.bht02 != entry.bht02)
      error(tx, fmt::format("transaction bht02 '{}' differs from index.yaml bht02 '{}'", g.bht02, entry.bht02));
  }

  // Pass 1: create every loop, so children and parents can point anywhere.
  const yaml::Node defs = (*root)["definitions"];
  std::map<std::string, LoopDef*> by_id;
  std::vector<std::pair<LoopDef*, yaml::Node>> pending;
  if (!is_map(defs)) {
    error(defs, "definitions: expected a mapping of loop ids");
  } else {
    for (const auto& kv : defs) {
      const std::string id = kv.first.Scalar();
      if (id.empty()) {
        error(kv.first, "definitions: empty loop id");
        continue;
      }
      if (by_id.count(id) != 0) {
        error(kv.first, fmt::format("loop {} is defined twice", id));
        continue;
      }
      auto loop = std::make_unique<LoopDef>();
      loop->id = id;
      loop->index = static_cast<std::uint16_t>(g.loops.size() + 1);
      by_id[id] = loop.get();
      pending.emplace_back(loop.get(), kv.second);
      g.loops.push_back(std::move(loop));
    }
  }
  auto resolve = [&](const yaml::Node& list, std::string_view what) {
    std::vector<const LoopDef*> out;
    for (const auto& [id, node] : string_list(list, what)) {
      const auto it = by_id.find(id);
      if (it == by_id.end()) {
        error(node, fmt::format("{}: loop {} is not defined", what, id));
        continue;
      }
      if (std::find(out.begin(), out.end(), it->second) != out.end()) error(node, fmt::format("{}: loop {} listed twice", what, id));
      out.push_back(it->second);
    }
    return out;
  };

  // The root: ST, the heading, the top loops, the trailer, SE.
  LoopDef& root_loop = g.root;
  root_loop.usage = Usage::required;
  root_loop.repeat = 1;
  root_loop.name = g.name;
  const SegmentRule* st = nullptr;
  const SegmentRule* se = nullptr;
  for (const auto& s : data_->envelope) {
    if (s.id == "ST") st = &s;
    if (s.id == "SE") se = &s;
  }
  if (st != nullptr) root_loop.segments.push_back(*st);
  root_loop.start_key = segment_key("ST");
  const yaml::Node header = (*root)["header"];
  if (header.IsDefined() && !is_seq(header)) error(header, "header: expected a list of segment occurrences");
  if (is_seq(header)) {
    for (const auto& item : header) {
      SegmentRule r;
      if (parse_occurrence(item, r, &root_loop, "header")) root_loop.segments.push_back(std::move(r));
    }
  }
  const yaml::Node trailer = (*root)["trailer"];
  if (trailer.IsDefined() && !is_seq(trailer)) error(trailer, "trailer: expected a list of segment occurrences");
  if (is_seq(trailer)) {
    for (const auto& item : trailer) {
      SegmentRule r;
      if (parse_occurrence(item, r, &root_loop, "trailer")) root_loop.trailer.push_back(std::move(r));
    }
  }
  if (se != nullptr) root_loop.trailer.push_back(*se);
  root_loop.children = resolve((*root)["loops"], "loops");

  // Pass 2: the loop bodies.
  for (auto& [loop, node] : pending) {
    const std::string what = fmt::format("loop {}", loop->id);
    if (!check_map(node, what, {"name", "usage", "repeat", "starts", "hl", "segments", "children", "trailer", "note"},
                   {"name", "usage", "repeat", "starts", "segments"}))
      continue;
    loop->name = text(node["name"], what);
    if (const auto u = usage(node["usage"], what)) loop->usage = *u;
    if (const auto r = count(node["repeat"], what)) loop->repeat = *r;
    if (node["note"].IsDefined()) loop->note = text(node["note"], what);
    const yaml::Node segs = node["segments"];
    if (!is_seq(segs) || segs.size() == 0) {
      error(segs, fmt::format("{}: segments must be a non-empty list", what));
    } else {
      for (const auto& item : segs) {
        SegmentRule r;
        if (parse_occurrence(item, r, loop, what)) loop->segments.push_back(std::move(r));
      }
    }
    loop->children = resolve(node["children"], what + " children");
    // starts: the segment, and (unless the segment id alone is enough) the element and its codes
    const yaml::Node starts = node["starts"];
    if (check_map(starts, what + " starts", {"segment", "element", "codes"}, {"segment"})) {
      const std::string seg = text(starts["segment"], what);
      loop->start_key = segment_key(seg);
      if (loop->segments.empty() || loop->segments.front().id != seg) {
        error(starts["segment"], fmt::format("{}: starts.segment {} is not the loop's first segment", what, seg));
      } else if (starts["element"].IsDefined() != starts["codes"].IsDefined()) {
        error(starts, fmt::format("{}: starts needs both element and codes, or neither", what));
      } else if (starts["element"].IsDefined()) {
        const std::string el = text(starts["element"], what);
        const auto label = parse_label(el, seg);
        const SegmentRule& first = loop->segments.front();
        if (!label || label->element > first.elements.size()) {
          error(starts["element"], fmt::format("{}: starts.element '{}' is not an element of {}", what, el, seg));
        } else {
          loop->start_element = label->element;
          loop->start_component = label->component;
          const auto codes = string_list(starts["codes"], what + " starts.codes");
          if (codes.empty()) error(starts["codes"], fmt::format("{}: starts.codes is empty", what));
          const ElementRule& er = first.elements[label->element - 1];
          const ValueRule* v = &er;
          if (label->component != 0) v = label->component <= er.components.size() ? &er.components[label->component - 1] : nullptr;
          for (const auto& [c, cn] : codes) {
            loop->start_codes.add(c);
            bool allowed = false;
            if (v != nullptr) {
              if (!v->codes.empty()) {
                allowed = v->codes.contains(c);
              } else if (v->codes_from != nullptr) {
                allowed = v->codes_from->codes.contains(c);
              } else {
                allowed = true;
              }
            }
            if (!allowed) error(cn, fmt::format("{}: start code '{}' is not allowed by {} in the loop's first segment", what, c, el));
          }
          loop->start_codes.finish();
        }
      }
    }
    // trailer: segments after the child loops (999 IK5 closes loop 2000 after its 2100 loops)
    const yaml::Node tr = node["trailer"];
    if (tr.IsDefined() && !is_seq(tr)) error(tr, fmt::format("{}: trailer must be a list of segment occurrences", what));
    if (is_seq(tr)) {
      for (const auto& item : tr) {
        SegmentRule r;
        if (parse_occurrence(item, r, loop, what + " trailer")) loop->trailer.push_back(std::move(r));
      }
    }
    // hl
    if (node["hl"].IsDefined()) {
      const yaml::Node hl = node["hl"];
      if (check_map(hl, what + " hl", {"level", "parents"}, {"level", "parents"})) {
        loop->hl_level = text(hl["level"], what);
        if (loop->hl_level.empty()) error(hl["level"], fmt::format("{}: hl.level is empty", what));
        loop->hl_parents = resolve(hl["parents"], what + " hl.parents");
        if (loop->segments.empty() || loop->segments.front().id != "HL") {
          error(hl, fmt::format("{}: an hl loop must start with HL", what));
        } else if (!loop->start_codes.contains(loop->hl_level) || loop->start_element != 3) {
          error(hl, fmt::format("{}: hl.level {} must be the loop's start code at HL03", what, loop->hl_level));
        }
      }
    }
  }
  for (auto& [loop, node] : pending) {
    finish_loop_segments(loop->segments, loop, node);
    finish_loop_segments(loop->trailer, loop, node);
    for (const LoopDef* p : loop->hl_parents) {
      if (!p->is_hl()) error(node, fmt::format("loop {}: hl parent {} is not an HL loop", loop->id, p->id));
    }
    // Children that start alike must be told apart by their start codes.
    for (std::size_t i = 0; i < loop->children.size(); ++i) {
      for (std::size_t j = i + 1; j < loop->children.size(); ++j) {
        const LoopDef* a = loop->children[i];
        const LoopDef* b = loop->children[j];
        if (a->start_key != b->start_key) continue;
        if (a->start_element == 0 || b->start_element == 0 || a->start_element != b->start_element ||
            a->start_component != b->start_component) {
          error(node, fmt::format("loop {}: children {} and {} both start with {} and cannot be told apart", loop->id, a->id,
                                  b->id, a->segments.empty() ? "" : a->segments.front().id));
          continue;
        }
        for (const auto& c : a->start_codes.values()) {
          if (b->start_codes.contains(c)) {
            error(node, fmt::format("loop {}: children {} and {} both start with {} code '{}'", loop->id, a->id, b->id,
                                    a->segments.empty() ? "" : a->segments.front().id, c));
            break;
          }
        }
      }
    }
  }
  {
    finish_loop_segments(root_loop.segments, &root_loop, header);
    finish_loop_segments(root_loop.trailer, &root_loop, trailer);
  }

  // Every definition is reachable from `loops`, and no loop contains itself.
  std::set<const LoopDef*> reached;
  std::vector<const LoopDef*> path;
  std::function<void(const LoopDef*)> visit = [&](const LoopDef* l) {
    if (std::find(path.begin(), path.end(), l) != path.end()) {
      error_at(g.file, 0, fmt::format("loop {} contains itself through its children", l->id));
      return;
    }
    if (!reached.insert(l).second) return;
    path.push_back(l);
    for (const LoopDef* c : l->children) visit(c);
    path.pop_back();
  };
  for (const LoopDef* l : root_loop.children) visit(l);
  for (auto& [loop, node] : pending) {
    if (reached.count(loop) == 0) error(node, fmt::format("loop {} is defined but no loop lists it as a child", loop->id));
  }

  // Indices for the walker and the binder.
  auto requirements = [](LoopDef& l) {
    for (std::size_t i = 0; i < l.segments.size(); ++i)
      if (l.segments[i].usage == Usage::required) l.required_segments.push_back(static_cast<std::uint16_t>(i));
    for (std::size_t i = 0; i < l.trailer.size(); ++i)
      if (l.trailer[i].usage == Usage::required && l.trailer[i].id != "SE")  // the envelope reader reports a missing SE
        l.required_trailer.push_back(static_cast<std::uint16_t>(i));
    for (std::size_t i = 0; i < l.children.size(); ++i)
      if (l.children[i]->usage == Usage::required) l.required_children.push_back(static_cast<std::uint16_t>(i));
  };
  requirements(root_loop);
  for (auto& l : g.loops) requirements(*l);
  if (g.loops.size() + 1 > 256) error_at(g.file, 0, "more than 255 loops (the walker tracks loops in 256-bit sets)");
  auto collect = [&](const std::vector<SegmentRule>& segs, const LoopDef* loop) {
    for (const auto& s : segs) {
      g.segment_keys.push_back(s.key);
      for (const auto& e : s.elements) {
        if (!e.bind.empty()) g.bindings.push_back({e.bind, loop, &s, e.position, 0});
        for (std::size_t c = 0; c < e.components.size(); ++c) {
          if (!e.components[c].bind.empty())
            g.bindings.push_back({e.components[c].bind, loop, &s, e.position, static_cast<std::uint16_t>(c + 1)});
        }
      }
    }
  };
  collect(root_loop.segments, &root_loop);
  collect(root_loop.trailer, &root_loop);
  for (const auto& l : g.loops) {
    collect(l->segments, l.get());
    collect(l->trailer, l.get());
  }
  std::sort(g.segment_keys.begin(), g.segment_keys.end());
  g.segment_keys.erase(std::unique(g.segment_keys.begin(), g.segment_keys.end()), g.segment_keys.end());
}

}  // namespace soc278::ig::detail

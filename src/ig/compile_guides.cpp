// Once everything is loaded: the base code list of each element, and the walker's fast-path and
// matching tables, compiled in one place (compile_guides(), which hands them to compile_fast.cpp).
#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "ig/compiled.hpp"
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
// The walker's tables (FastChecks, matching and key tables, masks, memo serials) are private to the
// walker and compiled by compile_fast.cpp.
void compile_guides(GuideData& data) { compile_for_walker(data); }

}  // namespace soc278::ig::detail

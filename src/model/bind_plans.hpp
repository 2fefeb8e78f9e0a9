// Private to the binder (src/model/bind.cpp, its only includer). The binder's memory across transactions: the
// plan of every guide segment occurrence met so far, the last segment read under each plan, and
// the working storage of one transaction.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <string_view>
#include <vector>

#include "model/bind_elements.hpp"
#include "model/bind_plan.hpp"
#include "model/bind_values.hpp"
#include "soc278/model/bind.hpp"


namespace soc278::model::binding {

// The last segment read under one plan, kept with its elements and slot values: a file's sets
// repeat many segments byte for byte (the payer and provider NM1s, their N3/N4, most DTPs and
// UMs), and a segment equal to the one remembered has the same elements and values, which are
// then read from here instead of tokenizing it again. What Binder::segment reads of a segment is
// a function of its bytes, its plan and the element and component separators alone, so those are
// what a hit compares; the views point into `bytes`, which stays unchanged until this plan's next
// segment differs (after the segment that read them has been applied).
struct SegmentMemo {
  std::vector<char> bytes;                 // the segment, then 16 bytes of padding (Elements reads whole blocks)
  std::size_t length = 0;                  // of the segment in `bytes`
  char element = 0, component = 0;         // the separators it was read with; 0: nothing remembered yet
  bool any = false;                        // some slot has a value
  Scope scope = Scope::other;              // Values::scope() of `values`, found once per segment read
  Elements elements;                       // over `bytes`
  std::vector<std::string_view> values;    // per slot of the plan, into `bytes`
  // Plans whose segments differ from set to set (a TRN, the patient's NM1, an SV1) would pay a
  // copy per segment for nothing: after `trial` segments a plan whose hits stay under a quarter
  // of them is read in place, and tried again `trial * 16` segments later.
  static constexpr std::uint32_t trial = 64;
  std::uint32_t seen = 0, hits = 0;

  [[nodiscard]] bool matches(const char* text, std::size_t n, const x12::Delimiters& d) const noexcept {
    return n == length && d.element == element && d.component == component && std::memcmp(bytes.data(), text, n) == 0;
  }
  [[nodiscard]] bool in_use() noexcept {
    if (seen < trial || hits * 4 >= seen) return true;
    if (++seen >= trial * 16) seen = hits = 0;  // the file may have changed its habits: try again
    return false;
  }
  void note(bool hit) noexcept {
    hits += hit ? 1U : 0U;
    if (++seen == (1U << 24)) {  // keep the counts far from overflow, and their ratio
      seen >>= 1;
      hits >>= 1;
    }
  }
};

}  // namespace soc278::model::binding

namespace soc278::model {

// The binder's internals, for bind.cpp (this header's only includer) and the Plans below.
using namespace binding;  // NOLINT(google-build-using-namespace)

// The plans of the segment occurrences met so far, by occurrence, and the binder's working storage.
// The guide owns the rules, so their addresses are stable for as long as the guides live
// (RequestBinder's contract).
struct RequestBinder::Plans {
  // Open addressing on the rule's address (a node-based map cost a cache miss per segment): a
  // power-of-two table at most half full, each entry naming its plan.
  struct Entry {
    const ig::SegmentRule* rule = nullptr;
    std::uint32_t plan = 0;  // index into plans
  };
  std::vector<Entry> table = std::vector<Entry>(256);
  std::size_t used = 0;
  // Per guide loop, the plan of each of its segment and trailer occurrences (by SegmentRule::index),
  // so that a segment finds its plan without hashing: one lookup per loop instead.
  static constexpr std::uint32_t unknown = 0xFFFFFFFF;
  struct LoopEntry {
    const ig::LoopDef* def = nullptr;
    std::uint32_t first = 0;  // into loop_plans: segments, then trailer
  };
  std::vector<LoopEntry> loops_by_index;  // by LoopDef::index, for the first guide met with that index
  std::vector<LoopEntry> other_loops;     // the loops of other guides
  std::vector<std::uint32_t> loop_plans;  // plan index, or unknown until the occurrence is met
  std::deque<Plan> plans;  // a deque: plans point to one another (Plan::next_plan)
  std::deque<SegmentMemo> memos;  // by Plan::memo; a deque: Binder::segment keeps views into one while it applies
  std::vector<Slot> slots;
  // Stands before a transaction's first segment: its next_rule and next_plan are those of the first
  // segment last met (see Plan::next_rule), so that every segment has a previous plan to ask.
  Plan start;
  std::vector<std::string_view> values;  // one segment's, as many as the largest plan has slots
  Elements elements;                     // one segment's
  ComponentCursor components;            // over `elements`, restarted per segment
  DateCache dates;
  // Service lines a previous request had beyond the current one's count, kept with their buffers
  // for the next request that has more.
  std::vector<ServiceLine> spare_lines;

  static std::size_t hash(const ig::SegmentRule* rule, std::size_t size) noexcept {
    return static_cast<std::size_t>((reinterpret_cast<std::uintptr_t>(rule) >> 4) * 0x9E3779B97F4A7C15ULL) & (size - 1);
  }

  // The first of `def`'s entries in loop_plans.
  std::uint32_t loop_first(const ig::LoopDef* def) {
    if (def->index >= loops_by_index.size()) loops_by_index.resize(def->index + 1U);
    LoopEntry& e = loops_by_index[def->index];
    if (e.def == def) return e.first;
    if (e.def == nullptr) return (e = new_loop(def)).first;
    for (const LoopEntry& other : other_loops)
      if (other.def == def) return other.first;
    return other_loops.emplace_back(new_loop(def)).first;
  }

  LoopEntry new_loop(const ig::LoopDef* def) {
    const auto first = static_cast<std::uint32_t>(loop_plans.size());
    loop_plans.resize(loop_plans.size() + def->segments.size() + def->trailer.size(), unknown);
    return LoopEntry{def, first};
  }

  // The plan (its index in plans) of a segment of a loop whose loop_plans start at `first`.
  std::uint32_t plan(const ig::SegmentRule& rule, const ig::LoopDef* def, std::uint32_t first) {
    std::size_t k = rule.index;
    if (rule.loop != def) return plan_index(rule);
    if (k < def->segments.size() && &def->segments[k] == &rule) {
      // a segment occurrence
    } else if (k < def->trailer.size() && &def->trailer[k] == &rule) {
      k += def->segments.size();
    } else {
      return plan_index(rule);
    }
    std::uint32_t& index = loop_plans[first + k];
    if (index == unknown) index = plan_index(rule);
    return index;
  }

  std::uint32_t plan_index(const ig::SegmentRule& rule) {
    for (std::size_t i = hash(&rule, table.size());; i = (i + 1) & (table.size() - 1)) {
      const Entry& e = table[i];
      if (e.rule == &rule) return e.plan;
      if (e.rule == nullptr) break;
    }
    Plan p;
    p.first = static_cast<std::uint32_t>(slots.size());
    make_plan(rule, slots);
    p.count = static_cast<std::uint32_t>(slots.size() - p.first);
    p.last = last_element_read_by_position;
    p.first_slot.fill(Plan::none);
    for (std::uint32_t k = 0; k < p.count && k < Plan::none; ++k) {
      const Slot& slot = slots[p.first + k];
      p.last = std::max(p.last, slot.position);
      std::uint16_t& first = p.first_slot[static_cast<std::size_t>(slot.field)];
      p.fields |= std::uint64_t{1} << static_cast<unsigned>(slot.field);
      if (first == Plan::none) {
        first = static_cast<std::uint16_t>(k);
      } else {
        p.repeated |= std::uint64_t{1} << static_cast<unsigned>(slot.field);
      }
    }
    p.count = std::min<std::uint32_t>(p.count, Plan::none);  // beyond any guide; keeps first_slot exact
    if (values.size() < p.count) values.resize(p.count);
    p.memo = static_cast<std::uint32_t>(memos.size());
    memos.emplace_back().values.resize(p.count);
    plans.push_back(p);
    insert(Entry{&rule, static_cast<std::uint32_t>(plans.size() - 1)});
    return static_cast<std::uint32_t>(plans.size() - 1);
  }

  void insert(const Entry& entry) {
    if (2 * (used + 1) > table.size()) {
      std::vector<Entry> old(table.size() * 2);
      old.swap(table);
      used = 0;
      for (const Entry& e : old)
        if (e.rule != nullptr) insert(e);
    }
    std::size_t i = hash(entry.rule, table.size());
    while (table[i].rule != nullptr) i = (i + 1) & (table.size() - 1);
    table[i] = entry;
    ++used;
  }
};

}  // namespace soc278::model

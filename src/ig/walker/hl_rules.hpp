// src/ig/walker/hl_rules.hpp — private: the HL hierarchy: HL-directed matching, HL01/HL02/HL04 rules.
// Included once, by walker.cpp (whose opening comment says how the parts fit), after TransactionValidator::Impl:
// one translation unit keeps the per-segment path inlined.
#pragma once

namespace soc278::ig {

// ---- HL matching ----------------------------------------------------------------------------------

// Whether an HL of loop `parent` may be the parent of an HL of loop `l` (hl.parents in the guide).
bool TransactionValidator::Impl::hl_parent_allowed(const LoopDef& l, const LoopDef& parent) noexcept {
  if (parent.index < 64 && l.hl_parents_in_mask) return (l.hl_parent_mask >> parent.index & 1U) != 0;
  return std::find(l.hl_parents.begin(), l.hl_parents.end(), &parent) != l.hl_parents.end();
}

std::int32_t TransactionValidator::Impl::find_hl(std::string_view hl01) const noexcept {
  if (hl01.empty()) return -1;
  // HL01 counts 1, 2, 3 ...: try the direct slot first, then search (only after a numbering error).
  if (const auto n = to_integer(hl01); n && *n >= 1 && static_cast<std::size_t>(*n) <= hls.size()) {
    if (hls[static_cast<std::size_t>(*n - 1)].is(hl01)) return static_cast<std::int32_t>(*n - 1);
  }
  for (std::size_t i = hls.size(); i-- > 0;) {
    if (hls[i].is(hl01)) return static_cast<std::int32_t>(i);
  }
  return -1;
}

Match TransactionValidator::Impl::hl_directed(const x12::SegmentView& s) const {
  const std::int32_t parent = hl_parent;
  if (parent < 0) return {};
  for (std::size_t d = frames.size(); d-- > 0;) {
    if (frames[d].hl != parent) continue;
    const Frame& f = frames[d];
    if (f.region == Region::trailer) return {};
    const LoopDef& l = *f.loop;
    const std::size_t n = l.children.size();
    for (std::size_t k = 0; k < n; ++k) {
      std::size_t c = f.child_pos + k;  // from the current child on, then the earlier ones
      if (c >= n) c -= n;
      if (l.child_keys[c] == hl_key && starts_loop(*l.children[c], s))
        return {MatchKind::child, static_cast<std::uint16_t>(d), static_cast<std::uint16_t>(c),
                f.region == Region::children && c < f.child_pos};
    }
    return {};
  }
  return {};
}

// ---- HL rules (reference 5.11) --------------------------------------------------------------------

void TransactionValidator::Impl::check_hl(const x12::SegmentView& s, const SegmentRule& rule) {
  const LoopDef& l = *rule.loop;
  const std::string_view hl01 = s.element(1);
  const std::string_view hl02 = s.element(2);
  const std::string_view hl04 = s.element(4);
  const std::size_t expected = hls.size() + 1;
  const auto n = to_integer(hl01);
  if (!hl01.empty() && (!n || *n != static_cast<std::int64_t>(expected)) && rule.element(1) != nullptr) {
    element_finding(core::DiagCode::ig_hl_sequence, *rule.element(1), 1, 0, hl01,
                    "expected HL01 = {} (HLs count 1, 2, 3 ... in order within the set), found '{}'", expected, hl01);
  }
  const std::int32_t parent = hl_parent;  // find_hl(hl02), computed by walk()
  const bool parent_valid = parent >= 0 && hl_parent_allowed(l, *hls[static_cast<std::size_t>(parent)].loop);
  const bool top = l.hl_parent_mask == 0 && l.hl_parents.empty();
  if ((top ? !hl02.empty() : !hl02.empty() && !parent_valid) && rule.element(2) != nullptr) {
    const ElementRule* r2 = rule.element(2);
    if (top) {
      // An HL02 the guide does not use at the top level is reported as such (IK403 I10), once.
      if (!hl02.empty() && r2->usage != Usage::not_used)
        element_finding(core::DiagCode::ig_hl_parent_invalid, *r2, 2, 0, hl02,
                        "expected HL02 empty at the top level (loop {}), found '{}'", l.id, hl02);
    } else if (!hl02.empty() && !parent_valid) {
      std::string allowed;  // error path only
      for (const LoopDef* p : l.hl_parents) allowed += fmt::format("{}{} ({})", allowed.empty() ? "" : " or ", p->id, p->hl_level);
      if (parent < 0) {
        element_finding(core::DiagCode::ig_hl_parent_invalid, *r2, 2, 0, hl02,
                        "HL02 '{}' names no earlier HL in this set; loop {} must hang under {}", hl02, l.id, allowed);
      } else {
        const LoopDef* pl = hls[static_cast<std::size_t>(parent)].loop;
        element_finding(core::DiagCode::ig_hl_parent_invalid, *r2, 2, 0, hl02,
                        "HL02 '{}' points to loop {} (HL03 {}); loop {} must hang under {}", hl02, pl->id, pl->hl_level, l.id,
                        allowed);
      }
    }
  }
  // HL04 of the previous HL: 1 exactly when this HL is its child (depth-first order). An HL02 that
  // names a parent of the wrong level is that HL's error, not the previous HL04's.
  if (!hls.empty() && (parent_valid || top)) {
    HlRecord& prev = hls.back();
    const bool child_follows = parent_valid && static_cast<std::size_t>(parent) == hls.size() - 1;
    if ((prev.hl04 == '1' && !child_follows) || (prev.hl04 == '0' && child_follows)) {
      hl_child_finding(prev, prev.hl04 == '1'
                                 ? fmt::format("HL04 '1' says a child HL follows HL {}, but the next HL ({}) hangs under '{}'",
                                               prev.hl01(), hl01, hl02)
                                 : fmt::format("HL04 '0' says no child HL follows HL {}, but the next HL ({}) is its child",
                                               prev.hl01(), hl01));
    }
  }
  HlRecord& rec = hls.emplace_back();  // filled in place
  rec.id_length = static_cast<std::uint8_t>(std::min(hl01.size(), rec.id.size()));
  if (rec.id_length != 0) std::memcpy(rec.id.data(), hl01.data(), rec.id_length);  // an absent HL01 has no data pointer
  rec.loop = &l;
  rec.hl04 = hl04.size() == 1 && (hl04[0] == '0' || hl04[0] == '1') ? hl04[0] : 0;
  rec.at = seg_at();
  frames.back().hl = static_cast<std::int32_t>(hls.size() - 1);
}

void TransactionValidator::Impl::finish_hl() {
  if (hls.empty() || hls.back().hl04 != '1') return;
  HlRecord& last = hls.back();
  hl_child_finding(last, fmt::format("HL04 '1' says a child HL follows HL {}, but it is the last HL of the set", last.hl01()));
}

// HL04 is judged only when the next HL (or the SE) arrives, so the finding names an earlier segment;
// that segment gets its IK3 now if it has none yet.
void TransactionValidator::Impl::hl_child_finding(HlRecord& hl, std::string message) {
  const ElementRule* r4 = hl.loop->segments.front().element(4);
  const core::Severity sev = core::info(core::DiagCode::ig_hl_child_code).severity;
  core::SourcePosition at = hl.at;
  if (!hl.reported) {
    hl.reported = true;
    count(sev);
    if (wanted()) {
      store(make(core::DiagCode::ig_segment_has_element_errors, sev, at, "HL", hl.loop->id,
                 fmt::format("HL at set position {} has element finding(s)", at.segment_in_set)));
    } else {
      ++result.findings_dropped;
    }
  }
  count(sev);
  if (!wanted()) {
    ++result.findings_dropped;
    return;
  }
  at.element = 4;
  core::Diagnostic d = make(core::DiagCode::ig_hl_child_code, sev, at, "HL", hl.loop->id, std::move(message));
  if (r4 != nullptr && r4->element != nullptr) d.element_ref = r4->element->ref;
  d.found_value = std::string(1, hl.hl04);
  store(std::move(d));
}
}  // namespace soc278::ig

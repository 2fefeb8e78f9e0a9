// src/ig/walker/loops.hpp — private: loop matching: guide selection, the frame stack, find/forward/backward, walk and accept.
// Included once, by walker.cpp (whose opening comment says how the parts fit), after TransactionValidator::Impl:
// one translation unit keeps the per-segment path inlined.
#pragma once

namespace soc278::ig {

// ---- guide selection ------------------------------------------------------------------------------

void TransactionValidator::Impl::select(std::string_view bht02) {
  const x12::SegmentView& st = st_view;
  const std::string_view st01 = st.element(1);
  const std::string_view st03 = st.element(3);
  const bool mismatch = !st03.empty() && st03 != gs08;
  // Most sets of a file choose the same guide: the last clean choice is kept with what chose it.
  if (!mismatch && last_choice.guide != nullptr && last_choice.st01 == st01 && last_choice.bht02 == bht02 &&
      last_choice.isa12 == isa12 && last_choice.gs01 == gs01 && last_choice.gs08 == gs08) {
    guide = last_choice.guide;
    start_walk();
    return;
  }
  guide = guides.select(isa12, gs01, gs08, st01, bht02);
  if (guide != nullptr && !mismatch) {
    last_choice.guide = guide;
    last_choice.isa12 = isa12;
    last_choice.gs01 = gs01;
    last_choice.gs08 = gs08;
    last_choice.st01 = st01;
    last_choice.bht02 = bht02;
  }
  // A GS08 no guide reads but an ST03 one does: walk by ST03 so the body is still checked; the
  // mismatch itself rejects the set (reference 5.13).
  if (guide == nullptr && mismatch) guide = guides.select(isa12, gs01, st03, st01, bht02);
  core::SourcePosition at = st_at;
  if (mismatch) {
    at.element = 3;
    report(core::DiagCode::ig_st03_mismatch, at, "ST", "", "ST03 says '{}', expected GS08 '{}' (reference 5.13)", st03, gs08);
    at.element = 0;
  }
  if (guide == nullptr) {
    state = State::no_guide;
    if (!guides.supports_transaction(st01)) {
      at.element = 1;
      report(core::DiagCode::ig_transaction_unsupported, at, "ST", "",
             "no implementation guide reads transaction set '{}' (grammars/index.yaml)", st01);
    } else if (bht02.empty() && guides.needs_bht02(st01)) {
      report(core::DiagCode::ig_guide_unknown, at, "ST", "",
             "no BHT02 after ST to choose the {} guide by (request 13, response 11; grammars/index.yaml)", st01);
    } else {
      report(core::DiagCode::ig_guide_unknown, at, "ST", "",
             "no implementation guide for ISA12 '{}' GS01 '{}' GS08 '{}' ST01 '{}' BHT02 '{}' (grammars/index.yaml)", isa12,
             gs01, gs08, st01, bht02);
    }
    return;
  }
  start_walk();
}

void TransactionValidator::Impl::start_walk() {
  state = State::walking;
  loop_words = std::min<std::size_t>(max_loops / 64, (guide->loops.size() + 1 + 63) / 64);  // indices 0..loops.size()
  result.guide = guide;
  LoopNode* root = options.build_tree ? &result.root : nullptr;
  if (root != nullptr) {
    root->def = &guide->root;
    root->at = st_at;
  }
  push_frame(guide->root, root);
  const x12::SegmentView& st = st_view;
  const SegmentRule& rule = guide->root.segments.front();
  counts[frames.back().counts] = 1;
  begin_segment(st, st_at, "");
  accept(st, rule, root);
  end_segment();
}

// ---- walking --------------------------------------------------------------------------------------

Match TransactionValidator::Impl::forward(std::size_t depth, const x12::SegmentView& s, std::uint32_t key, bool strict) const {
  const Frame& f = frames[depth];
  const LoopDef& l = *f.loop;
  const auto d16 = static_cast<std::uint16_t>(depth);
  const std::size_t nseg = l.segment_count;
  const std::size_t nchild = l.child_count;
  const std::size_t ntrail = l.trailer_count;
  if (nseg > 64 || nchild > 64 || ntrail > 64) return forward_scan(depth, s, key, strict);
  if (f.region == Region::segments) {
    // Same-id occurrences share one position (README §3), so the run the last match belongs to is still open.
    const std::size_t from = std::max<std::size_t>(l.segments[f.pos].run_start, 1);
    for (std::uint64_t m = key_mask(l.segment_keys.data(), nseg, key, from) & (~std::uint64_t{0} << from); m != 0; m &= m - 1) {
      const auto i = static_cast<std::size_t>(core::simd::lowest_bit(m));
      if (!strict || first_element_matches(l.segments[i], s)) return {MatchKind::in_loop, d16, static_cast<std::uint16_t>(i), false};
    }
  }
  if (f.region != Region::trailer && nchild != 0) {
    // From the current child on, then the earlier ones (out of sequence once the children region began).
    const std::uint64_t all = key_mask(l.child_keys.data(), nchild, key);
    const std::uint64_t later = ~std::uint64_t{0} << f.child_pos;
    for (std::uint64_t m = all & later; m != 0; m &= m - 1) {
      const auto c = static_cast<std::size_t>(core::simd::lowest_bit(m));
      if (!strict || starts_loop(*l.children[c], s)) return {MatchKind::child, d16, static_cast<std::uint16_t>(c), false};
    }
    for (std::uint64_t m = all & ~later; m != 0; m &= m - 1) {
      const auto c = static_cast<std::size_t>(core::simd::lowest_bit(m));
      if (!strict || starts_loop(*l.children[c], s))
        return {MatchKind::child, d16, static_cast<std::uint16_t>(c), f.region == Region::children};
    }
  }
  if (ntrail != 0) {
    const std::size_t from = f.region == Region::trailer ? l.trailer[f.pos].run_start : 0;
    for (std::uint64_t m = key_mask(l.trailer_keys.data(), ntrail, key, from) & (~std::uint64_t{0} << from); m != 0; m &= m - 1) {
      const auto i = static_cast<std::size_t>(core::simd::lowest_bit(m));
      if (!strict || first_element_matches(l.trailer[i], s)) return {MatchKind::trailer, d16, static_cast<std::uint16_t>(i), false};
    }
  }
  return {};
}

// forward() for loops with more than 64 occurrences or children (no guide has one): the same order, one by one.
Match TransactionValidator::Impl::forward_scan(std::size_t depth, const x12::SegmentView& s, std::uint32_t key, bool strict) const {
  const Frame& f = frames[depth];
  const LoopDef& l = *f.loop;
  const auto d16 = static_cast<std::uint16_t>(depth);
  if (f.region == Region::segments) {
    for (std::size_t i = std::max<std::size_t>(l.segments[f.pos].run_start, 1); i < l.segments.size(); ++i) {
      if (l.segments[i].key == key && (!strict || first_element_matches(l.segments[i], s)))
        return {MatchKind::in_loop, d16, static_cast<std::uint16_t>(i), false};
    }
  }
  if (f.region != Region::trailer) {
    const std::size_t n = l.children.size();
    for (std::size_t k = 0; k < n; ++k) {
      std::size_t c = f.child_pos + k;
      if (c >= n) c -= n;
      if (l.children[c]->start_key == key && (!strict || starts_loop(*l.children[c], s)))
        return {MatchKind::child, d16, static_cast<std::uint16_t>(c), f.region == Region::children && c < f.child_pos};
    }
  }
  for (std::size_t i = f.region == Region::trailer ? l.trailer[f.pos].run_start : 0; i < l.trailer.size(); ++i) {
    if (l.trailer[i].key == key && (!strict || first_element_matches(l.trailer[i], s)))
      return {MatchKind::trailer, d16, static_cast<std::uint16_t>(i), false};
  }
  return {};
}

Match TransactionValidator::Impl::backward(std::size_t depth, const x12::SegmentView& s, std::uint32_t key, bool strict) const {
  const Frame& f = frames[depth];
  const LoopDef& l = *f.loop;
  const auto d16 = static_cast<std::uint16_t>(depth);
  const std::size_t end = f.region == Region::segments ? l.segments[f.pos].run_start : l.segments.size();
  for (std::size_t i = 1; i < end; ++i) {
    if (l.segment_keys[i] == key && (!strict || first_element_matches(l.segments[i], s)))
      return {MatchKind::in_loop, d16, static_cast<std::uint16_t>(i), true};
  }
  if (f.region == Region::trailer) {
    for (std::size_t i = 0; i < l.trailer[f.pos].run_start; ++i) {
      if (l.trailer_keys[i] == key && (!strict || first_element_matches(l.trailer[i], s)))
        return {MatchKind::trailer, d16, static_cast<std::uint16_t>(i), true};
    }
  }
  return {};
}

Match TransactionValidator::Impl::find(const x12::SegmentView& s, std::uint32_t key) const {
  if (key == hl_key) {
    if (const Match m = hl_directed(s); m.kind != MatchKind::none) return m;
  } else {
    // The common case first: a later occurrence of the innermost loop. When the id differs from
    // the last matched one's, no occurrence of the run forward() starts from has it, so forward()'s
    // first candidate is the first later occurrence with this id; if its first element agrees,
    // that is forward()'s answer. Anything else takes the full search below.
    const Frame& top = frames.back();
    const LoopDef& l = *top.loop;
    if (top.region == Region::segments && l.segment_keys[top.pos] != key) {
      const auto depth = static_cast<std::uint16_t>(frames.size() - 1);
      const std::size_t nseg = l.segment_count;
      std::size_t i = static_cast<std::size_t>(top.pos) + 1;
      for (; i < nseg; ++i) {
        if (l.segment_keys[i] != key) continue;
        if (first_element_matches(l.segments[i], s)) return {MatchKind::in_loop, depth, static_cast<std::uint16_t>(i), false};
        break;
      }
      // No later occurrence has the id: forward() goes on with the child loops, from the current one.
      if (i == nseg) {
        const std::size_t nchild = l.child_count;
        for (std::size_t c = top.child_pos; c < nchild; ++c) {
          if (l.child_keys[c] != key) continue;
          if (starts_loop(*l.children[c], s)) return {MatchKind::child, depth, static_cast<std::uint16_t>(c), false};
          break;
        }
      }
    }
  }
  for (bool strict : {true, false}) {
    for (std::size_t d = frames.size(); d-- > 0;) {
      if (!frames[d].loop->may_take(key)) continue;  // no occurrence or child loop with this id
      if (const Match m = forward(d, s, key, strict); m.kind != MatchKind::none) return m;
    }
  }
  for (bool strict : {true, false}) {
    for (std::size_t d = frames.size(); d-- > 0;) {
      if (const Match m = backward(d, s, key, strict); m.kind != MatchKind::none) return m;
    }
  }
  return {};
}

void TransactionValidator::Impl::close_frame(const core::SourcePosition& trigger, std::string_view trigger_id) {
  const Frame& f = frames.back();
  const LoopDef& l = *f.loop;
  // Usually nothing is missing: tell that from the counts and the seen loops, and report (below,
  // out of line) only otherwise.
  bool complete = true;
  for (const std::uint16_t i : l.required_segments) complete &= counts[f.counts + i] != 0;
  const std::size_t trailer_at = f.counts + std::size_t{l.segment_count} + l.child_count;
  for (const std::uint16_t i : l.required_trailer) complete &= counts[trailer_at + i] != 0;
  if (!l.required_children.empty())
    complete &= l.required_children_in_mask && (l.required_children_mask & ~(f.seen.w[0] | f.missing.w[0])) == 0;
  if (!complete) report_missing(trigger, trigger_id);
  counts_top = f.counts;
  if (frames.size() > 1) {
    Frame& parent = frames[frames.size() - 2];
    for (std::size_t k = 0; k < loop_words; ++k) {
      parent.seen.w[k] |= f.seen.w[k];
      parent.missing.w[k] |= f.missing.w[k];
    }
  }
  frames.pop_back();
}

// What the closing frame misses: required segments, loops, trailer segments, in that order.
void TransactionValidator::Impl::report_missing(const core::SourcePosition& trigger, std::string_view trigger_id) {
  const Frame& f = frames.back();
  const LoopDef& l = *f.loop;
  const std::size_t nseg = l.segment_count;
  const std::size_t nchild = l.child_count;
  core::SourcePosition at = trigger;
  at.element = 0;
  at.component = 0;
  auto missing = [&](const SegmentRule& r) {
    report(core::DiagCode::ig_required_segment_missing, at, r.id, l.id,
           "expected {} ({}) in {}, found none before {} at set position {}", r.id, r.name,
           l.id.empty() ? std::string("the heading/trailer") : "loop " + l.id, trigger_id, trigger.segment_in_set);
  };
  for (const std::uint16_t i : l.required_segments)
    if (counts[f.counts + i] == 0) missing(l.segments[i]);
  for (const std::uint16_t c : l.required_children) {
    const LoopDef& child = *l.children[c];
    if (f.seen.test(child.index) || f.missing.test(child.index)) continue;
    frames.back().missing.set(child.index);
    report(core::DiagCode::ig_required_loop_missing, at, child.segments.empty() ? std::string_view{} : child.segments.front().id,
           child.id, "expected loop {} ({}) in {}, found none before {} at set position {}", child.id, child.name,
           l.id.empty() ? std::string("the transaction") : "loop " + l.id, trigger_id, trigger.segment_in_set);
  }
  for (const std::uint16_t i : l.required_trailer)
    if (counts[f.counts + nseg + nchild + i] == 0) missing(l.trailer[i]);
}

void TransactionValidator::Impl::unmatched(const x12::SegmentView& s, std::uint32_t key) {
  const Frame& top = frames.back();
  const std::string_view loop_id = top.loop->id;
  const SegmentDef* def = key == 0 ? nullptr : guides.segment(key);
  if (def == nullptr) {
    segment_finding(core::DiagCode::ig_segment_unrecognized, loop_id, "'{}' is not a segment id soc278 knows (grammars/segments.yaml)",
                    cut(s.id()));
    return;
  }
  if (!guide->uses_segment(key)) {
    segment_finding(core::DiagCode::ig_segment_not_in_set, loop_id, "{} ({}) is not part of the {} {} ({})", s.id(), def->name,
                    guide->transaction_id, guide->purpose, guide->version);
    return;
  }
  // What could have come here instead (error path only).
  std::string expected;
  const LoopDef& l = *top.loop;
  if (top.region == Region::segments) {
    for (std::size_t i = std::max<std::size_t>(top.pos, 1); i < l.segments.size(); ++i) {
      if (expected.find(l.segments[i].id) == std::string::npos) expected += fmt::format("{} ", l.segments[i].id);
    }
  }
  for (const LoopDef* c : l.children) expected += fmt::format("loop {} ", c->id);
  if (!expected.empty()) expected.pop_back();
  segment_finding(core::DiagCode::ig_segment_unexpected, loop_id, "{} does not fit {} here (expected {})", s.id(),
                  loop_id.empty() ? std::string("the heading") : "loop " + std::string(loop_id),
                  expected.empty() ? std::string("the end of the loop") : expected);
}

SOC278_INLINE void TransactionValidator::Impl::walk(const x12::SegmentView& s, const core::SourcePosition& at) {
  const std::string_view id = s.id();
  const std::uint32_t key = id.size() == 2   ? (static_cast<std::uint32_t>(static_cast<unsigned char>(id[0])) << 8) | static_cast<unsigned char>(id[1])
                            : id.size() == 3 ? (static_cast<std::uint32_t>(static_cast<unsigned char>(id[0])) << 16) |
                                                   (static_cast<std::uint32_t>(static_cast<unsigned char>(id[1])) << 8) | static_cast<unsigned char>(id[2])
                                             : segment_key(id);
  if (key == hl_key) hl_parent = find_hl(s.element(2));  // for hl_directed() and check_hl()
  const Match m = find(s, key);
  if (m.kind == MatchKind::none) {
    begin_segment(s, at, frames.back().loop->id);
    unmatched(s, key);
    end_segment();
    return;
  }
  if (!m.out_of_sequence || m.kind == MatchKind::child) {
    while (frames.size() > static_cast<std::size_t>(m.depth) + 1) close_frame(at, s.id());
  }
  Frame& f = frames[m.depth];
  const LoopDef& l = *f.loop;
  const std::size_t nseg = l.segment_count;
  const std::size_t nchild = l.child_count;
  const SegmentRule* rule = nullptr;
  LoopNode* node = f.node;
  std::uint32_t used = 0;
  if (m.kind == MatchKind::in_loop) {
    rule = &l.segments[m.index];
    begin_segment(s, at, l.id);
    if (m.out_of_sequence) {
      segment_finding(core::DiagCode::ig_segment_out_of_sequence, l.id,
                      "{} ({}) belongs before the segments already read in {}", s.id(), rule->name,
                      l.id.empty() ? std::string("the heading") : "loop " + l.id);
    } else {
      f.region = Region::segments;
      f.pos = m.index;
    }
    used = ++counts[f.counts + m.index];
  } else if (m.kind == MatchKind::trailer) {
    rule = &l.trailer[m.index];
    begin_segment(s, at, l.id);
    if (m.out_of_sequence) {
      segment_finding(core::DiagCode::ig_segment_out_of_sequence, l.id, "{} ({}) belongs before the trailer segments already read",
                      s.id(), rule->name);
    } else {
      f.region = Region::trailer;
      f.pos = m.index;
    }
    used = ++counts[f.counts + nseg + nchild + m.index];
  } else {
    const LoopDef& child = *l.children[m.index];
    const std::uint32_t repeats = ++counts[f.counts + nseg + m.index];
    f.region = Region::children;
    if (!m.out_of_sequence) f.child_pos = m.index;
    f.seen.set(child.index);
    LoopNode* parent_node = f.node;
    if (parent_node != nullptr) {
      node = &new_child(*parent_node, std::min<std::size_t>(child.segments.size(), 8));
      node->def = &child;
      node->at = at;
    } else {
      node = nullptr;
    }
    push_frame(child, node);  // invalidates f
    rule = &child.segments.front();
    used = ++counts[frames.back().counts];
    begin_segment(s, at, child.id);
    if (m.out_of_sequence) {
      segment_finding(core::DiagCode::ig_segment_out_of_sequence, child.id, "loop {} ({}) belongs before the loops already read in {}",
                      child.id, child.name, l.id.empty() ? std::string("the transaction") : "loop " + l.id);
    }
    if (child.repeat != 0 && repeats > child.repeat) {
      segment_finding(core::DiagCode::ig_loop_over_max_repeats, child.id, "loop {} ({}) occurs {} times, the guide allows {}",
                      child.id, child.name, repeats, child.repeat);
    }
  }
  if (rule->max_use != 0 && used > rule->max_use) {
    segment_finding(core::DiagCode::ig_segment_over_max_use, seg_loop, "{} ({}) occurs {} times in {}, the guide allows {}",
                    s.id(), rule->name, used, seg_loop.empty() ? std::string("the heading") : "loop " + std::string(seg_loop),
                    rule->max_use);
  }
  accept(s, *rule, node);
  end_segment();
  if (rule->starts_hl && !hls.empty()) hls.back().reported = last_segment_reported;
}

// The segment has its occurrence: record it, check it.
SOC278_INLINE void TransactionValidator::Impl::accept(const x12::SegmentView& s, const SegmentRule& rule, LoopNode* node) {
  const bool used = rule.usage != Usage::not_used;
  if (!used) {
    // One finding for the whole segment (IK304 I4); its elements are not judged against a use it has not.
    segment_finding(core::DiagCode::ig_segment_not_used, seg_loop, "{} ({}) is not used here by the guide", s.id(), rule.name);
  }
  if (node != nullptr) {
    const std::string_view t = s.text();
    SegmentNode n;
    n.rule = &rule;
    n.at = seg_at();
    n.text_offset = static_cast<std::uint32_t>(text_used);
    n.text_length = static_cast<std::uint32_t>(t.size());
    if (text_staged + t.size() > text_stage.size()) [[unlikely]] {
      flush_text();
      if (t.size() > text_stage.size()) result.text.append(t);
    }
    if (t.size() <= text_stage.size()) {
      copy_bytes(text_stage.data() + text_staged, t.data(), t.size());
      text_staged += t.size();
    }
    text_used += t.size();
    node->segments.push_back(n);
  }
  if (used) check_elements_once(s, rule);
  if (rule.starts_hl) check_hl(s, rule);
  if (rule.key == trn_key && result.trn02_trace.empty() && rule.loop != nullptr && rule.loop->id == trace_loop)
    result.trn02_trace = s.element(2);
}

}  // namespace soc278::ig

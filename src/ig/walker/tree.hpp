// src/ig/walker/tree.hpp — private: the loop tree's recycling between sets.
// Included once, by walker.cpp (whose opening comment says how the parts fit), after TransactionValidator::Impl:
// one translation unit keeps the per-segment path inlined.
#pragma once

namespace soc278::ig {

inline void TransactionValidator::Impl::recycle(LoopNode& node) noexcept {
  for (LoopNode& child : node.children) {
    recycle(child);
    if (child.segments.capacity() != 0) {
      child.segments.clear();
      if (spare_segments_count == spare_segments.size()) spare_segments.emplace_back();
      spare_segments[spare_segments_count++].swap(child.segments);
    }
    if (child.children.capacity() != 0) {  // emptied by recycle()
      if (spare_children_count == spare_children.size()) spare_children.emplace_back();
      spare_children[spare_children_count++].swap(child.children);
    }
  }
  node.children.clear();
}

// A fresh child of `parent`, its vectors taken from the spares when there are any.
inline LoopNode& TransactionValidator::Impl::new_child(LoopNode& parent, std::size_t segment_hint) {
  if (parent.children.capacity() == 0) {
    if (spare_children_count != 0) {
      parent.children.swap(spare_children[--spare_children_count]);
    } else {
      parent.children.reserve(4);
    }
  }
  LoopNode& node = parent.children.emplace_back();
  if (spare_segments_count != 0) {
    node.segments.swap(spare_segments[--spare_segments_count]);
  } else {
    node.segments.reserve(segment_hint);
  }
  return node;
}

// The result back to empty, field by field (a moved-from result keeps no storage): cheaper than
// assigning a fresh TransactionResult, which copies the whole struct through the stack. The loop
// tree's vectors go to the spares.
inline void TransactionValidator::Impl::reset_result() noexcept {
  recycle(result.root);
  result.guide = nullptr;
  result.rejected = false;
  result.errors = 0;
  result.warnings = 0;
  result.findings.clear();
  result.findings_dropped = 0;
  result.root.def = nullptr;
  result.root.at = {};
  result.root.segments.clear();
  result.root.children.clear();
  result.text.clear();
  text_used = 0;
  text_staged = 0;
  result.delimiters = {};
  result.trn02_trace.clear();
  result.segments = 0;
}

}  // namespace soc278::ig

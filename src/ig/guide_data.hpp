// src/ig/guide_data.hpp — private: the immutable block a GuideSet shares.
//
// std::deque keeps the addresses of its elements stable while the loader appends, so the
// pointers between tables (SegmentRule -> SegmentDef -> ElementDef, LoopDef -> LoopDef) can be
// taken as soon as an entry exists. After loading nothing is modified.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ig/compiled.hpp"
#include "soc278/ig/guide.hpp"

namespace soc278::ig::detail {

struct GuideData {
  std::deque<ElementDef> elements;
  std::deque<CompositeDef> composites;
  std::deque<CodeList> code_lists;
  std::deque<SegmentDef> segments;
  std::deque<SegmentRule> envelope;  // envelope.yaml occurrences, in file order
  std::deque<CompiledRule> compiled;  // what SegmentRule::compiled points to (compile_fast.cpp)
  std::vector<std::unique_ptr<Guide>> guides;
  std::vector<GuideSelector> index;
  // Sorted lookup tables (cold-path lookups by name use these; the hot path holds pointers).
  std::vector<std::pair<std::uint32_t, const SegmentDef*>> segment_by_key;
  std::vector<std::pair<std::string, const ElementDef*>> element_by_ref;
  std::vector<std::pair<std::string, const CompositeDef*>> composite_by_id;
  std::vector<std::pair<std::string, const CodeList*>> list_by_id;
  x12::EnvelopeCodes envelope_codes;  // the ISA code lists of envelope.yaml
};

}  // namespace soc278::ig::detail

// soc278/engine/privacy.hpp
//
// What soc278 may print about a person.
//
// Output and logs never print member ids, names, birth dates or street addresses in full (the
// brief's privacy rule): not in segment dumps, loop trees, findings, decision traces, notes or the
// decision report. Three tools, one rule of which elements identify a person (personal_element):
//   redact_segment()  a segment's text with those elements masked (segments --dump);
//   finding_message() a finding's message with the value it quotes masked when it is about one;
//   PhiValues         the identifying values of one transaction set, masked wherever a free text
//                     (evidence, notes, AAA reasons) quotes one, in any of their spellings.
// --show-phi turns masking off for an analyst working on a secured machine. 278 responses carry
// member data by design (the answer names the member) and are not masked; the 999 leaves the IK404
// of these elements empty (core/privacy.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "soc278/core/diagnostic.hpp"
#include "soc278/ig/walker.hpp"
#include "soc278/x12/segment.hpp"

namespace soc278::engine {

// "SOC000000123" -> "S*********23"; short values become all stars.
[[nodiscard]] std::string mask_identifier(std::string_view value);

// Whether element `element` (1-based) of a segment identifies a person (core/privacy.hpp).
[[nodiscard]] bool personal_element(std::string_view segment_id, std::string_view nm101, std::string_view loop, std::size_t element);

// The segment text with the person-identifying elements masked.
[[nodiscard]] std::string redact_segment(const x12::SegmentView& s);

// The finding's message, with the value it quotes (Diagnostic::found_value) masked when the
// finding is about a person-identifying element; as is with show_phi.
[[nodiscard]] std::string finding_message(const core::Diagnostic& d, bool show_phi = false);

// Whether `d` is the segment finding that only carries element findings into the 999 (its IK3) and
// `next` one of those element findings: printers and reports show the pair as one, the element finding.
[[nodiscard]] bool carried_by(const core::Diagnostic& d, const core::Diagnostic& next) noexcept;

// The identifying values of one transaction set, read from its loop tree: member ids and names
// (NM1 IL / QC), birth dates (DMG02, as sent and as CCYY-MM-DD), street lines (N301 / N302).
class PhiValues {
 public:
  void clear() noexcept { values_.clear(); }
  void collect(const ig::TransactionResult& r);
  void add(std::string_view value);
  // `text` with every occurrence of a collected value that stands alone (not inside a longer run
  // of letters and digits) masked.
  [[nodiscard]] std::string scrub(std::string_view text) const;
  void scrub_in_place(std::string& text) const;
  [[nodiscard]] bool empty() const noexcept { return values_.empty(); }

 private:
  void collect(const ig::TransactionResult& r, const ig::LoopNode& loop);
  std::vector<std::string> values_;
};

}  // namespace soc278::engine

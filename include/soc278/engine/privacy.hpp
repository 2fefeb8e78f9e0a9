// soc278/engine/privacy.hpp
//
// What soc278 may print about a person.
//
// Output and logs never print member ids, names, birth dates or street addresses in full (the
// brief's privacy rule): not in segment dumps, loop trees, findings, decision traces, notes or the
// decision report. One rule decides, by content class (core/privacy.hpp: identity carriers wherever
// they stand, misframed segments, date-shaped values), and every printer asks it:
//   masked_elements() which elements of a segment to mask (explain's tree, segments --dump);
//   redact_segment()  a segment's text with those elements masked (segments --dump);
//   finding_message() a finding's message with the values it quotes masked when they may be a
//                     person's: the value it is about, by the rule, and any other quoted value that
//                     is a date, holds a segment boundary, or is not a code in a person context;
//   PhiValues         the values the rule masks in one transaction set, masked wherever a free text
//                     (evidence, notes, AAA reasons, explanations) quotes one, in any of their spellings.
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

// Which elements of `s` (masked[e - 1] for element e) may identify a person (core::phi_elements);
// `loop` is where the guide placed the segment, empty when not known.
void masked_elements(const x12::SegmentView& s, std::string_view loop, std::vector<bool>& masked);

// A segment id as read (2-3 characters, A-Z then A-Z or 0-9), or false when the segment did not
// split on the element separator and its "id" is text, values and all.
[[nodiscard]] bool plain_segment_id(std::string_view id) noexcept;
// The id itself when plain; else its first three characters and '*' for the rest.
[[nodiscard]] std::string printable_segment_id(std::string_view id);

// The segment text with the elements masked_elements() names masked.
[[nodiscard]] std::string redact_segment(const x12::SegmentView& s, std::string_view loop = {});

// The finding's message, with the value it quotes (Diagnostic::found_value) masked when the
// finding is about a person-identifying element; as is with show_phi.
[[nodiscard]] std::string finding_message(const core::Diagnostic& d, bool show_phi = false);

// Whether `d` is the segment finding that only carries element findings into the 999 (its IK3) and
// `next` one of those element findings: printers and reports show the pair as one, the element finding.
[[nodiscard]] bool carried_by(const core::Diagnostic& d, const core::Diagnostic& next) noexcept;

// The identifying values of one transaction set, read from its loop tree by masked_elements():
// member ids and names, birth dates and other dates in a person context (as sent and as
// CCYY-MM-DD), street lines, and whatever a misframed segment carries.
class PhiValues {
 public:
  void clear() noexcept { values_.clear(); }
  void collect(const ig::TransactionResult& r);
  void add(std::string_view value);
  // A value as sent: trimmed, and a CCYYMMDD date also as CCYY-MM-DD.
  void add_value(std::string_view value);
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

// src/respond/echo_guard.hpp (private) — what the acknowledgment and response writers copy from a
// received interchange is checked before it is written (docs/conformance.md §2, "Values echoed").
//
// A received value goes back only when the rule it goes into accepts it: the element or component
// rule of the guide the output is validated against (grammars/envelope.yaml for GS and TA1, the 999
// guide for AK1 / AK2 / IK3 / IK4 / CTX), checked by the validator's own element checks
// (ig::TransactionValidator::check_segment on a one-value segment), so the writers hold no second
// copy of any length, type or code list. A value must also hold none of the reply's delimiters.
// Where the value is unusable the writer writes the documented substitute (an optional element is
// omitted) and the guard reports respond.value_substituted, with the value as received.
//
// Free text (IK404, CTX01-2, the 278 MSG01) is cleaned instead of replaced: every character the
// X12 character set or the delimiters forbid becomes replacement_char(), which is never a delimiter,
// leading and trailing spaces go, and the text is cut to the rule's maximum length.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "soc278/core/diagnostic.hpp"
#include "soc278/ig/guide.hpp"
#include "soc278/x12/delimiters.hpp"

namespace soc278::ig {
class TransactionValidator;
}

namespace soc278::respond::detail {

// The character a writer puts in place of one free text may not carry: the first of ' ', '.', '-'
// and 'X' that is not one of `d` (a delimiter is never a letter: the reader refuses those).
[[nodiscard]] char replacement_char(const x12::Delimiters& d) noexcept;
// Whether `c` is one of the delimiters of `d` (the repetition separator only when there is one).
[[nodiscard]] bool is_delimiter(char c, const x12::Delimiters& d) noexcept;

class EchoGuard {
 public:
  EchoGuard();
  ~EchoGuard();
  EchoGuard(const EchoGuard&) = delete;
  EchoGuard& operator=(const EchoGuard&) = delete;

  // The guides the output is checked against (nullptr: only the delimiter and character checks)
  // and where substitutions are reported (nullptr: not reported). Neither is owned.
  void use(const ig::GuideSet* guides, core::DiagnosticSink* sink);
  [[nodiscard]] const ig::GuideSet* guides() const noexcept { return guides_; }

  // An envelope.yaml occurrence ("GS", "TA1"), or a segment occurrence of guide `guide_id` in loop
  // `loop_id` ("" = heading and trailer); `nth` picks among occurrences with the same id (CTX).
  // nullptr without guides.
  [[nodiscard]] const ig::SegmentRule* envelope(std::string_view segment_id) const noexcept;
  [[nodiscard]] const ig::SegmentRule* in_guide(std::string_view guide_id, std::string_view loop_id, std::string_view segment_id,
                                                std::size_t nth = 0) const noexcept;

  // Whether `rule` accepts `value` at element `element` (component `component`, 0 = the whole
  // element), written with delimiters `d`. An empty value never fits (callers omit or substitute).
  // Without a rule: a non-empty value of printable ASCII that holds no delimiter.
  [[nodiscard]] bool fits(const ig::SegmentRule* rule, std::uint16_t element, std::uint16_t component, std::string_view value,
                          const x12::Delimiters& d);

  // `value` when it fits, else `substitute` (empty: the element is omitted), reporting the
  // substitution when `value` was not empty or the element is required. `label` names the element
  // written ("TA101"), `source` where the value came from ("ISA13").
  [[nodiscard]] std::string_view echo(const ig::SegmentRule* rule, std::uint16_t element, std::uint16_t component,
                                      std::string_view value, std::string_view substitute, const x12::Delimiters& d,
                                      std::string_view label, std::string_view source);

  // Free text for `rule`'s element: characters outside printable ASCII and delimiters replaced by
  // replacement_char(d), leading and trailing spaces removed, cut to the rule's maximum length
  // (`fallback_max` without a rule). May be empty (then omit the element).
  [[nodiscard]] std::string text(const ig::SegmentRule* rule, std::uint16_t element, std::uint16_t component, std::string_view value,
                                 const x12::Delimiters& d, std::size_t fallback_max) const;

  // Where the received values come from (the file, and the ISA or GS they were read in): the
  // position of what report() says.
  void locate(std::uint64_t byte_offset, std::uint64_t ordinal) noexcept {
    at_.byte_offset = byte_offset;
    at_.segment_in_file = ordinal;
  }
  void set_file(std::uint32_t file) noexcept { at_.file = file; }

  // Reports respond.value_substituted (when a sink is set).
  void report(std::string_view label, std::string_view source, std::string_view received, std::string_view written) const;

 private:
  [[nodiscard]] static bool plain_text_fits(const ig::SegmentRule* rule, std::uint16_t element, std::uint16_t component,
                                            std::string_view value) noexcept;
  struct Verdict {
    const ig::SegmentRule* rule = nullptr;
    std::uint16_t element = 0, component = 0;
    std::string value;
    bool fits = false;
  };
  std::array<Verdict, 16> memo_{};  // the validator's last verdicts
  std::size_t memo_next_ = 0;
  const ig::GuideSet* guides_ = nullptr;
  core::DiagnosticSink* sink_ = nullptr;
  std::unique_ptr<ig::TransactionValidator> validator_;
  std::string scratch_;
  core::SourcePosition at_;
};

}  // namespace soc278::respond::detail

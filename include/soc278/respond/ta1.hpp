// soc278/respond/ta1.hpp
//
// Provides Ta1Writer: the TA1 interchange acknowledgment (reference 1.3) for a received
// interchange. A TA1 answers the ISA/IEA envelope only and travels in its own interchange with no
// GS (so IEA01 = 0):
//
//   ISA  sender/receiver swapped from the received ISA, delimiters and ISA15 as received, ISA12
//        00501 (also for an 00401 interchange: X12 RFI 1497 lets a TA1 acknowledge an interchange
//        of an earlier version), ISA14 = 0, ISA09/10 from the injected DateTime, ISA13 =
//        ControlNumberSequence::next()
//   TA1*<received ISA13>*<received ISA09>*<received ISA10>*<TA104>*<TA105>
//   IEA*0*<ISA13>
//
// Echoed values are checked first (src/respond/echo_guard.hpp): TA101-TA103 only when the TA1 rule
// of grammars/envelope.yaml accepts them, else 000000000 (no usable control number), the TA1's own
// date and time (docs/conformance.md §2); the reply ISA as reply_envelope.hpp says.
//
// TA104 policy: reference 1.3 notes that some vendors answer a few note codes (001, 002, 003, 019,
// 020, 021, ...) with E, "accepted with errors", and the rest with R, and that this pairing is
// vendor policy, not an X12 rule. soc278 answers EVERY TA1-level finding with R and never writes E:
// an interchange whose envelope is in doubt is not processed, and it gets no 999. TA105 is the note
// code (core::info(code).x12_code) of the first TA1-level finding, in the order the reader found
// them; a clean interchange gets A and 000.
//
// When to write one: should_write_ta1() is true when the sender asked (ISA14 = 1) or when the
// interchange has a TA1-level finding (common practice: a rejected envelope is always answered),
// unless the interchange holds only acknowledgments (TA1s, groups of 999s or 997s): X12.5 has no
// acknowledgment for a TA1 and the 999/997 notes forbid acknowledging those, so such an
// interchange is validated and reported but never answered (docs/conformance.md §2).
// A 4010 interchange (ISA12 00401 carrying a 004010 group) is such a TA1-level finding:
// envelope.interchange_4010, TA105 003 (this version of the controls is not supported).
#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "soc278/core/date.hpp"
#include "soc278/core/diagnostic.hpp"
#include "soc278/respond/ack_999.hpp"
#include "soc278/respond/control_numbers.hpp"
#include "soc278/x12/envelope.hpp"
#include "soc278/x12/writer.hpp"

namespace soc278::ig {
class GuideSet;
}

namespace soc278::respond {
namespace detail {
class EchoGuard;
}

// The first finding whose acknowledgment level is ta1: from the interchange's envelope findings,
// then from `more` (reader findings such as x12.isa_truncated that are not kept on the info).
// Findings of severity info do not count.
[[nodiscard]] std::optional<core::DiagCode> first_ta1_finding(const x12::InterchangeInfo& received,
                                                              std::span<const core::Diagnostic> more = {});

class Ta1Writer {
 public:
  Ta1Writer(std::ostream& out, ControlNumberSequence& numbers, core::DateTime now, std::string_view line_break = {});
  ~Ta1Writer();
  Ta1Writer(const Ta1Writer&) = delete;
  Ta1Writer& operator=(const Ta1Writer&) = delete;

  // The guides the TA1 is checked against (grammars/envelope.yaml's TA1 and the ISA code lists) and
  // where a substituted value is reported (respond.value_substituted, positioned in `file`, the run's FileTable index, at the ISA or GS
  // the value was read in); neither owned. Without
  // guides only the delimiter and character checks apply.
  void check_against(const ig::GuideSet* guides, core::DiagnosticSink* findings, std::uint32_t file = 0);

  // ISA14 == "1", or any TA1-level finding on the interchange (or in `more`); never when
  // `only_acknowledgments` (the interchange held TA1s and groups of acknowledgments, nothing else).
  [[nodiscard]] static bool should_write_ta1(const x12::InterchangeInfo& received, std::span<const core::Diagnostic> more = {},
                                             bool only_acknowledgments = false);

  // Writes one TA1 interchange and returns TA104 (accepted or rejected, never E: see above).
  AckCode write_ta1(const x12::InterchangeInfo& received, std::span<const core::Diagnostic> more = {});

  void flush() { writer_.flush(); }

 private:
  x12::SegmentWriter writer_;
  ControlNumberSequence& numbers_;
  core::DateTime now_;
  std::unique_ptr<detail::EchoGuard> guard_;
};

}  // namespace soc278::respond

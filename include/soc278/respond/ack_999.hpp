// soc278/respond/ack_999.hpp
//
// Provides Ack999Writer: the 999 implementation acknowledgment (005010X231A1, reference 4) for a
// received interchange, written as the received envelopes stream past. For ONE received
// interchange it writes ONE outgoing interchange:
//
//   ISA  sender/receiver (and qualifiers) swapped from the received ISA05-08, delimiters and ISA15
//        as received (a repetition separator added when the received ISA12 had none), ISA12 00501
//        always (never a 999 in an 00401 envelope), ISA14 = 0 (no TA1 asked back), ISA09/10 from
//        the injected DateTime, ISA13 = ControlNumberSequence::next()
//   GS*FA  GS02/GS03 = the first received group's GS03/GS02, GS06 = the ISA13 number (one group
//        per outgoing interchange, as reference 6.3 shows), GS08 = 005010X231A1
//   one ST*999 per received functional group, ST02 = 0001, 0002, ... within the group:
//        AK1, then per received set AK2 / IK3 / CTX / IK4 / IK5, then AK9
//   GE, IEA
//
// Every X12 code written comes from core::info(code).x12_code (diag_codes.def); findings whose
// level is none or ta1 never appear in a 999, and findings of severity info are not reported.
// How findings map (docs/errors.md lists every code with its level and X12 code):
//   level segment -> IK3 with IK304 = its code (one IK3 per distinct code of the segment)
//   level element -> IK4 (IK401 element[:component], IK402 element_ref, IK403 its code, IK404 the
//                    value as sent, cut to 99 characters), under an IK3 with IK304 = 8
//   level set     -> IK502..IK506, with the set's envelope findings (ST/SE, TransactionInfo)
//   level group   -> AK905..AK909, from GroupInfo::findings and end_group()'s extra findings
// IK3s are ordered by their position in the set (IK302 = Diagnostic::at.segment_in_set), IK303 is
// Diagnostic::loop_id. When the set has a trace number, each IK3 is followed by the business unit
// context CTX*TRN02:<trace>.
//
// Nothing received is written unchecked (src/respond/echo_guard.hpp, docs/conformance.md §2): AK1,
// AK2, IK301-IK303 and IK402 echo a value only when the 999 guide's rule for that element accepts
// it; otherwise an optional element is omitted and a required one gets its documented placeholder
// (AK101 HI, AK102 0, AK103 005010X217, AK201 278, AK202 0000, IK301 UNK), reported as
// respond.value_substituted. IK404 and CTX01-2 are free text: characters outside the X12 character
// set or equal to a delimiter become a replacement that is never a delimiter, outer spaces go, and
// the text is cut to the guide's maximum length (IK404 omitted when nothing is left).
//
// Acknowledgment codes:
//   IK501 R when any error-severity finding or set-level envelope finding, E when only warnings,
//         else A; IK502.. the set-level codes, then 5 when any IK3 was written (at most five codes).
//   AK901 R when the group itself has an error-level finding (pyx12 does the same) or every set was
//         rejected; P when some but not all were rejected; E when all were accepted and some (or
//         the group) with noted errors; A otherwise. AK902 = GE01 as received when numeric, else
//         the sets counted; AK903 = the AK2s written; AK904 = the sets with IK501 A or E.
//
// Memory: nothing per set is kept after add_transaction() returns; output goes to the std::ostream
// (not owned) in blocks of about 32 KiB, and all of it by the end of each group and interchange
// (and at flush()), so a 100k-set group streams. Blocks, not segments: one ostream::write per
// segment cost more than writing the segment. The infos passed in are copied where
// needed and need not outlive the call.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "soc278/core/date.hpp"
#include "soc278/core/diagnostic.hpp"
#include "soc278/respond/control_numbers.hpp"
#include "soc278/x12/envelope.hpp"
#include "soc278/x12/writer.hpp"

namespace soc278::ig {
class GuideSet;
struct SegmentRule;
}

namespace soc278::respond {
namespace detail {
class EchoGuard;
}

// IK501 / AK901 / TA104 values soc278 writes.
enum class AckCode : char {
  accepted = 'A',
  accepted_with_errors = 'E',
  partially_accepted = 'P',  // AK901 only
  rejected = 'R',
};

// One received transaction set, as the 999 reports it.
struct AckTransaction {
  std::string st01, st02, st03;                     // AK201-AK203 as received (ST01, ST02, ST03)
  const x12::EnvelopeFindings* envelope = nullptr;  // the set's ST/SE findings (TransactionInfo::findings), may be null
  std::vector<core::Diagnostic> findings;           // the set's conformance findings (validator)
  std::string trace;                                // 2000E TRN02 for CTX*TRN02:<trace>; empty = no CTX

  // st01..st03 and envelope from the reader's info; `info` must outlive add_transaction().
  [[nodiscard]] static AckTransaction from(const x12::TransactionInfo& info);
};

inline constexpr std::string_view ack_999_version = "005010X231A1";

// A functional group of acknowledgments (GS01 FA: 999s or 997s). X12 forbids acknowledging them
// (the 997 and 999 transaction-set notes), so Ack999Writer passes such a group over: no AK1, no
// 999 set, and an interchange that holds nothing else gets no 999 interchange at all.
[[nodiscard]] inline bool is_acknowledgment_group(const x12::GroupInfo& g) noexcept { return g.functional_id == "FA"; }

class Ack999Writer {
 public:
  // `now` stamps ISA09/ISA10 and GS04/GS05; `line_break` follows every segment terminator ("" or "\n").
  Ack999Writer(std::ostream& out, ControlNumberSequence& numbers, core::DateTime now, std::string_view line_break = {});
  ~Ack999Writer();
  Ack999Writer(const Ack999Writer&) = delete;
  Ack999Writer& operator=(const Ack999Writer&) = delete;

  // The guides the 999 is checked against (the 999 guide, grammars/envelope.yaml) and where a
  // substituted value is reported (respond.value_substituted, positioned in `file`, the run's FileTable index, at the ISA or GS
  // the value was read in); neither owned. Without guides only
  // the delimiter and character checks apply.
  void check_against(const ig::GuideSet* guides, core::DiagnosticSink* findings, std::uint32_t file = 0);

  // Call order per received interchange: begin_interchange, then per received group begin_group,
  // add_transaction per set, end_group; then end_interchange. Calls out of order are ignored, and
  // so are the sets of a group of acknowledgments (GS01 FA): add_transaction and end_group write
  // nothing for it and return A.
  void begin_interchange(const x12::InterchangeInfo& received);
  void begin_group(const x12::GroupInfo& received);
  // Writes AK2..IK5 for one set and returns its IK501.
  AckCode add_transaction(const AckTransaction& set);
  // Writes AK9 and SE for the group (final_info: the GroupInfo at on_group_end, with GE01 and the
  // group's envelope findings); `group_findings` adds group-level findings from later stages.
  // Returns AK901.
  AckCode end_group(const x12::GroupInfo& final_info, std::span<const core::Diagnostic> group_findings = {});
  // Writes GE and IEA. Returns false when nothing was written (the interchange had no group).
  // A group still open is closed first, as if its GE had counted the sets acknowledged.
  bool end_interchange();

  void flush();
  // ISA13 of the outgoing interchange being written or last written ("" before the first).
  [[nodiscard]] const std::string& interchange_control() const noexcept { return isa13_; }

 private:
  void write_header(const x12::GroupInfo& first_group);
  void write_ik3(std::string_view segment_id, std::uint32_t position, std::string_view loop, std::string_view code,
                 std::string_view trace);
  void drain();  // the buffered segments to out_

  std::ostream& out_;
  x12::SegmentWriter writer_;  // buffered: drained into out_ by drain()
  std::unique_ptr<detail::EchoGuard> guard_;
  // The 999 guide's occurrences the echoed values go into (nullptr without guides), found once.
  const ig::SegmentRule* ak1_ = nullptr;
  const ig::SegmentRule* ak2_ = nullptr;
  const ig::SegmentRule* ik3_ = nullptr;
  const ig::SegmentRule* ik4_ = nullptr;
  const ig::SegmentRule* business_ctx_ = nullptr;
  ControlNumberSequence& numbers_;
  core::DateTime now_;
  // unacknowledged_group: inside a group of acknowledgments (is_acknowledgment_group), written over.
  enum class State : std::uint8_t { idle, interchange, group, unacknowledged_group } state_ = State::idle;
  x12::IsaHeader received_isa_;    // copied at begin_interchange: the ISA is written at the first group
  std::uint64_t isa_offset_ = 0, isa_ordinal_ = 0;  // where it was read (substitutions are reported there)
  bool header_written_ = false;
  std::uint32_t control_ = 0;      // ISA13 / GS06 of the outgoing interchange
  std::string isa13_;
  std::string gs06_;
  std::uint32_t set_ordinal_ = 0;  // ST02 of the current 999 within the outgoing group
  std::string st02_;
  std::uint32_t sets_acknowledged_ = 0;  // AK2 in the current 999
  std::uint32_t sets_accepted_ = 0;
  std::uint32_t sets_with_errors_ = 0;   // IK501 E
};

}  // namespace soc278::respond

// soc278/ig/walker.hpp
//
// Provides stage 2 of the data flow, segments -> a validated loop tree:
//   - TransactionValidator: fed one transaction set's segments in order (ST ... SE), picks the
//     guide (index.yaml: ISA12 + GS01 + GS08 + ST01 + BHT02; ST is held back until BHT arrives),
//     walks the loops pyx12-style (a segment that does not fit the current loop's remaining
//     occurrences is tried as the start of a child loop, then of a sibling, then of an ancestor's
//     loop; a missing required segment or loop is reported only once its loop has surely ended),
//     checks every element against the guide and reports findings with their 999 positions
//     (Diagnostic.loop_id = IK303, at.segment_in_set = IK302, at.element/component = IK401,
//     element_ref = IK402, found_value = IK404; the X12 codes come from diag_codes.def).
//   - FileValidator: an x12::EnvelopeObserver that runs a TransactionValidator for every ST..SE of
//     a file and hands each result, then each group's acknowledgment summary, to callbacks, so that
//     memory is bounded by one transaction plus one group's findings, never by the file. It also
//     checks the envelope segments outside the sets against grammars/envelope.yaml: GS (and
//     whether index.yaml reads its GS01/GS08: AK905 1/2), GE, IEA and TA1; the reader has already
//     checked the ISA fields, control numbers and counts, so those are not reported twice.
//
// Severity: an error rejects the transaction (999 IK501 R); warnings accept it with errors noted
// (IK501 E). ValidationOptions are the partner quirk switches that lower specific findings to
// warnings (docs: the `tolerate: true` flags in grammars/ mark the elements they may apply to).
//
// Where X12 leaves a choice (diag_codes.def has the codes):
//   - the guide is chosen by GS08; a GS08 no guide reads but an ST03 one does is walked by ST03, and
//     ST03 != GS08 is ig.st03_mismatch (IK502 19) either way. No guide for ST01 at all is
//     ig.transaction_unsupported (IK502 1); ST01 known but the ISA12/GS01/GS08/BHT02 combination
//     not is ig.guide_unknown (IK502 I6). Without a guide the set gets no other finding.
//   - a missing required segment or loop names the segment that showed its loop had ended (IK302
//     is that segment's position, often SE for 2000E); IK301 is the missing segment's id.
//   - an occurrence the guide marks N is IK304 I4 (its elements are then not checked); a code the
//     guide allows for the same element elsewhere, but not here, is IK403 I6, any other is 7.
//   - HL numbering and parent/child errors are IK403 7 on HL01/HL02/HL04; HL04 is judged when the
//     next HL (or SE) arrives, so its finding (and an IK3 for it) comes after later segments'.
//   - every element finding of a segment is preceded by one ig.segment_has_element_errors (IK304 8)
//     unless that segment already has a segment-level finding.
//
// Hot path: no allocation per segment except the loop tree's copy of the segment text (one
// append to a per-transaction buffer; turn it off with build_tree = false), no exceptions, and a
// Diagnostic is built only when there is something to report.
// Ownership: a TransactionResult owns its findings and the copied segment text; its LoopDef /
// SegmentRule pointers point into the GuideSet, which must outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "soc278/core/diagnostic.hpp"
#include "soc278/core/result.hpp"
#include "soc278/ig/guide.hpp"
#include "soc278/x12/envelope.hpp"
#include "soc278/x12/segment.hpp"

namespace soc278::ig {

// Partner quirk switches. Each lowers specific findings from error to warning (IK501 E instead of R).
struct ValidationOptions {
  // Leading/trailing spaces in a value (ig.element_space_padded): warning, and the value is checked
  // trimmed. Off: error (values are still checked trimmed, so one finding per value).
  bool accept_space_padding = false;
  // SV105 (place of service in the base SV1) sent although X217 does not use it: warning. On by
  // default because reference 2.5 recommends tolerating it on input (the site travels in UM04).
  bool accept_sv105 = true;
  // Every other element the guide marks `tolerate: true`: its findings become warnings.
  bool accept_tolerated = false;
  // Trailing empty elements/components (ig.trailing_separator) stay a warning; off makes them errors.
  bool accept_trailing_separators = true;
  // Findings kept per transaction (the rest are counted in findings_dropped).
  std::size_t max_findings = 100;
  // Copy the segments into the loop tree (the model binder needs it; a pure validation run does not).
  bool build_tree = true;
  // Clear values with the compiled fast checks first (walker.cpp). Off, every value takes the full
  // checks: the findings are the same either way (tests/unit/ig/fast_path_test.cpp), only slower.
  // Not a quirk switch: not read from the options YAML.
  bool fast_path = true;
};

// Reads the switches from a small YAML mapping with the member names as keys (unknown keys and
// non-boolean values are errors naming file:line), e.g. `accept_space_padding: true`.
[[nodiscard]] core::Result<ValidationOptions> load_validation_options(const std::filesystem::path& yaml_file);
[[nodiscard]] core::Result<ValidationOptions> parse_validation_options(std::string_view yaml_text,
                                                                       std::string_view name = "options");

// One segment of the loop tree. Its text lives in TransactionResult::text; view() rebuilds it.
struct SegmentNode {
  const SegmentRule* rule = nullptr;  // the guide occurrence it matched
  core::SourcePosition at;            // byte offset, ordinal in the file, position in the set
  std::uint32_t text_offset = 0;
  std::uint32_t text_length = 0;
};

struct LoopNode {
  const LoopDef* def = nullptr;       // the root's def is &guide->root (id "")
  core::SourcePosition at;            // of the loop's first segment
  std::vector<SegmentNode> segments;  // in transmission order (the root: ST, heading, trailer, SE)
  std::vector<LoopNode> children;
  [[nodiscard]] std::string_view id() const noexcept { return def != nullptr ? std::string_view(def->id) : std::string_view{}; }
};

struct TransactionResult {
  const Guide* guide = nullptr;       // nullptr: no guide matched (see the ig.guide_unknown finding)
  bool rejected = false;              // an error-severity finding (999 IK501 R)
  std::size_t errors = 0;             // counted over all findings, kept or not
  std::size_t warnings = 0;
  std::vector<core::Diagnostic> findings;  // the first ValidationOptions::max_findings, in report order
  std::size_t findings_dropped = 0;
  LoopNode root;
  std::string text;                   // every segment of the tree, back to back
  x12::Delimiters delimiters;
  std::string trn02_trace;            // the first 2000E TRN02, for the 999 CTX business unit (reference 4)
  std::uint32_t segments = 0;         // segments fed, ST and SE included

  [[nodiscard]] std::string_view segment_text(const SegmentNode& n) const noexcept {
    return std::string_view(text).substr(n.text_offset, n.text_length);
  }
  [[nodiscard]] x12::SegmentView view(const SegmentNode& n) const noexcept;
  [[nodiscard]] bool has(core::DiagCode code) const noexcept;
};

class TransactionValidator {
 public:
  explicit TransactionValidator(const GuideSet& guides, ValidationOptions options = {});
  ~TransactionValidator();
  TransactionValidator(TransactionValidator&&) noexcept;
  TransactionValidator& operator=(TransactionValidator&&) noexcept;

  // Also forward every finding (uncapped) to `sink`; nullptr stops forwarding. Not owned.
  void forward_to(core::DiagnosticSink* sink) noexcept;

  // Starts a transaction set. `isa12`, `gs01`, `gs08` select the guide with ST01 and BHT02;
  // `file` is stamped on every position.
  void begin(std::string_view isa12, std::string_view gs01, std::string_view gs08, std::uint32_t file = 0);
  // Every segment from ST to SE, in order; `position_in_set` counts from ST = 1 (IK302).
  void segment(const x12::SegmentView& s, std::uint32_t position_in_set);
  // Closes the open loops (reporting what they miss) and hands over the result.
  [[nodiscard]] TransactionResult end();
  // The same, but the result stays in the validator and is valid until the next begin(): its loop
  // tree's vectors and its text are then recycled for the next set instead of freed and allocated
  // again (a caller may still move the result away; there is then nothing to recycle).
  [[nodiscard]] TransactionResult& end_in_place();
  // The element checks of one segment outside any set (an envelope segment) against `rule`
  // (GuideSet::envelope_segment), positioned at `at`: the findings, IK3 wrapper included, in report
  // order. Not forwarded; call between end() and the next begin().
  [[nodiscard]] std::vector<core::Diagnostic> check_segment(const x12::SegmentView& s, const SegmentRule& rule,
                                                            const core::SourcePosition& at);

  [[nodiscard]] const ValidationOptions& options() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct GroupResult {
  x12::InterchangeInfo interchange;
  x12::GroupInfo group;
  // The group's sets, counted as they ended (each set's own result went to the TransactionHandler;
  // none is kept, so a group of any size costs the same memory).
  std::size_t transactions = 0;
  std::size_t rejected_transactions = 0;
  // GS and GE against grammars/envelope.yaml (envelope.gs01_unsupported ... envelope.element_invalid):
  // the group-level ones go to the 999 AK905 (Ack999Writer::end_group's extra findings), the rest are
  // reported only.
  std::vector<core::Diagnostic> findings;
  [[nodiscard]] std::size_t accepted() const noexcept { return transactions - rejected_transactions; }  // AK904
  [[nodiscard]] std::size_t rejected() const noexcept { return rejected_transactions; }
};

class FileValidator final : public x12::EnvelopeObserver {
 public:
  // Called at each SE (or implicit close) with the full result; the handler may move from it.
  using TransactionHandler = std::function<void(const x12::InterchangeInfo&, const x12::GroupInfo&,
                                                const x12::TransactionInfo&, TransactionResult&)>;
  // Called at each GE (or implicit close) with the group's acknowledgment summary; cleared afterwards.
  using GroupHandler = std::function<void(GroupResult&)>;

  FileValidator(const GuideSet& guides, ValidationOptions options, TransactionHandler on_transaction,
                GroupHandler on_group = {}, std::uint32_t file = 0);

  // Forward every validator finding to `sink` as well (e.g. the run's printing sink), and report the
  // envelope-segment findings there (report_envelope_to). Not owned.
  void forward_to(core::DiagnosticSink* sink) noexcept {
    validator_.forward_to(sink);
    envelope_sink_ = sink;
  }
  // Where the findings on GS, GE, IEA and TA1 (envelope.yaml) go as they are found; GS/GE ones are
  // kept in the GroupResult as well. nullptr: kept only. Not owned.
  void report_envelope_to(core::DiagnosticSink* sink) noexcept { envelope_sink_ = sink; }
  // The current group's GS/GE findings (GroupResult::findings), e.g. for Ack999Writer::end_group from
  // an observer's on_group_end, before or after it calls this one's; valid until the next GS.
  [[nodiscard]] const std::vector<core::Diagnostic>& group_findings() const noexcept { return group_.findings; }

  void on_interchange_begin(const x12::InterchangeInfo& i) override;
  void on_group_begin(const x12::InterchangeInfo& i, const x12::GroupInfo& g) override;
  void on_group_end(const x12::InterchangeInfo& i, const x12::GroupInfo& g) override;
  void on_transaction_begin(const x12::GroupInfo& g, const x12::TransactionInfo& t) override;
  void on_transaction_segment(const x12::TransactionInfo& t, const x12::SegmentView& s, std::uint32_t position) override;
  void on_transaction_end(const x12::GroupInfo& g, const x12::TransactionInfo& t) override;
  // GS, GE, IEA and TA1 against grammars/envelope.yaml (ISA: the reader checks every rule it has).
  void on_envelope_segment(const x12::SegmentView& s, x12::SegmentRole role) override;

  [[nodiscard]] std::size_t transactions() const noexcept { return transactions_; }
  [[nodiscard]] std::size_t rejected() const noexcept { return rejected_; }
  [[nodiscard]] std::size_t envelope_findings() const noexcept { return envelope_findings_; }  // GS/GE/IEA/TA1

 private:
  void envelope_finding(core::Diagnostic d);
  TransactionValidator validator_;
  GuideSet guides_;  // shares the tables (GuideSet copies are cheap)
  core::DiagnosticSink* envelope_sink_ = nullptr;
  std::size_t envelope_findings_ = 0;
  TransactionHandler on_transaction_;
  GroupHandler on_group_;
  std::uint32_t file_;
  x12::InterchangeInfo interchange_;
  GroupResult group_;
  std::size_t transactions_ = 0;
  std::size_t rejected_ = 0;
};

struct FileSummary {
  x12::EnvelopeStats stats;
  std::size_t transactions = 0;
  std::size_t rejected = 0;
};

// Reads `source` to its end: envelope findings (the reader's and FileValidator's envelope.yaml
// checks) go to `sink`, validator findings to the results (and to `sink` too when `forward_findings`).
FileSummary validate_stream(x12::ByteSource& source, const GuideSet& guides, const ValidationOptions& options,
                            core::DiagnosticSink& sink, FileValidator::TransactionHandler on_transaction,
                            FileValidator::GroupHandler on_group = {}, x12::ReaderOptions reader_options = {},
                            bool forward_findings = false);

}  // namespace soc278::ig

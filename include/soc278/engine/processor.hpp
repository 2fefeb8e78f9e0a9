// soc278/engine/processor.hpp
//
// Provides TransactionProcessor: one input (a file, a socket's bytes, a string) through every
// stage, the product's whole job behind one call:
//
//   bytes -> x12 reader + envelope checks -> ig validator (loop tree, findings)
//         -> 999 / TA1 (always)           -> model binder -> answerability -> routing + evaluator
//         -> 278 response + decision report (soc278.decision/1)       (when mappings are given)
//
// It owns what makes the outputs mean something together: a set the 999 rejects gets no 278; a
// functional group rejected at its GE (AK9 R) or an interchange rejected at its IEA (TA1 R) takes
// back the 278s and decisions already written for it (the outputs are rewound: OutputSink); a
// request that cannot be answered on its merits gets AAA (soc/answerable.hpp); certification and
// tracking numbers come from the injected CertificationNumbers, control numbers from the injected
// ControlNumberSequence, the decision date from the config: nothing here reads a clock.
//
// Every front end runs on it: `soc278 process` (all outputs), `validate` (acknowledgments only:
// no mappings), `explain` (SetDecider, set_decider.hpp, per set), and the batch and watch daemons.
//
// Memory is constant in the size of the input: one transaction's loop tree, one set's 278 and
// report lines, the open interchange's set list kept on disk (a temporary file) for the case its
// group or interchange is rejected at the trailer. Findings stream to the sink as they are found;
// nothing is accumulated per file.
//
// Thread safety. Shared between threads, read-only: ig::GuideSet, mapping::MappingSet, soc::History
// (all immutable once loaded), and a ControlNumberSequence made with a start (its next() is
// atomic). Per worker (one thread at a time): the TransactionProcessor, its Outputs, its
// DiagnosticSink and ProcessorEvents, a ControlNumberSequence or CertificationNumbers drawing from
// a ledger source. A processor keeps no pointer into the mappings beyond one run(): loading new
// mappings means new processors, and the old mappings must outlive the processors made with them.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "soc278/core/clock.hpp"
#include "soc278/core/diagnostic.hpp"
#include "soc278/engine/decision_record.hpp"
#include "soc278/engine/output.hpp"
#include "soc278/engine/set_decider.hpp"
#include "soc278/ig/walker.hpp"
#include "soc278/mapping/load.hpp"
#include "soc278/respond/control_numbers.hpp"
#include "soc278/respond/response_278.hpp"
#include "soc278/soc/history.hpp"
#include "soc278/x12/byte_source.hpp"

namespace soc278::engine {

struct ProcessorConfig {
  const ig::GuideSet* guides = nullptr;
  ig::ValidationOptions validation;
  const mapping::MappingSet* mappings = nullptr;  // nullptr: validate only, no decisions
  std::string forced_policy;                      // --policy: this policy for every transaction
  core::DateTime now;
  respond::ControlNumberSequence* numbers = nullptr;  // ISA13 / GS06 of everything written
  respond::CertificationNumbers certifications;
  const soc::History* history = nullptr;
  // Each decision report line also carries the criteria tried and the facts read, with their texts
  // and positions (~3x the bytes; `soc278 explain` replays the same detail).
  bool full_report = false;
  // The decisions carry everything `soc278 explain` prints: the criteria's notes, the criteria and
  // the facts (slower; the report and the 278 do not change).
  bool explain = false;
  // Validator findings go to the sink with the envelope's (false: only the envelope's; each set's
  // own are in SetOutcome::validation, for a front end that prints them beside the set).
  bool forward_set_findings = true;
  // Checked between segments: when it turns true the run stops where it is, as if the input had
  // ended, and FileReport::interrupted says so; the caller discards the outputs. nullptr: never.
  const std::atomic<bool>* stop = nullptr;
};

struct Outputs {  // each may be null: that output is not written
  OutputSink* ack999 = nullptr;
  OutputSink* ta1 = nullptr;
  OutputSink* response = nullptr;
  OutputSink* decisions = nullptr;
};

// What one run read and decided: the counts a summary table prints.
struct FileReport {
  std::string file;
  std::uint64_t bytes = 0;
  std::uint64_t segments = 0;
  std::size_t interchanges = 0, groups = 0, transactions = 0;
  std::size_t accepted = 0;        // 999 IK501 A or E
  std::size_t rejected = 0;        // 999 IK501 R, or inside a group / interchange rejected at GE / TA1 level
  std::size_t rejected_with_envelope = 0;  // of `rejected`, sets whose own IK501 is A or E (so counted in AK904)
                                           // taken down by their group's AK9 R or their interchange's TA1 R
  std::size_t unanswerable = 0;    // accepted, answered with AAA (soc/answerable.hpp)
  std::size_t not_requests = 0;    // sets that are not 278 requests (responses, 999s, 834s...), accepted or not: nothing to decide
  // What those sets were, in the order first met: ("278 response", 2), ("999", 1), ("834", 1).
  std::vector<std::pair<std::string, std::size_t>> not_request_kinds;
  std::size_t ta1_only_interchanges = 0;  // interchanges holding TA1s and no functional group
  std::size_t lines = 0, approve = 0, redirect = 0, pend = 0, cancel = 0;   // cancel: UM02 3 confirmed
  std::size_t errors = 0, warnings = 0;
  std::size_t ta1_written = 0, ack999_interchanges = 0, response_transactions = 0;
  bool io_failed = false;     // the input could not be read to its end, or an output could not be written
  bool interrupted = false;   // ProcessorConfig::stop turned true before the input ended
};

// What a file held that is not a 278 request, for the console: "1 set, 278 response",
// "3 sets, 278 response (2), 999 (1)", "1 interchange holding only TA1s"; "" when nothing.
[[nodiscard]] std::string not_request_summary(const FileReport& report);

// How a set came out.
enum class SetStatus {
  decided,       // every service line decided (approve / redirect / pend / cancel)
  unanswerable,  // accepted, answered with AAA: the request cannot be decided on its merits
  rejected,      // the 999 rejects it (IK501 R or an envelope set-level error)
  not_request,   // accepted but not a 278 request (a response, a 999, an 834...)
  accepted,      // accepted by the 999; nothing decided (no mappings: validate only)
};
[[nodiscard]] std::string_view to_string(SetStatus s) noexcept;

// One transaction set, as the processor finished it. The references are valid during the call.
struct SetOutcome {
  std::uint64_t ordinal = 0;  // 1-based, in the run
  const x12::InterchangeInfo* interchange = nullptr;
  const x12::GroupInfo* group = nullptr;
  const x12::TransactionInfo* transaction = nullptr;
  const ig::TransactionResult* validation = nullptr;  // findings, trace, loop tree (when built)
  SetStatus status = SetStatus::rejected;
  std::span<const std::string> reasons;          // rejected / unanswerable / not_request: why
  std::span<const DecisionRecord> decisions;     // decided: one per service line
  const SetVerdict* verdict = nullptr;           // decided or unanswerable: the request, AAA problems, routing
};

// A functional group rejected at its GE, or an interchange at its IEA: the sets already reported
// through on_set are taken back (their 278s and decision lines are gone from the outputs).
struct TakenBack {
  std::string_view level;   // "group" or "ta1"
  std::string_view reason;  // "functional group 7 rejected (AK9): envelope.ge_count_mismatch"
  std::uint64_t sets = 0;   // how many sets it took back
};

// Optional callbacks of an embedder (the web inspector, a daemon's per-set log). Default: nothing.
class ProcessorEvents {
 public:
  virtual ~ProcessorEvents() = default;
  virtual void on_set(const SetOutcome&) {}
  virtual void on_taken_back(const TakenBack&) {}
};

class TransactionProcessor {
 public:
  // `config` and everything it points to, `outputs` and `sink` outlive the processor.
  TransactionProcessor(const ProcessorConfig& config, Outputs outputs, core::DiagnosticSink& sink, ProcessorEvents* events = nullptr);
  ~TransactionProcessor();
  TransactionProcessor(const TransactionProcessor&) = delete;
  TransactionProcessor& operator=(const TransactionProcessor&) = delete;

  // Reads `source` to its end (or to config.stop). Every finding (envelope and guide) goes to the
  // sink as it is found. `file_index` goes into every SourcePosition; `file_name` into the report.
  FileReport run(x12::ByteSource& source, std::string_view file_name, std::uint32_t file_index = 0);

 private:
  const ProcessorConfig& config_;
  Outputs outputs_;
  core::DiagnosticSink& sink_;
  ProcessorEvents* events_;
};

}  // namespace soc278::engine

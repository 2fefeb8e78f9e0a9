// src/app/pipeline.hpp — private: one input file through every stage.
//
//   bytes -> x12 reader + envelope checks -> ig validator (loop tree, findings)
//         -> 999 / TA1 (always)           -> model binder -> answerability -> routing + evaluator
//         -> 278 response + decision report (when mappings are given: `process`)
//
// Used by `validate` (no mappings: acknowledgments only) and `process`. Memory is bounded by one
// transaction's loop tree plus one group's 278 responses; outputs stream into OutputFiles, which
// rewind when a group (GE error) or an interchange (TA1-level error, known only at IEA) turns out
// to be rejected after its answers were written: nothing is answered that the 999 / TA1 rejects.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "app/output_file.hpp"
#include "soc278/core/clock.hpp"
#include "soc278/core/diagnostic.hpp"
#include "soc278/ig/walker.hpp"
#include "soc278/mapping/load.hpp"
#include "soc278/respond/control_numbers.hpp"
#include "soc278/respond/response_278.hpp"
#include "soc278/soc/history.hpp"
#include "soc278/x12/byte_source.hpp"

namespace soc278::app {

struct RunConfig {
  const ig::GuideSet* guides = nullptr;
  ig::ValidationOptions validation;
  const mapping::MappingSet* mappings = nullptr;  // nullptr: validate only, no decisions
  std::string forced_policy;                      // --policy: this policy for every transaction
  core::DateTime now;
  respond::ControlNumberSequence* numbers = nullptr;  // ISA13 / GS06 of everything written in the run
  respond::CertificationNumbers certifications;
  const soc::History* history = nullptr;
  bool print_decisions = false;  // one line per decided service line on standard output
  // --report full: each decision report line also carries the criteria tried and the facts read,
  // with their texts and positions (~3x the bytes; `soc278 explain` replays the same detail).
  bool full_report = false;
};

struct Outputs {  // each may be null: that output is not written
  OutputFile* ack999 = nullptr;
  OutputFile* ta1 = nullptr;
  OutputFile* response = nullptr;
  OutputFile* decisions = nullptr;
};

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
  bool io_failed = false;
};

// What a file held that is not a 278 request, for the console: "1 set, 278 response",
// "3 sets, 278 response (2), 999 (1)", "1 interchange holding only TA1s"; "" when nothing.
[[nodiscard]] std::string not_request_summary(const FileReport& report);

// Reads `source` to its end. Every finding (envelope and guide) goes to `sink` as it is found.
FileReport run_pipeline(x12::ByteSource& source, const std::string& file_name, std::uint32_t file_index, const RunConfig& config,
                        Outputs& outputs, core::DiagnosticSink& sink);

}  // namespace soc278::app

// soc278/engine/decision_record.hpp
//
// Provides DecisionRecord and DecisionReportWriter: the decision report, one JSON object per line
// (JSON Lines), schema "soc278.decision/1". Its field names are stable: a consumer written against
// them keeps working (fields may be added, never renamed or removed). Every line carries:
//
//   schema, file, isa13, gs06, st02, trace (TRN02 or null), line (the 2000F ordinal, 0 for a set),
//   hcpcs, requested_pos, site_class, decision ("approve" | "redirect" | "pend" | "cancel" |
//   "rejected"), hcr01, hcr03, policy, section, rule, redirect_to [...], certification,
//   explanation
//
// A decided line adds site_qualifier ("A" bill type / "B" place of service), certified_facility,
// authorized_pos, tracking, approved_from, approved_to, documents_needed [...], and with the full
// report criteria [...] and facts [...]. A rejected set adds rejected_by ("999" | "aaa" | "group" |
// "ta1" | "not_request") and reasons [...]. docs/operations.md shows an example of each.
//
// Person-identifying values never reach the report: the texts that may quote a member (AAA
// reasons, evidence, facts) pass through PhiValues (privacy.hpp) first.
#pragma once

#include <cstdint>
#include <span>
#include <streambuf>
#include <string>
#include <string_view>

#include "soc278/soc/decision.hpp"

namespace soc278::engine {

class PhiValues;

// Which transaction set a line is about.
struct SetKey {
  std::string_view file, isa13, gs06, st02, trace;  // trace empty: null
};

// One decided service line.
struct DecisionRecord {
  SetKey set;
  const soc::LineDecision* decision = nullptr;
  std::string_view certification;  // HCR02 when certified (approve / redirect), else empty
  std::string_view tracking;       // REF*NT when pended or cancelled, else empty
};

// Writes report lines into a streambuf (an OutputSink, a file, a string). Reuses its buffers: a
// line costs no allocation once warm.
class DecisionReportWriter {
 public:
  // `full`: decided lines also carry the criteria and facts (--report full).
  explicit DecisionReportWriter(std::streambuf& out, bool full = false) : out_(&out), full_(full) {}

  // A decided line. `phi` masks what the criteria and facts quote (full report only).
  void decided(const DecisionRecord& record, const PhiValues& phi);
  // A set that gets no decision: rejected by the 999 ("999"), answered with AAA ("aaa"), taken
  // back with its group ("group") or interchange ("ta1"). The first reason is the explanation.
  void rejected(const SetKey& set, std::string_view rejected_by, std::span<const std::string> reasons);
  // A set, or an interchange of TA1s only (gs06 and st02 empty: null), that holds no 278 request.
  void not_request(const SetKey& set, std::string_view reason);

 private:
  void write_line();
  std::streambuf* out_;
  bool full_;
  std::string line_;    // the line being built, reused
  std::string prefix_;  // "{" and the members up to "trace" of the last set written
  std::string prefix_key_;  // the SetKey prefix_ was written for (its bytes, not its address)
};

}  // namespace soc278::engine

// TransactionProcessor: the envelope reader's callbacks, turned into acknowledgments, answers and
// the decision report (processor.hpp says what the outputs promise together).
#include "soc278/engine/processor.hpp"

#include <fmt/core.h>

#include <optional>

#include "engine/set_log.hpp"
#include "engine/stoppable_source.hpp"
#include "soc278/engine/privacy.hpp"
#include "soc278/engine/set_decider.hpp"
#include "soc278/respond/ack_999.hpp"
#include "soc278/respond/ta1.hpp"

namespace soc278::engine {
namespace {

bool rejects(const x12::EnvelopeFindings& f, core::AckLevel level) {
  for (core::DiagCode c : f.codes) {
    const auto& i = core::info(c);
    if (i.level == level && i.severity == core::Severity::error) return true;
  }
  return false;
}

bool rejects(const std::vector<core::Diagnostic>& findings, core::AckLevel level) {
  for (const core::Diagnostic& d : findings) {
    const auto& i = core::info(d.code);
    if (i.level == level && i.severity == core::Severity::error) return true;
  }
  return false;
}

std::string first_message(const x12::EnvelopeFindings& f) {
  for (core::DiagCode c : f.codes)
    if (core::info(c).severity == core::Severity::error) return std::string(core::name(c));
  return "";
}

std::string first_message(const std::vector<core::Diagnostic>& findings) {
  for (const core::Diagnostic& d : findings)
    if (d.severity == core::Severity::error) return std::string(core::name(d.code));
  return "";
}

// What the sets of a group or interchange counted in the report while they stood: taken back
// from the report's counts when a trailer rejects them.
struct Tally {
  std::size_t sets = 0;      // sets logged (every set, rejected or not)
  std::size_t accepted = 0;  // of which still accepted
  std::size_t unanswerable = 0;
  std::size_t approve = 0, redirect = 0, pend = 0, cancel = 0;
  Tally& operator+=(const Tally& o) {
    sets += o.sets;
    accepted += o.accepted;
    unanswerable += o.unanswerable;
    approve += o.approve;
    redirect += o.redirect;
    pend += o.pend;
    cancel += o.cancel;
    return *this;
  }
  // Takes a rejected group's standing sets out of its interchange's; `sets` stays, since a rejection
  // of the interchange at its IEA rewrites a line for every set, those already taken back included.
  Tally& operator-=(const Tally& o) {
    accepted -= o.accepted;
    unanswerable -= o.unanswerable;
    approve -= o.approve;
    redirect -= o.redirect;
    pend -= o.pend;
    cancel -= o.cancel;
    return *this;
  }
};

class Pipeline final : public x12::EnvelopeObserver {
 public:
  Pipeline(const ProcessorConfig& config, const Outputs& out, FileReport& report, core::DiagnosticSink& sink, ProcessorEvents* events,
           std::uint32_t file_index)
      : config_(config),
        out_(out),
        report_(report),
        sink_(sink),
        events_(events),
        validator_(*config.guides, config.validation,
                   [this](const x12::InterchangeInfo& i, const x12::GroupInfo& g, const x12::TransactionInfo& t,
                          ig::TransactionResult& r) { on_result(i, g, t, r); },
                   {}, file_index) {
    if (config.forward_set_findings) {
      validator_.forward_to(&sink_);
    } else {
      validator_.report_envelope_to(&sink_);
    }
    // Every writer checks what it echoes against the guides its output is validated with, and
    // reports a substituted value (respond.value_substituted) with the findings.
    if (out_.ack999 != nullptr) {
      ack_.emplace(out_.ack999->stream(), *config.numbers, config.now, "\n");
      ack_->check_against(config.guides, &sink_, file_index);
    }
    if (out_.ta1 != nullptr) {
      ta1_.emplace(out_.ta1->stream(), *config.numbers, config.now, "\n");
      ta1_->check_against(config.guides, &sink_, file_index);
    }
    if (config.mappings != nullptr) {
      if (out_.response != nullptr) {
        response_.emplace(out_.response->stream(), *config.numbers, config.now, config.mappings->decision_codes, "\n");
        response_->check_against(config.guides, &sink_, file_index);
      }
      if (out_.decisions != nullptr) decision_report_.emplace(*out_.decisions, config.full_report);
      DecideOptions o;
      o.decision_date = config.now.date;
      o.forced_policy = config.forced_policy;
      o.history = config.history;
      // The report prints no notes, and criteria and facts only with --report full.
      o.context_flags.notes = config.explain;
      o.context_flags.detail = config.full_report || config.explain;
      decider_.emplace(*config.mappings, std::move(o));
    }
  }

  void on_interchange_begin(const x12::InterchangeInfo& i) override {
    ++report_.interchanges;
    acknowledgments_seen_ = false;
    others_seen_ = false;
    validator_.on_interchange_begin(i);
    log_.clear();
    interchange_tally_ = {};
    // Everything written for this interchange (999, 278, TA1) goes back to its sender: draw their
    // control numbers from that partner's counter.
    if (config_.numbers != nullptr) config_.numbers->set_partner(i.isa.sender_qualifier, i.isa.sender_id);
    if (out_.ack999 != nullptr) ack_mark_ = out_.ack999->position();
    if (out_.response != nullptr) response_mark_ = out_.response->position();
    if (out_.decisions != nullptr) decisions_interchange_mark_ = out_.decisions->position();
    if (ack_) ack_->begin_interchange(i);
    if (response_) response_->begin_interchange(i);
  }

  void on_group_begin(const x12::InterchangeInfo& i, const x12::GroupInfo& g) override {
    ++report_.groups;
    (respond::is_acknowledgment_group(g) ? acknowledgments_seen_ : others_seen_) = true;
    validator_.on_group_begin(i, g);
    group_log_mark_ = log_.mark();
    group_tally_ = {};
    group_hash_ready_ = false;  // a new sender / ISA13 / GS06 for the certification numbers
    if (out_.decisions != nullptr) decisions_group_mark_ = out_.decisions->position();
    if (out_.response != nullptr) response_group_mark_ = out_.response->position();
    if (ack_) ack_->begin_group(g);
    if (response_) response_->begin_group(g);
  }

  void on_transaction_begin(const x12::GroupInfo& g, const x12::TransactionInfo& t) override {
    ++report_.transactions;
    validator_.on_transaction_begin(g, t);
  }
  void on_transaction_segment(const x12::TransactionInfo& t, const x12::SegmentView& s, std::uint32_t p) override {
    validator_.on_transaction_segment(t, s, p);
  }
  void on_transaction_end(const x12::GroupInfo& g, const x12::TransactionInfo& t) override { validator_.on_transaction_end(g, t); }
  // GS, GE, IEA and TA1 against grammars/envelope.yaml; the GS/GE findings reach the 999 at GE.
  void on_envelope_segment(const x12::SegmentView& s, x12::SegmentRole r) override {
    if (r == x12::SegmentRole::interchange_segment && s.is("TA1")) acknowledgments_seen_ = true;
    validator_.on_envelope_segment(s, r);
  }

  void on_group_end(const x12::InterchangeInfo& i, const x12::GroupInfo& g) override {
    validator_.on_group_end(i, g);
    const auto& element_findings = validator_.group_findings();  // GS/GE elements (envelope.yaml)
    if (ack_) (void)ack_->end_group(g, element_findings);
    // A group-level error (GE count or control number, duplicate GS06, no GE, an unsupported GS01 or
    // GS08) rejects the group in the 999 (AK9 R): none of its sets may be answered, so their responses
    // and decisions go.
    const bool keep = !rejects(g.findings, core::AckLevel::group) && !rejects(element_findings, core::AckLevel::group);
    if (response_) {
      // The group's 278s went to the output as they were made: a rejected group is cut off it.
      if (!response_->end_group(keep) && out_.response != nullptr) rewind(*out_.response, response_group_mark_);
    }
    interchange_tally_ += group_tally_;
    if (!keep) {
      const std::string reason = fmt::format("functional group {} rejected (AK9): {}", g.control_number,
                                             rejects(g.findings, core::AckLevel::group) ? first_message(g.findings)
                                                                                        : first_message(element_findings));
      take_back(group_tally_, group_log_mark_, "group", reason, decisions_group_mark_);
      interchange_tally_ -= group_tally_;
    }
  }

  void on_interchange_end(const x12::InterchangeInfo& i) override {
    // TA1-level errors (ISA fields, IEA count or control number, a missing IEA, an unpadded ISA)
    // reject the interchange: a TA1 says why and no 999 or 278 answers anything in it.
    const bool rejected = rejects(i.findings, core::AckLevel::ta1);
    if (ack_) {
      (void)ack_->end_interchange();
      if (rejected) {
        rewind(*out_.ack999, ack_mark_);
      } else {
        ++report_.ack999_interchanges;
      }
    }
    if (response_) {
      (void)response_->end_interchange();
      if (rejected) rewind(*out_.response, response_mark_);
    }
    if (rejected) {
      take_back(interchange_tally_, 0, "ta1",
                fmt::format("interchange {} rejected (TA1): {}", i.isa.control_number, first_message(i.findings)),
                decisions_interchange_mark_);
    }
    // An interchange of acknowledgments only (TA1s, groups of 999s / 997s) is never answered, not
    // even by a TA1 its ISA14 asks for (docs/conformance.md §2); the 999 writer passed its groups over.
    const bool only_acknowledgments = acknowledgments_seen_ && !others_seen_;
    if (ta1_ && respond::Ta1Writer::should_write_ta1(i, {}, only_acknowledgments)) {
      (void)ta1_->write_ta1(i);
      ++report_.ta1_written;
    }
    if (only_acknowledgments && i.groups == 0) {
      ++report_.ta1_only_interchanges;
      if (decision_report_) {
        const SetKey key{report_.file, i.isa.control_number, {}, {}, {}};
        decision_report_->not_request(key, "not a 278 request: an interchange holding only TA1s");
      }
    }
  }

 private:
  void rewind(OutputSink& out, std::uint64_t mark) {
    if (!out.rewind(mark)) report_.io_failed = true;
  }

  // A trailer rejected the sets logged from `log_mark` on: their counts leave the report, and the
  // decision report, rewound to `report_mark`, gets a rejected line for each instead.
  void take_back(const Tally& tally, std::uint64_t log_mark, std::string_view by, const std::string& reason, std::uint64_t report_mark) {
    report_.accepted -= tally.accepted;
    report_.rejected += tally.accepted;
    report_.rejected_with_envelope += tally.accepted;
    report_.unanswerable -= tally.unanswerable;
    report_.approve -= tally.approve;
    report_.redirect -= tally.redirect;
    report_.pend -= tally.pend;
    report_.cancel -= tally.cancel;
    report_.lines -= tally.approve + tally.redirect + tally.pend + tally.cancel;
    if (events_ != nullptr) events_->on_taken_back(TakenBack{by, reason, tally.sets});
    if (out_.decisions == nullptr || !decision_report_) return;
    rewind(*out_.decisions, report_mark);
    const std::string reasons[] = {reason};
    const bool read = log_.read_from(log_mark, [&](std::string_view gs06, std::string_view st02, std::string_view trace) {
      decision_report_->rejected(SetKey{report_.file, isa13_, gs06, st02, trace}, by, reasons);
    });
    if (!read) report_.io_failed = true;  // the report would miss lines: the run must not deliver it
  }

  void count_not_request(const std::string& kind) {
    ++report_.not_requests;
    for (auto& [k, n] : report_.not_request_kinds) {
      if (k == kind) {
        ++n;
        return;
      }
    }
    report_.not_request_kinds.emplace_back(kind, 1);
  }

  void emit(SetStatus status, std::span<const std::string> reasons, std::span<const DecisionRecord> decisions,
            const SetVerdict* verdict = nullptr) {
    if (events_ == nullptr) return;
    SetOutcome o;
    o.ordinal = ++ordinal_;
    o.interchange = current_i_;
    o.group = current_g_;
    o.transaction = current_t_;
    o.validation = current_r_;
    o.status = status;
    o.reasons = reasons;
    o.decisions = decisions;
    o.verdict = verdict;
    events_->on_set(o);
  }

  void on_result(const x12::InterchangeInfo& i, const x12::GroupInfo& g, const x12::TransactionInfo& t, ig::TransactionResult& r) {
    isa13_ = i.isa.control_number;
    current_i_ = &i;
    current_g_ = &g;
    current_t_ = &t;
    current_r_ = &r;
    const std::string kind = not_request_kind(t, r);
    if (!kind.empty()) count_not_request(kind);
    const SetKey key{report_.file, isa13_, g.control_number, t.control_number, r.trn02_trace};
    log_.append(g.control_number, t.control_number, r.trn02_trace);
    ++group_tally_.sets;
    const bool rejected = set_rejected(t, r);
    if (ack_) {
      respond::AckTransaction a = respond::AckTransaction::from(t);
      a.findings = r.findings;
      a.trace = r.trn02_trace;
      (void)ack_->add_transaction(a);
    }
    reasons_.clear();
    if (rejected) {
      for (core::DiagCode c : t.findings.codes) reasons_.emplace_back(fmt::format("{}", core::name(c)));
      // The real cause first: a segment's element findings, not the IK3 that only counts them.
      for (std::size_t k = 0; k < r.findings.size(); ++k) {
        const core::Diagnostic& d = r.findings[k];
        if (d.severity != core::Severity::error || reasons_.size() >= 10) continue;
        if (k + 1 < r.findings.size() && carried_by(d, r.findings[k + 1])) continue;
        reasons_.push_back(fmt::format("{}: segment {} {}: {}", core::name(d.code), d.at.segment_in_set, d.segment(), finding_message(d)));
      }
      ++report_.rejected;
      if (decision_report_) decision_report_->rejected(key, "999", reasons_);
      emit(SetStatus::rejected, reasons_, {});
      return;
    }
    ++report_.accepted;
    ++group_tally_.accepted;
    if (!decider_) {
      emit(kind.empty() ? SetStatus::accepted : SetStatus::not_request, {}, {});
      return;
    }
    if (!kind.empty()) {
      reasons_.push_back("not a 278 request: " + kind);
      if (decision_report_) decision_report_->not_request(key, reasons_.front());
      emit(SetStatus::not_request, reasons_, {});
      return;
    }
    const SetVerdict& verdict = decider_->decide(r, i, g, t);
    const model::AuthorizationRequest& request = *verdict.request;
    if (!verdict.answerable()) {
      ++report_.unanswerable;
      ++group_tally_.unanswerable;
      if (response_) response_->add_rejected(request, verdict.problems);
      phi_.clear();
      phi_.collect(r);  // a reason may quote the member (a birth date after the decision date)
      for (const auto& p : verdict.problems)
        reasons_.push_back(phi_.scrub(fmt::format("{} AAA*{}**{}*{}: {}", p.loop, p.aaa01, p.aaa03, p.aaa04, p.message)));
      if (decision_report_) decision_report_->rejected(key, "aaa", reasons_);
      emit(SetStatus::unanswerable, reasons_, {}, &verdict);
      return;
    }
    if (config_.full_report) {  // the facts read quote the member (a birth date): masked in the report
      phi_.clear();
      phi_.collect(r);
    }
    const std::vector<soc::LineDecision>& decisions = *verdict.lines;
    // Reused from transaction to transaction: the certification strings keep their buffers.
    answers_.resize(decisions.size());
    records_.resize(decisions.size());
    if (!group_hash_ready_ && !config_.certifications.sequenced()) {  // once per group: its sender, ISA13 and GS06 are every request's
      group_hash_ = config_.certifications.group_hash(request);
      group_hash_ready_ = true;
    }
    // Once per request, not per line: a hash of the request (--seed) or the ledger's next number.
    const auto request_hash = config_.certifications.sequenced() ? config_.certifications.next_request()
                                                                 : respond::CertificationNumbers::request_hash(group_hash_, request);
    for (std::size_t k = 0; k < decisions.size(); ++k) {
      const soc::LineDecision& d = decisions[k];
      respond::LineAnswer& a = answers_[k];
      a.decision = &d;
      a.certification.clear();
      a.tracking.clear();
      if (!soc::certifies(d.outcome)) {  // pend, cancel: a tracking number, no certification
        config_.certifications.tracking(request_hash, d.line_number, a.tracking);
      } else {
        config_.certifications.for_line(request_hash, d.line_number, a.certification);
      }
      records_[k] = DecisionRecord{key, &d, a.certification, a.tracking};
      ++report_.lines;
      switch (d.outcome) {
        case soc::Outcome::approve: ++report_.approve, ++group_tally_.approve; break;
        case soc::Outcome::redirect: ++report_.redirect, ++group_tally_.redirect; break;
        case soc::Outcome::pend: ++report_.pend, ++group_tally_.pend; break;
        case soc::Outcome::cancel: ++report_.cancel, ++group_tally_.cancel; break;
      }
      if (decision_report_) decision_report_->decided(records_[k], phi_);
    }
    if (response_) response_->add_decided(request, answers_);
    emit(SetStatus::decided, {}, records_, &verdict);
  }

  const ProcessorConfig& config_;
  const Outputs& out_;
  FileReport& report_;
  core::DiagnosticSink& sink_;
  ProcessorEvents* events_;
  ig::FileValidator validator_;
  std::optional<SetDecider> decider_;
  std::optional<respond::Ack999Writer> ack_;
  std::optional<respond::Ta1Writer> ta1_;
  std::optional<respond::Response278Writer> response_;
  std::optional<DecisionReportWriter> decision_report_;
  SetLog log_;                    // the open interchange's sets (GS06, ST02, trace), on disk
  std::uint64_t group_log_mark_ = 0;
  Tally group_tally_, interchange_tally_;  // what the open group / interchange's standing sets counted
  std::uint64_t ack_mark_ = 0, response_mark_ = 0, response_group_mark_ = 0, decisions_interchange_mark_ = 0, decisions_group_mark_ = 0;
  std::string isa13_;
  std::vector<std::string> reasons_;           // the open set's, reused
  std::vector<respond::LineAnswer> answers_;   // the open set's, reused
  std::vector<DecisionRecord> records_;        // the open set's, reused
  respond::CertificationNumbers::GroupHash group_hash_;  // the open group's (valid when group_hash_ready_)
  bool group_hash_ready_ = false;
  bool acknowledgments_seen_ = false;  // the open interchange held a TA1 or a GS01 FA group
  bool others_seen_ = false;           // ... or a group of anything else
  PhiValues phi_;                      // the open transaction's identifying values, when a text may quote one
  std::uint64_t ordinal_ = 0;
  const x12::InterchangeInfo* current_i_ = nullptr;
  const x12::GroupInfo* current_g_ = nullptr;
  const x12::TransactionInfo* current_t_ = nullptr;
  const ig::TransactionResult* current_r_ = nullptr;
};

// Counts findings by severity on their way to the caller's sink.
class CountingSink final : public core::DiagnosticSink {
 public:
  CountingSink(core::DiagnosticSink& next, FileReport& report) : next_(next), report_(report) {}
  void report(core::Diagnostic d) override {
    // The IK3 that carries a segment's element findings is not a finding of its own to an operator
    // (the printers show the element findings instead): counted once, through them.
    if (d.code != core::DiagCode::ig_segment_has_element_errors) {
      if (d.severity == core::Severity::error) ++report_.errors;
      if (d.severity == core::Severity::warning) ++report_.warnings;
    }
    next_.report(std::move(d));
  }

 private:
  core::DiagnosticSink& next_;
  FileReport& report_;
};

}  // namespace

std::string_view to_string(SetStatus s) noexcept {
  switch (s) {
    case SetStatus::decided: return "decided";
    case SetStatus::unanswerable: return "unanswerable";
    case SetStatus::rejected: return "rejected";
    case SetStatus::not_request: return "not_request";
    case SetStatus::accepted: return "accepted";
  }
  return "?";
}

std::string not_request_summary(const FileReport& report) {
  std::string out;
  if (report.not_requests > 0) {
    out = fmt::format("{} set{}, ", report.not_requests, report.not_requests == 1 ? "" : "s");
    if (report.not_request_kinds.size() == 1) {
      out += report.not_request_kinds.front().first;
    } else {
      for (std::size_t k = 0; k < report.not_request_kinds.size(); ++k)
        out += fmt::format("{}{} ({})", k == 0 ? "" : ", ", report.not_request_kinds[k].first, report.not_request_kinds[k].second);
    }
  }
  if (report.ta1_only_interchanges > 0) {
    if (!out.empty()) out += "; ";
    out += fmt::format("{} interchange{} holding only TA1s", report.ta1_only_interchanges, report.ta1_only_interchanges == 1 ? "" : "s");
  }
  return out;
}

TransactionProcessor::TransactionProcessor(const ProcessorConfig& config, Outputs outputs, core::DiagnosticSink& sink,
                                           ProcessorEvents* events)
    : config_(config), outputs_(outputs), sink_(sink), events_(events) {}

TransactionProcessor::~TransactionProcessor() = default;

FileReport TransactionProcessor::run(x12::ByteSource& source, std::string_view file_name, std::uint32_t file_index) {
  FileReport report;
  report.file = std::string(file_name);
  CountingSink counting(sink_, report);
  Pipeline pipeline(config_, outputs_, report, counting, events_, file_index);
  StoppableSource stoppable(source, config_.stop);
  x12::ReaderOptions ro;
  ro.file = file_index;
  x12::ChunkReader reader(stoppable, ro);
  x12::EnvelopeReader envelope(reader, counting, pipeline, &config_.guides->envelope_codes());
  envelope.run();
  report.bytes = reader.bytes_read();
  report.segments = envelope.stats().segments;
  if (reader.io_failed()) report.io_failed = true;
  report.interrupted = stoppable.stopped();
  return report;
}

}  // namespace soc278::engine

#include "app/pipeline.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <optional>

#include "app/json_line.hpp"
#include "app/privacy.hpp"
#include "app/run_common.hpp"
#include "soc278/model/bind.hpp"
#include "soc278/respond/ack_999.hpp"
#include "soc278/respond/ta1.hpp"
#include "soc278/soc/answerable.hpp"
#include "soc278/soc/evaluate.hpp"

namespace soc278::app {
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

bool set_level_error(const x12::EnvelopeFindings& f) {
  for (core::DiagCode c : f.codes)
    if (core::info(c).severity == core::Severity::error) return true;
  return false;
}

// What a set is when it is not a 278 request: "278 response", "999", "834"; "" for a 278 request,
// and for a 278 that no guide reads (BHT02 01, an 00401 envelope): it is rejected as a request.
std::string not_request_kind(const x12::TransactionInfo& t, const ig::TransactionResult& r) {
  if (r.guide != nullptr) {
    if (r.guide->purpose == "request") return "";
    return t.id == "278" ? "278 " + r.guide->purpose : t.id;
  }
  if (t.id == "278") return "";
  return t.id.empty() ? std::string("set without ST01") : t.id;
}

std::string_view site_class_name(const std::optional<mapping::SiteClass>& c) {
  return c ? mapping::to_string(*c) : std::string_view();
}

void position(JsonLine& j, const core::SourcePosition& at) {
  j.begin_object().field("byte", at.byte_offset).field("segment", at.segment_in_file).field("set_position", at.segment_in_set);
  if (at.element != 0) j.field("element", at.element);
  if (at.component != 0) j.field("component", at.component);
  j.end_object();
}

void evidence(JsonLine& j, const std::vector<soc::EvidenceItem>& items, const PhiValues& phi) {
  j.begin_array();
  for (const auto& e : items) {
    j.begin_object().field("segment", e.segment).field("loop", e.loop).field("text", phi.scrub(e.text)).key("at");
    position(j, e.at);
    j.end_object();
  }
  j.end_array();
}

// The per-transaction facts the report needs again if the group or interchange is rejected later.
struct SetRecord {
  std::string gs06, st02, trace;
  bool rejected = false;
  bool unanswerable = false;
  std::size_t approve = 0, redirect = 0, pend = 0, cancel = 0;  // lines decided, taken back if the set is rejected later
};

class Pipeline final : public x12::EnvelopeObserver {
 public:
  Pipeline(const RunConfig& config, Outputs& out, FileReport& report, core::DiagnosticSink& sink, std::uint32_t file_index)
      : config_(config),
        out_(out),
        report_(report),
        sink_(sink),
        validator_(*config.guides, config.validation,
                   [this](const x12::InterchangeInfo& i, const x12::GroupInfo& g, const x12::TransactionInfo& t,
                          ig::TransactionResult& r) { on_result(i, g, t, r); },
                   {}, file_index) {
    validator_.forward_to(&sink_);
    if (out_.ack999 != nullptr) ack_.emplace(out_.ack999->stream(), *config.numbers, config.now, "\n");
    if (out_.ta1 != nullptr) ta1_.emplace(out_.ta1->stream(), *config.numbers, config.now, "\n");
    if (out_.response != nullptr && config.mappings != nullptr) response_.emplace(out_.response->stream(), *config.numbers, config.now, config.mappings->decision_codes, "\n");
  }

  void on_interchange_begin(const x12::InterchangeInfo& i) override {
    ++report_.interchanges;
    acknowledgments_seen_ = false;
    others_seen_ = false;
    validator_.on_interchange_begin(i);
    interchange_sets_.clear();
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
    group_first_set_ = interchange_sets_.size();
    group_hash_ready_ = false;  // a new sender / ISA13 / GS06 for the certification numbers
    if (out_.decisions != nullptr) decisions_group_mark_ = out_.decisions->position();
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
    if (response_) response_->end_group(keep);
    if (!keep) reject_sets(group_first_set_, "group", fmt::format("functional group {} rejected (AK9): {}", g.control_number,
                                                                  rejects(g.findings, core::AckLevel::group)
                                                                      ? first_message(g.findings)
                                                                      : first_message(element_findings)),
                           decisions_group_mark_);
  }

  void on_interchange_end(const x12::InterchangeInfo& i) override {
    // TA1-level errors (ISA fields, IEA count or control number, a missing IEA, an unpadded ISA)
    // reject the interchange: a TA1 says why and no 999 or 278 answers anything in it.
    const bool rejected = rejects(i.findings, core::AckLevel::ta1);
    if (ack_) {
      (void)ack_->end_interchange();
      if (rejected) {
        out_.ack999->rewind(ack_mark_);
      } else {
        ++report_.ack999_interchanges;
      }
    }
    if (response_) {
      (void)response_->end_interchange();
      if (rejected) out_.response->rewind(response_mark_);
    }
    if (rejected) {
      reject_sets(0, "ta1", fmt::format("interchange {} rejected (TA1): {}", i.isa.control_number, first_message(i.findings)),
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
      if (config_.mappings != nullptr) write_not_request(SetRecord{}, "not a 278 request: an interchange holding only TA1s", i.isa.control_number);
    }
  }

 private:
  static std::string first_message(const x12::EnvelopeFindings& f) {
    for (core::DiagCode c : f.codes)
      if (core::info(c).severity == core::Severity::error) return std::string(core::name(c));
    return "";
  }
  static std::string first_message(const std::vector<core::Diagnostic>& findings) {
    for (const core::Diagnostic& d : findings)
      if (d.severity == core::Severity::error) return std::string(core::name(d.code));
    return "";
  }

  // Rewinds the decision report to `mark` and writes a rejected line for every set recorded from
  // `first` on (those the group or interchange took down with it).
  void reject_sets(std::size_t first, std::string_view by, const std::string& reason, std::uint64_t mark) {
    if (out_.decisions != nullptr) out_.decisions->rewind(mark);
    for (std::size_t k = first; k < interchange_sets_.size(); ++k) {
      SetRecord& s = interchange_sets_[k];
      if (!s.rejected) {
        s.rejected = true;
        --report_.accepted;
        ++report_.rejected;
        ++report_.rejected_with_envelope;
        if (s.unanswerable) --report_.unanswerable;
        report_.approve -= s.approve;
        report_.redirect -= s.redirect;
        report_.pend -= s.pend;
        report_.cancel -= s.cancel;
        report_.lines -= s.approve + s.redirect + s.pend + s.cancel;
        s.approve = s.redirect = s.pend = s.cancel = 0;
      }
      write_rejected(s, by, {reason});
    }
  }

  // Opens a report object with the fields every line shares.
  JsonLine& base(JsonLine& j, const SetRecord& s, std::uint32_t line) const {
    return base_members(j.begin_object(), s).field("line", line);
  }
  JsonLine& base_members(JsonLine& j, const SetRecord& s) const {
    j.field("schema", "soc278.decision/1");
    std::size_t room = 64;  // the literals below
    for (const std::string_view v : {std::string_view(report_.file), std::string_view(isa13_), std::string_view(s.gs06),
                                     std::string_view(s.st02), std::string_view(s.trace)})
      room += detail::json_string_room(v);
    JsonRun r(j.begin_run(room));
    r.raw(",\"file\":").string(report_.file).raw(",\"isa13\":").string(isa13_).raw(",\"gs06\":").string(s.gs06);
    r.raw(",\"st02\":").string(s.st02).raw(",\"trace\":").string_or_null(s.trace);
    return j.end_run(r);
  }

  // Ends the line `j` holds and writes it.
  void write_line(JsonLine& j) {
    j.newline();
    // Straight into the file's buffer (streambuf::sputn): std::ostream::write would build a sentry per line.
    if (out_.decisions != nullptr) out_.decisions->sputn(j.text().data(), static_cast<std::streamsize>(j.text().size()));
  }

  void write_rejected(const SetRecord& s, std::string_view by, const std::vector<std::string>& reasons) {
    JsonLine j(line_, JsonLine::Scratch{});
    base(j, s, 0);
    j.key("hcpcs").null().key("requested_pos").null().key("site_class").null();
    j.field("decision", "rejected").field("rejected_by", by);
    j.key("hcr01").null().key("hcr03").null().key("policy").null().key("section").null().key("rule").null();
    j.key("redirect_to").begin_array().end_array().key("certification").null();
    j.field("explanation", reasons.empty() ? std::string_view() : std::string_view(reasons.front()));
    j.key("reasons").begin_array();
    for (const auto& r : reasons) j.string(r);
    j.end_array().end_object();
    write_line(j);
  }

  // A set (or a TA1-only interchange, `record` empty) that holds no 278 request: a rejected line,
  // rejected_by "not_request", so a misrouted file never reads as clean. The set's control numbers
  // (null for an interchange) and `isa13`.
  void write_not_request(const SetRecord& s, const std::string& reason, std::string_view isa13) {
    if (out_.decisions == nullptr) return;
    JsonLine j(line_, JsonLine::Scratch{});
    j.begin_object().field("schema", "soc278.decision/1").field("file", report_.file).field("isa13", isa13);
    if (s.gs06.empty() && s.st02.empty()) {
      j.key("gs06").null().key("st02").null();
    } else {
      j.field("gs06", s.gs06).field("st02", s.st02);
    }
    j.key("trace").null().field("line", std::uint64_t{0});
    j.key("hcpcs").null().key("requested_pos").null().key("site_class").null();
    j.field("decision", "rejected").field("rejected_by", "not_request");
    j.key("hcr01").null().key("hcr03").null().key("policy").null().key("section").null().key("rule").null();
    j.key("redirect_to").begin_array().end_array().key("certification").null();
    j.field("explanation", reason);
    j.key("reasons").begin_array().string(reason).end_array().end_object();
    write_line(j);
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

  void on_result(const x12::InterchangeInfo& i, const x12::GroupInfo& g, const x12::TransactionInfo& t, ig::TransactionResult& r) {
    isa13_ = i.isa.control_number;
    const std::string kind = not_request_kind(t, r);
    if (!kind.empty()) count_not_request(kind);
    SetRecord record{g.control_number, t.control_number, r.trn02_trace, false};
    prefix_for_ = nullptr;  // `record` may sit where the previous set's did: its prefix is stale
    const bool rejected = r.rejected || set_level_error(t.findings);
    std::vector<std::string> reasons;
    if (rejected) {
      for (core::DiagCode c : t.findings.codes) reasons.emplace_back(fmt::format("{}", core::name(c)));
      // The real cause first: a segment's element findings, not the IK3 that only counts them.
      for (std::size_t k = 0; k < r.findings.size(); ++k) {
        const core::Diagnostic& d = r.findings[k];
        if (d.severity != core::Severity::error || reasons.size() >= 10) continue;
        if (k + 1 < r.findings.size() && carried_by(d, r.findings[k + 1])) continue;
        reasons.push_back(fmt::format("{}: segment {} {}: {}", core::name(d.code), d.at.segment_in_set, d.segment(), finding_message(d)));
      }
    }
    if (ack_) {
      respond::AckTransaction a = respond::AckTransaction::from(t);
      a.findings = r.findings;
      a.trace = r.trn02_trace;
      (void)ack_->add_transaction(a);
    }
    if (rejected) {
      record.rejected = true;
      ++report_.rejected;
      interchange_sets_.push_back(record);
      write_rejected(record, "999", reasons);
      return;
    }
    ++report_.accepted;
    interchange_sets_.push_back(record);
    if (config_.mappings == nullptr) return;
    if (!kind.empty()) {
      write_not_request(record, "not a 278 request: " + kind, isa13_);
      return;
    }
    binder_.bind_into(request_, r, i, g, t);
    const model::AuthorizationRequest& request = request_;
    const auto problems = soc::check_answerable(request, config_.now.date);
    if (!problems.empty()) {
      ++report_.unanswerable;
      interchange_sets_.back().unanswerable = true;
      if (response_) response_->add_rejected(request, problems);
      std::vector<std::string> texts;
      phi_.clear();
      phi_.collect(r);  // a reason may quote the member (a birth date after the decision date)
      for (const auto& p : problems)
        texts.push_back(phi_.scrub(fmt::format("{} AAA*{}**{}*{}: {}", p.loop, p.aaa01, p.aaa03, p.aaa04, p.message)));
      write_rejected(record, "aaa", texts);
      return;
    }
    // The report prints no notes, and criteria and facts only with --report full.
    const soc::EvaluationContext context{config_.now.date, /*notes=*/false, /*detail=*/config_.full_report};
    if (config_.full_report) {  // the facts read quote the member (a birth date): masked in the report
      phi_.clear();
      phi_.collect(r);
    }
    static const soc::NoHistory no_history;
    const soc::History& history = config_.history != nullptr ? *config_.history : no_history;
    // Decided into decisions_, reused from transaction to transaction: its strings keep their buffers.
    if (!config_.forced_policy.empty()) {
      const mapping::Policy* policy = config_.mappings->policy(config_.forced_policy);
      soc::evaluate_into(decisions_.lines, decisions_.buffers, request, *policy, *config_.mappings, history, context);
    } else {
      soc::decide_into(decisions_, request, *config_.mappings, history, context);
    }
    const std::vector<soc::LineDecision>& decisions = decisions_.lines;
    // Reused from transaction to transaction: the certification strings keep their buffers.
    std::vector<respond::LineAnswer>& answers = answers_;
    answers.resize(decisions.size());
    if (!group_hash_ready_ && !config_.certifications.sequenced()) {  // once per group: its sender, ISA13 and GS06 are every request's
      group_hash_ = config_.certifications.group_hash(request);
      group_hash_ready_ = true;
    }
    // Once per request, not per line: a hash of the request (--seed) or the ledger's next number.
    const auto request_hash = config_.certifications.sequenced() ? config_.certifications.next_request()
                                                                 : respond::CertificationNumbers::request_hash(group_hash_, request);
    for (std::size_t k = 0; k < decisions.size(); ++k) {
      const soc::LineDecision& d = decisions[k];
      respond::LineAnswer& a = answers[k];
      a.decision = &d;
      a.certification.clear();
      a.tracking.clear();
      if (!soc::certifies(d.outcome)) {  // pend, cancel: a tracking number, no certification
        config_.certifications.tracking(request_hash, d.line_number, a.tracking);
      } else {
        config_.certifications.for_line(request_hash, d.line_number, a.certification);
      }
      write_decision(record, d, a);
      SetRecord& kept = interchange_sets_.back();
      kept.approve += d.outcome == soc::Outcome::approve;
      kept.redirect += d.outcome == soc::Outcome::redirect;
      kept.pend += d.outcome == soc::Outcome::pend;
      kept.cancel += d.outcome == soc::Outcome::cancel;
    }
    if (response_) response_->add_decided(request, answers);
  }

  void write_decision(const SetRecord& s, const soc::LineDecision& d, const respond::LineAnswer& a) {
    ++report_.lines;
    if (d.outcome == soc::Outcome::approve) ++report_.approve;
    if (d.outcome == soc::Outcome::redirect) ++report_.redirect;
    if (d.outcome == soc::Outcome::pend) ++report_.pend;
    if (d.outcome == soc::Outcome::cancel) ++report_.cancel;
    if (config_.print_decisions) {
      std::printf("  %s %s/%s line %u: %-5s at %s%s -> %-8s %s%s%s %s %s\n", isa13_.c_str(), s.gs06.c_str(), s.st02.c_str(), d.line_number,
                  d.hcpcs.c_str(), d.requested_site.code.empty() ? "?" : d.requested_site.code.c_str(),
                  d.requested_site.qualifier == model::SiteQualifier::bill_type ? ":A" : "", std::string(soc::to_string(d.outcome)).c_str(),
                  d.hcr01.c_str(), d.hcr03.empty() ? "" : "/", d.hcr03.c_str(), d.policy_id.c_str(), d.section.c_str());
    }
    if (prefix_for_ != &s) {  // the members up to "trace" are the same for every line of the set
      prefix_.clear();
      JsonLine p(prefix_);
      base_members(p.begin_object(), s);
      prefix_for_ = &s;
    }
    const std::string_view site_qualifier = d.requested_site.qualifier == model::SiteQualifier::bill_type          ? "A"
                                            : d.requested_site.qualifier == model::SiteQualifier::place_of_service ? "B"
                                                                                                                    : "";
    const std::string_view site_class = site_class_name(d.requested_site.site_class);
    const std::string_view outcome = soc::to_string(d.outcome);
    const std::string_view authorized_pos = d.authorized_site ? std::string_view(d.authorized_site->code) : std::string_view();
    // The room the members below can take: their literals (under 512 bytes), numbers, and every
    // string at its worst-case escaped size.
    std::size_t room = 512;
    for (const std::string_view v : {std::string_view(d.hcpcs), std::string_view(d.requested_site.code), site_qualifier, site_class, outcome,
                                     std::string_view(d.hcr01), std::string_view(d.hcr03), std::string_view(d.policy_id),
                                     std::string_view(d.section), std::string_view(d.rule_id), authorized_pos,
                                     std::string_view(a.certification), std::string_view(a.tracking), std::string_view(d.explanation.sentence)})
      room += detail::json_string_room(v);
    for (auto c : d.redirect_to) room += detail::json_string_room(mapping::to_string(c)) + 1;
    for (const auto& doc : d.documents_needed) room += detail::json_string_room(doc) + 1;

    JsonLine j(line_, JsonLine::Scratch{});
    j.resume_object(prefix_);
    JsonRun r(j.begin_run(room));
    r.raw(",\"line\":").number(d.line_number);
    r.raw(",\"hcpcs\":").string(d.hcpcs).raw(",\"requested_pos\":").string_or_null(d.requested_site.code);
    r.raw(",\"site_qualifier\":").string(site_qualifier).raw(",\"site_class\":").string_or_null(site_class);
    r.raw(",\"decision\":").string(outcome).raw(",\"hcr01\":").string(d.hcr01).raw(",\"hcr03\":").string_or_null(d.hcr03);
    r.raw(",\"policy\":").string(d.policy_id).raw(",\"section\":").string(d.section).raw(",\"rule\":").string(d.rule_id);
    r.raw(",\"redirect_to\":[");
    for (std::size_t k = 0; k < d.redirect_to.size(); ++k) {
      if (k != 0) r.raw(",");
      r.string(mapping::to_string(d.redirect_to[k]));
    }
    r.raw("],\"certified_facility\":").boolean(d.certified_facility).raw(",\"authorized_pos\":").string_or_null(authorized_pos);
    r.raw(",\"certification\":").string_or_null(a.certification).raw(",\"tracking\":").string_or_null(a.tracking);
    if (d.approved_span && d.approved_span->first.year >= 0 && d.approved_span->first.year <= 9999 && d.approved_span->last.year >= 0 &&
        d.approved_span->last.year <= 9999) {
      const core::Date& from = d.approved_span->first;
      const core::Date& to = d.approved_span->last;
      r.raw(",\"approved_from\":").iso_date(from.year, from.month, from.day).raw(",\"approved_to\":").iso_date(to.year, to.month, to.day);
    } else if (d.approved_span) {  // a year past four digits: Date::iso() knows how to write it
      r.raw(",\"approved_from\":").string(d.approved_span->first.iso()).raw(",\"approved_to\":").string(d.approved_span->last.iso());
    } else {
      r.raw(",\"approved_from\":null,\"approved_to\":null");
    }
    r.raw(",\"documents_needed\":[");
    for (std::size_t k = 0; k < d.documents_needed.size(); ++k) {
      if (k != 0) r.raw(",");
      r.string(d.documents_needed[k]);
    }
    r.raw("],\"explanation\":").string(d.explanation.sentence);
    j.end_run(r);
    if (config_.full_report) full_detail(j, d, phi_);
    j.end_object();
    write_line(j);
  }

  // The criteria tried, each with its outcome and the segments it used, and the facts read; the
  // notes that say why a criterion was not met are in `soc278 explain`, which replays the decision.
  static void full_detail(JsonLine& j, const soc::LineDecision& d, const PhiValues& phi) {
    j.key("criteria").begin_array();
    for (const auto& c : d.explanation.criteria) {
      j.begin_object().field("criterion", c.criterion_id).field("outcome", soc::to_string(c.outcome));
      if (!c.evidence.empty()) {
        j.key("evidence");
        evidence(j, c.evidence, phi);
      }
      j.end_object();
    }
    j.end_array();
    j.key("facts");
    evidence(j, d.explanation.facts, phi);
  }

  const RunConfig& config_;
  Outputs& out_;
  FileReport& report_;
  core::DiagnosticSink& sink_;
  ig::FileValidator validator_;
  model::RequestBinder binder_;  // config_.guides outlives the pipeline
  model::AuthorizationRequest request_;  // rebound for every set: bind_into keeps its buffers
  std::optional<respond::Ack999Writer> ack_;
  std::optional<respond::Ta1Writer> ta1_;
  std::optional<respond::Response278Writer> response_;
  std::vector<SetRecord> interchange_sets_;
  std::size_t group_first_set_ = 0;
  std::uint64_t ack_mark_ = 0, response_mark_ = 0, decisions_interchange_mark_ = 0, decisions_group_mark_ = 0;
  std::string isa13_;
  std::string line_;  // scratch for the report line being built (JsonLine::Scratch), reused
  std::string prefix_;                    // "{" and the members before "line", escaped once per set
  const SetRecord* prefix_for_ = nullptr; // the set prefix_ was written for
  std::vector<respond::LineAnswer> answers_;  // the open transaction's, reused
  respond::CertificationNumbers::GroupHash group_hash_;  // the open group's (valid when group_hash_ready_)
  bool group_hash_ready_ = false;
  soc::Decisions decisions_;                  // the open transaction's, reused (soc::decide_into)
  bool acknowledgments_seen_ = false;         // the open interchange held a TA1 or a GS01 FA group
  bool others_seen_ = false;                  // ... or a group of anything else
  PhiValues phi_;                             // the open transaction's identifying values, when a text may quote one
};

// Counts findings by severity on their way to the command's sink.
class CountingSink final : public core::DiagnosticSink {
 public:
  CountingSink(core::DiagnosticSink& next, FileReport& report) : next_(next), report_(report) {}
  void report(core::Diagnostic d) override {
    // The IK3 that carries a segment's element findings is not a finding of its own to an operator
    // (the printers show the element findings instead): counted once, through them.
    if (d.code == core::DiagCode::ig_segment_has_element_errors) {
      next_.report(std::move(d));
      return;
    }
    if (d.severity == core::Severity::error) ++report_.errors;
    if (d.severity == core::Severity::warning) ++report_.warnings;
    next_.report(std::move(d));
  }

 private:
  core::DiagnosticSink& next_;
  FileReport& report_;
};

}  // namespace

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

FileReport run_pipeline(x12::ByteSource& source, const std::string& file_name, std::uint32_t file_index, const RunConfig& config,
                        Outputs& outputs, core::DiagnosticSink& sink) {
  FileReport report;
  report.file = file_name;
  CountingSink counting(sink, report);
  Pipeline pipeline(config, outputs, report, counting, file_index);
  x12::ReaderOptions ro;
  ro.file = file_index;
  x12::ChunkReader reader(source, ro);
  x12::EnvelopeReader envelope(reader, counting, pipeline);
  envelope.run();
  report.bytes = reader.bytes_read();
  report.segments = envelope.stats().segments;
  report.io_failed = reader.io_failed();
  return report;
}

}  // namespace soc278::app

// Private to the evaluator: included by src/soc/evaluate*.cpp alone. The Evaluator: one
// request under one policy. Its short members are defined here; deciding a line is in
// evaluate_line.cpp, reading documents and assessing the criteria in evaluate_evidence.cpp.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "soc/evaluate_text.hpp"
#include "soc/line_writer.hpp"
#include "soc/say.hpp"

namespace soc278::soc::evaluation {

// ---- what the request says about one line, read once ----------------------------------------

struct LineContext {
  explicit LineContext(const model::ServiceLine& l) noexcept : line(l) {}
  const model::ServiceLine& line;
  const mapping::Drug* drug = nullptr;        // the policy's first row for the line's code
  mapping::DrugFlags flags;                   // the flags of every row of the line's code (inherited ones included)
  const mapping::Drug* inherited_from = nullptr;   // the "includes biosimilars" row whose flags the code inherits
  std::string um04;                           // "22:B", for sentences
  std::string_view um02;                      // 2000F UM02 when set, else 2000E UM02
  core::Date start;                           // span start: line DTP*472, else 2000E DTP, else decision date
  std::optional<core::Date> requested_end;    // the RD8 end of the DTP the start came from
  std::size_t first_pwk = 0;                  // the PWK items among the decision's facts
  std::size_t pwk_count = 0;
  std::size_t submitted_count = 0;            // PWKs of the event that count as documentation for an approval
  std::size_t awaited_count = 0;              // PWKs sent on paper, not yet received (documentation_counts_when)
  [[nodiscard]] bool any_submitted() const noexcept { return submitted_count != 0; }
  // Documentation is on its way or in hand: a reviewer will have it (R3 review, R5 rather than R6).
  [[nodiscard]] bool any_sent() const noexcept { return submitted_count != 0 || awaited_count != 0; }
};

class Evaluator {
 public:
  Evaluator(const model::AuthorizationRequest& request, const mapping::Policy& policy, const mapping::MappingSet& mappings,
            const History& history, const EvaluationContext& context, Store& store)
      : req_(request), policy_(policy), maps_(mappings), history_(history), ctx_(context),
        codes_(mappings.decision_codes), notes_(context.notes), texts_(context.detail), s_(store) {}

  void run(std::vector<LineDecision>& out) {
    const std::size_t n = req_.lines.size();
    out.clear();
    out.resize(n);
    s_.administration.assign(n, 0);
    classify_documents();
    s_.icd10_evidence.clear();
    for (const model::Diagnosis& dx : req_.event.diagnoses)
      s_.icd10_evidence.push_back(dx.icd10 && icd10_qualifier(trim(dx.qualifier)) ? 1 : 0);
    s_.criterion_groups.clear();
    for (const Criterion& c : policy_.criteria()) s_.criterion_groups.push_back(maps_.evidence.group(c.evidence_group));
    // Pass 1: every line except administration codes; pass 2: each administration code follows the drug
    // line it administers (docs/decisions.md section 4, "Administration codes").
    for (std::size_t i = 0; i < n; ++i) {
      const model::ServiceLine& line = req_.lines[i];
      // One lookup per line: the row for the facts and sentences, the flags for the rules.
      const mapping::DrugTable::Listing listing =
          line.procedure ? policy_.drugs().listing(line.procedure->value) : mapping::DrugTable::Listing{};
      const bool listed = listing.first != nullptr;
      if (line.procedure && !listed && maps_.administration.contains(line.procedure->value)) {
        s_.administration[i] = 1;
        continue;
      }
      LineWriter w(out[i], s_, texts_);
      if (is_cancel(um02_of(line))) {
        decide_cancel(w, line, i, listing);
      } else {
        decide_line(w, line, i, listing);
        note_shortened_span(w.d);
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (s_.administration[i] == 0) continue;
      LineWriter w(out[i], s_, texts_);
      if (is_cancel(um02_of(req_.lines[i]))) {
        decide_cancel(w, req_.lines[i], i, mapping::DrugTable::Listing{});
      } else {
        const std::optional<std::size_t> drug = drug_line_for(i);
        decide_administration(w, req_.lines[i], i, drug ? &out[*drug] : nullptr, drug ? &req_.lines[*drug] : nullptr);
      }
    }
  }

 private:
  const model::AuthorizationRequest& req_;
  const mapping::Policy& policy_;
  const mapping::MappingSet& maps_;
  const History& history_;
  const EvaluationContext& ctx_;
  const mapping::DecisionCodes& codes_;
  const bool notes_;  // fill CriterionCheck::note (EvaluationContext::notes)
  const bool texts_;  // keep criteria and facts, and fill their texts (EvaluationContext::detail)
  Store& s_;

  // 2000F UM02 when the line has one, else 2000E UM02.
  [[nodiscard]] std::string_view um02_of(const model::ServiceLine& line) const noexcept {
    return line.review && !trim(line.review->certification_type).empty() ? std::string_view(line.review->certification_type)
                                                                         : std::string_view(req_.event.review.certification_type);
  }

  // The drug line administration line `i` administers: the nearest line before it that is not an
  // administration code, else the nearest after it; none when the request has no drug line.
  [[nodiscard]] std::optional<std::size_t> drug_line_for(std::size_t i) const noexcept {
    for (std::size_t j = i; j-- > 0;)
      if (s_.administration[j] == 0) return j;
    for (std::size_t j = i + 1; j < req_.lines.size(); ++j)
      if (s_.administration[j] == 0) return j;
    return std::nullopt;
  }

  // Every PWK of the event, classified once: 2000E, then each line's.
  void classify_documents() {
    const auto& rules = maps_.evidence.documentation();
    const bool need_receipt = policy_.parameters().documentation_counts_when == mapping::DocumentationCountsWhen::received;
    s_.pwks.clear();
    s_.pwk_counted = s_.pwk_awaited = 0;
    auto add_pwk = [&](const model::Attachment& a, std::uint32_t line) {
      Store::Pwk p;
      p.attachment = &a;
      p.status = rules.classify(a);
      p.line = line;
      if (p.status == mapping::PwkStatus::submitted && need_receipt && rules.transmission_in_transit(a.transmission)) {
        const std::optional<bool> received =
            trim(a.control_number).empty() ? std::nullopt : history_.attachment_received(member(), trim(a.control_number));
        p.awaited = !received.value_or(false);
      }
      s_.pwk_counted += p.counts();
      s_.pwk_awaited += p.awaited;
      s_.pwks.push_back(p);
    };
    for (const model::Attachment& a : req_.event.attachments) add_pwk(a, 0);
    for (std::size_t i = 0; i < req_.lines.size(); ++i) {
      const model::ServiceLine& l = req_.lines[i];
      for (const model::Attachment& a : l.attachments) add_pwk(a, l.line_number ? l.line_number : static_cast<std::uint32_t>(i + 1));
    }
  }

  // Appends to the sentence why the certified span is shorter than asked, and says so in the decision.
  void note_shortened_span(LineDecision& d) const {
    if (!d.requested_end || !d.approved_span) return;
    add(d.explanation.sentence, {" The certified span ends ", IsoText(d.approved_span->last).view(), ", before the end asked for (",
                                 IsoText(*d.requested_end).view(), "): ", policy_.id(), " approves up to ",
                                 policy_.parameters().max_approval_months, " months (\"Approval duration: Up to one year\")."});
  }

  // ---- reading the line ----------------------------------------------------------------------

  void resolve_site(const model::ServiceLine& line, SiteRequest& s) const {
    // 2000F UM04 when the line has one, else 2000E UM04 (x12-278-reference.md 2.4).
    const model::RequestedSite* site = nullptr;
    if (line.review && line.review->site) {
      site = &*line.review->site;
      set(s.loop, "2000F");
    } else if (req_.event.review.site) {
      site = &*req_.event.review.site;
      set(s.loop, "2000E");
    } else {
      s.loop.clear();
    }
    const mapping::SiteCode* row = site ? maps_.sites.classify(*site) : nullptr;
    set(s.code, site ? trim(site->code) : std::string_view());
    set(s.name, row ? std::string_view(row->name) : std::string_view());
    if (!site) return;
    s.qualifier = site->qualifier;
    s.at = site->at;
    if (row) s.site_class = row->site_class;
  }

  // Documentation = every PWK of the event (2000E and every 2000F line): the policy asks for documentation
  // "supporting that member has met all approval criteria", about the member, not a line. One fact per PWK,
  // naming the line it was sent on.
  void read_documents(LineContext& c, LineWriter& w) const;

  // "PWK M1 by FX, PWK 09 by EL on line 2 and ...": the PWKs that count (or, with `awaited`, those on
  // their way), for sentences.
  void append_docs_phrase(std::string& out, const LineContext& c, bool awaited = false) const;

  // Starts decision `d` (already empty) for `line`: line number, code, site, policy and the facts
  // read (UM, SV1/SV2, the span's DTP, PWKs), and returns what the rules read of the line.
  // `listing` is the drug table's answer for the line's code. An administration line (`for_rules`
  // false) takes its decision from its drug line: it needs only the decision's own fields, and the
  // facts when the context keeps them, so without detail the rest is not read.
  [[nodiscard]] LineContext begin(LineWriter& w, const model::ServiceLine& line, std::size_t index,
                                  const mapping::DrugTable::Listing& listing, bool for_rules = true) const {
    LineDecision& d = w.d;
    LineContext c(line);
    c.start = ctx_.decision_date;
    d.line_number = line.line_number ? line.line_number : static_cast<std::uint32_t>(index + 1);
    if (line.procedure) {
      set(d.hcpcs, line.procedure->value.view());
      c.drug = listing.first;
      c.flags = listing.flags;
      c.inherited_from = listing.inherited_from;
    } else {
      set(d.hcpcs, line.procedure_text);
    }
    SiteRequest& site = d.requested_site;
    resolve_site(line, site);
    set(d.policy_id, policy_.id());
    set(d.explanation.policy, policy_.id());
    if (!for_rules && !texts_) return c;
    um04_text(site, c.um04);
    c.um02 = um02_of(line);

    if (!site.code.empty() || site.qualifier != model::SiteQualifier::none) {
      std::string& text = w.fact("UM", site.loop, site.at).text;
      if (!texts_) {
      } else if (site.site_class) {
        add(text, {"UM04 ", c.um04, " = ", site.name, " (", mapping::to_string(*site.site_class), ")"});
      } else {
        add(text, {"UM04 ", c.um04, " = not a listed code"});
      }
    }
    if (line.procedure) {
      const std::string_view segment = line.service_segment.empty() ? std::string_view("SV1") : std::string_view(line.service_segment);
      std::string& text = w.fact(segment, "2000F", line.procedure->at).text;
      if (!texts_) {
      } else if (c.drug) {
        if (c.drug->hcpcs == line.procedure->value) {
          add(text, {segment, " ", line.procedure->value.view(), " = ", c.drug->generic, " (", c.drug->brand, "), ", policy_.id(),
                        " drug row line ", c.drug->line});
        } else {  // an unlisted biosimilar, listed through its reference product
          add(text, {segment, " ", line.procedure->value.view(), " = a biosimilar of ", c.drug->hcpcs.view(), " ", c.drug->generic,
                        " (drug-groups.yaml), listed through ", policy_.id(), " drug row line ", c.drug->line});
        }
        if (c.inherited_from && c.inherited_from != c.drug)
          add(text, {"; inherits the Appendix B note of ", c.inherited_from->hcpcs.view(), " (\"", c.inherited_from->note, "\")"});
      } else {
        add(text, {segment, " ", line.procedure->value.view()});
      }
    }
    // Span start: the line's DTP*472 first date, else the first 2000E DTP, else the decision date.
    // A requested end exists only for a range (RD8 with last > first); a single date (D8) is a start.
    const model::DateSpan* from = nullptr;
    std::string_view loop;
    if (line.service_dates) from = &*line.service_dates, loop = "2000F";
    else if (!req_.event.dates.empty()) from = &req_.event.dates.front(), loop = "2000E";
    if (from) {
      c.start = from->first;
      std::string& text = w.fact("DTP", loop, from->at).text;
      if (texts_) add(text, {"DTP*", from->qualifier, " ", from->first.iso()});
      if (from->last > from->first) {
        c.requested_end = from->last;
        if (texts_) add(text, {" to ", from->last.iso()});
      }
    }
    read_documents(c, w);
    return c;
  }

  [[nodiscard]] DateRange span(const LineContext& c) const {
    // Choice (docs/decisions.md section 5, "The certified span"): start + max_approval_months - 1 day, never beyond the
    // requested end when the request gave one: a certification does not cover more than was asked.
    // The period ends the day before the same date n months later; when that date does not exist (Jan 31 +
    // 1 month, Feb 29 + 12 months) add_months clamps to the month's last day, which is then the end itself.
    const core::Date next = c.start.add_months(policy_.parameters().max_approval_months);
    core::Date end = next.day == c.start.day ? next.add_days(-1) : next;
    if (c.requested_end && *c.requested_end < end) end = *c.requested_end;
    return {c.start, end};
  }

  // ---- building decisions --------------------------------------------------------------------

  void approve(LineDecision& d, const LineContext& c, std::string_view rule, std::string_view section) const {
    d.outcome = Outcome::approve;
    d.approved_span = span(c);
    // A span cut to the policy's approval duration is not "certified in total" (decision-codes.yaml
    // hcr01.approve_shortened); note_shortened_span() says why.
    const bool shortened = c.requested_end && d.approved_span->last < *c.requested_end;
    if (shortened) d.requested_end = c.requested_end;
    set(d.hcr01, shortened ? codes_.hcr01_approve_shortened : codes_.hcr01_approve);
    set(d.hcr03, shortened ? codes_.hcr03_approve_shortened : codes_.hcr03_approve);
    set_rule(d, rule, section);
  }

  void redirect(LineDecision& d, const LineContext& c, std::string_view rule, std::string_view section, std::span<const SiteClass> to,
                bool certified) const {
    d.outcome = Outcome::redirect;
    // The policy's redirect_hcr01 overrides decision-codes.yaml hcr01.redirect (docs/policies.md 1.2).
    set(d.hcr01, policy_.parameters().redirect_hcr01.empty() ? codes_.hcr01_redirect : policy_.parameters().redirect_hcr01);
    set(d.hcr03, codes_.hcr03_redirect);
    d.redirect_to.assign(to.begin(), to.end());
    d.certified_facility = certified;
    if (!d.redirect_to.empty()) {
      const std::string_view code = maps_.sites.redirect_code(d.redirect_to.front());
      if (!code.empty()) d.authorized_site = AuthorizedSite{std::string(code), model::SiteQualifier::place_of_service};
    }
    // The span the lower-cost site is certified for; with redirect_hcr01 = A3 the writer may omit it.
    d.approved_span = span(c);
    if (c.requested_end && d.approved_span->last < *c.requested_end) d.requested_end = c.requested_end;
    set_rule(d, rule, section);
  }

  // What a pend asks for goes into d.documents_needed separately.
  void pend(LineDecision& d, std::string_view hcr03, std::string_view rule, std::string_view section) const {
    d.outcome = Outcome::pend;
    set(d.hcr01, codes_.hcr01_pend);
    set(d.hcr03, hcr03);
    set_rule(d, rule, section);
  }

  static void set_rule(LineDecision& d, std::string_view rule, std::string_view section) {
    set(d.rule_id, rule);
    set(d.section, section);
    set(d.explanation.rule, rule);
    set(d.explanation.section, section);
  }

  // The section of the policy's first criterion of `kind`; the loader makes sure a policy has the kinds
  // the rules cite (exception_group, continued_approval, redirect).
  [[nodiscard]] std::string_view section_of(CriterionKind kind) const {
    const Criterion* c = policy_.first_of_kind(kind);
    return c ? std::string_view(c->section) : std::string_view();
  }

  // A phrase of wording.yaml with only the policy filled in.
  [[nodiscard]] Words words(Phrase p) const {
    Words w(maps_.wording[p], s_);
    w.set(Slot::policy, policy_.id());
    return w;
  }

  // A criterion's note, when the context keeps notes: `k.note` replaced by the phrase.
  void note(CriterionCheck& k, Phrase p) const {
    if (!notes_) return;
    k.note.clear();
    words(p).into(k.note);
  }

  // "pediatrics (age 9)": the named evidence of a pediatric member, appended to `out`.
  void pediatrics(std::string& out, int age) const {
    words(Phrase::evidence_pediatrics).build(Slot::age, [&](std::string& b) { add(b, {age}); }).into(out);
  }

  // A phrase of wording.yaml for decision `d`, with what every rule knows filled in: the policy, the
  // section the decision cites, the line's code and (with `lc`) its requested site.
  [[nodiscard]] Words words(Phrase p, const LineDecision& d, const LineContext* lc = nullptr) const {
    Words w(maps_.wording[p], s_);
    w.set(Slot::policy, policy_.id()).set(Slot::section, d.section).set(Slot::hcpcs, d.hcpcs);
    if (lc) w.set(Slot::um04, lc->um04);
    return w;
  }

  // " (send as PWK with PWK02 BM, EL, EM or FX)": how documentation counts as submitted (evidence.yaml).
  void append_send_as_pwk(std::string& out) const {
    words(Phrase::document_send_as_pwk)
        .build(Slot::submitted, [&](std::string& b) { append_joined(b, maps_.evidence.documentation().submitted(), ", ", " or "); })
        .into(out);
  }

  void add_documents_for(LineWriter& w, const Criterion& c) const {
    std::string& t = w.document();
    add(t, {c.section, ": ", c.documents.empty() ? c.summary : c.documents});
    append_send_as_pwk(t);
  }

  // ---- the criteria ------------------------------------------------------------------------------

  // A new, empty phrase in s_.met_evidence.
  std::string& met_text() const {
    return s_.met_evidence.emplace_back();
  }
  [[nodiscard]] std::span<const std::string> met_evidence() const noexcept { return s_.met_evidence; }

  // The outcome of assess(); the checks themselves are in the decision's explanation, the exceptions
  // met and their phrases in s_.met and s_.met_evidence, the non-qualifying reasons in d.non_qualifying.
  struct Assessment {
    Assessment(const Store& store, std::string_view pediatric) noexcept : s(store), pediatric_section(pediatric) {}
    const Store& s;
    std::string_view pediatric_section;            // what a pediatric exception cites (the policy's sections)
    bool pediatric_exception = false;              // parameter pediatric_is_exception and a pediatric member

    [[nodiscard]] bool any_met() const noexcept { return !s.met.empty() || pediatric_exception; }
    [[nodiscard]] std::string_view first_section() const noexcept {
      return s.met.empty() ? pediatric_section : std::string_view(s.met.front()->section);
    }
  };

  // Calls f(diagnosis, row) for each 2000E ICD-10 diagnosis in the evidence group of criterion `c`;
  // returns how many.
  template <typename F>
  std::size_t for_each_diagnosis_in(const Criterion& c, F&& f) const {
    const mapping::EvidenceGroup* g = s_.criterion_groups[static_cast<std::size_t>(&c - policy_.criteria().data())];
    if (!g) return 0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < req_.event.diagnoses.size(); ++i) {
      if (s_.icd10_evidence[i] == 0) continue;
      const model::Diagnosis& dx = req_.event.diagnoses[i];
      if (const mapping::EvidenceCode* row = g->match(*dx.icd10)) {
        f(dx, *row);
        ++n;
      }
    }
    return n;
  }

  void add_hi_item(LineWriter& w, const model::Diagnosis& dx, const mapping::EvidenceCode& row) const {
    std::string& text = w.evidence("HI", "2000E", dx.at).text;
    if (!texts_) return;
    add(text, {dx.qualifier, ":", dx.code_text, " ("});
    // Sent with its decimal point (ig.icd10_decimal_point): say how it was read.
    if (dx.code_text.find('.') != std::string::npos) add(text, {"sent with a decimal point, read as ", dx.icd10->view(), " = "});
    append_dotted(text, *dx.icd10);
    add(text, {") ", row.reason, ": ", row.label});
  }

  [[nodiscard]] MemberRef member() const {
    const model::Person& p = req_.patient();
    MemberRef m;
    m.member_id = req_.subscriber.name.id.value;
    m.last_name = p.name.last_or_org_name.value;
    m.first_name = p.name.first_name;
    if (p.birth_date) m.birth_date = p.birth_date->value;
    m.is_dependent = req_.dependent.has_value();
    return m;
  }

  void check_history(CriterionCheck& k, const LineContext& lc) const {
    k.outcome = CriterionOutcome::not_assessed;
    if (!lc.line.procedure) return;
    const auto prior = history_.prior_administrations(member(), lc.line.procedure->value, lc.start.add_days(-1));
    if (!prior) {
      note(k, Phrase::note_history_unavailable);
      return;
    }
    std::optional<core::Date> last;
    for (const auto& p : *prior)
      if (p.date < lc.start && (!last || p.date > *last)) last = p.date;
    const int window = policy_.parameters().restart_window_months;
    // The note is also the evidence a met I.A.1.b cites (assess()), so it is written whatever notes_ says.
    k.note.clear();
    if (!last) {
      k.outcome = CriterionOutcome::met;
      words(Phrase::note_history_initial_dose).set(Slot::hcpcs, lc.line.procedure->value.view()).into(k.note);
      return;
    }
    k.outcome = *last < lc.start.add_months(-window) ? CriterionOutcome::met : CriterionOutcome::not_met;
    const IsoText last_text(*last), start_text(lc.start);
    words(k.outcome == CriterionOutcome::met ? Phrase::note_history_restart : Phrase::note_history_neither)
        .set(Slot::last, last_text.view())
        .set(Slot::start, start_text.view())
        .build(Slot::window, [&](std::string& b) { add(b, {window}); })
        .into(k.note);
  }

  // The patient's age at the start of the service (the span start, not the decision date: the policy
  // is about the member who receives the infusion) when under the policy's pediatric age.
  [[nodiscard]] std::optional<int> pediatric_age(const LineContext& lc) const {
    const model::Person& p = req_.patient();
    if (!p.birth_date) return std::nullopt;
    const int age = core::age_on(p.birth_date->value, lc.start);
    if (age >= policy_.parameters().pediatric_age_under || age < 0) return std::nullopt;
    return age;
  }

  void add_pediatric_item(LineWriter& w, const LineContext& lc, int age) const {
    const model::Person& p = req_.patient();
    std::string& text = w.evidence("DMG", req_.dependent ? "2010D" : "2010C", p.birth_date->at).text;
    if (texts_) add(text, {"DMG birth date ", p.birth_date->value.iso(), ": age ", age, " on ", lc.start.iso(), " (under ",
                  policy_.parameters().pediatric_age_under, ")"});
  }

  // Appends one check per criterion to d's explanation, in policy order.
  [[nodiscard]] Assessment assess(LineWriter& w, const LineContext& lc, bool initial) const;

  // Where a hospital outpatient line is redirected: Appendix B notes narrow where the drug may go;
  // otherwise the policy's preferred order.
  [[nodiscard]] std::span<const SiteClass> redirect_sites(mapping::DrugFlags flags, bool* certified) const {
    *certified = flags.has(DrugFlag::certified_facility_required);
    if (*certified || flags.has(DrugFlag::first_visit_at_infusion_suite)) return kInfusionSuiteOnly;
    return policy_.parameters().preferred_sites;
  }

  void append_redirect_target(std::string& out, std::span<const SiteClass> to, bool certified, mapping::DrugFlags flags) const {
    if (certified) {
      words(Phrase::target_certified_facility).into(out);
    } else if (flags.has(DrugFlag::first_visit_at_infusion_suite)) {
      words(Phrase::target_first_visit).into(out);
    } else {
      append_site_phrase(out, to);
    }
  }

  // " (trypanophobia (F40.231) is non-qualifying)", or nothing when none was found.
  void append_non_qualifying(std::string& out, std::span<const std::string> found) const {
    if (found.empty()) return;
    words(found.size() == 1 ? Phrase::non_qualifying_one : Phrase::non_qualifying_many)
        .build(Slot::items, [&](std::string& b) { append_joined(b, found, ", ", " and "); })
        .into(out);
  }

  // ': "Facility must be certified ..."' from the line's own row, or ' on J9312: "1st visit in AIS; includes
  // biosimilars"' when the flag comes from the reference product of a biosimilar.
  static void append_note(std::string& out, const LineContext& lc, DrugFlag flag) {
    const mapping::Drug* row = lc.drug;
    if (lc.inherited_from && !(lc.drug->hcpcs == lc.line.procedure->value && lc.drug->flags.has(flag))) row = lc.inherited_from;
    if (row != lc.drug || !(row->hcpcs == lc.line.procedure->value)) add(out, {" on ", row->hcpcs.view(), ", inherited by its biosimilars"});
    add(out, {": \"", row->note, "\""});
  }

  // ---- the placeholders of the sentences ----------------------------------------------------------

  // What R3-R6 phrases may cite of the exceptions and documents: the first exception met, its evidence,
  // the documentation submitted or awaited. Each is built only when the phrase uses it.
  Words& evidence_words(Words&& w, const LineContext& lc, const Assessment& a) const {
    w.set(Slot::met_section, a.first_section());
    w.build(Slot::met_evidence, [&](std::string& b) { append_joined(b, met_evidence(), ", ", " and "); });
    w.build(Slot::docs, [&](std::string& b) { append_docs_phrase(b, lc); });
    w.build(Slot::docs_awaited, [&](std::string& b) { append_docs_phrase(b, lc, true); });
    w.build(Slot::docs_sent, [&](std::string& b) { append_docs_phrase(b, lc, !lc.any_submitted()); });
    return w;
  }

  // R5 and R6: the above, where the line goes and the non-qualifying reasons found.
  Words& redirect_words(Words&& w, LineWriter& lw, const LineContext& lc, const Assessment& a, std::span<const SiteClass> to,
                        bool certified, std::string_view exception_section) const {
    evidence_words(std::move(w), lc, a);
    w.set(Slot::exception_section, exception_section);
    w.build(Slot::redirect_target, [&](std::string& b) { append_redirect_target(b, to, certified, lc.flags); });
    w.build(Slot::non_qualifying, [&](std::string& b) { append_non_qualifying(b, lw.non_qualifying_so_far()); });
    return w;
  }

  // An administration line's phrases: the drug line it follows.
  static Words& drug_words(Words&& w, const LineDecision& drug) {
    w.build(Slot::drug_line, [&](std::string& b) { add(b, {drug.line_number}); });
    w.set(Slot::drug_hcpcs, drug.hcpcs)
        .set(Slot::drug_site, drug.requested_site.code)
        .set(Slot::drug_outcome, to_string(drug.outcome))
        .set(Slot::drug_policy, drug.policy_id)
        .set(Slot::drug_section, drug.section)
        .set(Slot::drug_sentence, drug.explanation.sentence);
    return w;
  }

  // ---- one drug (or unknown) line --------------------------------------------------------------

  void decide_line(LineWriter& w, const model::ServiceLine& line, std::size_t index, const mapping::DrugTable::Listing& listing) const;

  // ---- cancellations (UM02 3) -----------------------------------------------------------------

  // A cancellation is answered as one (HCR01 cancel), whatever the drug or site: nothing is certified and
  // no policy rule applies. Administration lines of a cancelled request are cancelled with it.
  void decide_cancel(LineWriter& w, const model::ServiceLine& line, std::size_t index, const mapping::DrugTable::Listing& listing) const;

  // ---- administration code lines -----------------------------------------------------------

  void decide_administration(LineWriter& w, const model::ServiceLine& line, std::size_t index, const LineDecision* drug,
                             const model::ServiceLine* drug_line) const;
};

}  // namespace soc278::soc::evaluation

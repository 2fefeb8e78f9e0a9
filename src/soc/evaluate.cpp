// The site-of-care evaluator: rules R0..R6 of docs/decisions.md applied to each 2000F service line.
//
// Pure: reads the request, the policy tables, the History interface and the injected decision date;
// writes only its return value. Nothing here knows a payer: every code, section and parameter comes
// from the MappingSet (STYLE.md section 8).
#include "soc278/soc/evaluate.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <string_view>

namespace soc278::soc {
namespace {

using mapping::Criterion;
using mapping::CriterionKind;
using mapping::DrugFlag;
using mapping::EvidenceKind;
using mapping::SiteClass;

// ---- small helpers ---------------------------------------------------------------------------

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

char qualifier_char(model::SiteQualifier q) noexcept {
  switch (q) {
    case model::SiteQualifier::bill_type: return 'A';
    case model::SiteQualifier::place_of_service: return 'B';
    case model::SiteQualifier::none: return '?';
  }
  return '?';
}

std::string um04_text(const SiteRequest& s) {
  if (s.qualifier == model::SiteQualifier::none) return s.code;
  return core::cat({s.code, ":", qualifier_char(s.qualifier)});
}

std::string join(const std::vector<std::string>& items, std::string_view sep, std::string_view last_sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += i + 1 == items.size() ? last_sep : sep;
    out += items[i];
  }
  return out;
}

std::string site_phrase(const std::vector<SiteClass>& sites) {
  std::vector<std::string> names;
  for (SiteClass c : sites) names.emplace_back(mapping::describe(c));
  return join(names, ", ", " or ");
}

// ICD-10 qualifiers of an HI composite (x12-278-reference.md 2.6); ICD-9 (BK/BF/...) is not evidence.
bool icd10_qualifier(std::string_view q) noexcept { return q == "ABK" || q == "ABF" || q == "ABJ" || q == "APR"; }

// UM02 (x12-278-reference.md 2.4): R renewal and 4 extension continue a certification (GA.PMN.34 II);
// appeals (1, 2), reconsideration (N) and cancellation (3) are not decided automatically; I initial,
// S revised and anything else go through the initial criteria (GA.PMN.34 I).
enum class ReviewKind { initial, continued, not_automated };
ReviewKind review_kind(std::string_view um02) noexcept {
  um02 = trim(um02);
  if (um02 == "R" || um02 == "4") return ReviewKind::continued;
  if (um02 == "1" || um02 == "2" || um02 == "3" || um02 == "N") return ReviewKind::not_automated;
  return ReviewKind::initial;
}

std::string_view um02_meaning(std::string_view um02) noexcept {
  um02 = trim(um02);
  if (um02 == "1") return "appeal - immediate";
  if (um02 == "2") return "appeal - standard";
  if (um02 == "3") return "cancel";
  if (um02 == "N") return "reconsideration";
  if (um02 == "R") return "renewal";
  if (um02 == "4") return "extension";
  if (um02 == "S") return "revised";
  return "initial";
}

// ---- what the request says, read once --------------------------------------------------------

struct DiagnosisHit {
  const model::Diagnosis* dx;
  const mapping::EvidenceCode* row;
};

struct Documents {
  std::vector<EvidenceItem> items;      // every PWK read, with its status
  std::vector<std::string> submitted;   // "PWK M1 by FX" for sentences
  bool any_submitted = false;
};

struct LineContext {
  const model::ServiceLine& line;
  SiteRequest site;
  std::string um02;
  core::Date start;                           // span start: line DTP*472, else 2000E DTP, else decision date
  std::optional<core::Date> requested_end;    // the RD8 end of the DTP the start came from
  std::vector<EvidenceItem> date_facts;
  Documents docs;
};

class Evaluator {
 public:
  Evaluator(const model::AuthorizationRequest& request, const mapping::Policy& policy, const mapping::MappingSet& mappings,
            const History& history, const EvaluationContext& context)
      : req_(request), policy_(policy), maps_(mappings), history_(history), ctx_(context),
        codes_(mappings.decision_codes), notes_(context.notes) {}

  std::vector<LineDecision> run() {
    std::vector<LineDecision> out;
    out.reserve(req_.lines.size());
    // Pass 1: every line except administration codes; pass 2: administration codes follow the first
    // listed drug line (x12-278-reference.md 7: keep the 2000F decisions of one event consistent).
    std::optional<std::size_t> first_drug;
    for (std::size_t i = 0; i < req_.lines.size(); ++i) {
      const model::ServiceLine& line = req_.lines[i];
      if (!first_drug && line.procedure && policy_.drugs().contains(line.procedure->value)) first_drug = i;
      out.push_back(is_administration(line) ? LineDecision{} : decide_line(line, i));
    }
    for (std::size_t i = 0; i < req_.lines.size(); ++i)
      if (is_administration(req_.lines[i]))
        out[i] = decide_administration(req_.lines[i], i, first_drug ? &out[*first_drug] : nullptr,
                                       first_drug ? &req_.lines[*first_drug] : nullptr);
    return out;
  }

 private:
  const model::AuthorizationRequest& req_;
  const mapping::Policy& policy_;
  const mapping::MappingSet& maps_;
  const History& history_;
  const EvaluationContext& ctx_;
  const mapping::DecisionCodes& codes_;
  const bool notes_;  // fill CriterionCheck::note (EvaluationContext::notes)

  [[nodiscard]] bool is_administration(const model::ServiceLine& line) const {
    return line.procedure && !policy_.drugs().contains(line.procedure->value) &&
           maps_.administration.contains(line.procedure->value);
  }

  [[nodiscard]] std::string line_code(const model::ServiceLine& line) const {
    return line.procedure ? line.procedure->value.str() : line.procedure_text;
  }

  // ---- reading the line ----------------------------------------------------------------------

  [[nodiscard]] SiteRequest resolve_site(const model::ServiceLine& line) const {
    // 2000F UM04 when the line has one, else 2000E UM04 (x12-278-reference.md 2.4).
    SiteRequest s;
    const model::RequestedSite* site = nullptr;
    if (line.review && line.review->site) {
      site = &*line.review->site;
      s.loop = "2000F";
    } else if (req_.event.review.site) {
      site = &*req_.event.review.site;
      s.loop = "2000E";
    }
    if (!site) return s;
    s.code = std::string(trim(site->code));
    s.qualifier = site->qualifier;
    s.at = site->at;
    if (const mapping::SiteCode* row = maps_.sites.classify(*site)) {
      s.site_class = row->site_class;
      s.name = row->name;
    }
    return s;
  }

  [[nodiscard]] Documents read_documents(const model::ServiceLine& line) const {
    // Documentation = PWK at 2000E or on this line (not on other lines).
    Documents d;
    const auto& rules = maps_.evidence.documentation();
    auto read = [&](const model::Attachment& a, std::string_view loop) {
      const mapping::PwkStatus st = rules.classify(a);
      std::string meaning;
      switch (st) {
        case mapping::PwkStatus::submitted: meaning = "documentation submitted"; break;
        case mapping::PwkStatus::not_submitted:
          meaning = core::cat({"not submitted (PWK02 ", a.transmission, " means nothing was sent)"});
          break;
        case mapping::PwkStatus::not_counted:
          meaning = core::cat({"sent, but report type ", a.report_type, " is not clinical documentation under the policy"});
          break;
        case mapping::PwkStatus::unknown_transmission:
          meaning = core::cat({"PWK02 '", a.transmission, "' is not a known transmission code; treated as not submitted"});
          break;
      }
      d.items.push_back({"PWK", std::string(loop), core::cat({"PWK*", a.report_type, "*", a.transmission, ": ", meaning}), a.at});
      if (st == mapping::PwkStatus::submitted) {
        d.any_submitted = true;
        d.submitted.push_back(core::cat({"PWK ", a.report_type, " by ", a.transmission}));
      }
    };
    for (const auto& a : req_.event.attachments) read(a, "2000E");
    for (const auto& a : line.attachments) read(a, "2000F");
    return d;
  }

  [[nodiscard]] LineContext context_for(const model::ServiceLine& line) const {
    LineContext c{line, resolve_site(line), {}, ctx_.decision_date, std::nullopt, {}, read_documents(line)};
    c.um02 = line.review && !trim(line.review->certification_type).empty() ? line.review->certification_type
                                                                            : req_.event.review.certification_type;
    // Span start: the line's DTP*472 first date, else the first 2000E DTP, else the decision date.
    // A requested end exists only for a range (RD8 with last > first); a single date (D8) is a start.
    const model::DateSpan* from = nullptr;
    std::string loop;
    if (line.service_dates) from = &*line.service_dates, loop = "2000F";
    else if (!req_.event.dates.empty()) from = &req_.event.dates.front(), loop = "2000E";
    if (from) {
      c.start = from->first;
      if (from->last > from->first) c.requested_end = from->last;
      c.date_facts.push_back({"DTP", loop,
                              core::cat({"DTP*", from->qualifier, " ", from->first.iso(),
                                         from->last > from->first ? " to " + from->last.iso() : std::string()}),
                              from->at});
    }
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

  // The decision every rule starts from. Takes the context's date facts (nothing reads them later);
  // the PWK items stay, R3 cites them again.
  [[nodiscard]] LineDecision base(LineContext& c, std::size_t index) const {
    LineDecision d;
    d.line_number = c.line.line_number ? c.line.line_number : static_cast<std::uint32_t>(index + 1);
    d.hcpcs = line_code(c.line);
    d.requested_site = c.site;
    d.policy_id = policy_.id();
    d.explanation.policy = policy_.id();
    // UM, SV1/SV2, dates, PWKs, and the HL an administration line adds: one allocation.
    d.explanation.facts.reserve(3 + c.date_facts.size() + c.docs.items.size());
    if (!c.site.code.empty() || c.site.qualifier != model::SiteQualifier::none) {
      EvidenceItem& um = d.explanation.facts.emplace_back(EvidenceItem{"UM", c.site.loop, {}, c.site.at});
      const std::string um04 = um04_text(c.site);
      if (c.site.site_class) {
        um.text = core::cat({"UM04 ", um04, " = ", c.site.name, " (", mapping::to_string(*c.site.site_class), ")"});
      } else {
        um.text = core::cat({"UM04 ", um04, " = not a listed code"});
      }
    }
    if (c.line.procedure) {
      const std::string_view segment = c.line.service_segment.empty() ? std::string_view("SV1") : std::string_view(c.line.service_segment);
      EvidenceItem& sv = d.explanation.facts.emplace_back(EvidenceItem{std::string(segment), "2000F", {}, c.line.procedure->at});
      if (const mapping::Drug* drug = policy_.drugs().find(c.line.procedure->value)) {
        sv.text = core::cat({segment, " ", c.line.procedure->value.view(), " = ", drug->generic, " (", drug->brand, "), ", policy_.id(),
                             " drug row line ", drug->line});
      } else {
        sv.text = core::cat({segment, " ", c.line.procedure->value.view()});
      }
    }
    for (auto& f : c.date_facts) d.explanation.facts.push_back(std::move(f));
    c.date_facts.clear();
    for (const auto& f : c.docs.items) d.explanation.facts.push_back(f);
    return d;
  }

  void approve(LineDecision& d, const LineContext& c, std::string rule, std::string section) const {
    d.outcome = Outcome::approve;
    d.hcr01 = codes_.hcr01_approve;
    d.hcr03 = codes_.hcr03_approve;
    d.approved_span = span(c);
    set_rule(d, std::move(rule), std::move(section));
  }

  void redirect(LineDecision& d, const LineContext& c, std::string rule, std::string section, std::vector<SiteClass> to,
                bool certified) const {
    d.outcome = Outcome::redirect;
    // The policy's redirect_hcr01 overrides decision-codes.yaml hcr01.redirect (docs/policies.md 1.2).
    d.hcr01 = policy_.parameters().redirect_hcr01.empty() ? codes_.hcr01_redirect : policy_.parameters().redirect_hcr01;
    d.hcr03 = codes_.hcr03_redirect;
    d.redirect_to = std::move(to);
    d.certified_facility = certified;
    if (!d.redirect_to.empty()) {
      const std::string_view code = maps_.sites.redirect_code(d.redirect_to.front());
      if (!code.empty()) d.authorized_site = AuthorizedSite{std::string(code), model::SiteQualifier::place_of_service};
    }
    // The span the lower-cost site is certified for; with redirect_hcr01 = A3 the writer may omit it.
    d.approved_span = span(c);
    set_rule(d, std::move(rule), std::move(section));
  }

  void pend(LineDecision& d, std::string hcr03, std::string rule, std::string section,
            std::vector<std::string> documents = {}) const {
    d.outcome = Outcome::pend;
    d.hcr01 = codes_.hcr01_pend;
    d.hcr03 = std::move(hcr03);
    d.documents_needed = std::move(documents);
    set_rule(d, std::move(rule), std::move(section));
  }

  static void set_rule(LineDecision& d, std::string rule, std::string section) {
    d.rule_id = rule;
    d.section = section;
    d.explanation.rule = std::move(rule);
    d.explanation.section = std::move(section);
  }

  [[nodiscard]] std::string section_of(CriterionKind kind, std::string_view fallback) const {
    const Criterion* c = policy_.first_of_kind(kind);
    return c ? c->section : std::string(fallback);
  }

  [[nodiscard]] std::string documents_for(const Criterion& c) const {
    const std::string& what = c.documents.empty() ? c.summary : c.documents;
    return core::cat({c.section, ": ", what, " (send as PWK with PWK02 ",
                      join(maps_.evidence.documentation().submitted(), ", ", " or "), ")"});
  }

  // ---- the criteria ------------------------------------------------------------------------------

  struct Assessment {
    std::vector<CriterionCheck> checks;
    std::vector<const Criterion*> met;             // exceptions evidenced by coded data, policy order
    std::vector<std::string> met_evidence;         // for sentences: "T88.6XXA (anaphylaxis)"
    std::vector<std::string> non_qualifying;       // "trypanophobia (F40.231)", "pediatrics (age 9)"
    bool pediatric_exception = false;              // parameter pediatric_is_exception and a pediatric member

    [[nodiscard]] bool any_met() const noexcept { return !met.empty() || pediatric_exception; }
    [[nodiscard]] std::string first_section() const {
      return met.empty() ? std::string(kPediatricSection) : met.front()->section;
    }
  };
  static constexpr std::string_view kPediatricSection = "parameter pediatric_is_exception";

  [[nodiscard]] std::vector<DiagnosisHit> diagnoses_in(const std::string& group_id) const {
    std::vector<DiagnosisHit> hits;
    const mapping::EvidenceGroup* g = maps_.evidence.group(group_id);
    if (!g) return hits;
    for (const model::Diagnosis& dx : req_.event.diagnoses) {
      if (!dx.icd10 || !icd10_qualifier(trim(dx.qualifier))) continue;
      if (const mapping::EvidenceCode* row = g->match(*dx.icd10)) hits.push_back({&dx, row});
    }
    return hits;
  }

  static EvidenceItem hi_item(const DiagnosisHit& h) {
    return {"HI", "2000E",
            core::cat({h.dx->qualifier, ":", h.dx->code_text, " (", h.dx->icd10->dotted(), ") ", h.row->reason, ": ", h.row->label}),
            h.dx->at};
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

  [[nodiscard]] CriterionCheck check_history(const Criterion& c, const LineContext& lc) const {
    CriterionCheck k{c.id, c.section, CriterionOutcome::not_assessed, {}, {}};
    if (!lc.line.procedure) return k;
    const auto prior = history_.prior_administrations(member(), lc.line.procedure->value, lc.start.add_days(-1));
    if (!prior) {
      if (notes_) k.note = "could not be assessed: no administration history is available to tell an initial dose or a restart";
      return k;
    }
    std::optional<core::Date> last;
    for (const auto& p : *prior)
      if (p.date < lc.start && (!last || p.date > *last)) last = p.date;
    const int window = policy_.parameters().restart_window_months;
    if (!last) {
      k.outcome = CriterionOutcome::met;
      k.note = core::cat({"no prior administration of ", lc.line.procedure->value.view(), " on record: initial dose"});
    } else if (*last < lc.start.add_months(-window)) {
      k.outcome = CriterionOutcome::met;
      k.note = core::cat({"last administered ", last->iso(), ", more than ", window, " months before ", lc.start.iso(),
                          ": restart after a disruption"});
    } else {
      k.outcome = CriterionOutcome::not_met;
      k.note = core::cat({"last administered ", last->iso(), ", within ", window, " months of ", lc.start.iso(),
                          ": neither initial dose nor restart"});
    }
    return k;
  }

  [[nodiscard]] std::optional<EvidenceItem> pediatric(const LineContext& lc, int* age_out) const {
    // Age at the start of the service (the span start), not at the decision date: the policy is about
    // the member who receives the infusion.
    const model::Person& p = req_.patient();
    if (!p.birth_date) return std::nullopt;
    const int age = core::age_on(p.birth_date->value, lc.start);
    if (age >= policy_.parameters().pediatric_age_under || age < 0) return std::nullopt;
    *age_out = age;
    return EvidenceItem{"DMG", req_.dependent ? "2010D" : "2010C",
                        core::cat({"DMG birth date ", p.birth_date->value.iso(), ": age ", age, " on ", lc.start.iso(),
                                   " (under ", policy_.parameters().pediatric_age_under, ")"}),
                        p.birth_date->at};
  }

  [[nodiscard]] Assessment assess(const LineContext& lc, bool initial) const {
    Assessment a;
    a.checks.reserve(policy_.criteria().size() + 2);  // + the continued-approval row and pediatrics
    const mapping::DrugFlags flags = lc.line.procedure ? policy_.drugs().flags(lc.line.procedure->value) : mapping::DrugFlags{};
    int age = 0;
    const std::optional<EvidenceItem> child = pediatric(lc, &age);
    bool pediatric_recorded = false;

    for (const Criterion& c : policy_.criteria()) {
      CriterionCheck k{c.id, c.section, CriterionOutcome::not_met, {}, {}};
      switch (c.kind) {
        case CriterionKind::exception_group:
          k.outcome = CriterionOutcome::not_assessed;
          if (notes_) k.note = "no coded evidence in a 278 for the availability of a home infusion provider, infusion center, lower-cost "
                   "site or specialty pharmacy; only its sub-criteria are assessed";
          break;
        case CriterionKind::exception:
          switch (c.evidence) {
            case EvidenceKind::drug_flag:
              if (c.flag && flags.has(*c.flag)) {
                k.outcome = CriterionOutcome::met;
                k.evidence.push_back({lc.line.service_segment.empty() ? "SV1" : lc.line.service_segment, "2000F",
                                      core::cat({lc.line.procedure->value.view(), " carries flag ", mapping::to_string(*c.flag),
                                                 " in ", policy_.id()}),
                                      lc.line.procedure->at});
                a.met_evidence.push_back(core::cat({"the ", mapping::to_string(*c.flag), " flag of ", lc.line.procedure->value.view()}));
              } else {
                if (notes_) k.note = core::cat({"the drug row has no ", c.flag ? mapping::to_string(*c.flag) : "", " flag"});
              }
              break;
            case EvidenceKind::history:
              if (!initial) {
                k.outcome = CriterionOutcome::not_assessed;
                if (notes_) k.note = "applies to initial requests only";
                break;
              }
              k = check_history(c, lc);
              if (k.outcome == CriterionOutcome::met) a.met_evidence.push_back(k.note);
              break;
            case EvidenceKind::diagnosis: {
              const auto hits = diagnoses_in(c.evidence_group);
              for (const auto& h : hits) {
                k.evidence.push_back(hi_item(h));
                a.met_evidence.push_back(core::cat({h.dx->icd10->dotted(), " (", h.row->reason, ")"}));
              }
              if (!hits.empty()) k.outcome = CriterionOutcome::met;
              else if (notes_) k.note = core::cat({"no 2000E HI diagnosis in evidence group ", c.evidence_group});
              break;
            }
            case EvidenceKind::none:
              k.outcome = CriterionOutcome::not_assessed;
              if (notes_) k.note = "no coded evidence in a 278; documentation and clinical review only";
              break;
          }
          if (k.outcome == CriterionOutcome::met) {
            a.met.push_back(&c);
            const char* doc = lc.docs.any_submitted ? "coded evidence present; documentation submitted"
                                                    : "coded evidence present; no documentation submitted";
            if (notes_) k.note = k.note.empty() ? std::string(doc) : k.note + "; " + doc;
          }
          break;
        case CriterionKind::non_qualifying: {
          if (c.evidence == EvidenceKind::diagnosis) {
            for (const auto& h : diagnoses_in(c.evidence_group)) {
              k.evidence.push_back(hi_item(h));
              a.non_qualifying.push_back(core::cat({h.row->reason, " (", h.dx->icd10->dotted(), ")"}));
            }
          }
          if (child && !policy_.parameters().pediatric_is_exception && !pediatric_recorded) {
            k.evidence.push_back(*child);
            a.non_qualifying.push_back(core::cat({"pediatrics (age ", age, ")"}));
            pediatric_recorded = true;
          }
          if (!k.evidence.empty()) {
            k.outcome = CriterionOutcome::non_qualifying;
            if (notes_) k.note = "found, but the policy says it does not establish an exception";
          } else {
            if (notes_) k.note = "none found";
          }
          break;
        }
        case CriterionKind::continued_approval:
        case CriterionKind::redirect:
          continue;   // the consequence of the checks, not a check (cited by R3 / R6)
      }
      a.checks.push_back(std::move(k));
    }
    if (child && policy_.parameters().pediatric_is_exception) {
      // A payer whose policy treats pediatrics as an exception (parameter, not GA.PMN.34).
      a.checks.push_back({"pediatrics", std::string(kPediatricSection), CriterionOutcome::met, {*child},
                          "the policy treats a pediatric member as an exception"});
      a.pediatric_exception = true;
      a.met_evidence.push_back(core::cat({"pediatrics (age ", age, ")"}));
    } else if (child && !pediatric_recorded) {
      a.checks.push_back({"pediatrics", "parameter pediatric_age_under", CriterionOutcome::non_qualifying, {*child},
                          "a pediatric member is not an exception under this policy"});
      a.non_qualifying.push_back(core::cat({"pediatrics (age ", age, ")"}));
    }
    return a;
  }

  [[nodiscard]] std::string docs_phrase(const LineContext& lc) const { return join(lc.docs.submitted, ", ", " and "); }

  [[nodiscard]] std::vector<SiteClass> redirect_sites(mapping::DrugFlags flags, bool* certified) const {
    // Appendix B notes narrow where the drug may go; otherwise the policy's preferred order.
    *certified = flags.has(DrugFlag::certified_facility_required);
    if (*certified || flags.has(DrugFlag::first_visit_at_infusion_suite)) return {SiteClass::infusion_suite_or_office};
    return policy_.parameters().preferred_sites;
  }

  [[nodiscard]] std::string redirect_target_phrase(const std::vector<SiteClass>& to, bool certified, mapping::DrugFlags flags) const {
    if (certified) return "a certified infusion facility (infusion suite/office)";
    if (flags.has(DrugFlag::first_visit_at_infusion_suite)) return "an ambulatory infusion suite for the first visit";
    return site_phrase(to);
  }

  // ---- one drug (or unknown) line --------------------------------------------------------------

  [[nodiscard]] LineDecision decide_line(const model::ServiceLine& line, std::size_t index) const {
    LineContext lc = context_for(line);
    LineDecision d = base(lc, index);
    const std::string& pid = policy_.id();
    const std::string um04 = um04_text(lc.site);

    // R1: the drug must be on the policy's list.
    if (!line.procedure || !policy_.drugs().contains(line.procedure->value)) {
      pend(d, codes_.hcr03_pend_not_listed, "R1.not_listed", "Appendix B");
      d.explanation.sentence =
          line.procedure
              ? core::cat({"Pended for standard clinical review: ", line.procedure->value.view(), " is not in the ", pid,
                           " drug list (Appendix B), so the policy cannot decide its site of care."})
              : core::cat({"Pended for standard clinical review: the service line carries no readable HCPCS/CPT code ('",
                           line.procedure_text, "'), so ", pid, " cannot decide its site of care."});
      return d;
    }
    const model::Hcpcs& code = line.procedure->value;
    const mapping::DrugFlags flags = policy_.drugs().flags(code);
    const mapping::Drug* drug = policy_.drugs().find(code);

    // R0: appeals, reconsiderations and cancellations go to a person, whatever the site.
    if (review_kind(lc.um02) == ReviewKind::not_automated) {
      pend(d, codes_.hcr03_pend_clinical_review, "R0.review_type", "Policy/Criteria");
      d.explanation.sentence = core::cat({"Pended for clinical review: UM02 '", trim(lc.um02), "' (", um02_meaning(lc.um02),
                                          ") is not decided automatically under ", pid, "."});
      return d;
    }

    // R2: the requested site.
    const std::string exception_section = section_of(CriterionKind::exception_group, "I.A.1");
    if (lc.site.loop.empty()) {
      pend(d, codes_.hcr03_pend_site, "R2.site_missing", "Description");
      d.documents_needed.push_back("UM04: the requested place of service (qualifier B) or bill type (qualifier A)");
      d.explanation.sentence = "Pended: neither the service line nor the event carries a UM04 site, so the site of care cannot "
                               "be assessed.";
      return d;
    }
    if (!lc.site.site_class) {
      pend(d, codes_.hcr03_pend_site, "R2.site_unknown", "Description");
      d.documents_needed.push_back("UM04: a listed place of service (qualifier B) or bill type (qualifier A)");
      d.explanation.sentence =
          lc.site.qualifier == model::SiteQualifier::none
              ? core::cat(
                    {"Pended: UM04 '", lc.site.code,
                     "' has no UM04-2 qualifier (A bill type, B place of service), so the site of care cannot be assessed."})
              : core::cat({"Pended: UM04 ", um04, " is not a listed ",
                           lc.site.qualifier == model::SiteQualifier::bill_type ? "bill type" : "place of service",
                           ", so the site of care cannot be assessed."});
      return d;
    }
    const SiteClass site = *lc.site.site_class;
    const auto& preferred = policy_.parameters().preferred_sites;
    const bool lower_cost = std::find(preferred.begin(), preferred.end(), site) != preferred.end();
    if (site == SiteClass::out_of_scope || (!lower_cost && site != SiteClass::hospital_outpatient)) {
      pend(d, codes_.hcr03_pend_site, "R2.site_out_of_scope", "Description");
      d.explanation.sentence = core::cat({"Pended for clinical review: ", lc.site.name, " (", um04, ") is not a site ", pid,
                                          " decides between (hospital outpatient or ", site_phrase(preferred), ")."});
      return d;
    }
    if (lower_cost) {
      if (site == SiteClass::home && flags.has(DrugFlag::certified_facility_required)) {
        // Appendix B note "Facility must be certified" (natalizumab): home is not a facility.
        redirect(d, lc, "R2.certified_facility_required", "Appendix B", {SiteClass::infusion_suite_or_office}, true);
        d.explanation.sentence =
            core::cat({"Redirected from home (", um04, ") to a certified infusion facility: ", code.view(), " (", drug->generic,
                       ") must be given at a certified facility (", pid, " Appendix B note: \"", drug->note, "\")."});
        return d;
      }
      if (site == SiteClass::home && flags.has(DrugFlag::first_visit_at_infusion_suite)) {
        // Appendix B note "1st visit in AIS" (rituximab): only history can tell a first visit.
        CriterionCheck k{"Appendix B", "Appendix B", CriterionOutcome::not_assessed, {}, {}};
        const auto prior = history_.prior_administrations(member(), code, lc.start.add_days(-1));
        if (prior && prior->empty()) {
          k.outcome = CriterionOutcome::met;
          k.note = core::cat({"no prior administration of ", code.view(), " on record: this is the first visit"});
          d.explanation.criteria.push_back(k);
          redirect(d, lc, "R2.first_visit_at_infusion_suite", "Appendix B", {SiteClass::infusion_suite_or_office}, false);
          d.explanation.sentence = core::cat(
              {"Redirected from home (", um04, ") to an ambulatory infusion suite: the first visit of ", code.view(), " (",
               drug->generic, ") belongs at an infusion suite (", pid, " Appendix B note: \"", drug->note, "\")."});
          return d;
        }
        if (notes_) k.note = prior ? "prior administrations on record: not the first visit"
                       : "could not be assessed: no administration history is available to tell the first visit";
        d.explanation.criteria.push_back(k);
      }
      approve(d, lc, "R2.lower_cost_site", "Description");
      d.explanation.sentence = core::cat({"Approved at the requested ", mapping::describe(site), " site (", um04,
                                          "), a lower-cost site of care under ", pid, " (Description), from ",
                                          d.approved_span->first.iso(), " to ", d.approved_span->last.iso(), "."});
      if (flags.has(DrugFlag::certified_facility_required))
        d.explanation.sentence += " The facility must be certified for this drug (Appendix B note); a 278 cannot show that.";
      return d;
    }

    // Hospital outpatient from here on.
    bool certified = false;
    const std::vector<SiteClass> to = redirect_sites(flags, &certified);
    const std::string to_phrase = redirect_target_phrase(to, certified, flags);
    const std::string redirect_section = section_of(CriterionKind::redirect, "III.A");

    if (review_kind(lc.um02) == ReviewKind::continued) {
      // R3: GA.PMN.34 II.A - continuing at a hospital needs records to reassess the site.
      const Criterion* cont = policy_.first_of_kind(CriterionKind::continued_approval);
      const std::string cont_section = cont ? cont->section : "II.A";
      Assessment a = assess(lc, false);
      CriterionCheck rec{cont ? cont->id : "II.A", cont_section,
                         lc.docs.any_submitted ? CriterionOutcome::met : CriterionOutcome::not_met, {}, {}};
      for (const auto& item : lc.docs.items) rec.evidence.push_back(item);
      if (notes_) rec.note = lc.docs.any_submitted ? "records submitted" : "no medical or infusion records submitted";
      a.checks.insert(a.checks.begin(), std::move(rec));
      d.explanation.criteria = std::move(a.checks);
      d.non_qualifying = a.non_qualifying;
      const std::string kind = std::string(um02_meaning(lc.um02));
      if (!lc.docs.any_submitted) {
        std::vector<std::string> need;
        if (cont) need.push_back(documents_for(*cont));
        pend(d, codes_.hcr03_pend_documentation, "R3.records_needed", cont_section, std::move(need));
        d.explanation.sentence = core::cat({"Pended: a ", kind, " at hospital outpatient (", um04,
                                            ") needs submitted medical or infusion records to reassess the site of care (", pid,
                                            " ", cont_section, ")."});
        return d;
      }
      if (a.any_met()) {
        approve(d, lc, "R3.continued_with_exception", cont_section);
        d.explanation.sentence = core::cat({"Approved continued hospital outpatient infusion (", um04, ") under ", pid, " ",
                                            cont_section, ": records submitted (", docs_phrase(lc), ") and ", a.first_section(),
                                            " evidenced by ", join(a.met_evidence, ", ", " and "), "."});
        return d;
      }
      pend(d, codes_.hcr03_pend_clinical_review, "R3.records_review", cont_section);
      d.explanation.sentence = core::cat({"Pended for clinical review: records were submitted (", docs_phrase(lc), ") for ",
                                          kind == "extension" ? "an" : "a", " ", kind, " at hospital outpatient (", um04,
                                          "), but no coded exception supports continuing there (", pid, " ", cont_section, ")."});
      return d;
    }

    // R4..R6: initial request at hospital outpatient (GA.PMN.34 I.A.1).
    Assessment a = assess(lc, true);
    d.explanation.criteria = std::move(a.checks);
    d.non_qualifying = a.non_qualifying;
    const std::string nonq = a.non_qualifying.empty()
                                 ? std::string()
                                 : core::cat({" (", join(a.non_qualifying, ", ", " and "), " ",
                                              a.non_qualifying.size() == 1 ? "is" : "are", " non-qualifying)"});
    if (a.any_met()) {
      // The Policy/Criteria preamble ("Provider must submit documentation ... supporting that member has met all
      // approval criteria") applies to every exception, I.A.1.a and I.A.1.b included, not only to the rows marked
      // documentation: required.
      const std::string section = a.first_section();
      if (lc.docs.any_submitted) {
        approve(d, lc, "R4.documented_exception", section);
        d.explanation.sentence =
            core::cat({"Approved at the requested hospital outpatient site (", um04, ") under ", pid, " ", section, ": ",
                       join(a.met_evidence, ", ", " and "), " with submitted documentation (", docs_phrase(lc), ")."});
        return d;
      }
      std::vector<std::string> need;
      for (const Criterion* c : a.met) need.push_back(documents_for(*c));
      if (a.pediatric_exception)
        need.push_back(core::cat(
            {kPediatricSection,
             ": clinical documentation supporting infusion at the hospital for a pediatric member (send as PWK with PWK02 ",
             join(maps_.evidence.documentation().submitted(), ", ", " or "), ")"}));
      pend(d, codes_.hcr03_pend_documentation, "R4.exception_needs_documentation", section, std::move(need));
      d.explanation.sentence =
          core::cat({"Pended: ", pid, " ", section, " is evidenced by ", join(a.met_evidence, ", ", " and "),
                     ", but no documentation was submitted (no PWK, or PWK02 ",
                     join(maps_.evidence.documentation().not_submitted(), ", ", " or "), "); send the documents listed."});
      return d;
    }
    if (lc.docs.any_submitted) {
      // R5: documentation announced but nothing coded shows an exception.
      if (policy_.parameters().documentation_without_evidence == mapping::DocumentationWithoutEvidence::redirect) {
        redirect(d, lc, "R5.documentation_redirect", redirect_section, to, certified);
        d.explanation.sentence =
            core::cat({"Redirected from hospital outpatient (", um04, ") to ", to_phrase, " under ", pid, " ", redirect_section,
                       ": documentation was submitted (", docs_phrase(lc), ") but no I.A.1 exception is evidenced", nonq, "."});
        return d;
      }
      pend(d, codes_.hcr03_pend_clinical_review, "R5.documentation_review", exception_section);
      d.explanation.sentence =
          core::cat({"Pended for clinical review: documentation was submitted (", docs_phrase(lc), ") for hospital outpatient (",
                     um04, "), but no coded ", pid, " ", exception_section, " exception was found", nonq, "."});
      return d;
    }
    // R6: no exception and no documentation (or only non-qualifying reasons).
    redirect(d, lc, a.non_qualifying.empty() ? "R6.no_exception" : "R6.non_qualifying", redirect_section, to, certified);
    d.explanation.sentence =
        core::cat({"Redirected from hospital outpatient (", um04, ") to ", to_phrase, " under ", pid, " ", redirect_section,
                   ": no ", exception_section, " exception is evidenced and no documentation was submitted", nonq, "."});
    return d;
  }

  // ---- administration code lines -----------------------------------------------------------

  [[nodiscard]] LineDecision decide_administration(const model::ServiceLine& line, std::size_t index, const LineDecision* drug,
                                                   const model::ServiceLine* drug_line) const {
    LineContext lc = context_for(line);
    LineDecision d = base(lc, index);
    const std::string_view code = line.procedure->value.view();
    if (!drug) {
      pend(d, codes_.hcr03_pend_not_listed, "R1.administration_without_drug", "Appendix B");
      d.explanation.sentence = core::cat({"Pended for standard clinical review: administration code ", code, " has no ",
                                          policy_.id(), " listed drug line in this request to follow."});
      return d;
    }
    // Follows the drug line's decision in full (outcome, codes, site, span, documents), so the 2000F loops
    // of one event never disagree.
    d.outcome = drug->outcome;
    d.hcr01 = drug->hcr01;
    d.hcr03 = drug->hcr03;
    d.redirect_to = drug->redirect_to;
    d.certified_facility = drug->certified_facility;
    d.authorized_site = drug->authorized_site;
    d.approved_span = drug->approved_span;
    d.documents_needed = drug->documents_needed;
    d.non_qualifying = drug->non_qualifying;
    d.explanation.criteria = drug->explanation.criteria;
    set_rule(d, "R1.administration_follows_drug", drug->section);
    d.explanation.facts.push_back({"HL", "2000F", core::cat({"follows line ", drug->line_number, " (", drug->hcpcs, "): ", drug->rule_id}),
                                   drug_line ? drug_line->at : core::SourcePosition{}});
    d.explanation.sentence =
        core::cat({"Administration code ", code, " follows the decision on line ", drug->line_number, " (", drug->hcpcs, ", ",
                   to_string(drug->outcome), " ", drug->policy_id, " ", drug->section, "): ", drug->explanation.sentence});
    return d;
  }
};

}  // namespace

RoutingResult route(const model::AuthorizationRequest& request, const mapping::MappingSet& mappings) {
  RoutingResult r;
  const std::string_view isa08 = trim(request.envelope.isa_receiver);
  const std::string_view gs03 = trim(request.envelope.gs_receiver);
  const std::string_view umo = trim(request.umo.id.value);
  if (const auto m = mappings.routing.match(isa08, gs03, umo)) {
    r.policy = mappings.policy(m->route->policy);
    if (r.policy) {
      r.policy_id = r.policy->id();
      r.matched_by = std::string(mapping::to_string(m->key));
      r.matched_value = m->value;
      return r;
    }
  }
  // routing.yaml default_action: pend (the only action the loader accepts).
  r.default_outcome = Outcome::pend;
  r.hcr01 = mappings.decision_codes.hcr01_pend;
  r.hcr03 = mappings.decision_codes.hcr03_pend_unknown_payer;
  r.reason = core::cat({"no route in routing.yaml matches ISA08 '", isa08, "', GS03 '", gs03, "' or 2010A NM109 '", umo,
                        "'; pended for review (routing.yaml default_action)"});
  return r;
}

std::vector<LineDecision> evaluate(const model::AuthorizationRequest& request, const mapping::Policy& policy,
                                   const mapping::MappingSet& mappings, const History& history,
                                   const EvaluationContext& context) {
  if (request.lines.empty()) return {};
  return Evaluator(request, policy, mappings, history, context).run();
}

std::vector<LineDecision> pend_unrouted(const model::AuthorizationRequest& request, const RoutingResult& routing,
                                        const mapping::MappingSet& mappings) {
  std::vector<LineDecision> out;
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    const model::ServiceLine& line = request.lines[i];
    LineDecision d;
    d.line_number = line.line_number ? line.line_number : static_cast<std::uint32_t>(i + 1);
    d.hcpcs = line.procedure ? line.procedure->value.str() : line.procedure_text;
    const model::RequestedSite* site = line.review && line.review->site ? &*line.review->site
                                       : request.event.review.site   ? &*request.event.review.site
                                                                     : nullptr;
    if (site) {
      d.requested_site.code = std::string(trim(site->code));
      d.requested_site.qualifier = site->qualifier;
      d.requested_site.loop = line.review && line.review->site ? "2000F" : "2000E";
      d.requested_site.at = site->at;
      if (const auto* row = mappings.sites.classify(*site)) {
        d.requested_site.site_class = row->site_class;
        d.requested_site.name = row->name;
      }
    }
    d.outcome = Outcome::pend;
    d.hcr01 = routing.hcr01.empty() ? mappings.decision_codes.hcr01_pend : routing.hcr01;
    d.hcr03 = routing.hcr03.empty() ? mappings.decision_codes.hcr03_pend_unknown_payer : routing.hcr03;
    d.rule_id = "R0.unknown_payer";
    d.section = "routing.yaml";
    d.explanation.rule = d.rule_id;
    d.explanation.section = d.section;
    d.explanation.sentence = "Pended: " + routing.reason + ".";
    out.push_back(std::move(d));
  }
  return out;
}

Decisions decide(const model::AuthorizationRequest& request, const mapping::MappingSet& mappings, const History& history,
                 const EvaluationContext& context) {
  Decisions out;
  out.routing = route(request, mappings);
  out.lines = out.routing.routed() ? evaluate(request, *out.routing.policy, mappings, history, context)
                                   : pend_unrouted(request, out.routing, mappings);
  return out;
}

}  // namespace soc278::soc

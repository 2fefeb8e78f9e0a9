// The evaluator decides one service line: a drug (or unknown) line, a cancellation (UM02 3) and
// an administration code line (docs/decisions.md sections 3 and 4).
#include "soc/evaluator.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace soc278::soc::evaluation {

void Evaluator::decide_line(LineWriter& w, const model::ServiceLine& line, std::size_t index, const mapping::DrugTable::Listing& listing) const {
  LineDecision& d = w.d;
  const LineContext lc = begin(w, line, index, listing);
  const std::string& pid = policy_.id();
  const std::string& um04 = lc.um04;
  std::string& sentence = d.explanation.sentence;

  // R1: the drug must be on the policy's list.
  if (!lc.drug) {
    pend(d, codes_.hcr03_pend_not_listed, "R1.not_listed", "Appendix B");
    if (line.procedure) {
      add(sentence, {"Pended for standard clinical review: ", line.procedure->value.view(), " is not in the ", pid,
                        " drug list (Appendix B), so the policy cannot decide its site of care."});
    } else {
      add(sentence, {"Pended for standard clinical review: the service line carries no readable HCPCS/CPT code ('",
                        line.procedure_text, "'), so ", pid, " cannot decide its site of care."});
    }
    return;
  }
  const model::Hcpcs& code = line.procedure->value;
  const mapping::DrugFlags flags = lc.flags;
  const mapping::Drug* drug = lc.drug;

  // R0: appeals, reconsiderations and cancellations go to a person, whatever the site.
  const ReviewKind review = review_kind(lc.um02);
  if (review == ReviewKind::not_automated) {
    pend(d, codes_.hcr03_pend_clinical_review, "R0.review_type", "Policy/Criteria");
    add(sentence, {"Pended for clinical review: UM02 '", trim(lc.um02), "' (", um02_meaning(lc.um02),
                      ") is not decided automatically under ", pid, "."});
    return;
  }

  // R2: the requested site.
  const SiteRequest& requested = d.requested_site;
  const std::string_view exception_section = section_of(CriterionKind::exception_group, "I.A.1");
  if (requested.loop.empty()) {
    pend(d, codes_.hcr03_pend_site, "R2.site_missing", "Description");
    w.document() = "UM04: the requested place of service (qualifier B) or bill type (qualifier A)";
    sentence = "Pended: neither the service line nor the event carries a UM04 site, so the site of care cannot be assessed.";
    return;
  }
  if (!requested.site_class) {
    pend(d, codes_.hcr03_pend_site, "R2.site_unknown", "Description");
    w.document() = "UM04: a listed place of service (qualifier B) or bill type (qualifier A)";
    if (requested.qualifier == model::SiteQualifier::none) {
      add(sentence, {"Pended: UM04 '", requested.code,
                        "' has no UM04-2 qualifier (A bill type, B place of service), so the site of care cannot be assessed."});
    } else {
      add(sentence, {"Pended: UM04 ", um04, " is not a listed ",
                        requested.qualifier == model::SiteQualifier::bill_type ? "bill type" : "place of service",
                        ", so the site of care cannot be assessed."});
    }
    return;
  }
  const SiteClass site = *requested.site_class;
  const auto& preferred = policy_.parameters().preferred_sites;
  const bool lower_cost = std::find(preferred.begin(), preferred.end(), site) != preferred.end();
  if (site == SiteClass::out_of_scope || (!lower_cost && site != SiteClass::hospital_outpatient)) {
    pend(d, codes_.hcr03_pend_site, "R2.site_out_of_scope", "Description");
    add(sentence, {"Pended for clinical review: ", requested.name, " (", um04, ") is not a site ", pid,
                      " decides between (hospital outpatient or "});
    append_site_phrase(sentence, preferred);
    sentence += ").";
    return;
  }
  if (lower_cost) {
    if (site == SiteClass::home && flags.has(DrugFlag::certified_facility_required)) {
      // Appendix B note "Facility must be certified" (natalizumab): home is not a facility.
      redirect(d, lc, "R2.certified_facility_required", "Appendix B", kInfusionSuiteOnly, true);
      add(sentence, {"Redirected from home (", um04, ") to a certified infusion facility: ", code.view(), " (", drug->generic,
                        ") must be given at a certified facility (", pid, " Appendix B note"});
      append_note(sentence, lc, DrugFlag::certified_facility_required);
      sentence += ").";
      return;
    }
    if (site == SiteClass::home && flags.has(DrugFlag::first_visit_at_infusion_suite)) {
      // Appendix B note "1st visit in AIS" (rituximab): only history can tell a first visit.
      CriterionCheck& k = w.check("Appendix B", "Appendix B", CriterionOutcome::not_assessed);
      const auto prior = history_.prior_administrations(member(), code, lc.start.add_days(-1));
      if (prior && prior->empty()) {
        k.outcome = CriterionOutcome::met;
        put(k.note, {"no prior administration of ", code.view(), " on record: this is the first visit"});
        redirect(d, lc, "R2.first_visit_at_infusion_suite", "Appendix B", kInfusionSuiteOnly, false);
        add(sentence, {"Redirected from home (", um04, ") to an ambulatory infusion suite: the first visit of ", code.view(), " (",
                          drug->generic, ") belongs at an infusion suite (", pid, " Appendix B note"});
        append_note(sentence, lc, DrugFlag::first_visit_at_infusion_suite);
        sentence += ").";
        return;
      }
      if (notes_) k.note = prior ? "prior administrations on record: not the first visit"
                     : "could not be assessed: no administration history is available to tell the first visit";
    }
    approve(d, lc, "R2.lower_cost_site", "Description");
    add(sentence, {"Approved at the requested ", mapping::describe(site), " site (", um04, "), a lower-cost site of care under ", pid,
                      " (Description), from ", IsoText(d.approved_span->first).view(), " to ", IsoText(d.approved_span->last).view(), "."});
    if (flags.has(DrugFlag::certified_facility_required))
      sentence += " The facility must be certified for this drug (Appendix B note); a 278 cannot show that.";
    return;
  }

  // Hospital outpatient from here on.
  bool certified = false;
  const std::span<const SiteClass> to = redirect_sites(flags, &certified);
  const std::string_view redirect_section = section_of(CriterionKind::redirect, "III.A");

  if (review == ReviewKind::continued) {
    // R3: GA.PMN.34 II.A - continuing at a hospital needs records to reassess the site.
    const Criterion* cont = policy_.first_of_kind(CriterionKind::continued_approval);
    const std::string_view cont_section = cont ? std::string_view(cont->section) : "II.A";
    CriterionCheck& rec = w.check(cont ? std::string_view(cont->id) : "II.A", cont_section,
                                  lc.any_submitted() ? CriterionOutcome::met : CriterionOutcome::not_met);
    for (std::size_t i = 0; i < lc.pwk_count; ++i)
      w.copy_evidence(w.detail() ? d.explanation.facts[lc.first_pwk + i] : EvidenceItem{});
    if (notes_) rec.note = lc.any_submitted() ? "records submitted"
                           : lc.any_sent()    ? "records sent, not yet received"
                                              : "no medical or infusion records submitted";
    const Assessment a = assess(w, lc, false);
    const std::string_view kind = um02_meaning(lc.um02);
    if (!lc.any_sent()) {
      if (cont) add_documents_for(w, *cont);
      pend(d, codes_.hcr03_pend_documentation, "R3.records_needed", cont_section);
      // "an extension", "a renewal": um02_meaning() gives the noun.
      const bool vowel = !kind.empty() && std::string_view("aeiou").find(kind.front()) != std::string_view::npos;
      add(sentence, {vowel ? "Pended: an " : "Pended: a ", kind, " at hospital outpatient (", um04,
                        ") needs submitted medical or infusion records to reassess the site of care (", pid, " ", cont_section, ")."});
      return;
    }
    if (a.any_met() && !lc.any_submitted()) {
      // The records are on their way (fax, mail): wait for them, and do not ask for them again.
      pend(d, codes_.hcr03_pend_documentation, "R3.records_awaited", cont_section);
      add(sentence, {"Pended: ", a.first_section(), " is evidenced by "});
      append_joined(sentence, met_evidence(), ", ", " and ");
      add(sentence, {" for continued hospital outpatient infusion (", um04, "), and the records were sent ("});
      append_docs_phrase(sentence, lc, true);
      add(sentence, {") but not yet received; nothing more needs to be sent: ", pid, " ", cont_section,
                        " is decided once they arrive."});
      return;
    }
    if (a.any_met()) {
      approve(d, lc, "R3.continued_with_exception", cont_section);
      add(sentence, {"Approved continued hospital outpatient infusion (", um04, ") under ", pid, " ", cont_section,
                        ": records submitted ("});
      append_docs_phrase(sentence, lc);
      add(sentence, {") and ", a.first_section(), " evidenced by "});
      append_joined(sentence, met_evidence(), ", ", " and ");
      sentence += '.';
      return;
    }
    pend(d, codes_.hcr03_pend_clinical_review, "R3.records_review", cont_section);
    sentence += "Pended for clinical review: records were submitted (";
    append_docs_phrase(sentence, lc, !lc.any_submitted());
    add(sentence, {") for ", kind == "extension" ? "an" : "a", " ", kind, " at hospital outpatient (", um04,
                      "), but no coded exception supports continuing there (", pid, " ", cont_section, ")."});
    return;
  }

  // R4..R6: initial request at hospital outpatient (GA.PMN.34 I.A.1).
  const Assessment a = assess(w, lc, true);
  if (a.any_met()) {
    // The Policy/Criteria preamble ("Provider must submit documentation ... supporting that member has met all
    // approval criteria") applies to every exception, I.A.1.a and I.A.1.b included, not only to the rows marked
    // documentation: required.
    const std::string_view section = a.first_section();
    if (lc.any_submitted()) {
      approve(d, lc, "R4.documented_exception", section);
      add(sentence, {"Approved at the requested hospital outpatient site (", um04, ") under ", pid, " ", section, ": "});
      append_joined(sentence, met_evidence(), ", ", " and ");
      sentence += " with submitted documentation (";
      append_docs_phrase(sentence, lc);
      sentence += ").";
      return;
    }
    if (lc.any_sent()) {
      // Documentation announced on paper and not yet received: wait for it, and do not ask for it again.
      pend(d, codes_.hcr03_pend_documentation, "R4.documentation_awaited", section);
      add(sentence, {"Pended: ", pid, " ", section, " is evidenced by "});
      append_joined(sentence, met_evidence(), ", ", " and ");
      sentence += ", and documentation was sent (";
      append_docs_phrase(sentence, lc, true);
      add(sentence, {") but not yet received (", pid, " approves on documentation received); nothing more needs to be sent."});
      return;
    }
    for (const Criterion* c : s_.met) add_documents_for(w, *c);
    if (a.pediatric_exception) {
      std::string& t = w.document();
      add(t, {kPediatricSection, ": clinical documentation supporting infusion at the hospital for a pediatric member"});
      append_send_as_pwk(t);
    }
    pend(d, codes_.hcr03_pend_documentation, "R4.exception_needs_documentation", section);
    add(sentence, {"Pended: ", pid, " ", section, " is evidenced by "});
    append_joined(sentence, met_evidence(), ", ", " and ");
    sentence += ", but no documentation was submitted (no PWK, or PWK02 ";
    append_joined(sentence, maps_.evidence.documentation().not_submitted(), ", ", " or ");
    sentence += "); send the documents listed.";
    return;
  }
  if (lc.any_sent()) {
    // R5: documentation announced but nothing coded shows an exception.
    if (policy_.parameters().documentation_without_evidence == mapping::DocumentationWithoutEvidence::redirect) {
      redirect(d, lc, "R5.documentation_redirect", redirect_section, to, certified);
      add(sentence, {"Redirected from hospital outpatient (", um04, ") to "});
      append_redirect_target(sentence, to, certified, flags);
      add(sentence, {" under ", pid, " ", redirect_section, ": documentation was submitted ("});
      append_docs_phrase(sentence, lc, !lc.any_submitted());
      sentence += ") but no I.A.1 exception is evidenced";
      append_non_qualifying(sentence, w.non_qualifying_so_far());
      sentence += '.';
      return;
    }
    pend(d, codes_.hcr03_pend_clinical_review, "R5.documentation_review", exception_section);
    sentence += "Pended for clinical review: documentation was submitted (";
    append_docs_phrase(sentence, lc, !lc.any_submitted());
    add(sentence, {") for hospital outpatient (", um04, "), but no coded ", pid, " ", exception_section, " exception was found"});
    append_non_qualifying(sentence, w.non_qualifying_so_far());
    sentence += '.';
    return;
  }
  // R6: no exception and no documentation (or only non-qualifying reasons).
  redirect(d, lc, w.non_qualifying_so_far().empty() ? "R6.no_exception" : "R6.non_qualifying", redirect_section, to, certified);
  add(sentence, {"Redirected from hospital outpatient (", um04, ") to "});
  append_redirect_target(sentence, to, certified, flags);
  add(sentence, {" under ", pid, " ", redirect_section, ": no ", exception_section,
                    " exception is evidenced and no documentation was submitted"});
  append_non_qualifying(sentence, w.non_qualifying_so_far());
  sentence += '.';
}

void Evaluator::decide_cancel(LineWriter& w, const model::ServiceLine& line, std::size_t index, const mapping::DrugTable::Listing& listing) const {
  LineDecision& d = w.d;
  (void)begin(w, line, index, listing, /*for_rules=*/false);
  d.outcome = Outcome::cancel;
  set(d.hcr01, codes_.hcr01_cancel);
  set(d.hcr03, codes_.hcr03_cancel);
  set_rule(d, "R0.cancel", "UM02");
  const std::string& previous = !line.previous_authorization.empty() ? line.previous_authorization : req_.event.previous_authorization;
  d.explanation.sentence += "Cancelled as requested: UM02 '3' (cancel) asks to cancel ";
  if (previous.empty()) {
    d.explanation.sentence += "this request";
  } else {
    add(d.explanation.sentence, {"certification ", previous, " (REF*BB)"});
  }
  add(d.explanation.sentence, {"; the cancellation is confirmed and nothing is certified for ", d.hcpcs, "."});
}

void Evaluator::decide_administration(LineWriter& w, const model::ServiceLine& line, std::size_t index, const LineDecision* drug,
                           const model::ServiceLine* drug_line) const {
  LineDecision& d = w.d;
  // Not a listed drug (that is what made it an administration line): no drug row, no flags.
  (void)begin(w, line, index, mapping::DrugTable::Listing{}, /*for_rules=*/false);
  const std::string_view code = line.procedure->value.view();
  std::string& sentence = d.explanation.sentence;
  if (!drug) {
    pend(d, codes_.hcr03_pend_not_listed, "R1.administration_without_drug", "Appendix B");
    add(sentence, {"Pended for standard clinical review: administration code ", code,
                      " has no drug line in this request to follow (", policy_.id(), ")."});
    return;
  }
  // Never certified at a site where its drug was not: an administration line asking for another setting
  // than its drug line (its own 2000F UM04) goes to review.
  if (certifies(drug->outcome) && d.requested_site.site_class != drug->requested_site.site_class) {
    pend(d, codes_.hcr03_pend_site, "R1.administration_site_differs", "Description");
    std::string um04;
    um04_text(d.requested_site, um04);
    add(sentence, {"Pended for clinical review: administration code ", code, " asks for ", um04.empty() ? std::string_view("no site") : std::string_view(um04),
                      ", but the drug it administers (line ", drug->line_number, ", ", drug->hcpcs, ") was decided for ",
                      drug->requested_site.code, " (", to_string(drug->outcome), "); an administration is never certified where its drug is not."});
    return;
  }
  // Follows the drug line's decision in full (outcome, codes, site, span, documents), so the 2000F loops
  // of one event never disagree.
  d.outcome = drug->outcome;
  set(d.hcr01, drug->hcr01);
  set(d.hcr03, drug->hcr03);
  d.redirect_to = drug->redirect_to;
  d.certified_facility = drug->certified_facility;
  d.authorized_site = drug->authorized_site;
  d.approved_span = drug->approved_span;
  d.requested_end = drug->requested_end;
  for (const std::string& t : drug->documents_needed) w.copy_document(t);
  for (const std::string& t : drug->non_qualifying) w.copy_non_qualifying(t);
  for (const CriterionCheck& from : drug->explanation.criteria) {
    CriterionCheck& k = w.check(from.criterion_id, from.section, from.outcome);
    for (const EvidenceItem& e : from.evidence) w.copy_evidence(e);
    set(k.note, from.note);
  }
  set_rule(d, "R1.administration_follows_drug", drug->section);
  std::string& fact = w.fact("HL", "2000F", drug_line ? drug_line->at : core::SourcePosition{}).text;
  if (texts_) add(fact, {"follows line ", drug->line_number, " (", drug->hcpcs, "): ", drug->rule_id});
  add(sentence, {"Administration code ", code, " follows the decision on line ", drug->line_number, " (", drug->hcpcs, ", ",
                    to_string(drug->outcome), " ", drug->policy_id, " ", drug->section, "): ", drug->explanation.sentence});
}

}  // namespace soc278::soc::evaluation

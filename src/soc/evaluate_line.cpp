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
  const mapping::PolicySections& sections = policy_.info().sections;
  std::string& sentence = d.explanation.sentence;

  // R1: the drug must be on the policy's list.
  if (!lc.drug) {
    pend(d, codes_.hcr03_pend_not_listed, "R1.not_listed", sections.drug_list);
    words(line.procedure ? Phrase::not_listed : Phrase::not_listed_unreadable, d).set(Slot::procedure, line.procedure_text).into(sentence);
    return;
  }
  const model::Hcpcs& code = line.procedure->value;
  const mapping::DrugFlags flags = lc.flags;
  const mapping::Drug* drug = lc.drug;

  // R0: appeals, reconsiderations and cancellations go to a person, whatever the site.
  const ReviewKind review = review_kind(lc.um02);
  if (review == ReviewKind::not_automated) {
    pend(d, codes_.hcr03_pend_clinical_review, "R0.review_type", sections.review_type);
    words(Phrase::review_type, d).set(Slot::um02, trim(lc.um02)).set(Slot::review, um02_meaning(lc.um02)).into(sentence);
    return;
  }

  // R2: the requested site.
  const SiteRequest& requested = d.requested_site;
  const std::string_view exception_section = section_of(CriterionKind::exception_group);
  if (requested.loop.empty()) {
    pend(d, codes_.hcr03_pend_site, "R2.site_missing", sections.site);
    words(Phrase::document_site_missing, d).into(w.document());
    words(Phrase::site_missing, d).into(sentence);
    return;
  }
  if (!requested.site_class) {
    pend(d, codes_.hcr03_pend_site, "R2.site_unknown", sections.site);
    words(Phrase::document_site_unknown, d).into(w.document());
    const Phrase p = requested.qualifier == model::SiteQualifier::none        ? Phrase::site_unknown_no_qualifier
                     : requested.qualifier == model::SiteQualifier::bill_type ? Phrase::site_unknown_bill_type
                                                                              : Phrase::site_unknown_place_of_service;
    words(p, d, &lc).set(Slot::site_code, requested.code).into(sentence);
    return;
  }
  const SiteClass site = *requested.site_class;
  const auto& preferred = policy_.parameters().preferred_sites;
  const bool lower_cost = std::find(preferred.begin(), preferred.end(), site) != preferred.end();
  if (site == SiteClass::out_of_scope || (!lower_cost && site != SiteClass::hospital_outpatient)) {
    pend(d, codes_.hcr03_pend_site, "R2.site_out_of_scope", sections.site);
    words(Phrase::site_out_of_scope, d, &lc)
        .set(Slot::site_name, requested.name)
        .build(Slot::preferred_sites, [&](std::string& b) { append_site_phrase(b, preferred); })
        .into(sentence);
    return;
  }
  if (lower_cost) {
    if (site == SiteClass::home && flags.has(DrugFlag::certified_facility_required)) {
      // Appendix B note "Facility must be certified" (natalizumab): home is not a facility.
      redirect(d, lc, "R2.certified_facility_required", sections.drug_list, kInfusionSuiteOnly, true);
      words(Phrase::certified_facility_required, d, &lc)
          .set(Slot::generic, drug->generic)
          .build(Slot::drug_note, [&](std::string& b) { append_note(b, lc, DrugFlag::certified_facility_required); })
          .into(sentence);
      return;
    }
    if (site == SiteClass::home && flags.has(DrugFlag::first_visit_at_infusion_suite)) {
      // Appendix B note "1st visit in AIS" (rituximab): only history can tell a first visit.
      CriterionCheck& k = w.check(sections.drug_list, sections.drug_list, CriterionOutcome::not_assessed);
      const auto prior = history_.prior_administrations(member(), code, lc.start.add_days(-1));
      if (prior && prior->empty()) {
        k.outcome = CriterionOutcome::met;
        k.note.clear();
        words(Phrase::note_first_visit).set(Slot::hcpcs, code.view()).into(k.note);
        redirect(d, lc, "R2.first_visit_at_infusion_suite", sections.drug_list, kInfusionSuiteOnly, false);
        words(Phrase::first_visit_at_infusion_suite, d, &lc)
            .set(Slot::generic, drug->generic)
            .build(Slot::drug_note, [&](std::string& b) { append_note(b, lc, DrugFlag::first_visit_at_infusion_suite); })
            .into(sentence);
        return;
      }
      note(k, prior ? Phrase::note_not_first_visit : Phrase::note_first_visit_unknown);
    }
    approve(d, lc, "R2.lower_cost_site", sections.site);
    const IsoText from(d.approved_span->first), to(d.approved_span->last);
    words(Phrase::lower_cost_site, d, &lc)
        .set(Slot::site_class, mapping::describe(site))
        .set(Slot::from, from.view())
        .set(Slot::to, to.view())
        .into(sentence);
    if (flags.has(DrugFlag::certified_facility_required)) words(Phrase::lower_cost_site_certified_facility, d).into(sentence);
    return;
  }

  // Hospital outpatient from here on.
  bool certified = false;
  const std::span<const SiteClass> to = redirect_sites(flags, &certified);
  const std::string_view redirect_section = section_of(CriterionKind::redirect);

  if (review == ReviewKind::continued) {
    // R3: GA.PMN.34 II.A - continuing at a hospital needs records to reassess the site.
    const Criterion* cont = policy_.first_of_kind(CriterionKind::continued_approval);
    const std::string_view cont_section = cont ? std::string_view(cont->section) : std::string_view();
    CriterionCheck& rec = w.check(cont ? std::string_view(cont->id) : cont_section, cont_section,
                                  lc.any_submitted() ? CriterionOutcome::met : CriterionOutcome::not_met);
    for (std::size_t i = 0; i < lc.pwk_count; ++i)
      w.copy_evidence(w.detail() ? d.explanation.facts[lc.first_pwk + i] : EvidenceItem{});
    note(rec, lc.any_submitted() ? Phrase::note_records_submitted
              : lc.any_sent()    ? Phrase::note_records_awaited
                                 : Phrase::note_records_missing);
    const Assessment a = assess(w, lc, false);
    const std::string_view kind = um02_meaning(lc.um02);
    // "an extension", "a renewal": um02_meaning() gives the noun.
    const auto a_review = [&](std::string& b) {
      const bool vowel = !kind.empty() && std::string_view("aeiou").find(kind.front()) != std::string_view::npos;
      add(b, {vowel ? "an " : "a ", kind});
    };
    if (!lc.any_sent()) {
      if (cont) add_documents_for(w, *cont);
      pend(d, codes_.hcr03_pend_documentation, "R3.records_needed", cont_section);
      words(Phrase::records_needed, d, &lc).set(Slot::review, kind).build(Slot::a_review, a_review).into(sentence);
      return;
    }
    if (a.any_met() && !lc.any_submitted()) {
      // The records are on their way (fax, mail): wait for them, and do not ask for them again.
      pend(d, codes_.hcr03_pend_documentation, "R3.records_awaited", cont_section);
      evidence_words(words(Phrase::records_awaited, d, &lc), lc, a).into(sentence);
      return;
    }
    if (a.any_met()) {
      approve(d, lc, "R3.continued_with_exception", cont_section);
      evidence_words(words(Phrase::continued_with_exception, d, &lc), lc, a).into(sentence);
      return;
    }
    pend(d, codes_.hcr03_pend_clinical_review, "R3.records_review", cont_section);
    evidence_words(words(Phrase::records_review, d, &lc), lc, a).set(Slot::review, kind).build(Slot::a_review, a_review).into(sentence);
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
      evidence_words(words(Phrase::documented_exception, d, &lc), lc, a).into(sentence);
      return;
    }
    if (lc.any_sent()) {
      // Documentation announced on paper and not yet received: wait for it, and do not ask for it again.
      pend(d, codes_.hcr03_pend_documentation, "R4.documentation_awaited", section);
      evidence_words(words(Phrase::documentation_awaited, d, &lc), lc, a).into(sentence);
      return;
    }
    for (const Criterion* c : s_.met) add_documents_for(w, *c);
    if (a.pediatric_exception) {
      std::string& t = w.document();
      words(Phrase::document_pediatric_exception, d).set(Slot::section, sections.pediatric_exception).into(t);
      append_send_as_pwk(t);
    }
    pend(d, codes_.hcr03_pend_documentation, "R4.exception_needs_documentation", section);
    evidence_words(words(Phrase::exception_needs_documentation, d, &lc), lc, a)
        .build(Slot::not_submitted, [&](std::string& b) { append_joined(b, maps_.evidence.documentation().not_submitted(), ", ", " or "); })
        .into(sentence);
    return;
  }
  if (lc.any_sent()) {
    // R5: documentation announced but nothing coded shows an exception.
    if (policy_.parameters().documentation_without_evidence == mapping::DocumentationWithoutEvidence::redirect) {
      redirect(d, lc, "R5.documentation_redirect", redirect_section, to, certified);
      redirect_words(words(Phrase::documentation_redirect, d, &lc), w, lc, a, to, certified, exception_section).into(sentence);
      return;
    }
    pend(d, codes_.hcr03_pend_clinical_review, "R5.documentation_review", exception_section);
    redirect_words(words(Phrase::documentation_review, d, &lc), w, lc, a, to, certified, exception_section).into(sentence);
    return;
  }
  // R6: no exception and no documentation (or only non-qualifying reasons).
  redirect(d, lc, w.non_qualifying_so_far().empty() ? "R6.no_exception" : "R6.non_qualifying", redirect_section, to, certified);
  redirect_words(words(Phrase::no_exception, d, &lc), w, lc, a, to, certified, exception_section).into(sentence);
}

void Evaluator::decide_cancel(LineWriter& w, const model::ServiceLine& line, std::size_t index, const mapping::DrugTable::Listing& listing) const {
  LineDecision& d = w.d;
  (void)begin(w, line, index, listing, /*for_rules=*/false);
  d.outcome = Outcome::cancel;
  set(d.hcr01, codes_.hcr01_cancel);
  set(d.hcr03, codes_.hcr03_cancel);
  set_rule(d, "R0.cancel", "UM02");
  const std::string& previous = !line.previous_authorization.empty() ? line.previous_authorization : req_.event.previous_authorization;
  words(previous.empty() ? Phrase::cancel : Phrase::cancel_certification, d).set(Slot::previous, previous).into(d.explanation.sentence);
}

void Evaluator::decide_administration(LineWriter& w, const model::ServiceLine& line, std::size_t index, const LineDecision* drug,
                           const model::ServiceLine* drug_line) const {
  LineDecision& d = w.d;
  // Not a listed drug (that is what made it an administration line): no drug row, no flags.
  (void)begin(w, line, index, mapping::DrugTable::Listing{}, /*for_rules=*/false);
  const std::string_view code = line.procedure->value.view();
  std::string& sentence = d.explanation.sentence;
  if (!drug) {
    pend(d, codes_.hcr03_pend_not_listed, "R1.administration_without_drug", policy_.info().sections.drug_list);
    words(Phrase::administration_without_drug, d).set(Slot::hcpcs, code).into(sentence);
    return;
  }
  // Never certified at a site where its drug was not: an administration line asking for another setting
  // than its drug line (its own 2000F UM04) goes to review.
  if (certifies(drug->outcome) && d.requested_site.site_class != drug->requested_site.site_class) {
    pend(d, codes_.hcr03_pend_site, "R1.administration_site_differs", policy_.info().sections.site);
    std::string um04;
    um04_text(d.requested_site, um04);
    drug_words(words(um04.empty() ? Phrase::administration_site_differs_no_site : Phrase::administration_site_differs, d), *drug)
        .set(Slot::hcpcs, code)
        .set(Slot::um04, um04)
        .into(sentence);
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
  drug_words(words(Phrase::administration_follows_drug, d), *drug).set(Slot::hcpcs, code).into(sentence);
}

}  // namespace soc278::soc::evaluation

// The evaluator reads the documents (PWK) a request sent and assesses the policy's criteria
// against the request (rules R2-R4 of docs/decisions.md).
#include "soc/evaluator.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace soc278::soc::evaluation {

void Evaluator::read_documents(LineContext& c, LineWriter& w) const {
  c.first_pwk = w.fact_count();
  c.submitted_count = s_.pwk_counted;
  c.awaited_count = s_.pwk_awaited;
  for (const Store::Pwk& p : s_.pwks) {
    const model::Attachment& a = *p.attachment;
    std::string& text = w.fact("PWK", p.line == 0 ? "2000E" : "2000F", a.at).text;
    if (!texts_) continue;
    add(text, {"PWK*", a.report_type, "*", a.transmission});
    if (p.line != 0) add(text, {" (line ", p.line, ")"});
    text += ": ";
    switch (p.status) {
      case mapping::PwkStatus::submitted:
        if (p.awaited) {
          add(text, {"sent by ", a.transmission, ", not yet received (", policy_.id(), " documentation_counts_when: received)"});
        } else {
          text += "documentation submitted";
        }
        break;
      case mapping::PwkStatus::not_submitted:
        add(text, {"not submitted (PWK02 ", a.transmission, " means nothing was sent)"});
        break;
      case mapping::PwkStatus::not_counted:
        add(text, {"sent, but report type ", a.report_type, " is not clinical documentation under the policy"});
        break;
      case mapping::PwkStatus::unknown_transmission:
        add(text, {"PWK02 '", a.transmission, "' is not a known transmission code; treated as not submitted"});
        break;
    }
  }
  c.pwk_count = w.fact_count() - c.first_pwk;
}

void Evaluator::append_docs_phrase(std::string& out, const LineContext& c, bool awaited) const {
  const std::size_t total = awaited ? c.awaited_count : c.submitted_count;
  std::size_t i = 0;
  for (const Store::Pwk& p : s_.pwks) {
    if (awaited ? !p.awaited : !p.counts()) continue;
    if (i) out += i + 1 == total ? " and " : ", ";
    add(out, {"PWK ", p.attachment->report_type, " by ", p.attachment->transmission});
    if (awaited && !trim(p.attachment->control_number).empty()) add(out, {" control ", trim(p.attachment->control_number)});
    if (p.line != 0 && p.line != c.line.line_number) add(out, {" on line ", p.line});
    ++i;
  }
}

Evaluator::Assessment Evaluator::assess(LineWriter& w, const LineContext& lc, bool initial) const {
  Assessment a(s_, policy_.info().sections.pediatric_exception);
  s_.met.clear();
  s_.met_evidence.clear();
  const mapping::DrugFlags flags = lc.flags;
  const std::optional<int> child = pediatric_age(lc);
  bool pediatric_recorded = false;

  for (const Criterion& c : policy_.criteria()) {
    // continued_approval and redirect rows are the consequence of the checks, not a check (cited by R3 / R6).
    if (c.kind == CriterionKind::continued_approval || c.kind == CriterionKind::redirect) continue;
    CriterionCheck& k = w.check(c.id, c.section, CriterionOutcome::not_met);
    switch (c.kind) {
      case CriterionKind::exception_group:
        k.outcome = CriterionOutcome::not_assessed;
        note(k, Phrase::note_exception_group);
        break;
      case CriterionKind::exception:
        switch (c.evidence) {
          case EvidenceKind::drug_flag:
            if (c.flag && flags.has(*c.flag)) {
              k.outcome = CriterionOutcome::met;
              const std::string_view segment =
                  lc.line.service_segment.empty() ? std::string_view("SV1") : std::string_view(lc.line.service_segment);
              std::string& text = w.evidence(segment, "2000F", lc.line.procedure->at).text;
              if (texts_) add(text, {lc.line.procedure->value.view(), " carries flag ", mapping::to_string(*c.flag), " in ", policy_.id()});
              words(Phrase::evidence_flag)
                  .set(Slot::flag, mapping::to_string(*c.flag))
                  .set(Slot::hcpcs, lc.line.procedure->value.view())
                  .into(met_text());
            } else {
              if (notes_) {
                k.note.clear();
                words(Phrase::note_no_drug_flag).set(Slot::flag, c.flag ? mapping::to_string(*c.flag) : "").into(k.note);
              }
            }
            break;
          case EvidenceKind::history:
            if (!initial) {
              k.outcome = CriterionOutcome::not_assessed;
              note(k, Phrase::note_initial_only);
              break;
            }
            check_history(k, lc);
            if (k.outcome == CriterionOutcome::met) met_text() = k.note;
            break;
          case EvidenceKind::diagnosis: {
            const std::size_t hits = for_each_diagnosis_in(c, [&](const model::Diagnosis& dx, const mapping::EvidenceCode& row) {
              add_hi_item(w, dx, row);
              std::string& t = met_text();
              append_dotted(t, *dx.icd10);
              add(t, {" (", row.reason, ")"});
            });
            if (hits != 0) k.outcome = CriterionOutcome::met;
            else if (notes_) {
              k.note.clear();
              words(Phrase::note_no_diagnosis).set(Slot::evidence_group, c.evidence_group).into(k.note);
            }
            break;
          }
          case EvidenceKind::none:
            k.outcome = CriterionOutcome::not_assessed;
            note(k, Phrase::note_no_coded_evidence);
            break;
        }
        if (k.outcome == CriterionOutcome::met) {
          s_.met.push_back(&c);
          if (notes_) {
            if (!k.note.empty()) k.note += "; ";
            words(lc.any_submitted() ? Phrase::note_met_documented : Phrase::note_met_undocumented).into(k.note);
          }
        }
        break;
      case CriterionKind::non_qualifying: {
        if (c.evidence == EvidenceKind::diagnosis) {
          (void)for_each_diagnosis_in(c, [&](const model::Diagnosis& dx, const mapping::EvidenceCode& row) {
            add_hi_item(w, dx, row);
            std::string& t = w.non_qualifying();
            add(t, {row.reason, " ("});
            append_dotted(t, *dx.icd10);
            t += ')';
          });
        }
        if (child && !policy_.parameters().pediatric_is_exception && !pediatric_recorded) {
          add_pediatric_item(w, lc, *child);
          pediatrics(w.non_qualifying(), *child);
          pediatric_recorded = true;
        }
        if (w.evidence_count() != 0) {
          k.outcome = CriterionOutcome::non_qualifying;
          note(k, Phrase::note_non_qualifying_found);
        } else {
          note(k, Phrase::note_non_qualifying_none);
        }
        break;
      }
      case CriterionKind::continued_approval:
      case CriterionKind::redirect:
        break;  // skipped above
    }
  }
  if (child && policy_.parameters().pediatric_is_exception) {
    // A payer whose policy treats pediatrics as an exception (parameter, not GA.PMN.34).
    CriterionCheck& k = w.check("pediatrics", policy_.info().sections.pediatric_exception, CriterionOutcome::met);
    add_pediatric_item(w, lc, *child);
    k.note.clear();
    words(Phrase::note_pediatric_exception).into(k.note);
    a.pediatric_exception = true;
    pediatrics(met_text(), *child);
  } else if (child && !pediatric_recorded) {
    CriterionCheck& k = w.check("pediatrics", "parameter pediatric_age_under", CriterionOutcome::non_qualifying);
    add_pediatric_item(w, lc, *child);
    k.note.clear();
    words(Phrase::note_pediatric_not_exception).into(k.note);
    pediatrics(w.non_qualifying(), *child);
  }
  return a;
}

}  // namespace soc278::soc::evaluation

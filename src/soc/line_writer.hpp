// Private to the evaluator: included by src/soc/evaluate*.cpp alone. The evaluator's working
// storage (EvaluationBuffers::Store) and LineWriter, which fills one LineDecision.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "soc278/mapping/load.hpp"
#include "soc278/soc/evaluate.hpp"

namespace soc278::soc {

// ---- reusable storage ------------------------------------------------------------------------

struct EvaluationBuffers::Store {
  // What LineWriter hands out instead of a kept item when the context asks for no detail.
  EvidenceItem scratch_item;
  CriterionCheck scratch_check;
  // The line being decided: the exceptions evidenced by coded data (policy order) and the phrases a
  // sentence cites for them ("T88.6XXA (anaphylaxis)").
  std::vector<const mapping::Criterion*> met;
  std::vector<std::string> met_evidence;
  // Per line of the request: an administration code line (decided in the second pass).
  std::vector<std::uint8_t> administration;
  // Every PWK of the request, 2000E first and then each line's in line order, with what the
  // documentation rules say of it (classified once per request): documentation is about the member,
  // so a PWK anywhere in the event counts for every line of it (docs/decisions.md section 1).
  struct Pwk {
    const model::Attachment* attachment = nullptr;
    mapping::PwkStatus status = mapping::PwkStatus::not_submitted;
    std::uint32_t line = 0;     // 2000F line number it was sent on; 0 = 2000E
    bool awaited = false;       // sent on paper and not yet received (documentation_counts_when: received)
    [[nodiscard]] bool counts() const noexcept { return status == mapping::PwkStatus::submitted && !awaited; }
  };
  std::vector<Pwk> pwks;
  std::size_t pwk_counted = 0, pwk_awaited = 0;
  // Per 2000E diagnosis of the request: an ICD-10 code under an ICD-10 qualifier, i.e. evidence the
  // criteria may match (every line's assessment asks, for every diagnosis criterion).
  std::vector<std::uint8_t> icd10_evidence;
  // The evidence group of each criterion of the policy (nullptr: none or unknown), looked up by id
  // once per request instead of once per criterion and line.
  std::vector<const mapping::EvidenceGroup*> criterion_groups;
  // The values of a sentence's composite placeholders (evidence joined, documents, where to), built
  // only when the phrase uses them (say.hpp). A stack: a phrase built inside another's placeholder
  // ({non_qualifying} is a phrase of its own) takes the buffers above its parent's.
  std::array<std::string, 16> words;
  std::size_t words_top = 0;
};

}  // namespace soc278::soc

namespace soc278::soc::evaluation {


using Store = EvaluationBuffers::Store;
using mapping::Criterion;
using mapping::CriterionKind;
using mapping::DrugFlag;
using mapping::EvidenceKind;
using mapping::SiteClass;

// ---- writing a decision ------------------------------------------------------------------------

// `s` = `v` (`v` never points into `s`: it comes from the tables, the request or another decision).
inline void set(std::string& s, std::string_view v) { s.assign(v.data(), v.size()); }

// A new last element of `v`; `n` counts them.
template <typename T>
T& append(std::vector<T>& v, std::size_t& n) {
  ++n;
  return v.emplace_back();
}

// Fills one fresh LineDecision (value-initialised by the caller) and counts what it adds, so that a
// decision made without detail (EvaluationContext::detail false) keeps no criteria or facts while
// the rules still count them.
class LineWriter {
 public:
  LineWriter(LineDecision& decision, Store& s, bool detail = true) : d(decision), s_(s), detail_(detail) {}
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  LineDecision& d;

  // A new fact (explanation.facts) with an empty text for the caller to write.
  EvidenceItem& fact(std::string_view segment, std::string_view loop, const core::SourcePosition& at) {
    if (!detail_) return ++facts_, s_.scratch_item;
    return start_item(append(d.explanation.facts, facts_), segment, loop, at);
  }
  [[nodiscard]] std::size_t fact_count() const noexcept { return facts_; }

  // A new criterion check with no evidence and no note; evidence() adds to it until the next check().
  CriterionCheck& check(std::string_view id, std::string_view section, CriterionOutcome outcome) {
    evidence_ = 0;
    if (!detail_) {  // counted by evidence_count() for the rules all the same
      s_.scratch_check.outcome = outcome;
      return s_.scratch_check;
    }
    CriterionCheck& k = append(d.explanation.criteria, checks_);
    set(k.criterion_id, id);
    set(k.section, section);
    k.outcome = outcome;
    return k;
  }
  EvidenceItem& evidence(std::string_view segment, std::string_view loop, const core::SourcePosition& at) {
    if (!detail_) return ++evidence_, s_.scratch_item;
    return start_item(append(d.explanation.criteria[checks_ - 1].evidence, evidence_), segment, loop, at);
  }
  void copy_evidence(const EvidenceItem& from) {
    if (!detail_) return void(++evidence_);
    append(d.explanation.criteria[checks_ - 1].evidence, evidence_) = from;
  }
  [[nodiscard]] std::size_t evidence_count() const noexcept { return evidence_; }
  [[nodiscard]] bool detail() const noexcept { return detail_; }

  // A new, empty text in documents_needed / non_qualifying.
  std::string& document() { return append(d.documents_needed, documents_); }
  std::string& non_qualifying() { return append(d.non_qualifying, non_qualifying_); }
  // The same, holding a copy of `text`.
  void copy_document(std::string_view text) { set(append(d.documents_needed, documents_), text); }
  void copy_non_qualifying(std::string_view text) { set(append(d.non_qualifying, non_qualifying_), text); }
  [[nodiscard]] std::span<const std::string> non_qualifying_so_far() const noexcept {
    return {d.non_qualifying.data(), non_qualifying_};
  }

 private:
  Store& s_;
  const bool detail_;  // EvaluationContext::detail: keep criteria and facts
  std::size_t facts_ = 0, checks_ = 0, evidence_ = 0, documents_ = 0, non_qualifying_ = 0;

  static EvidenceItem& start_item(EvidenceItem& e, std::string_view segment, std::string_view loop, const core::SourcePosition& at) {
    set(e.segment, segment);
    set(e.loop, loop);
    e.text.clear();
    e.at = at;
    return e;
  }
};

}  // namespace soc278::soc::evaluation

// soc278/soc/evaluate.hpp
//
// Provides the site-of-care decision: route() picks the policy that applies to a request
// (routing.yaml), evaluate() decides every 2000F service line under that policy, and decide() does
// both. All three are pure functions: no I/O, no clock (the decision date comes in through
// EvaluationContext), no globals; they only read their arguments, so any number of threads may
// call them at once with shared MappingSet and History.
//
// The rules (R1..R6) and how each maps to a 278 response are documented in docs/decisions.md; every
// LineDecision cites its rule id and policy section.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "soc278/core/date.hpp"
#include "soc278/mapping/load.hpp"
#include "soc278/mapping/policy.hpp"
#include "soc278/model/authorization_request.hpp"
#include "soc278/soc/decision.hpp"
#include "soc278/soc/history.hpp"

namespace soc278::soc {

struct EvaluationContext {
  core::Date decision_date;   // "today" for this run, injected by the caller (core::Clock), never read here
  // CriterionCheck::note is written for `soc278 explain`; a caller that shows no notes (the decision
  // report) turns them off and saves building them. Nothing else in a decision changes.
  bool notes = true;
  // Explanation::criteria and ::facts, with their evidence items and texts, likewise: built for
  // `soc278 explain` and `--report full`; the standard decision report and the 278 print none of
  // them. Outcome, codes, span, sentence, documents_needed and non_qualifying do not change.
  bool detail = true;
};

struct RoutingResult {
  const mapping::Policy* policy = nullptr;   // into the MappingSet passed to route(); nullptr = unknown payer
  std::string policy_id;                     // "" when unknown
  std::string matched_by;                    // "isa08", "gs03", "umo_id"; "" when unknown
  std::string matched_value;
  // Unknown payer: the action to take (routing.yaml default_action = pend) with its codes and reason.
  Outcome default_outcome = Outcome::pend;
  std::string hcr01;                         // decision-codes.yaml hcr01.pend when unknown
  std::string hcr03;                         // decision-codes.yaml hcr03.pend_unknown_payer when unknown
  std::string reason;                        // names the identifiers that matched nothing

  [[nodiscard]] bool routed() const noexcept { return policy != nullptr; }
};

// Which policy decides `request`: the first route of routing.yaml whose ISA08 (trimmed), GS03 or
// 2010A NM109 equals the request's. Never fails: an unknown payer yields routed() == false.
[[nodiscard]] RoutingResult route(const model::AuthorizationRequest& request, const mapping::MappingSet& mappings);

// One decision per 2000F service line, in line order. A transaction without 2000F loops yields an
// empty vector: the evaluator decides service lines, and the caller answers the event alone (AAA or
// an event-level HCR) as it sees fit.
[[nodiscard]] std::vector<LineDecision> evaluate(const model::AuthorizationRequest& request, const mapping::Policy& policy,
                                                 const mapping::MappingSet& mappings, const History& history,
                                                 const EvaluationContext& context);

// Every line pended for an unknown payer (routing.yaml default_action), rule "R0.unknown_payer".
[[nodiscard]] std::vector<LineDecision> pend_unrouted(const model::AuthorizationRequest& request,
                                                      const RoutingResult& routing,
                                                      const mapping::MappingSet& mappings);

// The evaluator's working lists (the PWKs of a request, the exceptions met by a line, ...), kept from
// one call to the next so that they keep their capacity. It holds no result and nothing a call
// reads before writing; what is in it is src/soc/line_writer.hpp's business. A copy starts empty.
// One per thread: a call writes into it.
class EvaluationBuffers {
 public:
  EvaluationBuffers() noexcept;
  ~EvaluationBuffers();
  EvaluationBuffers(const EvaluationBuffers&) noexcept;             // empty: buffers are not values
  EvaluationBuffers& operator=(const EvaluationBuffers&) noexcept;  // keeps its own buffers
  EvaluationBuffers(EvaluationBuffers&&) noexcept;
  EvaluationBuffers& operator=(EvaluationBuffers&&) noexcept;

  struct Store;
  [[nodiscard]] Store& store();   // created on first use

 private:
  std::unique_ptr<Store> store_;
};

struct Decisions {
  RoutingResult routing;
  std::vector<LineDecision> lines;
  EvaluationBuffers buffers;      // decide_into()'s working storage, not part of the result
};

// route() then evaluate() (or pend_unrouted() for an unknown payer).
[[nodiscard]] Decisions decide(const model::AuthorizationRequest& request, const mapping::MappingSet& mappings,
                               const History& history, const EvaluationContext& context);

// The same decisions as decide() and evaluate(), written into a Decisions (or vector) the caller keeps
// from one transaction to the next: `out` is replaced (nothing of the previous call remains in it;
// every LineDecision is a fresh value) and the working lists in its buffers are reused. The lines
// stay valid until the next call with the same `out`.
void decide_into(Decisions& out, const model::AuthorizationRequest& request, const mapping::MappingSet& mappings,
                 const History& history, const EvaluationContext& context);
void evaluate_into(std::vector<LineDecision>& out, EvaluationBuffers& buffers, const model::AuthorizationRequest& request,
                   const mapping::Policy& policy, const mapping::MappingSet& mappings, const History& history,
                   const EvaluationContext& context);

}  // namespace soc278::soc

// soc278/engine/set_decider.hpp
//
// Provides SetDecider: what one accepted 278 request set comes to, the step every front end shares
// (the processor for `process`, `batch` and `watch`; `explain` for one set at a time):
//
//   validated set -> model::RequestBinder -> soc::check_answerable -> route + evaluate (or --policy)
//
// and the helpers that say which sets reach it: is_request() and set_rejected(). The verdict
// references storage the decider reuses from set to set (no allocation once warm), valid until
// the next decide(). One decider per worker; the mappings it reads are shared (processor.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "soc278/core/clock.hpp"
#include "soc278/ig/walker.hpp"
#include "soc278/mapping/load.hpp"
#include "soc278/model/authorization_request.hpp"
#include "soc278/model/bind.hpp"
#include "soc278/soc/answerable.hpp"
#include "soc278/soc/evaluate.hpp"
#include "soc278/soc/history.hpp"

namespace soc278::engine {

// Whether the 999 rejects the set: the validator's verdict, or an envelope finding at set level.
[[nodiscard]] bool set_rejected(const x12::TransactionInfo& t, const ig::TransactionResult& r) noexcept;

// What a set is when it is not a 278 request: "278 response", "999", "834"; "" for a 278 request,
// and for a 278 that no guide reads (BHT02 01, an 00401 envelope): it is rejected as a request.
[[nodiscard]] std::string not_request_kind(const x12::TransactionInfo& t, const ig::TransactionResult& r);

struct DecideOptions {
  core::Date decision_date;
  std::string forced_policy;             // non-empty: this policy for every set (must exist)
  const soc::History* history = nullptr;  // nullptr: no history
  soc::EvaluationContext context_flags{};  // notes and detail (explain wants both; the report neither)
};

struct SetVerdict {
  const model::AuthorizationRequest* request = nullptr;
  std::vector<soc::Rejection> problems;  // not empty: unanswerable (AAA), no decisions
  const soc::RoutingResult* routing = nullptr;  // null with --policy
  const std::vector<soc::LineDecision>* lines = nullptr;
  std::string_view forced_policy;  // the --policy applied, when routing is null
  [[nodiscard]] bool answerable() const noexcept { return problems.empty(); }
};

// "policy GA.PMN.34 (matched payer_id = 12345)", "policy X (--policy)", "no policy: ..."; "" when
// the set was not decided (unanswerable).
[[nodiscard]] std::string routing_text(const SetVerdict& v);

class SetDecider {
 public:
  SetDecider(const mapping::MappingSet& mappings, DecideOptions options);
  // Binds, checks answerability and decides an accepted 278 request set.
  const SetVerdict& decide(const ig::TransactionResult& r, const x12::InterchangeInfo& i, const x12::GroupInfo& g,
                           const x12::TransactionInfo& t);
 private:
  const mapping::MappingSet& mappings_;
  DecideOptions options_;
  const mapping::Policy* forced_ = nullptr;
  model::RequestBinder binder_;
  model::AuthorizationRequest request_;  // rebound for every set: bind_into keeps its buffers
  soc::Decisions decisions_;             // reused: its strings keep their buffers
  SetVerdict verdict_;
};

}  // namespace soc278::engine

#include "soc278/engine/set_decider.hpp"

#include <fmt/core.h>

namespace soc278::engine {

bool set_rejected(const x12::TransactionInfo& t, const ig::TransactionResult& r) noexcept {
  if (r.rejected) return true;
  for (core::DiagCode c : t.findings.codes)
    if (core::info(c).severity == core::Severity::error) return true;
  return false;
}

std::string not_request_kind(const x12::TransactionInfo& t, const ig::TransactionResult& r) {
  if (r.guide != nullptr) {
    if (r.guide->purpose == "request") return "";
    return t.id == "278" ? "278 " + r.guide->purpose : t.id;
  }
  if (t.id == "278") return "";
  return t.id.empty() ? std::string("set without ST01") : t.id;
}

SetDecider::SetDecider(const mapping::MappingSet& mappings, DecideOptions options)
    : mappings_(mappings), options_(std::move(options)) {
  if (!options_.forced_policy.empty()) forced_ = mappings_.policy(options_.forced_policy);
}

const SetVerdict& SetDecider::decide(const ig::TransactionResult& r, const x12::InterchangeInfo& i, const x12::GroupInfo& g,
                                     const x12::TransactionInfo& t) {
  binder_.bind_into(request_, r, i, g, t);
  verdict_.request = &request_;
  verdict_.routing = nullptr;
  verdict_.lines = nullptr;
  verdict_.forced_policy = options_.forced_policy;
  verdict_.problems = soc::check_answerable(request_, options_.decision_date);
  if (!verdict_.problems.empty()) return verdict_;
  static const soc::NoHistory no_history;
  const soc::History& history = options_.history != nullptr ? *options_.history : no_history;
  soc::EvaluationContext context = options_.context_flags;
  context.decision_date = options_.decision_date;
  if (forced_ != nullptr) {
    soc::evaluate_into(decisions_.lines, decisions_.buffers, request_, *forced_, mappings_, history, context);
  } else {
    soc::decide_into(decisions_, request_, mappings_, history, context);
    verdict_.routing = &decisions_.routing;
  }
  verdict_.lines = &decisions_.lines;
  return verdict_;
}

std::string routing_text(const SetVerdict& v) {
  if (v.lines == nullptr) return {};
  if (v.routing == nullptr) return fmt::format("policy {} (--policy)", v.forced_policy);
  const soc::RoutingResult& d = *v.routing;
  return d.routed() ? fmt::format("policy {} (matched {} = {})", d.policy_id, d.matched_by, d.matched_value)
                    : fmt::format("no policy: {}", d.reason);
}

}  // namespace soc278::engine

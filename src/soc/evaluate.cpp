// The site-of-care evaluator: rules R0..R6 of docs/decisions.md applied to each 2000F service line.
//
// Pure: reads the request, the policy tables, the History interface and the injected decision date;
// writes only its output and the caller's EvaluationBuffers. Nothing here knows a payer: every code,
// section and parameter comes from the MappingSet (STYLE.md section 8).
//
// Every decision is a plain value, written once into a fresh LineDecision; texts are appended piece
// by piece into their strings, never built as temporaries.
//
// This file holds the entry points and routing; the evaluator itself is in evaluator.hpp,
// evaluate_line.cpp and evaluate_evidence.cpp, its working storage in line_writer.hpp and the
// pieces of its texts in evaluate_text.hpp (private headers, included by these files alone).
#include "soc278/soc/evaluate.hpp"

#include <memory>
#include <string_view>
#include <vector>

#include "soc/evaluator.hpp"

namespace soc278::soc {

EvaluationBuffers::EvaluationBuffers() noexcept = default;
EvaluationBuffers::~EvaluationBuffers() = default;
EvaluationBuffers::EvaluationBuffers(const EvaluationBuffers&) noexcept {}
EvaluationBuffers& EvaluationBuffers::operator=(const EvaluationBuffers&) noexcept { return *this; }
EvaluationBuffers::EvaluationBuffers(EvaluationBuffers&&) noexcept = default;
EvaluationBuffers& EvaluationBuffers::operator=(EvaluationBuffers&&) noexcept = default;

EvaluationBuffers::Store& EvaluationBuffers::store() {
  if (!store_) store_ = std::make_unique<Store>();
  return *store_;
}

namespace {

using namespace evaluation;  // NOLINT(google-build-using-namespace): the evaluator's private parts

void route_into(RoutingResult& r, const model::AuthorizationRequest& request, const mapping::MappingSet& mappings) {
  r = RoutingResult{};
  const std::string_view isa08 = trim(request.envelope.isa_receiver);
  const std::string_view gs03 = trim(request.envelope.gs_receiver);
  const std::string_view umo = trim(request.umo.id.value);
  if (const auto m = mappings.routing.match(isa08, gs03, umo)) {
    r.policy = mappings.policy(m->route->policy);
    if (r.policy) {
      r.policy_id = r.policy->id();
      r.matched_by.assign(mapping::to_string(m->key));
      r.matched_value = m->value;
      return;
    }
  }
  // routing.yaml default_action: pend (the only action the loader accepts).
  r.hcr01 = mappings.decision_codes.hcr01_pend;
  r.hcr03 = mappings.decision_codes.hcr03_pend_unknown_payer;
  std::array<std::string_view, mapping::slot_count> v{};
  v[static_cast<std::size_t>(mapping::Slot::isa08)] = isa08;
  v[static_cast<std::size_t>(mapping::Slot::gs03)] = gs03;
  v[static_cast<std::size_t>(mapping::Slot::umo)] = umo;
  mappings.wording[mapping::Phrase::no_route].render(r.reason, v);
}

void pend_unrouted_into(std::vector<LineDecision>& out, Store& s, const model::AuthorizationRequest& request,
                        const RoutingResult& routing, const mapping::MappingSet& mappings) {
  out.clear();
  out.resize(request.lines.size());
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    const model::ServiceLine& line = request.lines[i];
    LineWriter w(out[i], s);
    LineDecision& d = w.d;
    d.line_number = line.line_number ? line.line_number : static_cast<std::uint32_t>(i + 1);
    if (line.procedure) {
      set(d.hcpcs, line.procedure->value.view());
    } else {
      set(d.hcpcs, line.procedure_text);
    }
    const model::RequestedSite* site = line.review && line.review->site ? &*line.review->site
                                       : request.event.review.site   ? &*request.event.review.site
                                                                     : nullptr;
    const mapping::SiteCode* row = site ? mappings.sites.classify(*site) : nullptr;
    set(d.requested_site.code, site ? trim(site->code) : std::string_view());
    set(d.requested_site.loop, !site ? "" : line.review && line.review->site ? "2000F" : "2000E");
    set(d.requested_site.name, row ? std::string_view(row->name) : std::string_view());
    if (site) {
      d.requested_site.qualifier = site->qualifier;
      d.requested_site.at = site->at;
      if (row) d.requested_site.site_class = row->site_class;
    }
    d.outcome = Outcome::pend;
    set(d.hcr01, routing.hcr01.empty() ? mappings.decision_codes.hcr01_pend : routing.hcr01);
    set(d.hcr03, routing.hcr03.empty() ? mappings.decision_codes.hcr03_pend_unknown_payer : routing.hcr03);
    set(d.policy_id, "");
    set(d.explanation.policy, "");
    set(d.rule_id, "R0.unknown_payer");
    set(d.section, "routing.yaml");
    set(d.explanation.rule, d.rule_id);
    set(d.explanation.section, d.section);
    Words(mappings.wording[Phrase::unknown_payer], s).set(Slot::reason, routing.reason).into(d.explanation.sentence);
  }
}

}  // namespace

RoutingResult route(const model::AuthorizationRequest& request, const mapping::MappingSet& mappings) {
  RoutingResult r;
  route_into(r, request, mappings);
  return r;
}

void evaluate_into(std::vector<LineDecision>& out, EvaluationBuffers& buffers, const model::AuthorizationRequest& request,
                   const mapping::Policy& policy, const mapping::MappingSet& mappings, const History& history,
                   const EvaluationContext& context) {
  Evaluator(request, policy, mappings, history, context, buffers.store()).run(out);
}

std::vector<LineDecision> evaluate(const model::AuthorizationRequest& request, const mapping::Policy& policy,
                                   const mapping::MappingSet& mappings, const History& history,
                                   const EvaluationContext& context) {
  std::vector<LineDecision> out;
  if (request.lines.empty()) return out;
  EvaluationBuffers buffers;
  evaluate_into(out, buffers, request, policy, mappings, history, context);
  return out;
}

std::vector<LineDecision> pend_unrouted(const model::AuthorizationRequest& request, const RoutingResult& routing,
                                        const mapping::MappingSet& mappings) {
  std::vector<LineDecision> out;
  EvaluationBuffers buffers;
  pend_unrouted_into(out, buffers.store(), request, routing, mappings);
  return out;
}

void decide_into(Decisions& out, const model::AuthorizationRequest& request, const mapping::MappingSet& mappings,
                 const History& history, const EvaluationContext& context) {
  route_into(out.routing, request, mappings);
  if (out.routing.routed()) {
    evaluate_into(out.lines, out.buffers, request, *out.routing.policy, mappings, history, context);
  } else {
    pend_unrouted_into(out.lines, out.buffers.store(), request, out.routing, mappings);
  }
}

Decisions decide(const model::AuthorizationRequest& request, const mapping::MappingSet& mappings, const History& history,
                 const EvaluationContext& context) {
  Decisions out;
  decide_into(out, request, mappings, history, context);
  return out;
}

}  // namespace soc278::soc


// decide_into() / evaluate_into() write into a Decisions (or vector) the caller keeps from one
// transaction to the next, with the evaluator's working lists kept in its EvaluationBuffers:
// whatever came before, the result must equal a fresh decide() / evaluate() of the same request,
// with nothing of the previous transaction left in it.
#include "soc278/soc/evaluate.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "request_builder.hpp"

using namespace soc278;
using test::date;
using test::RequestBuilder;

namespace {

struct Request {
  const char* name;
  std::function<void(RequestBuilder&)> build;
};

// Requests that differ in line count, rule, criteria, evidence, documents and routing, so that each
// one, decided after another, must drop or overwrite what the other left.
const std::vector<Request>& requests() {
  static const std::vector<Request> list = {
      {"R6 hospital, drug and administration", [](RequestBuilder& b) { b.line("J1745").line("96365"); }},
      {"R2 lower-cost site", [](RequestBuilder& b) { b.site("12").line("J1745").line_dates(date(2027, 1, 10), date(2027, 4, 30)); }},
      {"R4 documented exception, two diagnoses",
       [](RequestBuilder& b) { b.dx("ABF", "T886XXA").dx("ABK", "T8052XA").pwk("M1", "FX").line("J1745").line("96365"); }},
      {"R4 exception needs documentation", [](RequestBuilder& b) { b.dx("ABF", "T886XXA").pwk("M1", "AA").line("J1745"); }},
      {"R5 documentation review", [](RequestBuilder& b) { b.pwk("M1", "FX").line("J1745").line_pwk("09", "EL"); }},
      {"R6 non-qualifying, pediatric dependent",
       [](RequestBuilder& b) { b.dependent(date(2017, 6, 1)).dx("ABF", "F40231").line("J1745").line("96365").line("96366"); }},
      {"R3 renewal with records", [](RequestBuilder& b) { b.um02("R").pwk("M1", "FX").dx("ABF", "T886XXA").line("J1745"); }},
      {"R3 extension without records", [](RequestBuilder& b) { b.um02("4").line("J1745").line("96365"); }},
      {"R0 appeal", [](RequestBuilder& b) { b.um02("1").site("12").line("J1745"); }},
      {"R1 not listed and administration without drug", [](RequestBuilder& b) { b.line("J9999").line("96365"); }},
      {"R2 site missing", [](RequestBuilder& b) { b.no_site().no_event_dates().line("J1745"); }},
      {"R2 site unknown on the line", [](RequestBuilder& b) { b.line("J1745").line_site("99", 'B', "I"); }},
      {"R2 certified facility", [](RequestBuilder& b) { b.payer("NYSOCPLAN", "NYSOCPLAN", "NYSOC01").site("12").line("J2323"); }},
      {"unknown payer", [](RequestBuilder& b) { b.payer("NOBODY", "NOBODY", "NOBODY").line("J1745").line("96365"); }},
      {"no service line", [](RequestBuilder&) {}},
      {"R2 span cut to the approval duration (requested_end)",
       [](RequestBuilder& b) { b.site("12").event_dates(date(2026, 12, 1), date(2028, 5, 31)).line("J1745").line("96365"); }},
      {"R0 cancel", [](RequestBuilder& b) { b.um02("3").line("J1745").line("96365"); }},
      {"R4 documentation awaited (fax), PWK on another line",
       [](RequestBuilder& b) { b.dx("ABF", "T886XXA").line("J1745").line_pwk("M1", "FX").line("Q5115"); }},
      {"R1 administration at another site than its drug",
       [](RequestBuilder& b) { b.site("12").line("J1745").line("96365").line_site("22"); }},
      // Many more lines than the others, before and after them.
      {"seventeen lines",
       [](RequestBuilder& b) {
         b.dx("ABF", "T886XXA").pwk("M1", "FX").line("J1745");
         for (int i = 0; i < 16; ++i) b.line(i % 2 ? "96365" : "96366");
       }},
  };
  return list;
}

model::AuthorizationRequest make(const Request& r) {
  RequestBuilder b;
  r.build(b);
  return b.get();
}

void check_same(const soc::Decisions& reused, const soc::Decisions& fresh) {
  CHECK(reused.routing.policy == fresh.routing.policy);
  CHECK(reused.routing.policy_id == fresh.routing.policy_id);
  CHECK(reused.routing.matched_by == fresh.routing.matched_by);
  CHECK(reused.routing.matched_value == fresh.routing.matched_value);
  CHECK(reused.routing.default_outcome == fresh.routing.default_outcome);
  CHECK(reused.routing.hcr01 == fresh.routing.hcr01);
  CHECK(reused.routing.hcr03 == fresh.routing.hcr03);
  CHECK(reused.routing.reason == fresh.routing.reason);
  REQUIRE(reused.lines.size() == fresh.lines.size());
  for (std::size_t i = 0; i < fresh.lines.size(); ++i) {
    INFO("line " << i + 1 << ": " << fresh.lines[i].rule_id << " / " << reused.lines[i].rule_id);
    CHECK(reused.lines[i].explanation.sentence == fresh.lines[i].explanation.sentence);
    CHECK(reused.lines[i].explanation.facts.size() == fresh.lines[i].explanation.facts.size());
    CHECK(reused.lines[i].explanation.criteria.size() == fresh.lines[i].explanation.criteria.size());
    CHECK(reused.lines[i] == fresh.lines[i]);   // every field, every criterion, every evidence item
  }
}

}  // namespace

TEST_CASE("the test requests cover different rules and line counts", "[soc][reuse]") {
  const auto& maps = test::shipped_mappings();
  std::vector<std::string> rules;
  for (const Request& r : requests())
    for (const auto& d : soc::decide(make(r), maps, soc::NoHistory{}, {date(2026, 11, 15)}).lines)
      if (std::find(rules.begin(), rules.end(), d.rule_id) == rules.end()) rules.push_back(d.rule_id);
  CHECK(rules.size() >= 15);
}

TEST_CASE("decide_into after any other request equals deciding the request fresh", "[soc][reuse]") {
  const auto& maps = test::shipped_mappings();
  const soc::NoHistory history;
  for (const bool notes : {true, false}) {
    // Without notes also without detail, as the decision report decides: administration lines then
    // read less of the request, and nothing of a previous request may show through.
    const soc::EvaluationContext ctx{date(2026, 11, 15), notes, /*detail=*/notes};
    for (const Request& first : requests()) {
      for (const Request& second : requests()) {
        DYNAMIC_SECTION((notes ? "notes: " : "no notes: ") << first.name << " then " << second.name) {
          const model::AuthorizationRequest a = make(first);
          const model::AuthorizationRequest b = make(second);
          soc::Decisions reused;
          soc::decide_into(reused, a, maps, history, ctx);
          check_same(reused, soc::decide(a, maps, history, ctx));
          soc::decide_into(reused, b, maps, history, ctx);
          check_same(reused, soc::decide(b, maps, history, ctx));
        }
      }
    }
  }
}

TEST_CASE("one Decisions reused through every request, twice over, equals fresh decisions", "[soc][reuse]") {
  const auto& maps = test::shipped_mappings();
  const soc::NoHistory history;
  const soc::EvaluationContext ctx{date(2026, 11, 15)};
  soc::Decisions reused;
  for (int round = 0; round < 2; ++round) {
    for (std::size_t k = 0; k < requests().size(); ++k) {
      // Forwards in the first round, backwards in the second: each request follows a different one.
      const Request& r = requests()[round == 0 ? k : requests().size() - 1 - k];
      INFO("round " << round << ": " << r.name);
      const model::AuthorizationRequest req = make(r);
      soc::decide_into(reused, req, maps, history, ctx);
      check_same(reused, soc::decide(req, maps, history, ctx));
    }
  }
}

TEST_CASE("evaluate_into under a forced policy equals evaluate", "[soc][reuse]") {
  const auto& maps = test::shipped_mappings();
  const mapping::Policy& ny = *maps.policy("NY.CP.PHAR.493");
  const soc::NoHistory history;
  const soc::EvaluationContext ctx{date(2026, 11, 15)};
  std::vector<soc::LineDecision> reused;
  soc::EvaluationBuffers buffers;
  for (const Request& r : requests()) {
    INFO(r.name);
    const model::AuthorizationRequest req = make(r);
    soc::evaluate_into(reused, buffers, req, ny, maps, history, ctx);
    const std::vector<soc::LineDecision> fresh = soc::evaluate(req, ny, maps, history, ctx);
    REQUIRE(reused.size() == fresh.size());
    for (std::size_t i = 0; i < fresh.size(); ++i) CHECK(reused[i] == fresh[i]);
  }
}

TEST_CASE("a copy of Decisions keeps the result and starts with empty buffers", "[soc][reuse]") {
  const auto& maps = test::shipped_mappings();
  const soc::EvaluationContext ctx{date(2026, 11, 15)};
  soc::Decisions out;
  RequestBuilder b;
  b.dx("ABF", "T886XXA").line("J1745").line("96365");
  soc::decide_into(out, b.get(), maps, soc::NoHistory{}, ctx);
  const soc::Decisions copy = out;
  REQUIRE(copy.lines.size() == 2);
  CHECK(copy.lines == out.lines);
  CHECK(copy.routing.policy_id == "GA.PMN.34");
}

TEST_CASE("without detail a decision differs only in having no criteria and facts", "[soc][reuse]") {
  const auto& maps = test::shipped_mappings();
  const soc::NoHistory history;
  const soc::EvaluationContext with{date(2026, 11, 15), false, true};
  const soc::EvaluationContext without{date(2026, 11, 15), false, false};
  std::size_t dropped = 0;
  soc::Decisions reused;  // also reused: criteria or facts of an earlier request must not survive
  for (const bool detail_first : {true, false}) {
    for (const Request& r : requests()) {
      INFO(r.name);
      const model::AuthorizationRequest request = make(r);
      if (detail_first) soc::decide_into(reused, request, maps, history, with);  // leaves criteria and facts behind
      soc::Decisions full = soc::decide(request, maps, history, with);
      soc::decide_into(reused, request, maps, history, without);
      REQUIRE(reused.lines.size() == full.lines.size());
      for (std::size_t i = 0; i < full.lines.size(); ++i) {
        soc::LineDecision expected = full.lines[i];
        dropped += expected.explanation.criteria.size() + expected.explanation.facts.size();
        expected.explanation.criteria.clear();
        expected.explanation.facts.clear();
        CHECK(reused.lines[i] == expected);  // same outcome, codes, span, sentence, documents
      }
    }
  }
  CHECK(dropped >= 100);
}

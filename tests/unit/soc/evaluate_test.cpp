// Evaluator behaviour beyond the decision table: spans, ages, explanations and their source
// positions, history, policy parameters, routing, purity.
#include "soc278/soc/evaluate.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <memory>

#include "request_builder.hpp"

using namespace soc278;
using mapping::SiteClass;
using soc::CriterionOutcome;
using soc::Outcome;
using test::date;
using test::RequestBuilder;

namespace {

const soc::EvaluationContext kCtx{date(2026, 11, 15)};

const mapping::MappingSet& maps() { return test::shipped_mappings(); }
const mapping::Policy& ga() { return *maps().policy("GA.PMN.34"); }

std::vector<soc::LineDecision> run(const RequestBuilder& b, const soc::History& h = soc::NoHistory{},
                                   const mapping::Policy& p = ga()) {
  return soc::evaluate(b.get(), p, maps(), h, kCtx);
}

const soc::CriterionCheck* check(const soc::LineDecision& d, const std::string& id) {
  for (const auto& c : d.explanation.criteria)
    if (c.criterion_id == id) return &c;
  return nullptr;
}

const soc::EvidenceItem* fact(const soc::LineDecision& d, const std::string& segment) {
  for (const auto& f : d.explanation.facts)
    if (f.segment == segment) return &f;
  return nullptr;
}

// A ledger stand-in: answers every question with the same list (or "unavailable").
class FakeHistory final : public soc::History {
 public:
  explicit FakeHistory(std::optional<std::vector<core::Date>> dates) : dates_(std::move(dates)) {}
  std::optional<std::vector<soc::PriorAdministration>> prior_administrations(const soc::MemberRef& m, const model::Hcpcs& drug,
                                                                            const core::Date& until) const override {
    asked_member = m;
    asked_until = until;
    if (!dates_) return std::nullopt;
    std::vector<soc::PriorAdministration> out;
    for (const auto& d : *dates_) out.push_back({drug, d, "12", "AUTH1"});
    return out;
  }
  mutable soc::MemberRef asked_member;
  mutable core::Date asked_until;

 private:
  std::optional<std::vector<core::Date>> dates_;
};

// GA.PMN.34 with some parameters changed (criteria and drugs copied from the real policy).
mapping::Policy variant(void (*change)(mapping::PolicyParameters&)) {
  mapping::PolicyParameters p = ga().parameters();
  change(p);
  mapping::PolicyInfo info = ga().info();
  info.id = "TEST.VARIANT";
  return mapping::Policy(info, p,
                         std::make_shared<const std::vector<mapping::Criterion>>(ga().criteria().begin(), ga().criteria().end()),
                         std::make_shared<const mapping::DrugTable>(ga().drugs().rows()), {});
}

}  // namespace

TEST_CASE("a transaction without 2000F loops yields no line decisions", "[soc]") {
  RequestBuilder b;
  CHECK(run(b).empty());
  const auto out = soc::decide(b.get(), maps(), soc::NoHistory{}, kCtx);
  CHECK(out.routing.routed());
  CHECK(out.lines.empty());
}

TEST_CASE("approved span: start, policy maximum, requested end", "[soc][span]") {
  using soc::DateRange;
  SECTION("line DTP*472 range inside 12 months is kept") {
    RequestBuilder b;
    b.site("12").line("J1745").line_dates(date(2027, 1, 10), date(2027, 4, 30));
    CHECK(run(b)[0].approved_span == DateRange{date(2027, 1, 10), date(2027, 4, 30)});
  }
  SECTION("a single date (D8) is a start: 12 months minus one day") {
    RequestBuilder b;
    b.site("12").line("J1745").line_dates(date(2027, 1, 10), date(2027, 1, 10));
    CHECK(run(b)[0].approved_span == DateRange{date(2027, 1, 10), date(2028, 1, 9)});
  }
  SECTION("a request longer than the policy maximum is cut to 12 months") {
    RequestBuilder b;
    b.site("12").line("J1745").line_dates(date(2026, 12, 1), date(2028, 6, 30));
    CHECK(run(b)[0].approved_span == DateRange{date(2026, 12, 1), date(2027, 11, 30)});
  }
  SECTION("without a line date the 2000E DTP is used") {
    RequestBuilder b;
    b.site("12").event_dates(date(2027, 2, 1), date(2027, 3, 1)).line("J1745");
    CHECK(run(b)[0].approved_span == DateRange{date(2027, 2, 1), date(2027, 3, 1)});
  }
  SECTION("without any date the decision date starts the span") {
    RequestBuilder b;
    b.site("12").no_event_dates().line("J1745");
    CHECK(run(b)[0].approved_span == DateRange{date(2026, 11, 15), date(2027, 11, 14)});
  }
  SECTION("a start on 29 February ends on 28 February") {
    RequestBuilder b;
    b.site("12").line("J1745").line_dates(date(2028, 2, 29), date(2028, 2, 29));
    CHECK(run(b)[0].approved_span == DateRange{date(2028, 2, 29), date(2029, 2, 28)});
  }
  SECTION("a redirect carries the span too, and the administration line copies it") {
    RequestBuilder b;
    b.line("J1745").line_dates(date(2027, 1, 10), date(2027, 1, 10)).line("96365");
    const auto d = run(b);
    REQUIRE(d.size() == 2);
    CHECK(d[0].outcome == Outcome::redirect);
    CHECK(d[0].approved_span == DateRange{date(2027, 1, 10), date(2028, 1, 9)});
    CHECK(d[1].approved_span == d[0].approved_span);
  }
  SECTION("a pend has no span") {
    RequestBuilder b;
    b.line("J9999");
    CHECK_FALSE(run(b)[0].approved_span);
  }
}

TEST_CASE("pediatric age is taken at the service start, from the patient's DMG", "[soc]") {
  SECTION("17 on the decision date but 18 at the start: adult") {
    RequestBuilder b;
    b.dependent(date(2008, 11, 20)).line("J1745");   // start 2026-12-01 (2000E DTP)
    const auto d = run(b)[0];
    CHECK(d.rule_id == "R6.no_exception");
    CHECK(check(d, "non_qualifying")->outcome == CriterionOutcome::not_met);
  }
  SECTION("17 at the start: pediatric, non-qualifying, cited from 2010D DMG") {
    RequestBuilder b;
    b.dependent(date(2008, 12, 2));
    const std::uint32_t dmg = b.last_segment();
    b.line("J1745");
    const auto d = run(b)[0];
    CHECK(d.rule_id == "R6.non_qualifying");
    const auto* nq = check(d, "non_qualifying");
    REQUIRE(nq);
    CHECK(nq->outcome == CriterionOutcome::non_qualifying);
    REQUIRE(nq->evidence.size() == 1);
    CHECK(nq->evidence[0].segment == "DMG");
    CHECK(nq->evidence[0].loop == "2010D");
    CHECK(nq->evidence[0].at.segment_in_set == dmg);
    CHECK(d.explanation.sentence.find("pediatrics (age 17)") != std::string::npos);
  }
  SECTION("a subscriber is the patient when there is no dependent") {
    RequestBuilder b;
    b.line("J1745");
    CHECK(run(b)[0].rule_id == "R6.no_exception");   // born 1980
  }
}

TEST_CASE("explanations cite the segments they used", "[soc][explain]") {
  RequestBuilder b;
  b.dx("ABK", "M0579");
  b.dx("ABF", "T886XXA");
  const std::uint32_t hi = b.last_segment();
  b.pwk("M1", "EL");
  const std::uint32_t pwk = b.last_segment();
  b.line("J1745");
  const auto d = run(b)[0];
  REQUIRE(d.rule_id == "R4.documented_exception");
  CHECK(d.section == "I.A.1.d");

  const auto* sae = check(d, "I.A.1.d");
  REQUIRE(sae);
  CHECK(sae->outcome == CriterionOutcome::met);
  REQUIRE(sae->evidence.size() == 1);
  CHECK(sae->evidence[0].segment == "HI");
  CHECK(sae->evidence[0].loop == "2000E");
  CHECK(sae->evidence[0].at.segment_in_set == hi);
  CHECK(sae->evidence[0].text.find("T88.6XXA") != std::string::npos);

  // Criteria are listed in policy order; I.A.1.b could not be assessed without history.
  std::vector<std::string> ids;
  for (const auto& c : d.explanation.criteria) ids.push_back(c.criterion_id);
  CHECK(ids == std::vector<std::string>{"I.A.1", "I.A.1.a", "I.A.1.b", "I.A.1.c", "I.A.1.d", "non_qualifying"});
  const auto* initial = check(d, "I.A.1.b");
  CHECK(initial->outcome == CriterionOutcome::not_assessed);
  CHECK(initial->note.find("could not be assessed") != std::string::npos);
  CHECK(check(d, "I.A.1")->outcome == CriterionOutcome::not_assessed);
  CHECK(check(d, "I.A.1.a")->outcome == CriterionOutcome::not_met);

  REQUIRE(fact(d, "PWK"));
  CHECK(fact(d, "PWK")->at.segment_in_set == pwk);
  REQUIRE(fact(d, "UM"));
  CHECK(fact(d, "UM")->loop == "2000E");
  CHECK(fact(d, "UM")->at.element == 4);
  REQUIRE(fact(d, "SV1"));
  CHECK(fact(d, "SV1")->text.find("J1745") != std::string::npos);
  CHECK(d.explanation.sentence.find("I.A.1.d") != std::string::npos);
  CHECK(d.explanation.sentence.find("PWK M1 by EL") != std::string::npos);
}

TEST_CASE("non-qualifying reasons are named in the decision and the MSG", "[soc]") {
  RequestBuilder b;
  b.dx("ABF", "F40231").dependent(date(2017, 6, 1)).line("J1745");
  const auto d = run(b)[0];
  CHECK(d.rule_id == "R6.non_qualifying");
  CHECK(d.non_qualifying == std::vector<std::string>{"trypanophobia (F40.231)", "pediatrics (age 9)"});
  const std::string msg = soc::response_message(d);
  CHECK(msg.find("NOT QUALIFYING TRYPANOPHOBIA (F40.231), PEDIATRICS (AGE 9)") != std::string::npos);
  // With a real, documented exception the needle fear is still listed, and the line is approved.
  RequestBuilder c;
  c.dx("ABF", "F40231").dx("ABF", "T886XXA").pwk("M1", "EL").line("J1745");
  const auto e = run(c)[0];
  CHECK(e.rule_id == "R4.documented_exception");
  CHECK(check(e, "non_qualifying")->outcome == CriterionOutcome::non_qualifying);
}

TEST_CASE("the requested site reports where UM04 came from", "[soc]") {
  RequestBuilder b;
  b.site("22").line("J1745").line_site("13", 'A');
  const auto d = run(b)[0];
  CHECK(d.requested_site.code == "13");
  CHECK(d.requested_site.qualifier == model::SiteQualifier::bill_type);
  CHECK(d.requested_site.site_class == SiteClass::hospital_outpatient);
  CHECK(d.requested_site.loop == "2000F");
  CHECK(d.requested_site.name == "Hospital outpatient");
}

TEST_CASE("pends name the documents needed and the criterion", "[soc]") {
  RequestBuilder b;
  b.dx("ABF", "T886XXA").dx("ABF", "I509").line("J1745");
  const auto d = run(b)[0];
  REQUIRE(d.rule_id == "R4.exception_needs_documentation");
  CHECK(d.section == "I.A.1.c");   // policy order: c before d
  REQUIRE(d.documents_needed.size() == 2);
  CHECK(d.documents_needed[0].rfind("I.A.1.c: ", 0) == 0);
  CHECK(d.documents_needed[1].rfind("I.A.1.d: ", 0) == 0);
  CHECK(d.documents_needed[1].find("infusion records") != std::string::npos);
  const std::string msg = soc::response_message(d);
  CHECK(msg.rfind("PENDED PER GA.PMN.34 I.A.1.C", 0) == 0);
  CHECK(msg.size() <= 264);
}

TEST_CASE("I.A.1.b uses the History interface", "[soc][history]") {
  SECTION("no prior administration: initial dose, met; with documentation approved") {
    FakeHistory h(std::vector<core::Date>{});
    RequestBuilder b;
    b.pwk("M1", "EL").line("J1745");
    const auto d = run(b, h)[0];
    CHECK(d.rule_id == "R4.documented_exception");
    CHECK(d.section == "I.A.1.b");
    CHECK(check(d, "I.A.1.b")->outcome == CriterionOutcome::met);
    CHECK(h.asked_member.member_id == "XYZ123456789");
    CHECK_FALSE(h.asked_member.is_dependent);
    CHECK(h.asked_until == date(2026, 11, 30));   // before the service start
  }
  SECTION("no prior administration, no documentation: pend for I.A.1.b documents") {
    FakeHistory h(std::vector<core::Date>{});
    RequestBuilder b;
    b.line("J1745");
    const auto d = run(b, h)[0];
    CHECK(d.rule_id == "R4.exception_needs_documentation");
    REQUIRE(d.documents_needed.size() == 1);
    CHECK(d.documents_needed[0].rfind("I.A.1.b: ", 0) == 0);
  }
  SECTION("administered within the restart window: not met, redirected") {
    FakeHistory h(std::vector<core::Date>{date(2026, 9, 1)});
    RequestBuilder b;
    b.line("J1745");
    const auto d = run(b, h)[0];
    CHECK(d.rule_id == "R6.no_exception");
    CHECK(check(d, "I.A.1.b")->outcome == CriterionOutcome::not_met);
  }
  SECTION("last administered more than 6 months before: restart, met") {
    FakeHistory h(std::vector<core::Date>{date(2026, 4, 1)});
    RequestBuilder b;
    b.pwk("M1", "EL").line("J1745");
    const auto d = run(b, h)[0];
    CHECK(d.rule_id == "R4.documented_exception");
    CHECK(check(d, "I.A.1.b")->note.find("restart") != std::string::npos);
  }
  SECTION("history unavailable: not assessed, decision unchanged") {
    FakeHistory h(std::nullopt);
    RequestBuilder b;
    b.line("J1745");
    const auto d = run(b, h)[0];
    CHECK(d.rule_id == "R6.no_exception");
    CHECK(check(d, "I.A.1.b")->outcome == CriterionOutcome::not_assessed);
  }
  SECTION("rituximab at home, first visit on record: redirected to an infusion suite") {
    FakeHistory h(std::vector<core::Date>{});
    RequestBuilder b;
    b.site("12").line("J9312");
    const auto d = run(b, h)[0];
    CHECK(d.outcome == Outcome::redirect);
    CHECK(d.rule_id == "R2.first_visit_at_infusion_suite");
    CHECK(d.redirect_to == std::vector<SiteClass>{SiteClass::infusion_suite_or_office});
    REQUIRE(d.authorized_site);
    CHECK(d.authorized_site->code == "11");
  }
  SECTION("rituximab at home after earlier visits: approved") {
    FakeHistory h(std::vector<core::Date>{date(2026, 10, 1)});
    RequestBuilder b;
    b.site("12").line("J9312");
    CHECK(run(b, h)[0].rule_id == "R2.lower_cost_site");
  }
  SECTION("a dependent is identified by the subscriber id and its own name and birth date") {
    FakeHistory h(std::nullopt);
    RequestBuilder b;
    b.dependent(date(2010, 3, 3)).line("J1745");
    (void)run(b, h);
    CHECK(h.asked_member.is_dependent);
    CHECK(h.asked_member.first_name == "JIMMY");
    CHECK(h.asked_member.birth_date == date(2010, 3, 3));
  }
}

TEST_CASE("policy parameters change decisions without code", "[soc][parameters]") {
  SECTION("documentation_without_evidence: redirect") {
    const auto p = variant([](mapping::PolicyParameters& x) { x.documentation_without_evidence = mapping::DocumentationWithoutEvidence::redirect; });
    RequestBuilder b;
    b.pwk("M1", "FX").line("J1745");
    const auto d = run(b, soc::NoHistory{}, p)[0];
    CHECK(d.outcome == Outcome::redirect);
    CHECK(d.rule_id == "R5.documentation_redirect");
    CHECK(d.section == "III.A");
    CHECK(d.policy_id == "TEST.VARIANT");
  }
  SECTION("redirect_hcr01: A3 overrides decision-codes.yaml") {
    const auto p = variant([](mapping::PolicyParameters& x) { x.redirect_hcr01 = "A3"; });
    RequestBuilder b;
    b.line("J1745");
    const auto d = run(b, soc::NoHistory{}, p)[0];
    CHECK(d.outcome == Outcome::redirect);
    CHECK(d.hcr01 == "A3");
    CHECK(d.hcr03 == "16");
  }
  SECTION("pediatric_is_exception: a child with documentation is approved") {
    const auto p = variant([](mapping::PolicyParameters& x) { x.pediatric_is_exception = true; });
    RequestBuilder b;
    b.dependent(date(2017, 6, 1)).pwk("M1", "EL").line("J1745");
    const auto d = run(b, soc::NoHistory{}, p)[0];
    CHECK(d.rule_id == "R4.documented_exception");
    CHECK(check(d, "pediatrics")->outcome == CriterionOutcome::met);
  }
  SECTION("preferred_sites sets the redirect order and what counts as lower cost") {
    const auto p = variant([](mapping::PolicyParameters& x) {
      x.preferred_sites = {SiteClass::infusion_suite_or_office, SiteClass::home};
    });
    RequestBuilder b;
    b.line("J1745");
    const auto d = run(b, soc::NoHistory{}, p)[0];
    CHECK(d.redirect_to == std::vector<SiteClass>{SiteClass::infusion_suite_or_office, SiteClass::home});
    CHECK(d.authorized_site->code == "11");
    RequestBuilder pharmacy;
    pharmacy.site("01").line("J1745");
    CHECK(run(pharmacy, soc::NoHistory{}, p)[0].rule_id == "R2.site_out_of_scope");
  }
  SECTION("max_approval_months") {
    const auto p = variant([](mapping::PolicyParameters& x) { x.max_approval_months = 6; });
    RequestBuilder b;
    b.site("12").line("J1745").line_dates(date(2027, 1, 1), date(2027, 1, 1));
    CHECK(run(b, soc::NoHistory{}, p)[0].approved_span->last == date(2027, 6, 30));
  }
}

TEST_CASE("route() picks the policy by ISA08, GS03 or UMO id", "[soc][routing]") {
  SECTION("ISA08 with its padding") {
    RequestBuilder b;
    b.payer("SOCHEALTHPLAN  ", "", "");
    const auto r = soc::route(b.get(), maps());
    REQUIRE(r.routed());
    CHECK(r.policy_id == "GA.PMN.34");
    CHECK(r.matched_by == "isa08");
    CHECK(r.matched_value == "SOCHEALTHPLAN");
    CHECK(r.policy == maps().policy("GA.PMN.34"));
  }
  SECTION("UMO NM109") {
    RequestBuilder b;
    b.payer("X", "Y", "NYSOC01");
    const auto r = soc::route(b.get(), maps());
    CHECK(r.policy_id == "NY.CP.PHAR.493");
    CHECK(r.matched_by == "umo_id");
  }
  SECTION("unknown payer: pend with a reason naming the identifiers, never a crash") {
    RequestBuilder b;
    b.payer("ACME", "ACMEGS", "").line("J1745");
    const auto r = soc::route(b.get(), maps());
    CHECK_FALSE(r.routed());
    CHECK(r.policy == nullptr);
    CHECK(r.default_outcome == Outcome::pend);
    CHECK(r.hcr01 == "A4");
    CHECK(r.hcr03 == "0W");
    CHECK(r.reason.find("'ACME'") != std::string::npos);
    CHECK(r.reason.find("'ACMEGS'") != std::string::npos);
    const auto lines = soc::pend_unrouted(b.get(), r, maps());
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].rule_id == "R0.unknown_payer");
    CHECK(lines[0].requested_site.site_class == SiteClass::hospital_outpatient);
    const std::string msg = soc::response_message(lines[0]);
    CHECK(msg.find("ACME") != std::string::npos);
  }
  SECTION("an empty request routes nowhere") {
    model::AuthorizationRequest empty;
    CHECK_FALSE(soc::route(empty, maps()).routed());
  }
}

TEST_CASE("evaluate is pure: same input, same output", "[soc]") {
  RequestBuilder b;
  b.dx("ABF", "F40231").dx("ABF", "T886XXA").pwk("M1", "AA").line("J1745").line("96365").line("J2323").line_site("12");
  const auto a = run(b);
  const auto c = run(b);
  REQUIRE(a.size() == c.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].rule_id == c[i].rule_id);
    CHECK(a[i].explanation.sentence == c[i].explanation.sentence);
    CHECK(a[i].documents_needed == c[i].documents_needed);
  }
}

TEST_CASE("response_message stays within MSG01 and free of delimiters", "[soc]") {
  soc::LineDecision d;
  d.outcome = Outcome::pend;
  d.policy_id = "GA.PMN.34";
  d.section = "I.A.1.d";
  d.documents_needed = {std::string(400, 'x') + "*~:^|"};
  const std::string m = soc::response_message(d);
  CHECK(m.size() <= 264);
  CHECK(m.find_first_of("*~:^|") == std::string::npos);
  CHECK(m.rfind("PENDED PER GA.PMN.34 I.A.1.D", 0) == 0);

  d.outcome = Outcome::redirect;
  d.section = "III.A";
  d.redirect_to = {SiteClass::infusion_suite_or_office};
  d.certified_facility = true;
  d.requested_site.site_class = SiteClass::home;
  CHECK(soc::response_message(d) ==
        "SITE OF CARE REDIRECT PER GA.PMN.34 III.A. APPROVED AT INFUSION SUITE/OFFICE (CERTIFIED FACILITY ONLY). REQUESTED HOME "
        "NOT APPROVED");
}

TEST_CASE("notes = false leaves out criterion notes and nothing else", "[soc][explain]") {
  // The decision report prints no notes and turns them off; `explain` keeps them.
  RequestBuilder b;
  b.dx("ABF", "F40231").dx("ABF", "T886XXA").dx("ABF", "I509").pwk("M1", "AA").line("J1745").line("96365");
  b.line("J2323").line_site("12");
  soc::EvaluationContext lean = kCtx;
  lean.notes = false;
  const auto full = run(b);
  const auto without = soc::evaluate(b.get(), ga(), maps(), soc::NoHistory{}, lean);
  REQUIRE(full.size() == without.size());
  bool some_note = false;
  for (std::size_t i = 0; i < full.size(); ++i) {
    const auto& a = full[i];
    const auto& c = without[i];
    CHECK(a.rule_id == c.rule_id);
    CHECK(a.outcome == c.outcome);
    CHECK(a.hcr01 == c.hcr01);
    CHECK(a.hcr03 == c.hcr03);
    CHECK(a.section == c.section);
    CHECK(a.documents_needed == c.documents_needed);
    CHECK(a.non_qualifying == c.non_qualifying);
    CHECK(a.explanation.sentence == c.explanation.sentence);
    CHECK(soc::response_message(a) == soc::response_message(c));
    REQUIRE(a.explanation.facts.size() == c.explanation.facts.size());
    for (std::size_t k = 0; k < a.explanation.facts.size(); ++k) CHECK(a.explanation.facts[k].text == c.explanation.facts[k].text);
    REQUIRE(a.explanation.criteria.size() == c.explanation.criteria.size());
    for (std::size_t k = 0; k < a.explanation.criteria.size(); ++k) {
      CHECK(a.explanation.criteria[k].criterion_id == c.explanation.criteria[k].criterion_id);
      CHECK(a.explanation.criteria[k].outcome == c.explanation.criteria[k].outcome);
      CHECK(a.explanation.criteria[k].evidence.size() == c.explanation.criteria[k].evidence.size());
      CHECK(c.explanation.criteria[k].note.empty());
      some_note = some_note || !a.explanation.criteria[k].note.empty();
    }
  }
  CHECK(some_note);
}

TEST_CASE("response_message cuts at a word boundary within 264 characters", "[soc]") {
  soc::LineDecision d;
  d.outcome = Outcome::pend;
  d.policy_id = "GA.PMN.34";
  d.section = "I.A.1.d";
  std::string words;
  for (int i = 0; i < 60; ++i) words += "word" + std::to_string(i) + ",  ";
  d.documents_needed = {words};
  const std::string m = soc::response_message(d);
  CHECK(m.size() <= 264);
  CHECK(m.size() > 200);
  CHECK(m.back() != ' ');
  CHECK(m.back() != ',');
  CHECK(m.find("  ") == std::string::npos);
  // The cut falls after a whole word ("WORD41"), not inside one.
  std::string tail = m.substr(m.rfind(' ') + 1);
  for (char& ch : tail) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  CHECK(words.find(" " + tail + ",") != std::string::npos);
  std::string reused = "left over";
  soc::response_message(d, reused);
  CHECK(reused == m);
}

TEST_CASE("a continued-approval pend names the certification type with its article", "[soc]") {
  // Regression: the sentence said "a extension" for UM02 = 4.
  RequestBuilder extension;
  extension.um02("4").line("J1745");
  const auto e = run(extension);
  REQUIRE(e.size() == 1);
  CHECK(e[0].rule_id == "R3.records_needed");
  CHECK(e[0].explanation.sentence.rfind("Pended: an extension at hospital outpatient", 0) == 0);
  RequestBuilder renewal;
  renewal.um02("R").line("J1745");
  const auto r = run(renewal);
  REQUIRE(r.size() == 1);
  CHECK(r[0].explanation.sentence.rfind("Pended: a renewal at hospital outpatient", 0) == 0);
}

// Table-driven evaluator test: each row builds a request in C++, names the policy section it
// exercises, and states the expected decision (STYLE.md section 9).
#include "soc278/soc/evaluate.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "request_builder.hpp"

using namespace soc278;
using mapping::SiteClass;
using soc::Outcome;
using test::date;
using test::RequestBuilder;

namespace {

constexpr SiteClass kHome = SiteClass::home;
constexpr SiteClass kSuite = SiteClass::infusion_suite_or_office;
constexpr SiteClass kPharmacy = SiteClass::pharmacy;
const std::vector<SiteClass> kPreferred = {kHome, kSuite, kPharmacy};
const std::vector<SiteClass> kSuiteOnly = {kSuite};

struct Case {
  const char* section;                 // the policy section (or rule) the row exercises
  const char* name;
  void (*build)(RequestBuilder&);
  Outcome outcome;
  const char* rule;
  const char* hcr01;
  const char* hcr03;
  std::vector<SiteClass> redirect_to;  // checked for redirects
  const char* policy = "GA.PMN.34";
  std::size_t line = 0;                // which decision to check (0-based)
};

// Adult, initial, hospital outpatient (POS 22) by default: see RequestBuilder().
const Case cases[] = {
    // ---- R2: the requested site is already lower cost -----------------------------------------
    {"GA.PMN.34 Description (POS 12 home)", "infliximab at home", [](RequestBuilder& b) { b.site("12").line("J1745"); },
     Outcome::approve, "R2.lower_cost_site", "A1", "", {}},
    {"GA.PMN.34 Description (POS 11 office)", "infliximab at office", [](RequestBuilder& b) { b.site("11").line("J1745"); },
     Outcome::approve, "R2.lower_cost_site", "A1", "", {}},
    {"GA.PMN.34 Description (POS 24 ASC/infusion center)", "infliximab at POS 24", [](RequestBuilder& b) { b.site("24").line("J1745"); },
     Outcome::approve, "R2.lower_cost_site", "A1", "", {}},
    {"GA.PMN.34 Description (POS 49 independent clinic)", "infliximab at POS 49",
     [](RequestBuilder& b) { b.site("49").line("J1745"); }, Outcome::approve, "R2.lower_cost_site", "A1", "", {}},
    {"GA.PMN.34 Description (POS 01 pharmacy)", "infliximab at pharmacy", [](RequestBuilder& b) { b.site("01").line("J1745"); },
     Outcome::approve, "R2.lower_cost_site", "A1", "", {}},
    {"GA.PMN.34 Description (bill type 32 home health)", "bill type 32:A", [](RequestBuilder& b) { b.site("32", 'A').line("J1745"); },
     Outcome::approve, "R2.lower_cost_site", "A1", "", {}},
    {"GA.PMN.34 Description (line UM04 wins)", "event 22:B, line 12:B",
     [](RequestBuilder& b) { b.site("22").line("J1745").line_site("12"); }, Outcome::approve, "R2.lower_cost_site", "A1", "", {}},
    {"GA.PMN.34 Description (renewal at home)", "renewal R at home", [](RequestBuilder& b) { b.site("12").um02("R").line("J1745"); },
     Outcome::approve, "R2.lower_cost_site", "A1", "", {}},
    {"GA.PMN.34 Appendix B (natalizumab, certified facility)", "natalizumab at home",
     [](RequestBuilder& b) { b.site("12").line("J2323"); }, Outcome::redirect, "R2.certified_facility_required", "A6", "16", kSuiteOnly},
    {"GA.PMN.34 Appendix B (natalizumab, certified facility)", "natalizumab at office",
     [](RequestBuilder& b) { b.site("11").line("J2323"); }, Outcome::approve, "R2.lower_cost_site", "A1", "", {}},
    {"GA.PMN.34 Appendix B (rituximab 1st visit in AIS)", "rituximab at home, no history",
     [](RequestBuilder& b) { b.site("12").line("J9312"); }, Outcome::approve, "R2.lower_cost_site", "A1", "", {}},
    {"GA.PMN.34 Appendix B (J3303 review row, still listed)", "J3303 at home", [](RequestBuilder& b) { b.site("12").line("J3303"); },
     Outcome::approve, "R2.lower_cost_site", "A1", "", {}},

    // ---- R2: site missing, unknown, out of scope --------------------------------------------------
    {"R2 site missing", "no UM04 anywhere", [](RequestBuilder& b) { b.no_site().line("J1745"); }, Outcome::pend, "R2.site_missing",
     "A4", "0V", {}},
    {"R2 site unknown", "POS 30 unassigned", [](RequestBuilder& b) { b.site("30").line("J1745"); }, Outcome::pend, "R2.site_unknown",
     "A4", "0V", {}},
    {"R2 site unknown", "UM04 without qualifier", [](RequestBuilder& b) { b.site("22", ' ').line("J1745"); }, Outcome::pend,
     "R2.site_unknown", "A4", "0V", {}},
    {"R2 site out of scope", "POS 21 inpatient", [](RequestBuilder& b) { b.site("21").line("J1745"); }, Outcome::pend,
     "R2.site_out_of_scope", "A4", "0V", {}},
    {"GA.PMN.34 Description (bill type 83 ambulatory surgery = POS 24)", "bill type 83:A ASC",
     [](RequestBuilder& b) { b.site("83", 'A').line("J1745"); }, Outcome::approve, "R2.lower_cost_site", "A1", "", {}},

    // ---- R1: not listed, administration codes ---------------------------------------------------
    {"GA.PMN.34 Appendix B (not listed)", "J9999 at hospital", [](RequestBuilder& b) { b.line("J9999"); }, Outcome::pend,
     "R1.not_listed", "A4", "0V", {}},
    {"GA.PMN.34 Appendix B (not listed)", "J9999 at home", [](RequestBuilder& b) { b.site("12").line("J9999"); }, Outcome::pend,
     "R1.not_listed", "A4", "0V", {}},
    {"GA.PMN.34 Appendix B (not listed)", "unreadable procedure", [](RequestBuilder& b) { b.line("J17"); }, Outcome::pend,
     "R1.not_listed", "A4", "0V", {}},
    {"ref 7 (administration follows drug)", "96365 after redirected J1745",
     [](RequestBuilder& b) { b.line("J1745").line("96365"); }, Outcome::redirect, "R1.administration_follows_drug", "A6", "16",
     kPreferred, "GA.PMN.34", 1},
    {"ref 7 (administration follows drug)", "96365 before approved J1745 at home",
     [](RequestBuilder& b) { b.site("12").line("96365").line("J1745"); }, Outcome::approve, "R1.administration_follows_drug", "A1",
     "", {}, "GA.PMN.34", 0},
    {"GA.PMN.34 Appendix B (administration without drug)", "96365 alone",
     [](RequestBuilder& b) { b.line("96365"); }, Outcome::pend, "R1.administration_without_drug", "A4", "0V", {}},
    {"ref 7 (administration follows its drug)", "96365 after an unlisted drug follows it",
     [](RequestBuilder& b) { b.line("J9999").line("96365"); }, Outcome::pend, "R1.administration_follows_drug", "A4", "0V", {},
     "GA.PMN.34", 1},
    {"ref 7 (administration follows its drug)", "96365 after J9999 follows J9999, not the first listed drug J1745",
     [](RequestBuilder& b) { b.line("J1745").line("J9999").line("96365"); }, Outcome::pend, "R1.administration_follows_drug", "A4",
     "0V", {}, "GA.PMN.34", 2},
    {"ref 7 (administration follows its drug)", "hospital 96365 after a redirected drug, not the drug approved at home",
     [](RequestBuilder& b) { b.line("J1745").line_site("12").line("J3380").line_site("22").line("96365").line_site("22"); },
     Outcome::redirect, "R1.administration_follows_drug", "A6", "16", kPreferred, "GA.PMN.34", 2},
    {"ref 7 (administration follows its drug)", "96365 first: follows the nearest drug after it",
     [](RequestBuilder& b) { b.line("96365").line_site("12").line("J1745").line_site("12").line("J3380"); }, Outcome::approve,
     "R1.administration_follows_drug", "A1", "", {}, "GA.PMN.34", 0},
    {"ref 7 (administration never certified where its drug is not)", "96365 at POS 22 for a drug approved at home",
     [](RequestBuilder& b) { b.site("12").line("J1745").line("96365").line_site("22"); }, Outcome::pend,
     "R1.administration_site_differs", "A4", "0V", {}, "GA.PMN.34", 1},
    {"two lines, different outcomes", "J1745 redirected, J9999 pended (line 1)",
     [](RequestBuilder& b) { b.line("J1745").line("J9999"); }, Outcome::redirect, "R6.no_exception", "A6", "16", kPreferred},
    {"two lines, different outcomes", "J1745 redirected, J9999 pended (line 2)",
     [](RequestBuilder& b) { b.line("J1745").line("J9999"); }, Outcome::pend, "R1.not_listed", "A4", "0V", {}, "GA.PMN.34", 1},
    {"two lines, different outcomes", "line 1 at home approved, line 2 at hospital redirected",
     [](RequestBuilder& b) { b.line("J1745").line_site("12").line("J3380").line_site("22"); }, Outcome::redirect, "R6.no_exception",
     "A6", "16", kPreferred, "GA.PMN.34", 1},

    // ---- R4: documented exception / exception without documentation ------------------------------
    {"GA.PMN.34 I.A.1.d (documentation received)", "T88.6XXA with PWK M1 FX: faxed, not yet received",
     [](RequestBuilder& b) { b.dx("ABF", "T886XXA").pwk("M1", "FX").line("J1745"); }, Outcome::pend, "R4.documentation_awaited", "A4",
     "0U", {}},
    {"GA.PMN.34 I.A.1.d (documentation received)", "T88.6XXA with PWK M1 EL", [](RequestBuilder& b) { b.dx("ABF", "T886XXA").pwk("M1", "EL").line("J1745"); },
     Outcome::approve, "R4.documented_exception", "A1", "", {}},
    {"GA.PMN.34 Policy/Criteria (documentation is about the member)", "PWK on line 1 counts for line 2",
     [](RequestBuilder& b) { b.dx("ABF", "T886XXA").line("J1745").line_pwk("M1", "EL").line("J3380"); }, Outcome::approve,
     "R4.documented_exception", "A1", "", {}, "GA.PMN.34", 1},
    {"GA.PMN.34 I.A.1.d", "T88.6XXA principal (ABK) with PWK NN EL",
     [](RequestBuilder& b) { b.dx("ABK", "T886XXA").pwk("NN", "EL").line("J1745"); }, Outcome::approve, "R4.documented_exception",
     "A1", "", {}},
    {"GA.PMN.34 I.A.1.d", "T88.6XXA without PWK", [](RequestBuilder& b) { b.dx("ABF", "T886XXA").line("J1745"); }, Outcome::pend,
     "R4.exception_needs_documentation", "A4", "0U", {}},
    {"GA.PMN.34 I.A.1.d", "T88.6XXA with PWK AA (not sent)",
     [](RequestBuilder& b) { b.dx("ABF", "T886XXA").pwk("M1", "AA").line("J1745"); }, Outcome::pend,
     "R4.exception_needs_documentation", "A4", "0U", {}},
    {"GA.PMN.34 I.A.1.d", "T88.6XXA with PWK on the 2000F line",
     [](RequestBuilder& b) { b.dx("ABF", "T886XXA").line("J1745").line_pwk("09", "EM"); }, Outcome::approve,
     "R4.documented_exception", "A1", "", {}},
    {"GA.PMN.34 I.A.1.d", "T88.7 is not T88.6 (prefix boundary)", [](RequestBuilder& b) { b.dx("ABF", "T887XXA").line("J1745"); },
     Outcome::redirect, "R6.no_exception", "A6", "16", kPreferred},
    {"GA.PMN.34 I.A.1.d", "ICD-9 qualifier BF is not evidence", [](RequestBuilder& b) { b.dx("BF", "T886XXA").pwk("M1", "FX").line("J1745"); },
     Outcome::pend, "R5.documentation_review", "A4", "0V", {}},
    {"GA.PMN.34 I.A.1.c", "heart failure I50.9 with PWK EL", [](RequestBuilder& b) { b.dx("ABF", "I509").pwk("PY", "EL").line("J1745"); },
     Outcome::approve, "R4.documented_exception", "A1", "", {}},
    {"GA.PMN.34 I.A.1.c", "no caregiver Z74.2 without PWK", [](RequestBuilder& b) { b.dx("APR", "Z742").line("J1745"); },
     Outcome::pend, "R4.exception_needs_documentation", "A4", "0U", {}},
    {"GA.PMN.34 I.A.1.d", "bill type 13:A with anaphylaxis and records",
     [](RequestBuilder& b) { b.site("13", 'A').dx("ABF", "T782XXA").pwk("M1", "EM").line("J1745"); }, Outcome::approve,
     "R4.documented_exception", "A1", "", {}},
    {"GA.PMN.34 I.A.1.d", "POS 19 with seizure and records",
     [](RequestBuilder& b) { b.site("19").dx("ABF", "R569").pwk("M1", "EM").line("J1745"); }, Outcome::approve,
     "R4.documented_exception", "A1", "", {}},
    {"GA.PMN.34 I.A.1.d (documentation received)", "POS 19 with seizure and records by mail (BM): awaited",
     [](RequestBuilder& b) { b.site("19").dx("ABF", "R569").pwk("M1", "BM").line("J1745"); }, Outcome::pend,
     "R4.documentation_awaited", "A4", "0U", {}},
    {"GA.PMN.34 I.A.1.d + non-qualifying", "F40.231 needle fear with a real exception and records",
     [](RequestBuilder& b) { b.dx("ABF", "F40231").dx("ABF", "T886XXA").pwk("M1", "EL").line("J1745"); }, Outcome::approve,
     "R4.documented_exception", "A1", "", {}},
    {"GA.PMN.34 I.A.1.d", "natalizumab at hospital with documented anaphylaxis",
     [](RequestBuilder& b) { b.dx("ABF", "T886XXA").pwk("M1", "EL").line("J2323"); }, Outcome::approve, "R4.documented_exception",
     "A1", "", {}},

    // ---- R5: documentation without coded exception -----------------------------------------------
    {"GA.PMN.34 I.A.1 (documentation, no coded exception)", "PWK FX only", [](RequestBuilder& b) { b.pwk("M1", "FX").line("J1745"); },
     Outcome::pend, "R5.documentation_review", "A4", "0V", {}},
    {"GA.PMN.34 I.A.1 (documentation, no coded exception)", "F40.231 with PWK FX",
     [](RequestBuilder& b) { b.dx("ABF", "F40231").pwk("M1", "FX").line("J1745"); }, Outcome::pend, "R5.documentation_review", "A4",
     "0V", {}},

    // ---- R6: redirect (III.A) ----------------------------------------------------------------------
    {"GA.PMN.34 III.A", "POS 22 no evidence", [](RequestBuilder& b) { b.line("J1745"); }, Outcome::redirect, "R6.no_exception", "A6",
     "16", kPreferred},
    {"GA.PMN.34 III.A", "POS 19 no evidence", [](RequestBuilder& b) { b.site("19").line("J1745"); }, Outcome::redirect,
     "R6.no_exception", "A6", "16", kPreferred},
    {"GA.PMN.34 III.A", "bill type 13:A no evidence", [](RequestBuilder& b) { b.site("13", 'A').line("J1745"); }, Outcome::redirect,
     "R6.no_exception", "A6", "16", kPreferred},
    {"GA.PMN.34 III.A", "PWK with a non-clinical report type (B3 order) is not documentation",
     [](RequestBuilder& b) { b.pwk("B3", "FX").line("J1745"); }, Outcome::redirect, "R6.no_exception", "A6", "16", kPreferred},
    {"GA.PMN.34 III.A", "PWK AA alone", [](RequestBuilder& b) { b.pwk("M1", "AA").line("J1745"); }, Outcome::redirect,
     "R6.no_exception", "A6", "16", kPreferred},
    {"GA.PMN.34 I.A.1 non-qualifying", "F40.231 needle fear alone", [](RequestBuilder& b) { b.dx("ABF", "F40231").line("J1745"); },
     Outcome::redirect, "R6.non_qualifying", "A6", "16", kPreferred},
    {"GA.PMN.34 I.A.1 non-qualifying", "Z51.81 lab monitoring alone", [](RequestBuilder& b) { b.dx("ABF", "Z5181").line("J1745"); },
     Outcome::redirect, "R6.non_qualifying", "A6", "16", kPreferred},
    {"GA.PMN.34 I.A.1 non-qualifying", "pediatric dependent aged 9",
     [](RequestBuilder& b) { b.dependent(date(2017, 6, 1)).line("J1745"); }, Outcome::redirect, "R6.non_qualifying", "A6", "16",
     kPreferred},
    {"GA.PMN.34 I.A.1.d + non-qualifying", "pediatric dependent with documented anaphylaxis",
     [](RequestBuilder& b) { b.dependent(date(2017, 6, 1)).dx("ABF", "T886XXA").pwk("M1", "EL").line("J1745"); }, Outcome::approve,
     "R4.documented_exception", "A1", "", {}},
    {"GA.PMN.34 III.A + Appendix B", "natalizumab at hospital: certified facility only",
     [](RequestBuilder& b) { b.line("J2323"); }, Outcome::redirect, "R6.no_exception", "A6", "16", kSuiteOnly},
    {"GA.PMN.34 III.A + Appendix B", "rituximab at hospital: first visit at AIS", [](RequestBuilder& b) { b.line("J9312"); },
     Outcome::redirect, "R6.no_exception", "A6", "16", kSuiteOnly},
    {"GA.PMN.34 Appendix B (J9312 includes biosimilars)", "Q5115 Truxima at hospital: first visit at AIS",
     [](RequestBuilder& b) { b.line("Q5115"); }, Outcome::redirect, "R6.no_exception", "A6", "16", kSuiteOnly},
    {"GA.PMN.34 Appendix B (J9312 includes biosimilars)", "Q5119 Ruxience at hospital: first visit at AIS",
     [](RequestBuilder& b) { b.line("Q5119"); }, Outcome::redirect, "R6.no_exception", "A6", "16", kSuiteOnly},
    {"GA.PMN.34 Appendix B (J9312 includes biosimilars)", "Q5123 Riabni at hospital: first visit at AIS",
     [](RequestBuilder& b) { b.line("Q5123"); }, Outcome::redirect, "R6.no_exception", "A6", "16", kSuiteOnly},
    {"GA.PMN.34 III.A", "benralizumab (self-administration excluded) at hospital", [](RequestBuilder& b) { b.line("J0517"); },
     Outcome::redirect, "R6.no_exception", "A6", "16", kPreferred},
    {"GA.PMN.34 III.A (J3303 review row, still listed)", "J3303 at hospital", [](RequestBuilder& b) { b.line("J3303"); },
     Outcome::redirect, "R6.no_exception", "A6", "16", kPreferred},

    // ---- R3: renewal (R) and extension (4) at hospital (II.A) ---------------------------------------
    {"GA.PMN.34 II.A", "renewal R without records", [](RequestBuilder& b) { b.um02("R").line("J1745"); }, Outcome::pend,
     "R3.records_needed", "A4", "0U", {}},
    {"GA.PMN.34 II.A", "extension 4 without records", [](RequestBuilder& b) { b.um02("4").line("J1745"); }, Outcome::pend,
     "R3.records_needed", "A4", "0U", {}},
    {"GA.PMN.34 II.A", "renewal R with PWK AA only", [](RequestBuilder& b) { b.um02("R").pwk("M1", "AA").line("J1745"); },
     Outcome::pend, "R3.records_needed", "A4", "0U", {}},
    {"GA.PMN.34 II.A", "renewal R with records and anaphylaxis",
     [](RequestBuilder& b) { b.um02("R").dx("ABF", "T886XXA").pwk("M1", "EL").line("J1745"); }, Outcome::approve,
     "R3.continued_with_exception", "A1", "", {}},
    {"GA.PMN.34 II.A (documentation received)", "renewal R with faxed records and anaphylaxis: awaited",
     [](RequestBuilder& b) { b.um02("R").dx("ABF", "T886XXA").pwk("M1", "FX").line("J1745"); }, Outcome::pend,
     "R3.records_awaited", "A4", "0U", {}},
    {"GA.PMN.34 II.A", "extension 4 with records and heart failure",
     [](RequestBuilder& b) { b.um02("4").dx("ABF", "I5022").pwk("NN", "EL").line("J1745"); }, Outcome::approve,
     "R3.continued_with_exception", "A1", "", {}},
    {"GA.PMN.34 II.A", "renewal R with records, no coded exception",
     [](RequestBuilder& b) { b.um02("R").pwk("M1", "FX").line("J1745"); }, Outcome::pend, "R3.records_review", "A4", "0V", {}},
    {"GA.PMN.34 II.A", "renewal R with records and only needle fear",
     [](RequestBuilder& b) { b.um02("R").dx("ABF", "F40231").pwk("M1", "FX").line("J1745"); }, Outcome::pend, "R3.records_review",
     "A4", "0V", {}},
    {"GA.PMN.34 II.A", "line UM02 4 overrides event UM02 I",
     [](RequestBuilder& b) { b.line("J1745").line_site("22", 'B', "4"); }, Outcome::pend, "R3.records_needed", "A4", "0U", {}},

    // ---- R0: not automated --------------------------------------------------------------------------
    {"R0 appeal", "UM02 1 immediate appeal", [](RequestBuilder& b) { b.um02("1").line("J1745"); }, Outcome::pend, "R0.review_type",
     "A4", "0V", {}},
    {"R0 cancel (UM02 3 answered as a cancellation)", "UM02 3 cancel", [](RequestBuilder& b) { b.um02("3").site("12").line("J1745"); },
     Outcome::cancel, "R0.cancel", "C", "", {}},
    {"R0 cancel (UM02 3 answered as a cancellation)", "UM02 3 cancel at hospital, unlisted drug",
     [](RequestBuilder& b) { b.um02("3").line("J9999"); }, Outcome::cancel, "R0.cancel", "C", "", {}},
    {"R0 cancel (UM02 3 answered as a cancellation)", "UM02 3 cancel: administration line cancelled too",
     [](RequestBuilder& b) { b.um02("3").line("J1745").line("96365"); }, Outcome::cancel, "R0.cancel", "C", "", {}, "GA.PMN.34", 1},
    // ---- HCR01: a span cut to the approval duration is not "approved as requested" -----------------
    {"GA.PMN.34 I (Approval duration: up to one year)", "18-month request at home: approved for 12 months, A6 0L",
     [](RequestBuilder& b) { b.site("12").event_dates(date(2026, 12, 1), date(2028, 5, 31)).line("J1745"); }, Outcome::approve,
     "R2.lower_cost_site", "A6", "0L", {}},
    {"GA.PMN.34 I (Approval duration: up to one year)", "12-month request at home: approved as requested, A1",
     [](RequestBuilder& b) { b.site("12").event_dates(date(2026, 12, 1), date(2027, 11, 30)).line("J1745"); }, Outcome::approve,
     "R2.lower_cost_site", "A1", "", {}},

    // ---- routing ----------------------------------------------------------------------------------
    {"NY.CP.PHAR.493 (routing by ISA08)", "NY natalizumab at home",
     [](RequestBuilder& b) { b.payer("NYSOCPLAN", "NYSOCPLAN", "NYSOC01").site("12").line("J2323"); }, Outcome::redirect,
     "R2.certified_facility_required", "A6", "16", kSuiteOnly, "NY.CP.PHAR.493"},
    {"NY.CP.PHAR.493 III.A (routing by UMO id)", "NY infliximab at hospital",
     [](RequestBuilder& b) { b.payer("OTHER", "OTHER", "NYSOC01").line("J1745"); }, Outcome::redirect, "R6.no_exception", "A6", "16",
     kPreferred, "NY.CP.PHAR.493"},
    {"NY.CP.PHAR.493 (routing by GS03)", "NY documented anaphylaxis",
     [](RequestBuilder& b) { b.payer("OTHER", "NYSOCPLAN", "").dx("ABF", "T886XXA").pwk("M1", "EL").line("J1745"); },
     Outcome::approve, "R4.documented_exception", "A1", "", {}, "NY.CP.PHAR.493"},
    {"routing.yaml default_action", "unknown payer", [](RequestBuilder& b) { b.payer("NOBODY", "NOBODY", "NOBODY").line("J1745"); },
     Outcome::pend, "R0.unknown_payer", "A4", "0W", {}, ""},
};

}  // namespace

TEST_CASE("evaluator decision table", "[soc]") {
  const mapping::MappingSet& maps = test::shipped_mappings();
  const soc::NoHistory history;
  const soc::EvaluationContext ctx{date(2026, 11, 15)};
  STATIC_REQUIRE(sizeof(cases) / sizeof(cases[0]) >= 60);
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.section << " / " << c.name) {
      RequestBuilder b;
      c.build(b);
      const soc::Decisions out = soc::decide(b.get(), maps, history, ctx);
      REQUIRE(out.lines.size() > c.line);
      const soc::LineDecision& d = out.lines[c.line];
      INFO(d.explanation.sentence);
      CHECK(out.routing.policy_id == c.policy);
      CHECK(d.rule_id == c.rule);
      CHECK(d.outcome == c.outcome);
      CHECK(d.hcr01 == c.hcr01);
      CHECK(d.hcr03 == c.hcr03);
      CHECK(d.policy_id == c.policy);
      CHECK(d.line_number == c.line + 1);
      CHECK_FALSE(d.section.empty());
      CHECK_FALSE(d.explanation.sentence.empty());
      CHECK(d.explanation.rule == d.rule_id);
      CHECK(d.explanation.section == d.section);
      if (c.outcome == Outcome::redirect) {
        CHECK(d.redirect_to == c.redirect_to);
        REQUIRE(d.authorized_site);
        CHECK(d.authorized_site->code == maps.sites.redirect_code(c.redirect_to.front()));
      } else {
        CHECK(d.redirect_to.empty());
        CHECK_FALSE(d.authorized_site);
      }
      CHECK(d.approved_span.has_value() == soc::certifies(c.outcome));
      // A pend for documentation asks for them, unless they were sent already and are awaited.
      const bool awaited = std::string(c.rule).ends_with("_awaited");
      if (c.outcome == Outcome::pend && std::string(c.hcr03) == "0U") CHECK(d.documents_needed.empty() == awaited);
      // HCR01 A1 means "as requested": never with a span cut short, never said in MSG when cut.
      if (c.outcome == Outcome::approve) CHECK((d.hcr01 == "A1") == !d.requested_end.has_value());
      if (std::string(c.rule) == "R6.non_qualifying") CHECK_FALSE(d.non_qualifying.empty());
      if (std::string(c.rule) == "R6.no_exception") CHECK(d.non_qualifying.empty());
      const std::string msg = soc::response_message(d);
      CHECK_FALSE(msg.empty());
      CHECK(msg.size() <= 264);
      CHECK(msg.find_first_of("*~:^|") == std::string::npos);
      if (d.requested_end) CHECK(msg.find("AS REQUESTED PER") == std::string::npos);
    }
  }
}

// Loading the real mappings/ folder, and every loader error naming file:line.
#include "soc278/mapping/load.hpp"

#include <catch2/catch.hpp>
#include <fmt/core.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/shipped_guides.hpp"
#include "unit/mapping/temp_mappings.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
using namespace soc278;
using mapping::DrugFlag;
using mapping::SiteClass;
using test::expect_error;
using test::TempMappings;

namespace {

const mapping::MappingSet& real() {
  static const mapping::MappingSet set = [] {
    auto r = mapping::load_mappings(test::source_dir() / "mappings", test::shipped_guides());
    if (!r) FAIL(r.error().message);
    return std::move(r).value();
  }();
  return set;
}

model::Hcpcs hcpcs(std::string_view s) { return *model::Hcpcs::parse(s); }

}  // namespace

TEST_CASE("the shipped mappings load", "[mapping]") {
  const auto r = mapping::load_mappings(test::source_dir() / "mappings", test::shipped_guides());
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  CHECK(r->policies.size() == 2);
  CHECK(r->policy("GA.PMN.34") != nullptr);
  CHECK(r->policy("NY.CP.PHAR.493") != nullptr);
  CHECK(r->policy("XX") == nullptr);
}

TEST_CASE("GA.PMN.34 Appendix B has all 198 rows in source order", "[mapping]") {
  const mapping::Policy& ga = *real().policy("GA.PMN.34");
  const auto& rows = ga.drugs().rows();
  CHECK(rows.size() == 198);
  CHECK(rows.front().hcpcs.view() == "J0129");
  CHECK(rows.front().brand == "Orencia");
  CHECK(rows.back().hcpcs.view() == "Q5152");
  const auto reviewed = std::count_if(rows.begin(), rows.end(), [](const mapping::Drug& d) { return !d.review.empty(); });
  CHECK(reviewed == 21);
  // Rows sharing a code stay separate rows; a lookup by code finds all of them.
  const auto epoetin = ga.drugs().find_all(hcpcs("J0885"));
  REQUIRE(epoetin.size() == 2);
  CHECK(epoetin[0]->brand == "Epogen");
  CHECK(epoetin[1]->brand == "Procrit");
  CHECK(ga.drugs().find_all(hcpcs("J7190")).size() == 3);
  CHECK_FALSE(ga.drugs().contains(hcpcs("J9999")));
  // J3303 is flagged for review (triamcinolone, not factor VIII) but kept as published.
  REQUIRE(ga.drugs().find(hcpcs("J3303")));
  CHECK_FALSE(ga.drugs().find(hcpcs("J3303"))->review.empty());
}

TEST_CASE("drug flags come from the Notes column", "[mapping]") {
  const mapping::DrugTable& drugs = real().policy("GA.PMN.34")->drugs();
  const auto j2323 = drugs.flags(hcpcs("J2323"));
  CHECK(j2323.has(DrugFlag::certified_facility_required));
  CHECK_FALSE(j2323.has(DrugFlag::first_visit_at_infusion_suite));
  const auto j9312 = drugs.flags(hcpcs("J9312"));
  CHECK(j9312.has(DrugFlag::first_visit_at_infusion_suite));
  CHECK(j9312.has(DrugFlag::includes_biosimilars));
  CHECK_FALSE(j9312.has(DrugFlag::certified_facility_required));
  const auto j0517 = drugs.flags(hcpcs("J0517"));
  CHECK(j0517.has(DrugFlag::self_administration_excluded));
  CHECK_FALSE(j0517.has(DrugFlag::certified_facility_required));
  CHECK(drugs.find(hcpcs("J2323"))->note == "Facility must be certified; found approved locations on Tysabri website");
  CHECK(drugs.flags(hcpcs("J1745")).has(DrugFlag::includes_biosimilars));
  CHECK(drugs.flags(hcpcs("J0129")).empty());
  // No Appendix B row carries requires_facility_administration (I.A.1.a).
  for (const auto& d : drugs.rows()) CHECK_FALSE(d.flags.has(DrugFlag::requires_facility_administration));
}

TEST_CASE("GA.PMN.34 parameters and criteria", "[mapping]") {
  const mapping::Policy& ga = *real().policy("GA.PMN.34");
  const auto& p = ga.parameters();
  CHECK(p.max_approval_months == 12);
  CHECK(p.restart_window_months == 6);
  CHECK(p.redirect_hcr01 == "A6");
  CHECK(p.not_listed_action == mapping::NotListedAction::pend);
  CHECK(p.documentation_without_evidence == mapping::DocumentationWithoutEvidence::pend);
  CHECK_FALSE(p.pediatric_is_exception);
  CHECK(p.pediatric_age_under == 18);
  CHECK(p.preferred_sites == std::vector<SiteClass>{SiteClass::home, SiteClass::infusion_suite_or_office, SiteClass::pharmacy});
  CHECK(ga.inherited_parameters().empty());
  CHECK(ga.info().line_of_business == "HIM");
  CHECK(ga.info().effective == "2025-07");

  std::vector<std::string> ids;
  for (const auto& c : ga.criteria()) ids.push_back(c.id);
  CHECK(ids == std::vector<std::string>{"I.A.1", "I.A.1.a", "I.A.1.b", "I.A.1.c", "I.A.1.d", "non_qualifying", "II.A", "III.A"});
  const mapping::Criterion* d = ga.criterion("I.A.1.d");
  REQUIRE(d);
  CHECK(d->section == "I.A.1.d");
  CHECK(d->kind == mapping::CriterionKind::exception);
  CHECK(d->evidence == mapping::EvidenceKind::diagnosis);
  CHECK(d->evidence_group == "severe_adverse_event");
  CHECK(d->documentation_required);
  CHECK_FALSE(d->summary.empty());
  CHECK(ga.criterion("I.A.1.a")->flag == DrugFlag::requires_facility_administration);
  CHECK(ga.criterion("I.A.1.b")->evidence == mapping::EvidenceKind::history);
  CHECK(ga.first_of_kind(mapping::CriterionKind::redirect)->section == "III.A");
  CHECK(ga.first_of_kind(mapping::CriterionKind::continued_approval)->section == "II.A");
}

TEST_CASE("NY.CP.PHAR.493 inherits criteria, drugs and unset parameters from GA.PMN.34 by reference", "[mapping]") {
  const mapping::Policy& ga = *real().policy("GA.PMN.34");
  const mapping::Policy& ny = *real().policy("NY.CP.PHAR.493");
  CHECK(ny.info().based_on == "GA.PMN.34");
  CHECK_FALSE(ny.info().text_available);
  // Same rows in memory, not a copy.
  CHECK(ny.shares_tables_with(ga));
  CHECK(&ny.drugs() == &ga.drugs());
  CHECK(ny.drugs().size() == 198);
  CHECK(ny.criteria().data() == ga.criteria().data());
  // Parameters it does not set are inherited; the ones it sets are its own.
  CHECK(ny.parameters().max_approval_months == 12);
  CHECK(ny.parameters().preferred_sites == ga.parameters().preferred_sites);
  const auto& inherited = ny.inherited_parameters();
  auto has = [&](const char* n) { return std::find(inherited.begin(), inherited.end(), n) != inherited.end(); };
  CHECK(has("max_approval_months"));
  CHECK(has("restart_window_months"));
  CHECK(has("preferred_sites"));
  CHECK(has("pediatric_age_under"));
  CHECK_FALSE(has("redirect_hcr01"));
  CHECK_FALSE(has("not_listed_action"));
}

TEST_CASE("place-of-service and bill types classify the requested site", "[mapping]") {
  const mapping::SiteTable& s = real().sites;
  auto pos = [&](const char* c) { return s.place_of_service(c) ? s.place_of_service(c)->site_class : SiteClass::out_of_scope; };
  CHECK(pos("19") == SiteClass::hospital_outpatient);
  CHECK(pos("22") == SiteClass::hospital_outpatient);
  CHECK(pos("11") == SiteClass::infusion_suite_or_office);
  CHECK(pos("24") == SiteClass::infusion_suite_or_office);
  CHECK(pos("49") == SiteClass::infusion_suite_or_office);
  CHECK(pos("12") == SiteClass::home);
  CHECK(pos("01") == SiteClass::pharmacy);
  CHECK(pos("21") == SiteClass::out_of_scope);
  CHECK(s.place_of_service("30") == nullptr);   // CMS unassigned
  CHECK(s.place_of_service("1") == nullptr);
  REQUIRE(s.bill_type("13"));
  CHECK(s.bill_type("13")->site_class == SiteClass::hospital_outpatient);
  CHECK(s.bill_type("131")->site_class == SiteClass::hospital_outpatient);   // full type of bill tolerated
  CHECK(s.bill_type("32")->site_class == SiteClass::home);
  CHECK(s.bill_type("83")->site_class == SiteClass::infusion_suite_or_office);   // = POS 24
  model::RequestedSite rs{"13", model::SiteQualifier::bill_type, {}};
  CHECK(s.classify(rs)->site_class == SiteClass::hospital_outpatient);
  rs.qualifier = model::SiteQualifier::place_of_service;
  CHECK(s.classify(rs)->site_class == SiteClass::out_of_scope);   // POS 13 is assisted living, not bill type 13
  rs.code = "30";
  CHECK(s.classify(rs) == nullptr);   // POS 30 is unassigned
  rs.qualifier = model::SiteQualifier::none;
  CHECK(s.classify(rs) == nullptr);
  CHECK(s.redirect_code(SiteClass::infusion_suite_or_office) == "11");
  CHECK(s.redirect_code(SiteClass::home) == "12");
  CHECK(s.redirect_code(SiteClass::pharmacy) == "01");
  CHECK(s.redirect_code(SiteClass::hospital_outpatient).empty());
}

TEST_CASE("evidence groups match ICD-10 exactly or by prefix", "[mapping]") {
  const mapping::EvidenceTable& e = real().evidence;
  const mapping::EvidenceGroup* sae = e.group("severe_adverse_event");
  REQUIRE(sae);
  CHECK(sae->criterion() == "I.A.1.d");
  auto icd = [](const char* c) { return *model::Icd10Code::parse(c); };
  REQUIRE(sae->match(icd("T886XXA")));
  CHECK(sae->match(icd("T886XXA"))->reason == "anaphylaxis");
  CHECK(sae->match(icd("T886"))->code == "T886");
  CHECK(sae->match(icd("T887XXA")) == nullptr);
  CHECK(sae->match(icd("N19"))->reason == "renal_failure");   // exact
  CHECK(sae->match(icd("N190")) == nullptr);                  // exact does not cover subcodes
  CHECK(sae->match(icd("R5600"))->reason == "seizure");
  const mapping::EvidenceGroup* nq = e.group("non_qualifying");
  REQUIRE(nq);
  CHECK(nq->match(icd("F40231"))->reason == "trypanophobia");
  CHECK(e.group("health_risk")->match(icd("E8770"))->reason == "fluid_intolerance");
  CHECK(e.group("health_risk")->match(icd("E877")) == nullptr);
  CHECK(e.group("nope") == nullptr);

  const auto& doc = e.documentation();
  model::Attachment a{"M1", "FX", "", "", {}};
  CHECK(doc.classify(a) == mapping::PwkStatus::submitted);
  a.transmission = "AA";
  CHECK(doc.classify(a) == mapping::PwkStatus::not_submitted);
  a = {"B3", "FX", "", "", {}};
  CHECK(doc.classify(a) == mapping::PwkStatus::not_counted);
  a = {"M1", "ZZ", "", "", {}};
  CHECK(doc.classify(a) == mapping::PwkStatus::unknown_transmission);
}

TEST_CASE("administration, decision and routing tables", "[mapping]") {
  CHECK(real().administration.contains(hcpcs("96365")));
  CHECK(real().administration.contains(hcpcs("96413")));
  CHECK_FALSE(real().administration.contains(hcpcs("J1745")));
  CHECK(real().administration.rows().size() == 24);

  const auto& d = real().decision_codes;
  CHECK(d.hcr01_approve == "A1");
  CHECK(d.hcr01_redirect == "A6");
  CHECK(d.hcr01_pend == "A4");
  CHECK(d.hcr03_approve.empty());
  CHECK(d.hcr03_redirect == "16");
  CHECK(d.hcr03_pend_documentation == "0U");
  CHECK(d.hcr03_pend_clinical_review == "0V");
  CHECK(d.hcr03_pend_unknown_payer == "0W");
  CHECK(d.hcr03_pend_site == "0V");

  const auto& r = real().routing;
  CHECK(r.default_action() == mapping::DefaultAction::pend);
  auto m = r.match("SOCHEALTHPLAN   ", "", "");
  REQUIRE(m);
  CHECK(m->route->policy == "GA.PMN.34");
  CHECK(m->key == mapping::RouteKey::isa08);
  m = r.match("OTHER", "NYSOCPLAN", "");
  REQUIRE(m);
  CHECK(m->route->policy == "NY.CP.PHAR.493");
  m = r.match("", "", "NYSOC01");
  REQUIRE(m);
  CHECK(m->key == mapping::RouteKey::umo_id);
  CHECK_FALSE(r.match("UNKNOWN", "UNKNOWN", "UNKNOWN"));
  CHECK_FALSE(r.match("", "", ""));
}

// ---- loader errors: each names file and line ----------------------------------------------

TEST_CASE("loader rejects an unknown key", "[mapping][errors]") {
  TempMappings t;
  const int line = t.replace("policies/GA.PMN.34.yaml", R"(brand: "Tysabri", )", R"(brand: "Tysabri", colour: red, )");
  expect_error(t, core::DiagCode::mapping_unknown_key, "GA.PMN.34.yaml", line, "unknown key 'colour'");
}

TEST_CASE("loader rejects an unknown top-level key", "[mapping][errors]") {
  TempMappings t;
  const int line = t.append("routing.yaml", "fallback: approve\n");
  expect_error(t, core::DiagCode::mapping_unknown_key, "routing.yaml", line, "unknown key 'fallback'");
}

TEST_CASE("loader rejects a HCPCS that does not parse", "[mapping][errors]") {
  TempMappings t;
  const int line = t.replace("policies/GA.PMN.34.yaml", "hcpcs: J0180,", "hcpcs: J018,");
  expect_error(t, core::DiagCode::mapping_invalid, "GA.PMN.34.yaml", line, "'J018' is not");
}

TEST_CASE("loader rejects a duplicate drug row (same HCPCS and brand)", "[mapping][errors]") {
  TempMappings t;
  const int line = t.replace("policies/GA.PMN.34.yaml", R"x({ hcpcs: J0885, generic: "epoetin alfa (non-ESRD)", brand: "Procrit" })x",
                             R"x({ hcpcs: J0885, generic: "epoetin alfa (non-ESRD)", brand: "Epogen" })x");
  expect_error(t, core::DiagCode::mapping_duplicate, "GA.PMN.34.yaml", line, "repeats the row at line");
}

TEST_CASE("loader rejects an unknown drug flag", "[mapping][errors]") {
  TempMappings t;
  const int line = t.replace("policies/GA.PMN.34.yaml", "flags: [certified_facility_required]", "flags: [certified_facility]");
  expect_error(t, core::DiagCode::mapping_invalid, "GA.PMN.34.yaml", line, "unknown drug flag 'certified_facility'");
}

TEST_CASE("loader rejects an evidence group naming a criterion no policy has", "[mapping][errors]") {
  TempMappings t;
  const int at = t.replace("evidence.yaml", "  - id: non_qualifying\n    criterion: non_qualifying\n",
                           "  - id: orphan\n    criterion: I.A.9\n    summary: \"x\"\n    icd10:\n"
                           "      - { code: Z999, match: exact, reason: x, label: x, source: x, family: x }\n"
                           "  - id: non_qualifying\n    criterion: non_qualifying\n");
  expect_error(t, core::DiagCode::mapping_dangling_reference, "evidence.yaml", at + 1, "criterion 'I.A.9'");
}

TEST_CASE("loader rejects a criterion whose evidence group does not exist", "[mapping][errors]") {
  TempMappings t;
  const int line = t.replace("policies/GA.PMN.34.yaml", "evidence_group: health_risk", "evidence_group: health_risks");
  expect_error(t, core::DiagCode::mapping_dangling_reference, "GA.PMN.34.yaml", line, "'health_risks'");
}

TEST_CASE("loader rejects a duplicate ICD-10 row in a group", "[mapping][errors]") {
  TempMappings t;
  const int line = t.replace("evidence.yaml", "- { code: T782, match: prefix,", "- { code: T886, match: prefix,");
  expect_error(t, core::DiagCode::mapping_duplicate, "evidence.yaml", line, "'T886' is listed twice");
}

TEST_CASE("loader rejects an ICD-10 code written with its decimal point", "[mapping][errors]") {
  TempMappings t;
  const int line = t.replace("evidence.yaml", "- { code: T782, match: prefix,", "- { code: T78.2, match: prefix,");
  expect_error(t, core::DiagCode::mapping_invalid, "evidence.yaml", line, "decimal point");
}

TEST_CASE("loader rejects a duplicate place-of-service code", "[mapping][errors]") {
  TempMappings t;
  const int line = t.replace("place-of-service.yaml", R"({ code: "03", name: "School")", R"({ code: "02", name: "School")");
  expect_error(t, core::DiagCode::mapping_duplicate, "place-of-service.yaml", line, "'02' is listed twice");
}

TEST_CASE("loader rejects a place-of-service code that is not two digits", "[mapping][errors]") {
  TempMappings t;
  const int line = t.replace("place-of-service.yaml", R"({ code: "03", name: "School")", R"({ code: "3", name: "School")");
  expect_error(t, core::DiagCode::mapping_invalid, "place-of-service.yaml", line, "not two digits");
}

TEST_CASE("loader rejects an unknown site class", "[mapping][errors]") {
  TempMappings t;
  const int line = t.replace("place-of-service.yaml", R"("Office", site_class: infusion_suite_or_office)", R"("Office", site_class: clinic)");
  expect_error(t, core::DiagCode::mapping_invalid, "place-of-service.yaml", line, "unknown site class 'clinic'");
}

TEST_CASE("loader rejects an HCR03 outside code source 886", "[mapping][errors]") {
  TempMappings t;
  const int line = t.replace("decision-codes.yaml", R"(redirect: "16")", R"(redirect: "99")");
  expect_error(t, core::DiagCode::mapping_invalid, "decision-codes.yaml", line, "'99' is not an HCR03");
}

TEST_CASE("loader rejects a route to a policy without a file", "[mapping][errors]") {
  TempMappings t;
  const int line = t.replace("routing.yaml", "policy: NY.CP.PHAR.493,", "policy: NY.CP.PHAR.999,");
  expect_error(t, core::DiagCode::mapping_dangling_reference, "routing.yaml", line, "'NY.CP.PHAR.999'");
}

TEST_CASE("loader rejects an identifier routed twice", "[mapping][errors]") {
  TempMappings t;
  const int line = t.replace("routing.yaml", "umo_id: [NYSOC01]", "umo_id: [GAHIM01]");
  expect_error(t, core::DiagCode::mapping_duplicate, "routing.yaml", line, "already routes at line");
}

TEST_CASE("loader rejects drugs in a based_on policy", "[mapping][errors]") {
  TempMappings t;
  const int line = t.append("policies/NY.CP.PHAR.493.yaml", "drugs:\n  - { hcpcs: J0129, generic: a, brand: b }\n");
  expect_error(t, core::DiagCode::mapping_invalid, "NY.CP.PHAR.493.yaml", line + 1, "must not have 'drugs'");
}

TEST_CASE("loader rejects a based_on naming no policy", "[mapping][errors]") {
  TempMappings t;
  const int line = t.replace("policies/NY.CP.PHAR.493.yaml", "based_on: GA.PMN.34", "based_on: GA.PMN.35");
  expect_error(t, core::DiagCode::mapping_dangling_reference, "NY.CP.PHAR.493.yaml", line, "'GA.PMN.35'");
}

TEST_CASE("loader rejects a self-contained policy missing a parameter", "[mapping][errors]") {
  TempMappings t;
  (void)t.replace("policies/GA.PMN.34.yaml", "  restart_window_months: 6\n", "");
  // A missing key is reported at the map that lacks it: yaml-cpp marks a block map at its first key.
  const std::string text = test::read_file(t.dir() / "policies/GA.PMN.34.yaml");
  const auto at = text.find("  max_approval_months:");
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  expect_error(t, core::DiagCode::mapping_missing_key, "GA.PMN.34.yaml", line, "'restart_window_months'");
}

TEST_CASE("loader reports YAML syntax errors with their line", "[mapping][errors]") {
  TempMappings t;
  const int line = t.replace("administration-codes.yaml", R"({ code: "96361", description:)", R"({ code: "96361" description:)");
  const auto r = mapping::load_mappings(t.dir(), test::shipped_guides());
  REQUIRE_FALSE(r.ok());
  INFO(r.error().message);
  CHECK(r.error().code == core::DiagCode::mapping_yaml_syntax);
  CHECK(r.error().message.find("administration-codes.yaml:") != std::string::npos);
  (void)line;
}

TEST_CASE("loader rejects an unexpected mapping file and a missing folder", "[mapping][errors]") {
  TempMappings t;
  std::ofstream(t.dir() / "evidence-extra.yaml") << "a: 1\n";
  auto r = mapping::load_mappings(t.dir(), test::shipped_guides());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == core::DiagCode::mapping_io_error);
  CHECK(r.error().message.find("evidence-extra.yaml") != std::string::npos);

  r = mapping::load_mappings(t.dir() / "nope", test::shipped_guides());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == core::DiagCode::mapping_io_error);
}

TEST_CASE("loader rejects a policy id that differs from its file name", "[mapping][errors]") {
  TempMappings t;
  const int line = t.replace("policies/GA.PMN.34.yaml", "  id: GA.PMN.34\n", "  id: GA.PMN.43\n");
  expect_error(t, core::DiagCode::mapping_invalid, "GA.PMN.34.yaml", line, "must equal the file name");
}

TEST_CASE("loader rejects A2 as a service-line HCR01: a 2000F HCR01 is never A2", "[mapping][errors]") {
  // A2 (certified in part) only summarises an event at 2000E; the hcr01 keys code single lines.
  SECTION("approve") {
    TempMappings t;
    const int line = t.replace("decision-codes.yaml", "approve: A1", "approve: A2");
    expect_error(t, core::DiagCode::mapping_invalid, "decision-codes.yaml", line, "hcr01.approve is A2");
  }
  SECTION("pend") {
    TempMappings t;
    const int line = t.replace("decision-codes.yaml", "pend: A4", "pend: A2");
    expect_error(t, core::DiagCode::mapping_invalid, "decision-codes.yaml", line, "hcr01.pend is A2");
  }
  SECTION("a policy's redirect_hcr01") {
    TempMappings t;
    const int line = t.replace("policies/GA.PMN.34.yaml", "redirect_hcr01: A6", "redirect_hcr01: A2");
    expect_error(t, core::DiagCode::mapping_invalid, "GA.PMN.34.yaml", line, "redirect_hcr01 must be A6 or A3");
  }
}

TEST_CASE("hcr01.partial, the 2000E code of lines certified in part, comes from decision-codes.yaml", "[mapping][errors]") {
  CHECK(real().decision_codes.hcr01_partial == "A2");
  SECTION("a missing key is a load error at its map") {
    TempMappings t;
    const int map_line = t.replace("decision-codes.yaml", "  approve: A1", "  approve: A1");
    (void)t.replace("decision-codes.yaml", "  partial: A2\n", "");
    expect_error(t, core::DiagCode::mapping_missing_key, "decision-codes.yaml", map_line, "lacks the required key 'partial'");
  }
  SECTION("a value that is no HCR01 code") {
    TempMappings t;
    const int line = t.replace("decision-codes.yaml", "partial: A2", "partial: Z9");
    expect_error(t, core::DiagCode::mapping_invalid, "decision-codes.yaml", line, "'Z9' is not an HCR01 action code");
  }
  SECTION("another code is taken as it is") {
    TempMappings t;
    (void)t.replace("decision-codes.yaml", "partial: A2", "partial: A4");
    const auto r = mapping::load_mappings(t.dir(), test::shipped_guides());
    REQUIRE(r.ok());
    CHECK(r.value().decision_codes.hcr01_partial == "A4");
  }
}

TEST_CASE("summary_msg, the 2000E MSG01 wording of a response, comes from decision-codes.yaml and is MSG-safe", "[mapping][errors]") {
  CHECK(real().decision_codes.msg_partial == "CERTIFIED IN PART - {certified} OF {decided} SERVICE LINES CERTIFIED, {pended} PENDED");
  CHECK(real().decision_codes.msg_pended_documents_needed == "PENDED - SEE SERVICE LINES FOR THE DOCUMENTATION NEEDED");
  CHECK(real().decision_codes.msg_pended_no_documents == "PENDED - SEE SERVICE LINES FOR THE REASON, NO DOCUMENTS REQUESTED");
  SECTION("a missing key is a load error at its map") {
    TempMappings t;
    const int map_line = t.replace("decision-codes.yaml", "  pended_documents_needed:", "  pended_documents_needed:");
    (void)t.replace("decision-codes.yaml", "  pended_no_documents: \"PENDED - SEE SERVICE LINES FOR THE REASON, NO DOCUMENTS REQUESTED\"\n", "");
    expect_error(t, core::DiagCode::mapping_missing_key, "decision-codes.yaml", map_line, "lacks the required key 'pended_no_documents'");
  }
  SECTION("a character a MSG01 cannot carry as it is") {
    TempMappings t;
    const int line = t.replace("decision-codes.yaml", "FOR THE DOCUMENTATION NEEDED", "FOR THE DOCUMENTATION NEEDED*");
    expect_error(t, core::DiagCode::mapping_invalid, "decision-codes.yaml", line, "summary_msg.pended_documents_needed must be MSG-safe");
  }
  SECTION("lower case") {
    TempMappings t;
    const int line = t.replace("decision-codes.yaml", "SEE SERVICE LINES FOR THE REASON", "see service lines for the reason");
    expect_error(t, core::DiagCode::mapping_invalid, "decision-codes.yaml", line, "summary_msg.pended_no_documents must be MSG-safe");
  }
  SECTION("partial without one of its counts") {
    TempMappings t;
    const int line = t.replace("decision-codes.yaml", ", {pended} PENDED", ", SOME PENDED");
    expect_error(t, core::DiagCode::mapping_invalid, "decision-codes.yaml", line, "lacks the placeholder {pended}");
  }
  SECTION("an unknown placeholder") {
    TempMappings t;
    const int line = t.replace("decision-codes.yaml", "CERTIFIED IN PART - ", "CERTIFIED IN PART {total} - ");
    expect_error(t, core::DiagCode::mapping_invalid, "decision-codes.yaml", line, "summary_msg.partial must be MSG-safe");
  }
}

TEST_CASE("loader rejects FT as a PWK02 code: the 278 has no file-transfer transmission", "[mapping][errors]") {
  CHECK(std::find(real().evidence.documentation().submitted().begin(), real().evidence.documentation().submitted().end(), "FT") ==
        real().evidence.documentation().submitted().end());
  TempMappings t;
  const int line = t.replace("evidence.yaml", "pwk_transmission_submitted: [BM, EL, EM, FX]", "pwk_transmission_submitted: [BM, EL, EM, FT, FX]");
  expect_error(t, core::DiagCode::mapping_invalid, "evidence.yaml", line, "FT");
}

// ---- drug groups ("includes biosimilars"), bill type / POS agreement, documentation_counts_when ----------

TEST_CASE("includes biosimilars: the reference row's flags reach its biosimilars", "[mapping][biosimilars]") {
  const mapping::Policy& ga = *real().policy("GA.PMN.34");
  const mapping::Drug* rituximab = ga.drugs().find(hcpcs("J9312"));
  REQUIRE(rituximab != nullptr);
  for (const char* code : {"Q5115", "Q5119", "Q5123"}) {
    INFO(code);
    const auto l = ga.drugs().listing(hcpcs(code));
    REQUIRE(l.first != nullptr);
    CHECK(l.first->hcpcs == hcpcs(code));     // keeps its own row
    CHECK(l.flags.has(DrugFlag::first_visit_at_infusion_suite));
    CHECK_FALSE(l.flags.has(DrugFlag::includes_biosimilars));   // the note itself is not inherited
    CHECK(l.inherited_from == rituximab);
  }
  const mapping::Drug* infliximab = ga.drugs().find(hcpcs("J1745"));
  for (const char* code : {"Q5103", "Q5104", "Q5109", "Q5121"}) {
    INFO(code);
    CHECK(ga.drugs().listing(hcpcs(code)).inherited_from == infliximab);
  }
  // A biosimilar of another product (filgrastim Q5101) inherits nothing.
  CHECK(ga.drugs().listing(hcpcs("Q5101")).inherited_from == nullptr);
  // NY.CP.PHAR.493 shares the table, so the same holds there.
  CHECK(real().policy("NY.CP.PHAR.493")->drugs().listing(hcpcs("Q5115")).flags.has(DrugFlag::first_visit_at_infusion_suite));
}

TEST_CASE("includes biosimilars: an infliximab note flag and an unlisted member are inherited", "[mapping][biosimilars]") {
  TempMappings t;
  // Give J1745 a flag through its note, and add a biosimilar code the table does not list.
  (void)t.replace("policies/GA.PMN.34.yaml", "flags: [includes_biosimilars], review: \"generic misspelled",
                  "flags: [includes_biosimilars, certified_facility_required], review: \"generic misspelled");
  (void)t.replace("drug-groups.yaml", "      - { hcpcs: Q5121, name: \"infliximab-axxq (Avsola)\" }\n",
                  "      - { hcpcs: Q5121, name: \"infliximab-axxq (Avsola)\" }\n      - { hcpcs: Q5199, name: \"test-only biosimilar\" }\n");
  const auto r = mapping::load_mappings(t.dir(), test::shipped_guides());
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  const mapping::DrugTable& drugs = r->policy("GA.PMN.34")->drugs();
  for (const char* code : {"Q5103", "Q5104", "Q5109", "Q5121", "Q5199"}) {
    INFO(code);
    const auto l = drugs.listing(hcpcs(code));
    REQUIRE(l.first != nullptr);
    CHECK(l.flags.has(DrugFlag::certified_facility_required));
  }
  // The unlisted member is listed through the reference row.
  CHECK(drugs.listing(hcpcs("Q5199")).first->hcpcs == hcpcs("J1745"));
}

TEST_CASE("loader rejects includes_biosimilars without a drug group", "[mapping][errors][biosimilars]") {
  TempMappings t;
  (void)t.replace("drug-groups.yaml", "reference: J9312", "reference: J9311");
  const std::string text = test::read_file(t.dir() / "policies/GA.PMN.34.yaml");
  const auto at = text.find("hcpcs: J9312");
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  expect_error(t, core::DiagCode::mapping_dangling_reference, "GA.PMN.34.yaml", line, "no group with reference J9312");
}

TEST_CASE("loader rejects a code in two drug groups", "[mapping][errors][biosimilars]") {
  TempMappings t;
  const int line = t.replace("drug-groups.yaml", "{ hcpcs: Q5123,", "{ hcpcs: Q5103,");
  expect_error(t, core::DiagCode::mapping_duplicate, "drug-groups.yaml", line, "one group only");
}

TEST_CASE("bill types and places of service agree for every site class", "[mapping][sites]") {
  const mapping::SiteTable& sites = real().sites;
  // Bill type 83 (ambulatory surgery center) is POS 24's setting.
  REQUIRE(sites.bill_type("83") != nullptr);
  CHECK(sites.bill_type("83")->site_class == SiteClass::infusion_suite_or_office);
  for (const mapping::SiteCode& b : sites.bill_types()) {
    INFO("bill type " << b.code);
    CHECK_FALSE(b.pos.empty());
    for (const std::string& pos : b.pos) {
      const mapping::SiteCode* p = sites.place_of_service(pos);
      REQUIRE(p != nullptr);
      CHECK(p->site_class == b.site_class);
    }
  }
}

TEST_CASE("loader rejects a bill type classed unlike its place of service", "[mapping][errors][sites]") {
  TempMappings t;
  const int line = t.replace("place-of-service.yaml", "site_class: infusion_suite_or_office, pos: [\"24\"]",
                             "site_class: out_of_scope, pos: [\"24\"]");
  expect_error(t, core::DiagCode::mapping_invalid, "place-of-service.yaml", line, "the same setting must get the same class");
}

TEST_CASE("documentation_counts_when: loaded, defaulted from the policy text, inherited, validated", "[mapping]") {
  CHECK(real().policy("GA.PMN.34")->parameters().documentation_counts_when == mapping::DocumentationCountsWhen::received);
  CHECK(real().policy("NY.CP.PHAR.493")->parameters().documentation_counts_when == mapping::DocumentationCountsWhen::received);
  const auto& docs = real().evidence.documentation();
  CHECK(docs.transmission_in_transit("FX"));
  CHECK(docs.transmission_in_transit("BM"));
  CHECK_FALSE(docs.transmission_in_transit("EL"));
  {
    TempMappings t;
    (void)t.replace("policies/GA.PMN.34.yaml", "documentation_counts_when: received", "documentation_counts_when: sent");
    const auto r = mapping::load_mappings(t.dir(), test::shipped_guides());
    REQUIRE(r.ok());
    CHECK(r->policy("GA.PMN.34")->parameters().documentation_counts_when == mapping::DocumentationCountsWhen::sent);
    CHECK(r->policy("NY.CP.PHAR.493")->parameters().documentation_counts_when == mapping::DocumentationCountsWhen::sent);
  }
  {
    TempMappings t;
    const int line = t.replace("policies/GA.PMN.34.yaml", "documentation_counts_when: received", "documentation_counts_when: faxed");
    expect_error(t, core::DiagCode::mapping_invalid, "GA.PMN.34.yaml", line, "sent or received");
  }
  {
    TempMappings t;
    const int line = t.replace("evidence.yaml", "pwk_transmission_in_transit: [BM, FX]", "pwk_transmission_in_transit: [BM, AA]");
    expect_error(t, core::DiagCode::mapping_invalid, "evidence.yaml", line, "not in pwk_transmission_submitted");
  }
}

TEST_CASE("decision codes: a shortened span and a cancellation have their own codes", "[mapping]") {
  const mapping::DecisionCodes& c = real().decision_codes;
  CHECK(c.hcr01_approve_shortened == "A6");
  CHECK(c.hcr03_approve_shortened == "0L");
  CHECK(c.hcr01_cancel == "C");
  CHECK(c.hcr03_cancel.empty());
  TempMappings t;
  const int line = t.replace("decision-codes.yaml", "  approve_shortened: A6", "  approve_shortened: A1");
  expect_error(t, core::DiagCode::mapping_invalid, "decision-codes.yaml", line, "must differ from hcr01.approve");
}

TEST_CASE("every evidence row names its clinical family", "[mapping]") {
  for (const mapping::EvidenceGroup& g : real().evidence.groups())
    for (const mapping::EvidenceCode& c : g.codes()) {
      INFO(g.id() << " " << c.code);
      CHECK_FALSE(c.family.empty());
    }
  TempMappings t;
  const int line = t.replace("evidence.yaml", "family: seizure, ", "");
  expect_error(t, core::DiagCode::mapping_missing_key, "evidence.yaml", line, "'family'");
}

TEST_CASE("the loader reports every problem of every file, each with its file:line", "[mapping][errors]") {
  TempMappings t;
  // Four independent mistakes in four files.
  const int l1 = t.replace("administration-codes.yaml", R"({ code: "96361", description:)", R"({ code: "96361", colour: red, description:)");
  const int l2 = t.replace("decision-codes.yaml", "  pend: A4 ", "  pend: Z9 ");
  const int l3 = t.replace("policies/GA.PMN.34.yaml", "  max_approval_months: 12", "  max_approval_months: 99");
  const int l4 = t.replace("evidence.yaml", "    - \"04\"   # drugs administered", "    - \"Q9\"   # drugs administered");
  const auto r = mapping::load_mappings(t.dir(), test::shipped_guides());
  REQUIRE_FALSE(r.ok());
  const std::string& m = r.error().message;
  INFO(m);
  // The first problem (files are read in a fixed order) leads the Diagnostic.
  CHECK(core::name(r.error().code) == "mapping.invalid");
  CHECK(m.find(fmt::format("evidence.yaml:{}: 'Q9' is not a 278 PWK01 report type code", l4)) != std::string::npos);
  CHECK(m.find(fmt::format("administration-codes.yaml:{}: unknown key 'colour'", l1)) != std::string::npos);
  CHECK(m.find(fmt::format("decision-codes.yaml:{}: 'Z9' is not an HCR01 action code", l2)) != std::string::npos);
  CHECK(m.find(fmt::format("GA.PMN.34.yaml:{}: max_approval_months must be 1..12, found 99", l3)) != std::string::npos);
  CHECK(std::count(m.begin(), m.end(), '\n') == 3);  // those four, nothing else
}

TEST_CASE("the HCR and PWK codes the mappings may name are the guides' code lists", "[mapping][errors]") {
  // A grammars copy whose HCR03 list lacks 0U: decision-codes.yaml's pend_documentation "0U" is refused.
  const fs::path g = fs::temp_directory_path() / fmt::format("soc278-mapping-grammars-{}", ::getpid()) / "grammars";
  fs::remove_all(g.parent_path());
  fs::create_directories(g.parent_path());
  fs::copy(test::source_dir() / "grammars", g, fs::copy_options::recursive);
  const fs::path list = g / "codes" / "hcr03_decision_reason.yaml";
  std::string text = test::read_file(list);
  const auto at = text.find("\n  \"0U\":");
  REQUIRE(at != std::string::npos);
  text.erase(at, text.find('\n', at + 1) - at);
  std::ofstream(list, std::ios::binary | std::ios::trunc) << text;
  const auto guides = ig::load_guides(g);
  fs::remove_all(g.parent_path());
  INFO((guides.ok() ? std::string() : guides.error().message));
  REQUIRE(guides.ok());
  const auto r = mapping::load_mappings(test::source_dir() / "mappings", guides.value());
  REQUIRE_FALSE(r.ok());
  INFO(r.error().message);
  CHECK(r.error().message.find("'0U' is not an HCR03 decision reason") != std::string::npos);
  CHECK(r.error().found_value == "0U");
}

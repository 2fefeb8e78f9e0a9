// Clinical families of evidence.yaml: the same clinical fact gets the same answer whichever code of its
// family the provider sends (emphysema J43 and COPD J44, cardiomyopathy I42, interstitial lung disease
// J84, cognitive R41.8x / G31.84 ...). Each family below lists real ICD-10-CM codes (no decimal point);
// every one must match a row of that family, and all of a family must get one decision.
#include "soc278/soc/evaluate.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "request_builder.hpp"

using namespace soc278;
using test::date;
using test::RequestBuilder;

namespace {

struct Family {
  const char* family;       // evidence.yaml `family`
  const char* criterion;    // the criterion its group evidences
  std::vector<const char*> codes;
};

const std::vector<Family> kFamilies = {
    {"anaphylaxis", "I.A.1.d", {"T886XXA", "T886XXD", "T782XXA", "T8052XA", "T8059XA"}},
    {"seizure", "I.A.1.d", {"R569", "R5600", "R561"}},
    {"myocardial_infarction", "I.A.1.d", {"I214", "I2109", "I219", "I229", "I238"}},
    {"renal_failure", "I.A.1.d", {"N179", "N170", "N19", "N990"}},
    {"heart_failure", "I.A.1.c", {"I5022", "I509", "I110", "I130", "I132", "I0981"}},
    {"cardiomyopathy", "I.A.1.c", {"I420", "I429", "I43"}},
    {"pulmonary_hypertension", "I.A.1.c", {"I2720", "I270"}},
    {"chronic_obstructive_lung_disease", "I.A.1.c", {"J410", "J42", "J439", "J432", "J449", "J441", "J479"}},
    {"severe_persistent_asthma", "I.A.1.c", {"J4550", "J4551"}},
    {"interstitial_lung_disease", "I.A.1.c", {"J8410", "J84112", "J849", "J702", "J703", "J704", "J99", "M0510", "M3481", "D860", "D862"}},
    {"respiratory_failure", "I.A.1.c", {"J9611", "J9610", "Z9981"}},
    {"fluid_overload", "I.A.1.c", {"E8770", "E8779"}},
    {"end_stage_renal_disease", "I.A.1.c", {"N185", "N186", "Z992"}},
    {"dementia", "I.A.1.c", {"F0390", "F0150", "F0280", "G309", "G300", "G3101", "G3109", "G311", "G3183"}},
    {"cognitive_impairment", "I.A.1.c", {"G3184", "F0670", "F0671", "R4181", "R4182", "R4183", "R41840", "R4189"}},
    {"intellectual_disability", "I.A.1.c", {"F70", "F71", "F72", "F73", "F78", "F79"}},
    {"no_caregiver", "I.A.1.c", {"Z742", "Z602"}},
    {"trypanophobia", "non_qualifying", {"F40230", "F40231"}},
    {"frequent_lab_monitoring", "non_qualifying", {"Z5181"}},
};

using Answer = std::tuple<soc::Outcome, std::string, std::string, std::string>;   // outcome, rule, section, HCR03

Answer decide(const std::string& code, bool documented) {
  RequestBuilder b;
  b.dx("ABF", code);
  if (documented) b.pwk("M1", "EL");
  b.line("J1745");
  const soc::Decisions out = soc::decide(b.get(), test::shipped_mappings(), soc::NoHistory{}, soc::EvaluationContext{date(2026, 11, 15)});
  REQUIRE(out.lines.size() == 1);
  const soc::LineDecision& d = out.lines.front();
  return {d.outcome, d.rule_id, d.section, d.hcr03};
}

}  // namespace

TEST_CASE("every code of an evidence family matches a row of that family", "[soc][evidence]") {
  const mapping::EvidenceTable& ev = test::shipped_mappings().evidence;
  for (const Family& f : kFamilies) {
    for (const char* code : f.codes) {
      INFO(f.family << " " << code);
      const auto parsed = model::Icd10Code::parse(code);
      REQUIRE(parsed);
      const mapping::EvidenceCode* hit = nullptr;
      const mapping::EvidenceGroup* in = nullptr;
      for (const mapping::EvidenceGroup& g : ev.groups())
        if (const mapping::EvidenceCode* row = g.match(*parsed)) hit = row, in = &g;
      REQUIRE(hit != nullptr);
      CHECK(hit->family == f.family);
      CHECK(in->criterion() == f.criterion);
    }
  }
}

TEST_CASE("every family of evidence.yaml is tested here", "[soc][evidence]") {
  std::set<std::string> tested;
  for (const Family& f : kFamilies) tested.insert(f.family);
  for (const mapping::EvidenceGroup& g : test::shipped_mappings().evidence.groups())
    for (const mapping::EvidenceCode& c : g.codes()) {
      INFO(c.code << " family " << c.family);
      CHECK(tested.contains(c.family));
    }
}

TEST_CASE("every code of a family gives the same decision, with and without documentation", "[soc][evidence]") {
  for (const bool documented : {true, false}) {
    for (const Family& f : kFamilies) {
      DYNAMIC_SECTION(f.family << (documented ? " documented" : " undocumented")) {
        std::set<Answer> answers;
        for (const char* code : f.codes) answers.insert(decide(code, documented));
        CHECK(answers.size() == 1);
        const auto& [outcome, rule, section, hcr03] = *answers.begin();
        if (std::string(f.criterion) == "non_qualifying") {
          // Never an exception: with documentation it goes to review, without to the III.A redirect.
          CHECK(rule == (documented ? "R5.documentation_review" : "R6.non_qualifying"));
        } else {
          CHECK(section == f.criterion);
          CHECK(outcome == (documented ? soc::Outcome::approve : soc::Outcome::pend));
          CHECK(rule == (documented ? "R4.documented_exception" : "R4.exception_needs_documentation"));
        }
      }
    }
  }
}

TEST_CASE("emphysema and COPD, cardiomyopathy, ILD and cognitive codes are I.A.1.c evidence", "[soc][evidence]") {
  for (const char* code : {"J439", "J449", "I420", "J8410", "R4181", "G3184"}) {
    INFO(code);
    const Answer a = decide(code, false);
    CHECK(std::get<1>(a) == "R4.exception_needs_documentation");
    CHECK(std::get<2>(a) == "I.A.1.c");
  }
}

// The evaluator's sentences come from mappings/wording.yaml: rewording a phrase changes the sentence,
// never the decision, and a policy's `sections:` are what its rules cite.
#include <catch2/catch.hpp>

#include "request_builder.hpp"
#include "soc278/soc/evaluate.hpp"

using namespace soc278;
using mapping::Phrase;
using test::date;
using test::RequestBuilder;

namespace {

const soc::EvaluationContext kCtx{date(2026, 11, 15)};

void reword(mapping::MappingSet& m, Phrase p, std::string_view text) {
  std::string error;
  REQUIRE(mapping::parse_template(text, m.wording[p], error));
}

}  // namespace

TEST_CASE("a reworded phrase changes the sentence and nothing else", "[soc][wording]") {
  const mapping::MappingSet& shipped = test::shipped_mappings();
  mapping::MappingSet m = shipped;
  reword(m, Phrase::no_exception, "Moved {hcpcs} from {um04} to {redirect_target} ({policy} {section}; {exception_section}){non_qualifying}");
  RequestBuilder b;
  b.dx("ABF", "F40231").line("J1745");
  const auto before = soc::evaluate(b.get(), *shipped.policy("GA.PMN.34"), shipped, soc::NoHistory{}, kCtx).at(0);
  const auto after = soc::evaluate(b.get(), *m.policy("GA.PMN.34"), m, soc::NoHistory{}, kCtx).at(0);
  CHECK(before.rule_id == "R6.non_qualifying");
  CHECK(before.explanation.sentence.rfind("Redirected from hospital outpatient (22:B) to ", 0) == 0);
  CHECK(after.explanation.sentence ==
        "Moved J1745 from 22:B to home, infusion suite/office or pharmacy (GA.PMN.34 III.A; I.A.1) (trypanophobia (F40.231) is non-qualifying)");
  CHECK(after.outcome == before.outcome);
  CHECK(after.hcr01 == before.hcr01);
  CHECK(after.section == before.section);
  CHECK(soc::response_message(after) == soc::response_message(before));
}

TEST_CASE("the sections a rule cites come from the policy file", "[soc][wording]") {
  const mapping::MappingSet& shipped = test::shipped_mappings();
  const mapping::Policy& ga = *shipped.policy("GA.PMN.34");
  mapping::PolicyInfo info = ga.info();
  info.sections.drug_list = "Table 1";
  const mapping::Policy renamed(info, ga.parameters(),
                                std::make_shared<const std::vector<mapping::Criterion>>(ga.criteria().begin(), ga.criteria().end()),
                                std::make_shared<const mapping::DrugTable>(ga.drugs().rows()), {});
  RequestBuilder b;
  b.line("J3490");  // not in the drug list
  const auto d = soc::evaluate(b.get(), renamed, shipped, soc::NoHistory{}, kCtx).at(0);
  CHECK(d.rule_id == "R1.not_listed");
  CHECK(d.section == "Table 1");
  CHECK(d.explanation.sentence.find("drug list (Table 1)") != std::string::npos);
}

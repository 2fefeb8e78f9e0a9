// An ICD-10-CM code sent with its decimal point decides as the same code without it, and the trace
// says how it was read; a malformed code is not evidence (no prefix match). From X12 text through
// the validator and the binder, as `process` reads it.
#include <catch2/catch.hpp>

#include "request_builder.hpp"
#include "soc278/ig/walker.hpp"
#include "soc278/model/bind.hpp"
#include "soc278/soc/evaluate.hpp"

using namespace soc278;

namespace {

// Line 1 of samples/infliximab-hopd.x12 (J1745 at POS 22) with a second diagnosis `code`.
soc::LineDecision line_one_with(const std::string& code) {
  static const ig::GuideSet guides = [] {
    auto r = ig::load_guides(test::source_dir() / "grammars");
    if (!r.ok()) FAIL(r.error().message);
    return r.value();
  }();
  std::string text = test::read_file(test::source_dir() / "samples" / "infliximab-hopd.x12");
  const auto at = text.find("HI*ABK:M0579~");
  REQUIRE(at != std::string::npos);
  text.replace(at, std::string("HI*ABK:M0579").size(), "HI*ABK:M0579*ABF:" + code);
  x12::MemorySource src(text);
  core::DiagnosticList diags;
  std::optional<soc::LineDecision> line;
  ig::validate_stream(src, guides, {}, diags,
                      [&](const x12::InterchangeInfo& i, const x12::GroupInfo& g, const x12::TransactionInfo& t, ig::TransactionResult& r) {
                        REQUIRE_FALSE(r.rejected);
                        const auto request = model::bind_request(r, i, g, t);
                        static const soc::NoHistory history;
                        auto d = soc::decide(request, test::shipped_mappings(), history, soc::EvaluationContext{test::date(2026, 11, 20)});
                        REQUIRE_FALSE(d.lines.empty());
                        line = d.lines[0];
                      });
  REQUIRE(line.has_value());
  return *line;
}

std::string evidence_texts(const soc::LineDecision& d) {
  std::string all;
  for (const auto& c : d.explanation.criteria)
    for (const auto& e : c.evidence) all += e.text + "\n";
  return all;
}

}  // namespace

TEST_CASE("icd10: a code with its decimal point decides as without it, and the trace says so", "[soc][icd10]") {
  // Regression: T78.2XXA (anaphylaxis, I.A.1.d) was not read, and the line was redirected instead of
  // pended for the exception's documentation.
  const soc::LineDecision plain = line_one_with("T782XXA");
  const soc::LineDecision dotted = line_one_with("T78.2XXA");
  CHECK(plain.section == "I.A.1.d");
  CHECK(dotted.outcome == plain.outcome);
  CHECK(dotted.section == plain.section);
  CHECK(dotted.rule_id == plain.rule_id);
  CHECK(evidence_texts(dotted).find("ABF:T78.2XXA (sent with a decimal point, read as T782XXA = T78.2XXA) anaphylaxis") != std::string::npos);
  CHECK(evidence_texts(plain).find("decimal point") == std::string::npos);
}

TEST_CASE("icd10: a code without its 7th character is not prefix-matched as evidence", "[soc][icd10]") {
  // Regression: T886 matched the anaphylaxis row T886 (a prefix of T886XXA) and the line pended on it.
  const soc::LineDecision bare = line_one_with("T886");
  const soc::LineDecision full = line_one_with("T886XXA");
  CHECK(full.section == "I.A.1.d");
  CHECK(bare.section != "I.A.1.d");
  CHECK(evidence_texts(bare).find("T886") == std::string::npos);
}

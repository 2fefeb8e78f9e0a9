// ICD-10-CM codes as the binder reads them: without a decimal point sent after the category, and
// not at all when they are not ICD-10-CM shaped (core/icd10.hpp; the validator reports both).
#include <catch2/catch.hpp>

#include "soc278/core/icd10.hpp"
#include "soc278/model/bind.hpp"
#include "support/test_support.hpp"

using namespace soc278;

namespace {

std::vector<model::Diagnosis> diagnoses_of(const std::string& hi) {
  static const ig::GuideSet g = [] {
    auto r = ig::load_guides(test::source_dir() / "grammars");
    if (!r.ok()) FAIL(r.error().message);
    return r.value();
  }();
  std::string text = test::read_file(test::source_dir() / "samples" / "infliximab-hopd.x12");
  const auto at = text.find("HI*ABK:M0579~");
  REQUIRE(at != std::string::npos);
  text.replace(at, std::string("HI*ABK:M0579").size(), hi);
  x12::MemorySource src(text);
  core::DiagnosticList diags;
  std::vector<model::Diagnosis> out;
  ig::validate_stream(src, g, {}, diags,
                      [&](const x12::InterchangeInfo& i, const x12::GroupInfo& gr, const x12::TransactionInfo& t, ig::TransactionResult& r) {
                        REQUIRE_FALSE(r.rejected);
                        out = model::bind_request(r, i, gr, t).event.diagnoses;
                      });
  return out;
}

}  // namespace

TEST_CASE("icd10: the shape of an ICD-10-CM code, with or without its decimal point", "[model][icd10]") {
  auto read = [](std::string_view s) { return core::read_icd10(s); };
  CHECK(read("T782XXA").problem == core::Icd10Problem::none);
  CHECK_FALSE(read("T782XXA").decimal_point);
  CHECK(read("T78.2XXA").code() == "T782XXA");
  CHECK(read("T78.2XXA").decimal_point);
  CHECK(read("T78.2XXA").problem == core::Icd10Problem::none);
  CHECK(read("m05.79").code() == "M0579");
  CHECK(read("M1A.0").problem == core::Icd10Problem::none);  // letter in the third place
  CHECK(read("T886").problem == core::Icd10Problem::missing_seventh);
  CHECK(read("S72001").problem == core::Icd10Problem::missing_seventh);
  CHECK(read("T3110").problem == core::Icd10Problem::none);  // burns by extent: no 7th character
  CHECK(read("M05").problem == core::Icd10Problem::none);
  for (const char* bad : {"M0", "9M579", "MM579", "M05.7.9", "M0.579", "M057912A", "M05-79", "", "."})
    CHECK(read(bad).problem == core::Icd10Problem::not_icd10);
}

TEST_CASE("bind: a code sent with its decimal point is read without it - a malformed one is not read", "[model][icd10]") {
  // Regression: "T78.2XXA" bound no ICD-10 code (the evidence lookup never saw the anaphylaxis), and
  // "T886" bound as a code that the evidence table then matched as a prefix.
  const auto dx = diagnoses_of("HI*ABK:M05.79*ABF:T78.2XXA*ABF:T886*ABF:9M579");
  REQUIRE(dx.size() == 4);
  REQUIRE(dx[0].icd10.has_value());
  CHECK(dx[0].icd10->view() == "M0579");
  CHECK(dx[0].code_text == "M05.79");  // as sent, for the explanation
  REQUIRE(dx[1].icd10.has_value());
  CHECK(dx[1].icd10->view() == "T782XXA");
  CHECK_FALSE(dx[2].icd10.has_value());
  CHECK(dx[2].code_text == "T886");
  CHECK_FALSE(dx[3].icd10.has_value());
}

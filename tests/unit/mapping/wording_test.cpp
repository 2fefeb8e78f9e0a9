// mappings/wording.yaml: the evaluator's sentences as data, and the policies' `sections:`.
#include "soc278/mapping/wording.hpp"

#include <catch2/catch.hpp>

#include "unit/mapping/temp_mappings.hpp"

using namespace soc278;
using mapping::Phrase;
using mapping::Slot;
using test::expect_error;
using test::TempMappings;

namespace {

std::string render(std::string_view text, std::initializer_list<std::pair<Slot, std::string_view>> values) {
  mapping::Template t;
  std::string error;
  REQUIRE(mapping::parse_template(text, t, error));
  std::array<std::string_view, mapping::slot_count> v{};
  for (const auto& [slot, value] : values) v[static_cast<std::size_t>(slot)] = value;
  std::string out;
  t.render(out, v);
  return out;
}

}  // namespace

TEST_CASE("a template splits into text and placeholders, braces doubled for a brace", "[mapping][wording]") {
  CHECK(render("Pended: {hcpcs} under {policy}.", {{Slot::hcpcs, "J1745"}, {Slot::policy, "GA.PMN.34"}}) == "Pended: J1745 under GA.PMN.34.");
  CHECK(render("{{literal}} {um04}", {{Slot::um04, "22:B"}}) == "{literal} 22:B");
  CHECK(render("no placeholder", {}) == "no placeholder");
  mapping::Template t;
  std::string error;
  REQUIRE(mapping::parse_template("{policy} {section} {policy}", t, error));
  CHECK(t.uses(Slot::policy));
  CHECK(t.uses(Slot::section));
  CHECK_FALSE(t.uses(Slot::hcpcs));
  CHECK_FALSE(mapping::parse_template("open {policy", t, error));
  CHECK(error.find("never closed") != std::string::npos);
  CHECK_FALSE(mapping::parse_template("close }", t, error));
  CHECK_FALSE(mapping::parse_template("{colour}", t, error));
  CHECK(error == "unknown placeholder {colour}");
}

TEST_CASE("every phrase the evaluator writes is in the shipped wording.yaml", "[mapping][wording]") {
  auto r = mapping::load_mappings(test::source_dir() / "mappings", test::shipped_guides());
  REQUIRE(r.ok());
  for (std::size_t i = 0; i < mapping::phrase_count; ++i) {
    const Phrase p = static_cast<Phrase>(i);
    INFO(mapping::key_of(p));
    CHECK_FALSE(r.value().wording[p].parts.empty());
    CHECK((r.value().wording[p].slots & ~mapping::allowed_slots(p)) == 0);
  }
  const mapping::Policy* ga = r.value().policy("GA.PMN.34");
  REQUIRE(ga != nullptr);
  CHECK(ga->info().sections.drug_list == "Appendix B");
  CHECK(ga->info().sections.site == "Description");
  // A based_on policy cites its base's text.
  const mapping::Policy* ny = r.value().policy("NY.CP.PHAR.493");
  REQUIRE(ny != nullptr);
  CHECK(ny->info().sections.review_type == ga->info().sections.review_type);
}

TEST_CASE("wording loader rejects a missing phrase, an unknown key and a placeholder the phrase cannot have", "[mapping][wording][errors]") {
  SECTION("missing phrase") {
    TempMappings t;
    // Reported at the phrases map, i.e. its first entry.
    const int line = t.replace("wording.yaml", "  R0.unknown_payer:", "  R0.unknown_payer:");
    t.replace("wording.yaml", "  R0.review_type:", "  # R0.review_type:");
    expect_error(t, core::DiagCode::mapping_missing_key, "wording.yaml", line, "lacks the key 'R0.review_type'");
  }
  SECTION("unknown key") {
    TempMappings t;
    const int line = t.replace("wording.yaml", "  R0.cancel:", "  R0.cancelled: \"x\"\n  R0.cancel:");
    expect_error(t, core::DiagCode::mapping_invalid, "wording.yaml", line, "unknown key 'R0.cancelled'");
  }
  SECTION("a placeholder this phrase is written without") {
    TempMappings t;
    const int line = t.replace("wording.yaml", "is not decided automatically under {policy}.", "is not decided automatically under {policy} for {drug_sentence}.");
    expect_error(t, core::DiagCode::mapping_invalid, "wording.yaml", line, "{drug_sentence} is not known when this phrase is written");
  }
  SECTION("an unknown placeholder") {
    TempMappings t;
    const int line = t.replace("wording.yaml", "under {policy}.\"", "under {polcy}.\"");
    expect_error(t, core::DiagCode::mapping_invalid, "wording.yaml", line, "unknown placeholder {polcy}");
  }
  SECTION("a policy without sections") {
    TempMappings t;
    const int line = t.replace("policies/GA.PMN.34.yaml", "sections:\n  drug_list:", "sectionz:\n  drug_list:");
    expect_error(t, core::DiagCode::mapping_unknown_key, "GA.PMN.34.yaml", line, "sectionz");
  }
  SECTION("a policy without an exception_group criterion") {
    TempMappings t;
    t.replace("policies/GA.PMN.34.yaml", "kind: exception_group", "kind: exception");
    const auto r = mapping::load_mappings(t.dir(), test::shipped_guides());
    REQUIRE_FALSE(r.ok());
    INFO(r.error().message);
    CHECK(r.error().message.find("exactly one row of kind exception_group") != std::string::npos);
  }
}

// EchoGuard::fits says what soc278's validator says of a value at its place: the plain-text shortcut
// (AN, no codes) agrees with the validator's element checks on every value shape tried.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "respond/echo_guard.hpp"
#include "soc278/ig/guide.hpp"
#include "soc278/ig/walker.hpp"
#include "soc278/x12/segment.hpp"
#include "support/test_support.hpp"

using namespace soc278;

namespace {

const ig::GuideSet& guides() {
  static const ig::GuideSet set = [] {
    auto r = ig::load_guides(test::source_dir() / "grammars");
    if (!r.ok()) FAIL("grammars/ did not load:\n" << r.error().message);
    return std::move(r).value();
  }();
  return set;
}

// The validator's verdict on `value` as element `element` of a segment of `rule`, nothing else sent.
bool validator_accepts(const ig::SegmentRule& rule, std::uint16_t element, std::string_view value) {
  ig::TransactionValidator v(guides());
  std::string text = rule.id;
  for (std::uint16_t p = 0; p < element; ++p) text.push_back('*');
  text.append(value);
  x12::SegmentView s;
  REQUIRE(s.assign(text.data(), text.size(), x12::Delimiters{}, 0, 1));
  for (const auto& d : v.check_segment(s, rule, core::SourcePosition{}))
    if (d.code != core::DiagCode::ig_segment_has_element_errors && d.at.element == element) return false;
  return true;
}

}  // namespace

TEST_CASE("EchoGuard::fits agrees with the validator on the values a reply echoes", "[respond][echo-guard]") {
  respond::detail::EchoGuard guard;
  guard.use(&guides(), nullptr);
  struct Place {
    const ig::SegmentRule* rule;
    std::uint16_t element;
  };
  const std::vector<Place> places = {
      {guard.in_guide("999", "2000", "AK2"), 1}, {guard.in_guide("999", "2000", "AK2"), 2}, {guard.in_guide("999", "2000", "AK2"), 3},
      {guard.in_guide("999", "", "AK1"), 1},     {guard.in_guide("999", "", "AK1"), 2},     {guard.in_guide("999", "", "AK1"), 3},
      {guard.in_guide("999", "2100", "IK3"), 1}, {guard.in_guide("999", "2100", "IK3"), 3}, {guard.in_guide("999", "2110", "IK4"), 2},
      {guard.envelope("GS"), 2},                 {guard.envelope("GS"), 3},                 {guard.envelope("TA1"), 1},
      {guard.envelope("TA1"), 2},                {guard.envelope("TA1"), 3},
  };
  const std::vector<std::string> values = {"1",         "12",         "0001",      "123456789",  "1234567890", "278",
                                           "HI",        "H?",         " 0001",     "0001 ",      "A B",        "005010X217",
                                           "2000E",     "2000EXX",    "NM1",       "N",          "1271",       "I12",
                                           "000004711", "261120",     "0930",      "2561",       "26AB20",     std::string(36, 'X'),
                                           "SOCHEALTHPLAN", "ABCDEFGHIJKLMNOP", "a~b"};
  for (const Place& p : places) {
    REQUIRE(p.rule != nullptr);
    for (const std::string& v : values) {
      INFO(p.rule->id << p.element << " '" << v << "'");
      const bool expected = v.find('~') == std::string::npos && validator_accepts(*p.rule, p.element, v);
      CHECK(guard.fits(p.rule, p.element, 0, v, x12::Delimiters{}) == expected);
      CHECK(guard.fits(p.rule, p.element, 0, v, x12::Delimiters{}) == expected);  // again, from the memo
    }
  }
}

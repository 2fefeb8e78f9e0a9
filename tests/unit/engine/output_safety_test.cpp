// The decision report's writer is valid JSON whatever the bytes, and the engine's privacy tools
// mask by content class (misframed and misplaced members, values quoted in findings).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

#include "engine/json_line.hpp"
#include "soc278/core/output_text.hpp"
#include "soc278/engine/privacy.hpp"
#include "soc278/x12/segment.hpp"

namespace {

// Parses `out` strictly (nlohmann throws on invalid UTF-8) and returns the first array element.
std::string parsed_first(const std::string& out) {
  const auto j = nlohmann::json::parse(out);
  return j.at(0).get<std::string>();
}

}  // namespace

TEST_CASE("JsonLine writes valid UTF-8 for any byte at any position", "[engine][utf8]") {
  // Every byte past ASCII, alone (never well formed) and in ill-formed runs, at every position of
  // strings around the 4-, 8- and 16-byte paths, through JsonLine::string and JsonRun::string.
  const std::string runs[] = {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF8\x88\x80\x80\x80", "\xC3", "\xE2\x82", "\xBF\xBF"};
  for (std::size_t length = 1; length <= 40; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      for (int b = 0x80; b <= 0xFF; b += (length > 20 ? 7 : 1)) {
        std::string text(length, 'a');
        text[at] = static_cast<char>(b);
        std::string out;
        soc278::engine::JsonLine(out).begin_array().string(text).end_array();
        INFO("length " << length << " at " << at << " byte " << b);
        REQUIRE(parsed_first(out) == soc278::core::to_valid_utf8(text));
        std::string run_out = "[";
        {
          std::string buffer(6 * text.size() + 64, '\0');
          soc278::engine::JsonRun r(buffer.data());
          r.string(text);  // the std::string overload: the short-string path
          run_out.append(buffer.data(), r.end());
        }
        run_out += "]";
        REQUIRE(parsed_first(run_out) == soc278::core::to_valid_utf8(text));
      }
      for (const std::string& bad : runs) {
        std::string text(length, 'b');
        text.insert(at, bad);
        std::string out;
        soc278::engine::JsonLine(out).begin_array().string(text).end_array();
        REQUIRE(parsed_first(out) == soc278::core::to_valid_utf8(text));
      }
    }
  }
  // Well-formed UTF-8 is kept byte for byte.
  std::string out;
  soc278::engine::JsonLine(out).begin_array().string("caf\xC3\xA9 \xF0\x9F\x92\x89 Stra\xC3\x9F" "e and more text").end_array();
  CHECK(out == "[\"caf\xC3\xA9 \xF0\x9F\x92\x89 Stra\xC3\x9F" "e and more text\"]");
}

TEST_CASE("redact_segment masks members wherever they stand and however they are framed", "[engine][phi]") {
  const auto redact = [](const std::string& text) {
    soc278::x12::SegmentView v;
    const bool fits = v.assign(text.data(), text.size(), soc278::x12::Delimiters{}, 0, 1);
    REQUIRE(fits);
    return soc278::engine::redact_segment(v);
  };
  // Misplaced (no loop known) and lower-case NM101.
  CHECK(redact("NM1*IL*1*MISPLACEDNAME*ROVER****MI*SOC000000777").find("MISPLACEDNAME") == std::string::npos);
  CHECK(redact("NM1*il*1*MISPLACEDNAME*ROVER").find("ROVER") == std::string::npos);
  // Misframed: the subscriber's NM1 read as elements of HL, a DMG as elements of HI.
  const std::string hl = redact("HL*3*2*22*1NM1*IL*1*TESTPATIENT*UNIFORM****MI*SOC000000120");
  CHECK(hl.rfind("HL*3*2*22*", 0) == 0);
  for (const char* phi : {"TESTPATIENT", "UNIFORM", "SOC000000120"}) CHECK(hl.find(phi) == std::string::npos);
  CHECK(redact("HI*ABK:K5090DMG*D8*19860402*F").find("19860402") == std::string::npos);
  // A provider's name and the codes stay.
  CHECK(redact("NM1*SJ*1*TESTPEDS*DIEGO****XX*1700000049") == "NM1*SJ*1*TESTPEDS*DIEGO****XX*1700000049");
  CHECK(redact("SV1*HC:J1745*2400*UN*40") == "SV1*HC:J1745*2400*UN*40");
}

TEST_CASE("finding_message masks the values a finding quotes by what they are", "[engine][phi]") {
  soc278::core::Diagnostic d;
  d.code = soc278::core::DiagCode::ig_element_invalid_code;
  d.segment_id = {'N', 'M', '1', '\0'};
  d.loop_id = "2010F";  // a member's NM1 where a provider's was expected
  d.at.element = 3;
  d.found_value = "TESTPATIENT ";
  d.message = "NM103 'TESTPATIENT ' has leading or trailing spaces";
  CHECK(soc278::engine::finding_message(d).find("TESTPATIENT") == std::string::npos);
  CHECK(soc278::engine::finding_message(d, true) == d.message);
  // A date quoted by another element's finding, and a value holding a segment boundary.
  d.segment_id = {'H', 'I', '\0', '\0'};
  d.loop_id = "2000E";
  d.at.element = 3;
  d.found_value = "19860402";
  d.message = "HI03-1 '19860402' is not a valid code here; NM1 'IL' named 'DOE' on 1986-04-02";
  const std::string m = soc278::engine::finding_message(d);
  CHECK(m.find("19860402") == std::string::npos);
  CHECK(m.find("'IL'") != std::string::npos);  // a code stays
  d.segment_id = {'H', 'L', '\0', '\0'};
  d.at.element = 4;
  d.found_value = "1NM1";
  d.message = "HL04 '1NM1' is not a valid code";
  CHECK(soc278::engine::finding_message(d).find("1NM1") == std::string::npos);
}

TEST_CASE("PhiValues scrubs a birth date wherever the set carried it", "[engine][phi]") {
  soc278::engine::PhiValues phi;
  phi.add_value("20300309 ");
  CHECK(phi.scrub("the patient's birth date 2030-03-09 is after the decision date").find("2030-03-09") == std::string::npos);
  soc278::engine::PhiValues none;  // a reason quoting a birth date the tree did not hold
  CHECK(none.scrub("the patient's birth date 2030-03-09 is after the decision date").find("2030-03-09") == std::string::npos);
}

// Found by the property test (tests/unit/app/cli_mutants_test.cpp): mutants whose element separator or
// terminator changed, so that a segment's "id" is its whole text, and values shifted into other slots.
TEST_CASE("text that did not split on the element separator is masked past its first characters", "[engine][phi][regression]") {
  using soc278::engine::printable_segment_id;
  CHECK(soc278::engine::plain_segment_id("NM1"));
  CHECK(soc278::engine::plain_segment_id("N3"));
  CHECK_FALSE(soc278::engine::plain_segment_id("NM1>IL>1>TESTPATIENT"));
  CHECK(printable_segment_id("NM1") == "NM1");
  CHECK(printable_segment_id("NM1>IL>1>TESTPATIENT") == "NM1*****************");
  // A segment read with the wrong separator: its text is its id.
  soc278::x12::SegmentView v;
  const std::string text = "NM1|IL|1|TESTPATIENT|JULIET||||MI|SOC000000110";
  REQUIRE(v.assign(text.data(), text.size(), soc278::x12::Delimiters{}, 0, 1));
  const std::string r = soc278::engine::redact_segment(v);
  CHECK(r.rfind("NM1", 0) == 0);
  for (const char* phi : {"TESTPATIENT", "JULIET", "SOC000000110"}) CHECK(r.find(phi) == std::string::npos);
  // An invalid segment id quoted by the reader's finding.
  soc278::core::Diagnostic d;
  d.code = soc278::core::DiagCode::x12_segment_id_invalid;
  d.message = "expected a segment id of 2-3 upper-case letters or digits, found '218 TEST STREET'";
  CHECK(soc278::engine::finding_message(d).find("TEST STREET") == std::string::npos);
  // A word where a code was expected, and a run of segments quoted as one value.
  d.code = soc278::core::DiagCode::ig_element_invalid_code;
  d.segment_id = {'P', 'W', 'K', '\0'};
  d.loop_id = "2000E";
  d.at.element = 5;
  d.found_value = "TESTPATIENT";
  d.message = "PWK05 'TESTPATIENT' is not a valid code here (allowed: AC)";
  CHECK(soc278::engine::finding_message(d).find("TESTPATIENT") == std::string::npos);
  CHECK(soc278::engine::finding_message(d).find("'AC'") == std::string::npos);  // not quoted: stays as is
  CHECK(soc278::engine::finding_message(d).find("allowed: AC") != std::string::npos);
  d.found_value = "SOCPROVIDER01 SOCHEALTHPLAN NM1 IL 1 DOE JANE";
  d.message = "GS03: the received GS02 'SOCPROVIDER01 SOCHEALTHPLAN NM1 IL 1 DOE JANE' is not usable";
  d.segment_id = {'G', 'S', '\0', '\0'};
  d.at.element = 2;
  CHECK(soc278::engine::finding_message(d).find("DOE JANE") == std::string::npos);
}

TEST_CASE("a person's qualifier slots show codes only", "[engine][phi][regression]") {
  // NM108 holding the member id after a lost element separator shifted it there.
  soc278::x12::SegmentView v;
  const std::string text = "NM1*IL*1*TESTPATIENT*UNIFORM****SOC000000120";  // NM108
  REQUIRE(v.assign(text.data(), text.size(), soc278::x12::Delimiters{}, 0, 1));
  const std::string r = soc278::engine::redact_segment(v);
  CHECK(r.find("SOC000000120") == std::string::npos);
  CHECK(r.rfind("NM1*IL*1*", 0) == 0);
}

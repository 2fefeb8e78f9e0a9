// The two output rules (core/output_text.hpp) and the content-class PHI rule (core/privacy.hpp).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "soc278/core/output_text.hpp"
#include "soc278/core/privacy.hpp"

using soc278::core::printable;
using soc278::core::to_valid_utf8;
using soc278::core::valid_utf8;

namespace {
const std::string fffd = "\xEF\xBF\xBD";
}

TEST_CASE("to_valid_utf8 keeps well-formed UTF-8 and replaces every other byte by U+FFFD", "[core][utf8]") {
  const std::string good = "plain caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x92\x89 \xF4\x8F\xBF\xBF end";
  CHECK(valid_utf8(good));
  CHECK(to_valid_utf8(good) == good);
  // Each byte outside a well-formed sequence, one U+FFFD per byte.
  CHECK(to_valid_utf8("a\x80" "b") == "a" + fffd + "b");                  // lone continuation
  CHECK(to_valid_utf8("\xBF\xBF") == fffd + fffd);                        // two of them
  CHECK(to_valid_utf8("\xC0\xAF") == fffd + fffd);                        // overlong '/'
  CHECK(to_valid_utf8("\xC1\xBF") == fffd + fffd);                        // overlong
  CHECK(to_valid_utf8("\xE0\x80\xAF") == fffd + fffd + fffd);             // overlong, three bytes
  CHECK(to_valid_utf8("\xF0\x80\x80\xAF") == fffd + fffd + fffd + fffd);  // overlong, four bytes
  CHECK(to_valid_utf8("\xED\xA0\x80") == fffd + fffd + fffd);             // UTF-16 surrogate
  CHECK(to_valid_utf8("\xF4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // past U+10FFFF
  CHECK(to_valid_utf8("\xF8\xFF\xFE") == fffd + fffd + fffd);
  CHECK(to_valid_utf8("x\xC3") == "x" + fffd);                             // cut at the end
  CHECK(to_valid_utf8("\xE2\x82" "A") == fffd + fffd + "A");              // cut in the middle
  for (int b = 0x80; b <= 0xFF; ++b) {
    const std::string one(1, static_cast<char>(b));
    CHECK_FALSE(valid_utf8(one));
    CHECK(to_valid_utf8("<" + one + ">") == "<" + fffd + ">");
    CHECK(valid_utf8(to_valid_utf8("\xC3" + one + "\xE2\x82" + one)));
  }
}

TEST_CASE("percent_invalid_utf8 keeps a name's bytes recoverable in valid UTF-8", "[core][utf8]") {
  CHECK(soc278::core::percent_invalid_utf8("caf\xC3\xA9.x12") == "caf\xC3\xA9.x12");
  CHECK(soc278::core::percent_invalid_utf8("a\xFF b%20\xC0\xAF") == "a%FF b%2520%C0%AF");
  CHECK(valid_utf8(soc278::core::percent_invalid_utf8("\x80\xE2\x82")));
}

TEST_CASE("printable escapes what could add a line or drive a terminal", "[core][console]") {
  CHECK(printable("plain text: 'A*B~' caf\xC3\xA9") == "plain text: 'A*B~' caf\xC3\xA9");
  CHECK(printable("a\nFAKE: approved") == "a\\nFAKE: approved");
  CHECK(printable("x\r\ty") == "x\\r\\ty");
  CHECK(printable("\x1B[2J\x1B]0;t\x07") == "\\x1B[2J\\x1B]0;t\\x07");
  CHECK(printable(std::string("nul\0end", 7)) == "nul\\x00end");
  CHECK(printable("del\x7F") == "del\\x7F");
  CHECK(printable("\x9B" "2J \xFF \xC0\xAF") == "\\x9B2J \\xFF \\xC0\\xAF");  // bytes that are not UTF-8
  CHECK(printable("\xC2\x9B" "2J") == "\\u009B2J");                           // a C1 control, well formed
  CHECK(printable("abc\xE2\x80\xAE" "fed") == "abc\\u202Efed");               // right-to-left override
  CHECK(printable("\xE2\x80\xA8") == "\\u2028");
  for (int b = 0; b < 0x100; ++b) {  // nothing below 0x20, DEL or a lone high byte ever passes
    const std::string out = printable(std::string(1, static_cast<char>(b)));
    for (char c : out) CHECK((static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) != 0x7F));
  }
}

namespace {
std::vector<bool> masks(std::string_view id, std::vector<std::string_view> values, std::string_view loop = {}) {
  std::vector<bool> m;
  soc278::core::phi_elements(id, values, loop, m);
  return m;
}
}  // namespace

TEST_CASE("PHI is decided by content class, wherever the segment stands", "[core][phi]") {
  using V = std::vector<bool>;
  // A member's NM1 in any loop, an unknown NM101 (lower case, misframed) too; a provider's name is not masked.
  CHECK(masks("NM1", {"IL", "1", "DOE", "JOHN", "", "", "", "MI", "W123456789"}, "2000E") ==
        V{false, false, true, true, false, false, false, false, true});
  CHECK(masks("NM1", {"qc", "1", "DOE", "JANE"}) == V{false, false, true, true});
  CHECK(masks("NM1", {"SJ", "1", "WELBY", "MARCUS", "", "", "", "XX", "1700000049"}) == V(9, false));
  // Street and birth date wherever they are; the qualifier and gender code stay.
  CHECK(masks("N3", {"12 MAIN ST", "APT 4"}) == V{true, true});
  CHECK(masks("N4", {"ATLANTA", "GA", "30303"}) == V{true, false, true});
  CHECK(masks("DMG", {"D8", "19800101", "F"}, "2000E") == V{false, true, false});
  // A REF of a person (by qualifier, or in a patient loop); an authorization number is not one.
  CHECK(masks("REF", {"SY", "123456789"}) == V{false, true});
  CHECK(masks("REF", {"BB", "AUTH2026000133"}) == V{false, false});
  CHECK(masks("REF", {"BB", "AUTH2026000133"}, "2010C") == V{false, true});
  // Dates: a service date stays, a date anywhere else or in a patient loop does not.
  CHECK(masks("DTP", {"472", "D8", "20261201"}) == V{false, false, false});
  CHECK(masks("DTP", {"472", "D8", "20261201"}, "2010D") == V{false, false, true});
  CHECK(masks("HI", {"ABK:K5090", "19800101"}) == V{false, true});
  CHECK(masks("BHT", {"0007", "13", "REF1", "20261125"}) == V{false, false, false, false});
  // A lost terminator: the element holding the next segment's id is masked and what follows is
  // read as that segment (here a member's NM1, then a DMG).
  CHECK(masks("HL", {"3", "2", "22", "1NM1", "IL", "1", "DOE", "JOHN", "", "", "", "MI", "W123"}) ==
        V{false, false, false, true, false, false, true, true, false, false, false, false, true});
  CHECK(masks("HI", {"ABK:K5090DMG", "D8", "19800101", "F"}) == V{true, false, true, false});
  CHECK(masks("NM1", {"IL", "1", "DOE", "JOHN", "", "", "", "MI", "W123N3", "12 MAIN ST"}) ==
        V{false, false, true, true, false, false, false, false, true, true});
  // Past a segment's standard element count, or a segment soc278 does not know: masked.
  CHECK(masks("TRN", {"1", "REQ1", "1800000017", "X", "DOE"}) == V{false, false, false, false, true});
  CHECK(masks("ZZZ", {"A", "DOE"}) == V{true, true});
  // One value seen alone (a finding's): the same rule.
  CHECK(soc278::core::phi_value("NM1", {}, "2010C", 3, "TESTPATIENT "));
  CHECK(soc278::core::phi_value("NM1", {}, "2010F", 3, "TESTPATIENT "));  // NM101 not known: a person's
  CHECK_FALSE(soc278::core::phi_value("NM1", {}, "2010F", 1, "IL"));
  CHECK(soc278::core::phi_value("DMG", {}, "", 2, "2018039"));
  CHECK(soc278::core::phi_value("HL", {}, "2000C", 4, "1NM1"));
  CHECK_FALSE(soc278::core::phi_value("SV1", {}, "2000F", 1, "HC:J1745"));
  CHECK(soc278::core::date_shaped("19800101"));
  CHECK(soc278::core::date_shaped("1980-01-01"));
  CHECK_FALSE(soc278::core::date_shaped("20261201-20270531"));
  CHECK_FALSE(soc278::core::date_shaped("19801301"));
}

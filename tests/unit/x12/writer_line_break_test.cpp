// The line break a writer puts after each terminator is never one of the delimiters in force: with CR or
// LF as a separator, a reader would take the break for that separator (an empty element or component in
// front of the next segment), so none is written.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "soc278/x12/writer.hpp"

using namespace soc278;

namespace {

std::string two_segments(x12::Delimiters d, std::string_view line_break) {
  std::ostringstream out;
  x12::SegmentWriter w(out, d, line_break);
  w.begin("AB").element("1").end();
  w.begin("CD").element("2").end();
  return out.str();
}

}  // namespace

TEST_CASE("no line break is written when it would be a delimiter", "[x12][writer]") {
  CHECK(two_segments({'*', ':', '^', '~'}, "\n") == "AB*1~\nCD*2~\n");
  CHECK(two_segments({'*', '\n', '^', '~'}, "\n") == "AB*1~CD*2~");      // LF as the component separator
  CHECK(two_segments({'\n', ':', '^', '~'}, "\n") == "AB\n1~CD\n2~");    // LF as the element separator
  CHECK(two_segments({'*', ':', '\r', '~'}, "\r\n") == "AB*1~CD*2~");    // CR as the repetition separator
  CHECK(two_segments({'*', ':', '^', '\n'}, "\n") == "AB*1\nCD*2\n");    // a newline terminator ends the line itself
  CHECK(two_segments({'*', ':', '^', '\r'}, "\r\n") == "AB*1\rCD*2\r");  // CR terminator: the CRLF would add an LF segment
}

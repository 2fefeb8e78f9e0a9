#include "soc278/x12/writer.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "soc278/x12/chunk_reader.hpp"
#include "support/test_support.hpp"

using namespace soc278;

namespace {

// What follows the ISA's terminator up to the next segment: the interchange's line-break style.
std::string line_break_after_isa(const std::string& input, const x12::SegmentView& isa) {
  std::size_t p = static_cast<std::size_t>(isa.byte_offset()) + x12::isa_length;
  std::string out;
  while (p < input.size() && (input[p] == '\r' || input[p] == '\n')) out.push_back(input[p++]);
  return out;
}

x12::IsaFields fields_of(const x12::IsaHeader& h) {
  x12::IsaFields f;
  f.authorization_qualifier = h.authorization_qualifier;
  f.authorization = h.authorization;
  f.security_qualifier = h.security_qualifier;
  f.security = h.security;
  f.sender_qualifier = h.sender_qualifier;
  f.sender_id = h.sender_id;
  f.receiver_qualifier = h.receiver_qualifier;
  f.receiver_id = h.receiver_id;
  f.date = h.date;
  f.time = h.time;
  f.version = h.version;
  f.control_number = h.control_number;
  f.ack_requested = h.ack_requested;
  f.usage = h.usage;
  return f;
}

// Re-writes one segment piece by piece: elements, repetitions, components.
void rewrite(x12::SegmentWriter& w, const x12::SegmentView& s) {
  const x12::Delimiters& d = s.delimiters();
  w.begin(s.id());
  for (std::size_t i = 1; i <= s.element_count(); ++i) {
    const std::string_view el = s.element(i);
    const std::size_t reps = d.repetition == '\0' ? 1 : std::max<std::size_t>(1, x12::piece_count(el, d.repetition));
    for (std::size_t r = 1; r <= reps; ++r) {
      const std::string_view rep = d.repetition == '\0' ? el : x12::nth_piece(el, d.repetition, r);
      const std::size_t comps = std::max<std::size_t>(1, x12::piece_count(rep, d.component));
      for (std::size_t c = 1; c <= comps; ++c) {
        const std::string_view comp = x12::nth_piece(rep, d.component, c);
        if (c == 1 && r == 1) {
          w.element(comp);
        } else if (c == 1) {
          w.repetition(comp);
        } else {
          w.component(comp);
        }
      }
    }
  }
  w.end();
}

std::string one(const std::function<void(x12::SegmentWriter&)>& build, x12::Delimiters d = {}) {
  std::ostringstream out;
  x12::SegmentWriter w(out, d);
  build(w);
  return out.str();
}

}  // namespace

TEST_CASE("every sample re-written through SegmentWriter is byte-identical", "[x12][writer]") {
  const auto samples = test::sample_files();
  REQUIRE(!samples.empty());
  for (const auto& path : samples) {
    DYNAMIC_SECTION(path.filename().string()) {
      const std::string input = test::read_file(path);
      x12::MemorySource src(input);
      core::DiagnosticList diags;
      x12::ChunkReader reader(src);
      std::ostringstream out;
      x12::SegmentWriter w(out);
      x12::SegmentView s;
      while (reader.next(s, diags) == x12::ReadStatus::segment) {
        if (s.is("ISA")) {
          w.set_delimiters(reader.isa().delimiters);
          w.set_line_break(line_break_after_isa(input, s));
          w.write_isa(fields_of(reader.isa()));
        } else if (s.is("SE")) {
          w.write_se(s.element(2));  // SE01 counted by the writer must equal the sample's
        } else if (s.is("GE")) {
          w.write_ge(s.element(2));
        } else if (s.is("IEA")) {
          w.write_iea(s.element(2));
        } else {
          rewrite(w, s);
        }
      }
      CHECK(diags.total() == 0);
      const std::string written = out.str();
      // A newline after the last IEA of an interchange written on one line belongs to the file,
      // not to a segment (two-interchanges.x12 ends that way).
      REQUIRE(written.size() <= input.size());
      const std::string tail = input.substr(written.size());
      CHECK((tail.empty() || tail == "\n" || tail == "\r\n"));
      CHECK(written + tail == input);
    }
  }
}

TEST_CASE("the ISA is fixed width: 106 bytes with its terminator", "[x12][writer]") {
  x12::IsaFields f;
  f.sender_id = "SOCHEALTHPLAN";
  f.receiver_id = "SOCPROVIDER01";
  f.date = "261115";
  f.time = "0931";
  f.control_number = "9000";
  f.usage = "T";
  std::ostringstream out;
  x12::SegmentWriter w(out);
  w.write_isa(f);
  const std::string isa = out.str();
  CHECK(isa.size() == x12::isa_length);
  // Reference 6.3's TA1 envelope.
  CHECK(isa == "ISA*00*          *00*          *ZZ*SOCHEALTHPLAN  *ZZ*SOCPROVIDER01  *261115*0931*^*00501*000009000*0*T*:~");
  CHECK(isa[3] == '*');
  CHECK(isa[82] == '^');
  CHECK(isa[104] == ':');
  CHECK(isa[105] == '~');

  SECTION("other delimiters, over-long fields cut, a line break after the terminator") {
    std::ostringstream o2;
    x12::SegmentWriter w2(o2, x12::Delimiters{'|', '}', '!', '\n'}, "\r\n");
    f.sender_id = "A-SENDER-ID-LONGER-THAN-15";
    f.control_number = "123456789";
    w2.write_isa(f);
    const std::string s = o2.str();
    // A newline terminator already ends the line: no line break follows it (it would read back
    // as an empty segment; found when the delims-pipe sample's 278 response failed validation).
    CHECK(s.size() == x12::isa_length);
    CHECK(s.substr(35, 15) == "A-SENDER-ID-LON");
    CHECK(s.substr(90, 9) == "123456789");
    CHECK(s[82] == '!');
    CHECK(s[104] == '}');
    CHECK(s.substr(105) == "\n");
  }

  SECTION("no repetition separator: ISA11 is U (ISA12 before 00402)") {
    std::ostringstream o3;
    x12::SegmentWriter w3(o3, x12::Delimiters{'*', ':', '\0', '~'});
    f.version = "00401";
    w3.write_isa(f);
    CHECK(o3.str().size() == x12::isa_length);
    CHECK(o3.str()[82] == 'U');
  }
}

TEST_CASE("trailing empty elements and components are never written", "[x12][writer]") {
  CHECK(one([](auto& w) { w.begin("DMG").element("D8").element("19800115").element("").end(); }) == "DMG*D8*19800115~");
  CHECK(one([](auto& w) { w.begin("HI").composite({"ABK", "M0579", ""}).end(); }) == "HI*ABK:M0579~");
  CHECK(one([](auto& w) { w.begin("HI").element("ABK").component("M0579").component("").component("").end(); }) ==
        "HI*ABK:M0579~");
  // Empty elements in the middle stay as adjacent separators.
  CHECK(one([](auto& w) {
          w.begin("NM1").element("IL").element("1").element("DOE").element("JANE").element("").element("").element("");
          w.element("MI").element("123").element("").element("").end();
        }) == "NM1*IL*1*DOE*JANE****MI*123~");
  // A composite in the middle loses its trailing empty components, keeps its middle ones.
  CHECK(one([](auto& w) { w.begin("SV1").composite({"HC", "J1745", "", ""}).element("9600").end(); }) ==
        "SV1*HC:J1745*9600~");
  CHECK(one([](auto& w) { w.begin("SV1").composite({"HC", "", "JW"}).end(); }) == "SV1*HC::JW~");
  CHECK(one([](auto& w) { w.begin("UM").element("HS").composite({"", ""}).element("1").end(); }) == "UM*HS**1~");
  CHECK(one([](auto& w) { w.begin("LE").element("").element("").end(); }) == "LE~");
  CHECK(one([](auto& w) { w.begin("LE").end(); }) == "LE~");
  CHECK(one([](auto& w) { w.begin("REF").element("XX").element("A").repetition("B").repetition("").end(); }) ==
        "REF*XX*A^B~");
  CHECK(one([](auto& w) { w.begin("X").element(std::uint64_t{0}).element(std::uint64_t{42}).end(); }) == "X*0*42~");

  SECTION("no combination of empty elements and components leaves a trailing separator") {
    // Every sequence of up to four elements drawn from: empty, a value, a composite with trailing
    // empties, an all-empty composite.
    const int kinds = 4;
    for (int n = 0; n <= 4; ++n) {
      int total = 1;
      for (int i = 0; i < n; ++i) total *= kinds;
      for (int code = 0; code < total; ++code) {
        const std::string s = one([&](auto& w) {
          w.begin("ZZ");
          int c = code;
          for (int i = 0; i < n; ++i, c /= kinds) {
            switch (c % kinds) {
              case 0: w.element(""); break;
              case 1: w.element("V"); break;
              case 2: w.composite({"A", "", ""}); break;
              default: w.composite({"", "", ""}); break;
            }
          }
          w.end();
        });
        INFO(s);
        CHECK(s.find("*~") == std::string::npos);
        CHECK(s.find(":~") == std::string::npos);
        CHECK(s.find(":*") == std::string::npos);
        CHECK(s.back() == '~');
      }
    }
  }
}

TEST_CASE("SE01, GE01 and IEA01 are counted from what was written", "[x12][writer]") {
  std::ostringstream out;
  x12::SegmentWriter w(out, x12::Delimiters{}, "\n");
  x12::IsaFields f;
  f.sender_id = "A";
  f.receiver_id = "B";
  f.date = "261115";
  f.time = "0930";
  f.control_number = "1";
  w.write_isa(f);
  w.begin("GS").element("HI").element("A").element("B").element("20261115").element("0930").element("7").element("X");
  w.element("005010X217").end();
  w.begin("ST").element("278").element("0001").element("005010X217").end();
  w.begin("BHT").element("0007").element("13").end();
  w.begin("HL").element("1").element("").element("20").element("1").end();
  w.write_se("0001");
  CHECK(w.sets_in_group() == 1);
  w.begin("ST").element("278").element("0002").element("005010X217").end();
  w.write_se("0002");
  w.write_ge("7");
  w.write_iea("000000001");
  const std::string s = out.str();
  CHECK(s.substr(x12::isa_length + 1) ==
        "GS*HI*A*B*20261115*0930*7*X*005010X217~\n"
        "ST*278*0001*005010X217~\nBHT*0007*13~\nHL*1**20*1~\nSE*4*0001~\n"
        "ST*278*0002*005010X217~\nSE*2*0002~\n"
        "GE*2*7~\nIEA*1*000000001~\n");
  CHECK(w.segments_written() == 10);  // ISA, GS, ST, BHT, HL, SE, ST, SE, GE, IEA
  CHECK(w.bytes_written() == s.size());
  w.flush();
}

TEST_CASE("a segment left open is ended by the next begin", "[x12][writer]") {
  CHECK(one([](auto& w) {
          w.begin("A").element("1");
          w.begin("B").element("2").end();
        }) == "A*1~B*2~");
}

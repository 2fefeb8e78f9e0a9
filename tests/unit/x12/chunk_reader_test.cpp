#include "soc278/x12/chunk_reader.hpp"

#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "support/test_support.hpp"

using namespace soc278;
using soc278::test::trace_reader;

namespace {

std::vector<std::string> ids(const std::string& text, x12::ReaderOptions o = {}) {
  x12::MemorySource src(text);
  core::DiagnosticList diags;
  x12::ChunkReader r(src, o);
  x12::SegmentView s;
  std::vector<std::string> out;
  while (r.next(s, diags) == x12::ReadStatus::segment) out.emplace_back(s.id());
  return out;
}

}  // namespace

TEST_CASE("the tokenizer splits elements, components and repetitions", "[x12]") {
  const std::string text = test::isa() + "SV1*HC:J1745:JW*9600*UN*160~REF*XX*A^B^C~";
  x12::MemorySource src(text);
  core::DiagnosticList diags;
  x12::ChunkReader r(src);
  x12::SegmentView s;
  REQUIRE(r.next(s, diags) == x12::ReadStatus::segment);
  CHECK(s.id() == "ISA");
  CHECK(s.element_count() == 16);
  CHECK(s.element(6) == "SOCPROVIDER01  ");  // fixed width: nothing trimmed
  REQUIRE(r.next(s, diags) == x12::ReadStatus::segment);
  CHECK(s.id() == "SV1");
  CHECK(s.element_count() == 4);
  CHECK(s.element(1) == "HC:J1745:JW");
  CHECK(s.component(1, 1) == "HC");
  CHECK(s.component(1, 2) == "J1745");
  CHECK(s.component(1, 3) == "JW");
  CHECK(s.component(1, 4).empty());
  CHECK(s.component_count(1) == 3);
  CHECK(s.element(4) == "160");
  CHECK(s.element(5).empty());
  CHECK(s.byte_offset() == 106);
  CHECK(s.ordinal() == 2);
  REQUIRE(r.next(s, diags) == x12::ReadStatus::segment);
  CHECK(s.repetition_count(2) == 3);
  CHECK(s.repetition(2, 2) == "B");
  CHECK(r.next(s, diags) == x12::ReadStatus::end);
  CHECK(diags.total() == 0);
}

TEST_CASE("empty elements in the middle are kept, the id alone is a segment", "[x12]") {
  const std::string text = test::isa() + "NM1*IL*1*DOE*JANE****MI*123~LE~";
  x12::MemorySource src(text);
  core::DiagnosticList diags;
  x12::ChunkReader r(src);
  x12::SegmentView s;
  REQUIRE(r.next(s, diags) == x12::ReadStatus::segment);
  REQUIRE(r.next(s, diags) == x12::ReadStatus::segment);
  CHECK(s.element_count() == 9);
  CHECK(s.element(5).empty());
  CHECK(s.element(8) == "MI");
  CHECK(s.element(9) == "123");
  REQUIRE(r.next(s, diags) == x12::ReadStatus::segment);
  CHECK(s.id() == "LE");
  CHECK(s.element_count() == 0);
}

TEST_CASE("the ISA parse takes every delimiter from the header", "[x12]") {
  const std::string text = test::isa("000000101", '|', '!', '}', '\n') + "GS|HI|A|B|20261115|0930|1|X|005010X217\n";
  x12::MemorySource src(text);
  core::DiagnosticList diags;
  x12::ChunkReader r(src);
  x12::SegmentView s;
  REQUIRE(r.next(s, diags) == x12::ReadStatus::segment);
  const auto& h = r.isa();
  CHECK(h.delimiters.element == '|');
  CHECK(h.delimiters.repetition == '!');
  CHECK(h.delimiters.component == '}');
  CHECK(h.delimiters.segment == '\n');
  CHECK(h.control_number == "000000101");
  CHECK(h.receiver_id == "SOCHEALTHPLAN  ");
  CHECK(h.version == "00501");
  CHECK(h.fixed_width);
  REQUIRE(r.next(s, diags) == x12::ReadStatus::segment);
  CHECK(s.id() == "GS");
  CHECK(s.element(8) == "005010X217");
  CHECK(diags.total() == 0);
}

TEST_CASE("ISA11 is data, not a repetition separator, before version 00402", "[x12]") {
  std::string text = test::isa();
  text.replace(84, 5, "00401");
  text[82] = 'U';
  text += "REF*XX*A^B~";
  x12::MemorySource src(text);
  core::DiagnosticList diags;
  x12::ChunkReader r(src);
  x12::SegmentView s;
  REQUIRE(r.next(s, diags) == x12::ReadStatus::segment);
  CHECK(r.isa().delimiters.repetition == '\0');
  REQUIRE(r.next(s, diags) == x12::ReadStatus::segment);
  CHECK(s.repetition_count(2) == 1);
  CHECK(s.repetition(2, 1) == "A^B");
}

TEST_CASE("BOM, leading whitespace, CRLF and indentation are tolerated", "[x12]") {
  const std::string text = "\xEF\xBB\xBF \r\n" + test::isa() + "\r\n  GS*HI~\r\n\tST*278~\r\n";
  CHECK(ids(text) == std::vector<std::string>{"ISA", "GS", "ST"});
  x12::MemorySource src(text);
  core::DiagnosticList diags;
  x12::ChunkReader r(src);
  x12::SegmentView s;
  REQUIRE(r.next(s, diags) == x12::ReadStatus::segment);
  CHECK(s.byte_offset() == 6);
  CHECK(diags.total() == 0);
}

TEST_CASE("a newline terminator with CRLF line ends drops the CR", "[x12]") {
  std::string text = test::isa("000000101", '*', '^', ':', '\n') + "GS*HI*X\r\nST*278*0001\r\n";
  x12::MemorySource src(text);
  core::DiagnosticList diags;
  x12::ChunkReader r(src);
  x12::SegmentView s;
  REQUIRE(r.next(s, diags) == x12::ReadStatus::segment);
  REQUIRE(r.next(s, diags) == x12::ReadStatus::segment);
  CHECK(s.text() == "GS*HI*X");
  REQUIRE(r.next(s, diags) == x12::ReadStatus::segment);
  CHECK(s.element(2) == "0001");
}

TEST_CASE("several interchanges with different delimiters in one file", "[x12]") {
  const std::string text = test::isa("000000001") + "GS*HI~IEA*0*000000001~" + test::isa("000000002", '|', '^', '>', '~') +
                           "GS|HI|A>B~";
  x12::MemorySource src(text);
  core::DiagnosticList diags;
  x12::ChunkReader r(src);
  x12::SegmentView s;
  std::vector<std::string> seen;
  while (r.next(s, diags) == x12::ReadStatus::segment) seen.emplace_back(s.text());
  REQUIRE(seen.size() == 5);
  CHECK(seen[4] == "GS|HI|A>B");
  CHECK(r.isa().delimiters.element == '|');
  CHECK(r.isa().delimiters.component == '>');
}

TEST_CASE("input.empty: an empty input gets one clear error", "[x12][diag]") {
  const auto t = [] {
    x12::MemorySource src("");
    return trace_reader(src);
  }();
  CHECK(t.segments.empty());
  REQUIRE(t.diagnostics.size() == 1);
  CHECK(t.diagnostics[0] == "input.empty@0#1/0:0:expected an X12 interchange, found an empty input");
}

TEST_CASE("input.not_x12: JSON, binary or a bare ST get one error each, then the ISA is found", "[x12][diag]") {
  {
    x12::MemorySource src("{\"member\": 1}\n");
    const auto t = trace_reader(src);
    REQUIRE(t.diagnostics.size() == 1);
    CHECK(t.diagnostics[0].rfind("input.not_x12@0#1/0:0:expected an ISA interchange header, found what looks like JSON", 0) == 0);
  }
  {
    const std::string text = "ST*278*0001~BHT*0007~SE*3*0001~";
    x12::MemorySource src(text);
    const auto t = trace_reader(src);
    REQUIRE(t.diagnostics.size() == 1);
    CHECK(t.diagnostics[0].find("a bare transaction set (ST) without the ISA/GS envelope") != std::string::npos);
  }
  {
    const std::string text = std::string("\x01\x02\x00garbage", 10) + test::isa() + "GS*HI~";
    x12::MemorySource src(text);
    const auto t = trace_reader(src);
    REQUIRE(t.diagnostics.size() == 1);
    CHECK(t.diagnostics[0].find("binary data") != std::string::npos);
    REQUIRE(t.segments.size() == 2);
    CHECK(t.segments[0].rfind("1@10:ISA", 0) == 0);
  }
}

TEST_CASE("input.not_x12: megabytes without an ISA stay one error in bounded memory", "[x12][diag]") {
  std::string text(8 * 1024 * 1024, 'x');
  x12::MemorySource src(text);
  x12::ReaderOptions o;
  o.chunk_size = 4096;
  const auto t = trace_reader(src, o);
  CHECK(t.segments.empty());
  CHECK(t.diagnostics.size() == 1);
}

TEST_CASE("x12.isa_truncated: the input ends inside the ISA", "[x12][diag]") {
  const std::string text = test::isa().substr(0, 50);
  x12::MemorySource src(text);
  const auto t = trace_reader(src);
  REQUIRE(t.diagnostics.size() == 1);
  CHECK(t.diagnostics[0] == "x12.isa_truncated@0#1/0:0:the input ends 50 bytes into an ISA header; an ISA is 106 bytes");
}

TEST_CASE("x12.isa_not_fixed_width: an unpadded ISA is read by splitting", "[x12][diag]") {
  const std::string text = "ISA*00**00**ZZ*A*ZZ*B*261115*0930*^*00501*000000001*0*T*:~GS*HI~";
  x12::MemorySource src(text);
  const auto t = trace_reader(src);
  REQUIRE(t.diagnostics.size() == 1);
  CHECK(t.diagnostics[0] ==
        "x12.isa_not_fixed_width@0#1/0:0:expected a fixed-width ISA of 106 bytes, found 58 bytes (fields not padded); read by "
        "splitting on '*'");
  REQUIRE(t.segments.size() == 2);
  CHECK(t.segments[1] == "2@58:GS*HI");
}

TEST_CASE("x12.delimiters_invalid: a letter as delimiter is refused", "[x12][diag]") {
  std::string text = test::isa();
  text[104] = 'A';
  x12::MemorySource src(text);
  const auto t = trace_reader(src);
  REQUIRE(t.diagnostics.size() == 1);
  CHECK(t.diagnostics[0].rfind("x12.delimiters_invalid@0#1/0:0:expected distinct non-alphanumeric delimiters, found element '*', "
                               "component 'A', segment '~'",
                               0) == 0);
  CHECK(t.segments.empty());
}

TEST_CASE("x12.segment_too_long: skipped to its terminator, the buffer does not grow", "[x12][diag]") {
  const std::string text = test::isa() + "MSG*" + std::string(20000, 'A') + "~GS*HI~";
  x12::MemorySource src(text);
  const auto t = trace_reader(src);
  REQUIRE(t.diagnostics.size() == 1);
  CHECK(t.diagnostics[0] ==
        "x12.segment_too_long@106#2/0:0:expected a segment terminator '~' within 16384 bytes, found none; skipped to the next "
        "terminator");
  REQUIRE(t.segments.size() == 2);
  CHECK(t.segments[1] == "3@20111:GS*HI");
}

TEST_CASE("x12.segment_id_invalid: reported once per run of bad ids", "[x12][diag]") {
  const std::string text = test::isa() + "gs*HI~??~GS*HI~";
  x12::MemorySource src(text);
  const auto t = trace_reader(src);
  REQUIRE(t.diagnostics.size() == 1);
  CHECK(t.diagnostics[0] == "x12.segment_id_invalid@106#2/0:0:expected a segment id of 2-3 upper-case letters or digits, found 'gs'");
  CHECK(t.segments.size() == 4);
}

TEST_CASE("x12.too_many_elements: over the element limit", "[x12][diag]") {
  std::string seg = "REF";
  for (int i = 0; i < 70; ++i) seg += "*X";
  const std::string text = test::isa() + seg + "~";
  x12::MemorySource src(text);
  const auto t = trace_reader(src);
  REQUIRE(t.diagnostics.size() == 1);
  CHECK(t.diagnostics[0] == "x12.too_many_elements@106#2/0:0:expected at most 63 elements, found more; the rest are ignored");
}

TEST_CASE("x12.missing_final_terminator: the last segment is still delivered", "[x12][diag]") {
  const std::string text = test::isa() + "GS*HI~IEA*0*000000101\r\n";
  x12::MemorySource src(text);
  const auto t = trace_reader(src);
  REQUIRE(t.diagnostics.size() == 1);
  CHECK(t.diagnostics[0] == "x12.missing_final_terminator@112#3/0:0:expected a segment terminator '~' after the last segment, found "
                            "the end of the input");
  REQUIRE(t.segments.size() == 3);
  CHECK(t.segments[2] == "3@112:IEA*0*000000101");
}

TEST_CASE("chunk size does not change what is read", "[x12]") {
  const std::string text = test::interchange() + "\n" + test::interchange("000000102");
  for (std::size_t chunk : {1u, 2u, 7u, 64u, 65536u}) {
    x12::ReaderOptions o;
    o.chunk_size = chunk;
    x12::MemorySource a(text);
    x12::MemorySource b(text);
    CHECK(trace_reader(a, o) == trace_reader(b));
  }
}

TEST_CASE("the reader's scan splits elements as assign() does, up to and past the element limit", "[x12]") {
  // Dense separators (a 16-byte block can hold 16 of them) around max_elements: the scan stores a
  // block's separators without a per-separator limit check only while 16 more fit.
  for (std::size_t elements : {1u, 15u, 16u, 17u, 47u, 48u, 49u, 62u, 63u, 64u, 65u, 80u}) {
    for (std::size_t width : {0u, 1u, 3u}) {
      std::string seg = "REF";
      for (std::size_t i = 0; i < elements; ++i) seg += "*" + std::string(width, static_cast<char>('A' + i % 26));
      const std::string text = test::isa() + seg + "~";
      x12::MemorySource src(text);
      core::DiagnosticList diags;
      x12::ChunkReader r(src);
      x12::SegmentView read;
      REQUIRE(r.next(read, diags) == x12::ReadStatus::segment);  // ISA
      REQUIRE(r.next(read, diags) == x12::ReadStatus::segment);
      x12::SegmentView assigned;
      const bool fits = assigned.assign(seg.data(), seg.size(), read.delimiters(), 0, 0);
      CHECK(fits == (elements <= x12::SegmentView::max_elements));
      CHECK(read.id() == "REF");
      CHECK(read.text() == seg);
      REQUIRE(read.element_count() == assigned.element_count());
      for (std::size_t i = 1; i <= assigned.element_count(); ++i) CHECK(read.element(i) == assigned.element(i));
    }
  }
}

TEST_CASE("the inline fast path and the general path read anomalies alike, in any order", "[x12][diag]") {
  // next() takes its inline fast path only while ChunkReader::fast_ready_ says nothing is pending
  // (no bad-id run, no over-long segment being skipped, an ISA read); next_general() recomputes it
  // after every segment it reads. With one-byte chunks no segment is ever whole in the buffer, so
  // every call takes the general path: both must read the same segments and report the same
  // findings, among them the second run of bad ids (a stale flag would hide it or report twice).
  const std::string body = "GS*HI~gs*HI~??~GS*HI~REF*1~ref*2~REF*3~" + std::string(60, 'X') + "~REF*4~\r\n  NM1*IL*1~\n";
  const std::string text = test::isa() + body + test::isa() + "REF*5~";
  x12::ReaderOptions small;
  small.max_segment_length = 40;
  x12::ReaderOptions bytewise = small;
  bytewise.chunk_size = 1;
  x12::MemorySource a(text);
  x12::MemorySource b(text);
  const auto fast = trace_reader(a, small);
  const auto general = trace_reader(b, bytewise);
  CHECK(fast == general);
  std::size_t bad_id_runs = 0;
  for (const auto& d : fast.diagnostics) bad_id_runs += d.rfind("x12.segment_id_invalid", 0) == 0 ? 1 : 0;
  CHECK(bad_id_runs == 2);
  CHECK(fast.diagnostics.size() == 3);  // two bad-id runs and the over-long segment
  REQUIRE(fast.segments.size() == 12);
  CHECK(fast.segments.back().substr(fast.segments.back().find(':') + 1) == "REF*5");
}

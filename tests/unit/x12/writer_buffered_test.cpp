// SegmentWriter without a stream: the segments stay in the writer's buffer until the caller takes
// them. The same calls must give the same bytes and counts as the stream writer, and a buffer
// cleared and refilled must hold nothing of what was there before.
#include "soc278/x12/writer.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <functional>
#include <sstream>
#include <string>

using namespace soc278;

namespace {

// The ISA both interchange builders below start with.
x12::IsaFields test_isa() {
  x12::IsaFields isa;
  isa.sender_id = "SENDER";
  isa.receiver_id = "RECEIVER";
  isa.date = "261120";
  isa.time = "0930";
  isa.control_number = "4711";
  return isa;
}

// A little of everything the writer does: an ISA, empty elements in the middle and at the end,
// composites with trailing empty components, repetitions, numbers, values of every short-copy
// length (0..17) and one longer than the writer's initial buffer.
void interchange(x12::SegmentWriter& w, const std::string& tag) {
  w.write_isa(test_isa());
  w.begin("GS").element("HI").element("A").element("B").element("20261120").element("0930").element("4711").element("X");
  w.element("005010X217").end();
  w.begin("ST").element("278").element("0001").element("005010X217").end();
  w.begin("NM1").element("IL").element("1").element(tag).element("").element("").element("").element("").element("MI");
  w.element("").end();
  w.begin("HI").composite({"ABK", "M0579", ""}).composite({"", ""}).element("X").component("").component("").end();
  w.begin("REF").element("XX").element("A").repetition("B").repetition("").end();
  w.begin("QTY").element(std::uint64_t{0}).element(std::uint64_t{18446744073709551615ULL}).end();
  const std::string letters = "ABCDEFGHIJKLMNOPQ";
  for (std::size_t n = 0; n <= letters.size(); ++n) w.begin("LEN").element(letters.substr(0, n)).component(letters.substr(n)).end();
  w.begin("MSG").element(std::string(700, 'M') + tag).end();
  w.begin("DTP").element("472").element_with(16, [](char* out) {
    std::memcpy(out, "20261201", 8);
    return std::size_t{8};
  });
  w.element_with(4, [](char*) { return std::size_t{0}; }).end();
  w.write_se("0001");
  w.write_ge("4711");
  w.write_iea("000004711");
}

std::string streamed(x12::Delimiters d, std::string_view line_break, const std::function<void(x12::SegmentWriter&)>& build,
                     std::uint64_t* segments = nullptr, std::uint64_t* bytes = nullptr) {
  std::ostringstream out;
  x12::SegmentWriter w(out, d, line_break);
  build(w);
  if (segments != nullptr) *segments = w.segments_written();
  if (bytes != nullptr) *bytes = w.bytes_written();
  return out.str();
}

}  // namespace

TEST_CASE("a buffered SegmentWriter writes what a streaming one writes", "[x12][writer]") {
  const x12::Delimiters delimiter_sets[] = {{}, {'|', '}', '!', '\n'}, {'*', ':', '\0', '~'}};
  // The last line break is longer than the writer's one-store ending: the other path of end().
  for (const std::string_view line_break : {std::string_view{}, std::string_view{"\n"}, std::string_view{"\r\n"},
                                            std::string_view{"<br>\r\n<br>\r\n"}}) {
    for (const auto& d : delimiter_sets) {
      std::uint64_t segments = 0, bytes = 0;
      const std::string expected = streamed(d, line_break, [](auto& w) { interchange(w, "ONE"); }, &segments, &bytes);
      x12::SegmentWriter w(d, line_break);
      interchange(w, "ONE");
      CHECK(w.buffered() == expected);
      CHECK(w.segments_written() == segments);
      CHECK(w.bytes_written() == bytes);
      CHECK(expected.size() == bytes);
    }
  }
}

TEST_CASE("a cleared buffer keeps nothing of what it held", "[x12][writer]") {
  x12::SegmentWriter w(x12::Delimiters{}, "\n");
  interchange(w, "A LONGER FIRST TRANSACTION");
  w.begin("ST").element("278");  // left open: dropped with the rest
  w.clear_buffered();
  CHECK(w.buffered().empty());
  interchange(w, "B");
  CHECK(w.buffered() == streamed(x12::Delimiters{}, "\n", [](auto& s) { interchange(s, "B"); }));
}

TEST_CASE("buffered() holds finished segments only", "[x12][writer]") {
  x12::SegmentWriter w;
  w.begin("ST").element("278").element("0001").end();
  w.begin("BHT").element("0007");
  CHECK(w.buffered() == "ST*278*0001~");
  w.end();
  CHECK(w.buffered() == "ST*278*0001~BHT*0007~");
  CHECK(w.segments_in_set() == 2);
  w.write_se("0001");
  CHECK(w.buffered() == "ST*278*0001~BHT*0007~SE*3*0001~");
}

namespace {

// interchange()'s segments again, built through SegmentWriter::Segment where Segment has the call.
void interchange_by_segment(x12::SegmentWriter& w, const std::string& tag) {
  w.write_isa(test_isa());
  w.segment("GS").element("HI").element("A").element("B").element("20261120").element("0930").element("4711").element("X")
      .element("005010X217").end();
  w.segment("ST").element("278").element("0001").element("005010X217").end();
  const std::string empty;
  w.segment("NM1").element("IL").element("1").element(tag).element("").element(empty).element("").element("").element("MI")
      .element(empty).end();
  w.begin("HI").composite({"ABK", "M0579", ""}).composite({"", ""}).element("X").component("").component("").end();
  w.begin("REF").element("XX").element("A").repetition("B").repetition("").end();
  w.segment("QTY").element(std::uint64_t{0}).element(std::uint64_t{18446744073709551615ULL}).end();
  const std::string letters = "ABCDEFGHIJKLMNOPQ";
  for (std::size_t n = 0; n <= letters.size(); ++n) {
    // std::string values of every length around the 16-byte copy, short-string and heap buffers.
    std::string head = letters.substr(0, n);
    if (n % 2 == 1) head.reserve(100);
    w.segment("LEN").element(head).component(letters.substr(n)).end();
  }
  w.segment("MSG").element(std::string(700, 'M') + tag).end();  // grows the buffer mid-segment
  w.segment("DTP").element("472").element_with(16, [](char* out) {
    std::memcpy(out, "20261201", 8);
    return std::size_t{8};
  }).element_with(4, [](char*) { return std::size_t{0}; }).end();
  w.write_se("0001");
  w.write_ge("4711");
  w.write_iea("000004711");
}

}  // namespace

TEST_CASE("a Segment writes what begin / element / end write, streamed and buffered", "[x12][writer]") {
  const x12::Delimiters delimiter_sets[] = {{}, {'|', '}', '!', '\n'}, {'*', ':', '\0', '~'}};
  for (const std::string_view line_break : {std::string_view{}, std::string_view{"\n"}, std::string_view{"\r\n"},
                                            std::string_view{"<br>\r\n<br>\r\n"}}) {
    for (const auto& d : delimiter_sets) {
      std::uint64_t segments = 0, bytes = 0;
      const std::string expected = streamed(d, line_break, [](auto& w) { interchange(w, "ONE"); }, &segments, &bytes);
      std::uint64_t by_segment_count = 0, by_segment_bytes = 0;
      CHECK(streamed(d, line_break, [](auto& w) { interchange_by_segment(w, "ONE"); }, &by_segment_count, &by_segment_bytes) ==
            expected);
      CHECK(by_segment_count == segments);
      CHECK(by_segment_bytes == bytes);
      x12::SegmentWriter w(d, line_break);
      interchange_by_segment(w, "ONE");
      CHECK(w.buffered() == expected);
      CHECK(w.segments_written() == segments);
      CHECK(w.bytes_written() == bytes);
    }
  }
}

TEST_CASE("a Segment dropped without end() leaves nothing, and SE counts Segments", "[x12][writer]") {
  x12::SegmentWriter w;
  w.segment("ST").element("278").element("0001").end();
  {
    auto dropped = w.segment("BHT");
    dropped.element("0007").element(std::string(300, 'X'));  // grows the buffer, then is abandoned
  }
  w.segment("BHT").element("0007").element("").end();
  CHECK(w.segments_in_set() == 2);
  w.write_se("0001");
  CHECK(w.buffered() == "ST*278*0001~BHT*0007~SE*3*0001~");
}

// fuzz_reader: the chunk reader and the envelope reader over arbitrary bytes.
//
// Input (fuzz_support.hpp: Bytes): after 0xFE, one byte choosing the chunk size and the most a read returns, one choosing the longest
// segment, then the bytes read. Checks: nothing crashes; every segment view lies inside its text and
// its text inside the input; and the reader's promise that the chunk size and short reads change
// nothing it reads (tests/unit/x12/split_grind_test.cpp): the same input read whole and in small
// pieces gives the same segments, findings and envelope events.
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "soc278/x12/chunk_reader.hpp"
#include "soc278/x12/envelope.hpp"

using namespace soc278;

namespace {

class Trace final : public core::DiagnosticSink, public x12::EnvelopeObserver {
 public:
  explicit Trace(std::string_view input) : input_(input) {}
  void report(core::Diagnostic d) override { lines.push_back("! " + fuzz::describe(d)); }
  void on_interchange_begin(const x12::InterchangeInfo& i) override { lines.push_back("ISA " + i.isa.control_number); }
  void on_interchange_end(const x12::InterchangeInfo& i) override { lines.push_back("IEA " + std::to_string(i.groups)); }
  void on_group_begin(const x12::InterchangeInfo&, const x12::GroupInfo& g) override { lines.push_back("GS " + g.control_number); }
  void on_group_end(const x12::InterchangeInfo&, const x12::GroupInfo& g) override { lines.push_back("GE " + std::to_string(g.transactions)); }
  void on_transaction_begin(const x12::GroupInfo&, const x12::TransactionInfo& t) override { lines.push_back("ST " + t.control_number); }
  void on_transaction_end(const x12::GroupInfo&, const x12::TransactionInfo& t) override { lines.push_back("SE " + std::to_string(t.segments)); }
  void on_segment(const x12::SegmentView& s, x12::SegmentRole role) override {
    check(s);
    lines.push_back(std::to_string(static_cast<int>(role)) + ' ' + std::to_string(s.ordinal()) + '@' + std::to_string(s.byte_offset()) + ':' +
                    std::string(s.text()));
  }
  [[nodiscard]] bool wants_every_segment() const override { return true; }
  std::vector<std::string> lines;

 private:
  void check(const x12::SegmentView& s) const {
    const std::string_view text = s.text();
    if (s.byte_offset() > input_.size() || text.size() > input_.size() - s.byte_offset())
      fuzz::fail("a segment lies past the end of the input: " + std::string(text.substr(0, 80)));
    if (s.id().size() > text.size() || text.substr(0, s.id().size()) != s.id()) fuzz::fail("a segment id is not the start of its text");
    for (std::size_t i = 1; i <= s.element_count(); ++i) {
      const std::string_view e = s.element(i);
      if (e.data() < text.data() || e.data() + e.size() > text.data() + text.size())
        fuzz::fail("element " + std::to_string(i) + " lies outside its segment: " + std::string(text.substr(0, 80)));
    }
  }
  std::string_view input_;
};

std::vector<std::string> read(std::string_view input, const x12::ReaderOptions& options, std::size_t max_read) {
  x12::MemorySource source(input, max_read);
  Trace trace(input);
  x12::ChunkReader reader(source, options);
  x12::EnvelopeReader envelopes(reader, trace, trace, &fuzz::guides().envelope_codes());
  envelopes.run();
  if (reader.bytes_read() != input.size()) fuzz::fail("the reader stopped before the end of the input");
  return std::move(trace.lines);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fuzz::guides();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes in(data, size);
  in.begin_switches();
  const std::uint8_t pieces = in.switch_byte();
  const std::uint8_t longest = in.switch_byte();
  const std::string_view input = in.rest();

  x12::ReaderOptions whole;
  if ((longest & 0x80u) != 0) whole.max_segment_length = 16 + (longest & 0x7Fu);  // over-long segments, often
  const auto expected = read(input, whole, SIZE_MAX);

  x12::ReaderOptions small = whole;
  small.chunk_size = 1 + (pieces & 0x0Fu);
  const std::size_t max_read = 1 + (pieces >> 4);
  const auto got = read(input, small, max_read);
  if (got != expected) {
    std::size_t i = 0;
    while (i < got.size() && i < expected.size() && got[i] == expected[i]) ++i;
    fuzz::fail("chunk size " + std::to_string(small.chunk_size) + ", reads of " + std::to_string(max_read) +
               " bytes changed what was read at line " + std::to_string(i) + ":\n  whole: " + (i < expected.size() ? expected[i] : "(end)") +
               "\n  small: " + (i < got.size() ? got[i] : "(end)"));
  }
  return 0;
}

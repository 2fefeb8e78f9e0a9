// What the reader finds after bytes that are not X12 must not depend on where a read ends: an ISA
// split by a chunk boundary while skipping, and an unpadded ISA read by splitting, are read alike
// with any chunk size (tests/regressions/x12/, found by fuzz_reader).
#include <catch2/catch.hpp>

#include <string>

#include "fixtures.hpp"
#include "support/test_support.hpp"

using namespace soc278;

namespace {

std::size_t interchanges_found(const test::ReadTrace& t) {
  std::size_t n = 0;
  for (const auto& s : t.segments) n += s.find(":ISA") != std::string::npos ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("an ISA after non-X12 bytes is found wherever a read ends", "[x12][regression]") {
  // More than the 64 bytes the reader looks at to say what the garbage is, so the ISA comes in later reads.
  const std::string text = std::string(100, '#') + " not x12 at all, then " + test::isa() + "IEA*0*000000101~";
  x12::MemorySource whole_source(text);
  const auto whole = test::trace_reader(whole_source);
  REQUIRE(interchanges_found(whole) == 1);
  for (std::size_t split = 1; split < text.size(); ++split) {
    x12::SplitSource src(text, split);
    INFO("first read of " << split << " bytes");
    CHECK(test::trace_reader(src) == whole);
  }
  x12::ReaderOptions o;
  o.chunk_size = 1;
  x12::MemorySource bytewise(text, 1);
  CHECK(test::trace_reader(bytewise, o) == whole);
}

TEST_CASE("an unpadded ISA is split within the same bytes whatever the chunk size", "[x12][regression]") {
  // After garbage, an ISA whose elements are not padded but whose 16th separator lies past byte 106:
  // read whole, the reader splits it; it must do the same in one-byte reads, not give up at 106.
  std::string isa = "ISA,00,          ,00,          ,ZZ,SOCPROVIDER01,ZZ,SOCHEALTHPLAN,261115,0930,^,00501,000000101,0,T,:~";
  isa.insert(isa.find(",ZZ,SOC"), std::string(60, ' '));  // a sender id too long: past 106 bytes
  const std::string text = "junk " + isa + "IEA,0,000000101~";
  x12::MemorySource whole_source(text);
  const auto whole = test::trace_reader(whole_source);
  for (std::size_t chunk : {1u, 2u, 7u, 64u}) {
    x12::ReaderOptions o;
    o.chunk_size = chunk;
    x12::MemorySource small(text, chunk);
    INFO("chunks of " << chunk);
    CHECK(test::trace_reader(small, o) == whole);
  }
}

// Beast's parsegrind idea: the chunk boundary may fall on any byte, and nothing read may change.
#include "soc278/x12/chunk_reader.hpp"

#include <catch2/catch.hpp>

#include "support/test_support.hpp"

using namespace soc278;

namespace {

void grind(const std::filesystem::path& file) {
  const std::string text = test::read_file(file);
  x12::MemorySource whole(text);
  const test::ReadTrace expected = test::trace_envelope(whole);
  x12::ReaderOptions o;
  o.chunk_size = 1;
  {
    x12::MemorySource one_byte(text, 1);
    INFO(file.filename().string() << " read one byte at a time");
    CHECK(test::trace_envelope(one_byte, o) == expected);
  }
  for (std::size_t split = 1; split < text.size(); ++split) {
    x12::SplitSource src(text, split);
    const auto got = test::trace_envelope(src);
    if (!(got == expected)) {
      FAIL(file.filename().string() << ": a chunk boundary at byte " << split << " changed what was read");
    }
  }
}

}  // namespace

TEST_CASE("samples read the same with the chunk boundary at every byte", "[x12][grind]") {
  const auto files = test::sample_files();
  REQUIRE(files.size() >= 6);
  for (const auto& f : files) grind(f);
}

TEST_CASE("corpus files read the same with the chunk boundary at every byte", "[x12][grind]") {
  const auto files = test::corpus_files();
  REQUIRE(files.size() == 26);
  for (const auto& f : files) grind(f);
}

// The FileValidator hands each set's result over in place and recycles its loop tree's vectors for
// the next set (TransactionValidator::end_in_place). A recycled vector must never carry a node,
// segment or text of the set before: the trees read in place equal the trees of results moved
// away (which leave nothing to recycle), set by set, over files whose sets differ in shape.
#include <catch2/catch.hpp>

#include "ig_support.hpp"
#include "soc278/core/diagnostic.hpp"
#include "soc278/x12/byte_source.hpp"

using namespace soc278;

namespace {

void dump(const ig::TransactionResult& r, const ig::LoopNode& loop, int depth, std::string& out) {
  out += fmt::format("{:{}}[{}] at {}\n", "", depth * 2, loop.id(), loop.at.segment_in_set);
  for (const auto& s : loop.segments)
    out += fmt::format("{:{}}{} {}\n", "", depth * 2 + 2, s.at.segment_in_set, r.segment_text(s));
  for (const auto& c : loop.children) dump(r, c, depth + 1, out);
}

std::string dump(const ig::TransactionResult& r) {
  std::string out = fmt::format("guide {} rejected {} findings {} segments {} trace {}\n", r.guide != nullptr,
                                r.rejected, r.findings.size(), r.segments, r.trn02_trace);
  dump(r, r.root, 0, out);
  return out;
}

std::vector<std::string> trees(const std::string& text, bool move_away) {
  x12::MemorySource source(text);
  core::DiagnosticList sink;
  std::vector<std::string> out;
  ig::ValidationOptions options;
  options.build_tree = true;
  (void)ig::validate_stream(source, test::guides(), options, sink,
                            [&](const x12::InterchangeInfo&, const x12::GroupInfo&, const x12::TransactionInfo&, ig::TransactionResult& r) {
                              if (move_away) {
                                const ig::TransactionResult mine = std::move(r);
                                out.push_back(dump(mine));
                              } else {
                                out.push_back(dump(r));
                              }
                            });
  return out;
}

}  // namespace

TEST_CASE("recycled loop trees equal fresh ones, set by set", "[walker]") {
  // Two files in one: sets of different shapes (dependent patient, several lines, a rejected set)
  // one after the other, so a big tree is followed by a smaller one and the other way round.
  std::string text;
  for (const char* sample : {"batch-mixed.x12", "multi-line.x12", "two-interchanges.x12", "delims-pipe.x12"})
    text += test::read_file(test::source_dir() / "samples" / sample);
  std::string damaged = test::read_file(test::source_dir() / "tests/golden/cases/damaged-file/input.x12");
  text += damaged;
  const auto fresh = trees(text, true);
  const auto recycled = trees(text, false);
  REQUIRE(fresh.size() >= 9);
  REQUIRE(recycled.size() == fresh.size());
  for (std::size_t k = 0; k < fresh.size(); ++k) {
    INFO("set " << k + 1);
    CHECK(recycled[k] == fresh[k]);
  }
}

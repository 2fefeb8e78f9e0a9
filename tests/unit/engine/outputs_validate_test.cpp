// Whatever a partner sends, what soc278 writes for it passes soc278's own validator: every file under
// tests/regressions/x12/ is processed and each output it gets (999, TA1, 278 response) is re-read and
// validated against its own guide without a single finding.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <string>
#include <vector>

#include "engine_support.hpp"
#include "soc278/engine/output.hpp"
#include "soc278/ig/walker.hpp"

using namespace soc278;

namespace {

class Collect final : public core::DiagnosticSink {
 public:
  void report(core::Diagnostic d) override { all.push_back(std::move(d)); }
  std::vector<core::Diagnostic> all;
};

std::vector<std::string> findings(const std::string& text) {
  Collect sink;
  x12::MemorySource source(text);
  (void)ig::validate_stream(
      source, test::engine_guides(), {}, sink,
      [](const x12::InterchangeInfo&, const x12::GroupInfo&, const x12::TransactionInfo&, ig::TransactionResult&) {}, {}, {}, true);
  std::vector<std::string> out;
  for (const auto& d : sink.all) out.push_back(fmt::format("{} {}: {}", core::name(d.code), d.segment(), d.message));
  return out;
}

}  // namespace

TEST_CASE("every output written for a regression input validates clean against its own guide", "[engine][regression][own-grammar]") {
  const auto files = test::files_in(test::source_dir() / "tests" / "regressions" / "x12", ".x12");
  REQUIRE(files.size() >= 3);
  for (const auto& file : files) {
    INFO(file.filename().string());
    test::EngineFixture f;
    engine::MemoryOutput response, ack, ta1, report;
    Collect run_findings;
    engine::TransactionProcessor p(f.config, {&ack, &ta1, &response, &report}, run_findings);
    const std::string input = test::read_file(file);
    x12::MemorySource source(input);
    (void)p.run(source, file.filename().string());
    std::size_t outputs = 0;
    for (const auto* out : {&ack, &ta1, &response}) {
      if (out->text().empty()) continue;
      ++outputs;
      INFO(out->text());
      CHECK(findings(out->text()).empty());
    }
    // A file with a functional group is answered (a 999 at least); one that never reaches a GS (an
    // ISA found after garbage, for the reader) may have nothing to acknowledge.
    if (input.find("GS") != std::string::npos) CHECK(outputs > 0);
  }
}

TEST_CASE("a reply to invalid ISA values keeps each received value in a respond.value_substituted finding", "[engine][regression]") {
  test::EngineFixture f;
  engine::MemoryOutput response, ack, ta1, report;
  Collect run_findings;
  engine::TransactionProcessor p(f.config, {&ack, &ta1, &response, &report}, run_findings);
  const std::string input = test::read_file(test::source_dir() / "tests/regressions/x12/ta1-invalid-isa-values.x12");
  x12::MemorySource source(input);
  (void)p.run(source, "ta1-invalid-isa-values.x12");
  REQUIRE_FALSE(ta1.text().empty());
  CHECK(ack.text().empty());  // rejected by the TA1: no 999, no 278
  CHECK(response.text().empty());
  std::vector<std::string> substituted;
  for (const auto& d : run_findings.all)
    if (d.code == core::DiagCode::respond_value_substituted) substituted.push_back(d.found_value);
  for (const std::string original : {"99", "Q1", "X", "00000471A", "26AB20", "2561"}) {
    INFO(original);
    CHECK(std::find(substituted.begin(), substituted.end(), original) != substituted.end());
  }
}

// TransactionProcessor on memory outputs: what a rejected group or interchange takes back, the
// events an embedder sees, and a run stopped by its flag.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "engine_support.hpp"
#include "soc278/engine/output.hpp"
#include "soc278/engine/processor.hpp"
#include "soc278/x12/byte_source.hpp"

namespace soc278 {
namespace {

std::size_t count(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

struct Recorded final : engine::ProcessorEvents {
  std::vector<engine::SetStatus> statuses;
  std::vector<std::string> taken_back;
  std::uint64_t taken_back_sets = 0;
  void on_set(const engine::SetOutcome& o) override { statuses.push_back(o.status); }
  void on_taken_back(const engine::TakenBack& t) override {
    taken_back.emplace_back(t.level);
    taken_back_sets += t.sets;
  }
};

struct Run {
  engine::MemoryOutput response, ack, ta1, report;
  Recorded events;
  engine::FileReport summary;
  std::uint32_t next_number = 0;
};

std::unique_ptr<Run> process(const std::string& input, const std::atomic<bool>* stop = nullptr) {
  auto kept = std::make_unique<Run>();
  Run& run = *kept;
  test::EngineFixture f;
  f.config.stop = stop;
  core::DiagnosticList findings(100);
  engine::TransactionProcessor p(f.config, {&run.ack, &run.ta1, &run.response, &run.report}, findings, &run.events);
  x12::MemorySource source(input);
  run.summary = p.run(source, "input.x12");
  run.next_number = f.numbers.peek();
  return kept;
}

std::string two_groups() { return test::read_file(test::source_dir() / "samples" / "two-groups.x12"); }

}  // namespace

TEST_CASE("the engine decides every set of a clean file and reports each through its events", "[engine]") {
  const auto kept = process(two_groups());
  const Run& run = *kept;
  CHECK(run.summary.transactions == 4);
  CHECK(run.summary.accepted == 4);
  CHECK(run.events.statuses.size() == 4);
  CHECK(count(run.response.text(), "ST*278*") == 4);
  CHECK(count(run.response.text(), "GS*HI*") == 2);
  CHECK(run.events.taken_back.empty());
  // Five numbers drawn: the 999's ISA13 (its GS06 is the same), the 278's ISA13 and two GS06, and
  // the TA1 its ISA14 asks for.
  CHECK(run.next_number == 6);
}

TEST_CASE("a group rejected at its GE takes back its 278s and decisions, and gives its numbers back", "[engine]") {
  std::string input = two_groups();
  const auto ge = input.find("GE*2*1002");
  REQUIRE(ge != std::string::npos);
  input.replace(ge, 9, "GE*3*1002");  // counts three sets: the 999 rejects the group (AK9 R)
  const auto kept = process(input);
  const Run& run = *kept;
  CHECK(run.summary.transactions == 4);
  CHECK(run.summary.accepted == 2);
  CHECK(run.summary.rejected == 2);
  CHECK(run.summary.rejected_with_envelope == 2);
  // The 278: group 1 only, one GS, its GE counting its two sets; the second group's sets were
  // streamed out as they were decided and then cut off.
  CHECK(count(run.response.text(), "GS*HI*") == 1);
  CHECK(count(run.response.text(), "ST*278*") == 2);
  CHECK(run.response.text().find("GE*2*") != std::string::npos);
  CHECK(run.response.text().find("IEA*1*") != std::string::npos);
  // The report: group 1's decided lines, then one rejected line per set of group 2.
  const std::string& report = run.report.text();
  CHECK(count(report, "\"rejected_by\":\"group\"") == 2);
  CHECK(count(report, "\"gs06\":\"1002\"") == 2);
  CHECK(report.find("functional group 1002 rejected (AK9)") != std::string::npos);
  CHECK(run.events.taken_back == std::vector<std::string>{"group"});
  CHECK(run.events.taken_back_sets == 2);
  // The GS06 drawn for the withdrawn group came back: 999 ISA13, 278 ISA13, one GS06, the TA1.
  CHECK(run.next_number == 5);
}

TEST_CASE("an interchange rejected at its IEA takes back every answer", "[engine]") {
  std::string input = two_groups();
  const auto iea = input.find("IEA*2*");
  REQUIRE(iea != std::string::npos);
  input.replace(iea, 6, "IEA*5*");  // a wrong group count: TA1 R
  const auto kept = process(input);
  const Run& run = *kept;
  CHECK(run.response.text().empty());
  CHECK(run.ack.text().empty());
  CHECK(run.summary.accepted == 0);
  CHECK(run.summary.rejected == 4);
  CHECK(count(run.report.text(), "\"rejected_by\":\"ta1\"") == 4);
  CHECK(count(run.report.text(), "\n") == 4);
  CHECK(run.events.taken_back == std::vector<std::string>{"ta1"});
}

TEST_CASE("a run whose stop flag is set ends early and says so", "[engine]") {
  std::atomic<bool> stop{true};
  const auto kept = process(two_groups(), &stop);
  const Run& run = *kept;
  CHECK(run.summary.interrupted);
  CHECK(run.summary.transactions == 0);
  std::atomic<bool> go{false};
  CHECK_FALSE(process(two_groups(), &go)->summary.interrupted);
}

TEST_CASE("a memory output can be cut back to a mark", "[engine]") {
  engine::MemoryOutput out;
  out.stream() << "ISA";
  const auto mark = out.position();
  out.stream() << "GS*HI";
  out.stream().flush();
  CHECK(out.position() == 8);
  CHECK(out.rewind(mark));
  out.stream() << "IEA";
  CHECK(out.text() == "ISAIEA");
}

}  // namespace soc278

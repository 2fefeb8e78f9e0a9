// An embedder of the soc278 engine, through the public headers only (include/soc278/): what a
// daemon, a web inspector or another product does to decide 278 requests without the command line.
//
//   embed_engine DATA_DIR FILE.x12
//
// Loads the implementation guides (DATA_DIR/grammars) and the policies (DATA_DIR/mappings) once,
// runs one input through a TransactionProcessor with its outputs kept in memory, and prints one
// line per set and per decided service line, then the sizes of the 278 / 999 / TA1 / report it
// got back. Control and certification numbers are a fixed start and seed here; a real embedder
// draws them from its ledger (respond::ControlNumberSource / CertificationSource).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "soc278/core/diagnostic.hpp"
#include "soc278/engine/output.hpp"
#include "soc278/engine/processor.hpp"
#include "soc278/ig/guide.hpp"
#include "soc278/mapping/load.hpp"
#include "soc278/x12/byte_source.hpp"

namespace {

// The embedder's view of each set, as the engine finishes it.
class PrintSets final : public soc278::engine::ProcessorEvents {
 public:
  void on_set(const soc278::engine::SetOutcome& o) override {
    std::cout << "set " << o.ordinal << " (GS06 " << o.group->control_number << ", ST02 " << o.transaction->control_number
              << "): " << soc278::engine::to_string(o.status) << '\n';
    for (const auto& r : o.decisions)
      std::cout << "  line " << r.decision->line_number << ' ' << r.decision->hcpcs << ": " << soc278::soc::to_string(r.decision->outcome)
                << " (HCR01 " << r.decision->hcr01 << ", " << r.decision->policy_id << ' ' << r.decision->section << ")\n";
    for (const auto& reason : o.reasons) std::cout << "  why: " << reason << '\n';
  }
  void on_taken_back(const soc278::engine::TakenBack& t) override {
    std::cout << "taken back: " << t.sets << " set(s), " << t.reason << '\n';
  }
};

// Findings arrive as they are found; an embedder logs them, counts them or shows them beside the input.
class CountFindings final : public soc278::core::DiagnosticSink {
 public:
  void report(soc278::core::Diagnostic d) override {
    ++count;
    if (d.severity == soc278::core::Severity::error) ++errors;
  }
  std::size_t count = 0, errors = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: embed_engine DATA_DIR FILE.x12\n";
    return 2;
  }
  const std::string data = argv[1];
  // Loaded once, shared read-only by any number of processors (one per worker thread).
  auto guides = soc278::ig::load_guides(data + "/grammars");
  if (!guides) {
    std::cerr << "grammars: " << guides.error().message << '\n';
    return 2;
  }
  auto mappings = soc278::mapping::load_mappings(data + "/mappings", guides.value());
  if (!mappings) {
    std::cerr << "mappings: " << mappings.error().message << '\n';
    return 2;
  }
  std::ifstream in(argv[2], std::ios::binary);
  if (!in) {
    std::cerr << argv[2] << ": cannot open\n";
    return 2;
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string input = bytes.str();

  soc278::respond::ControlNumberSequence numbers(1);  // ISA13 / GS06 of what is written back
  soc278::engine::ProcessorConfig config;
  config.guides = &guides.value();
  config.mappings = &mappings.value();
  config.now = soc278::core::DateTime{soc278::core::Date{2026, 12, 1}, soc278::core::TimeOfDay{9, 0, 0}};
  config.numbers = &numbers;
  config.certifications = soc278::respond::CertificationNumbers(278);
  config.validation.build_tree = true;  // deciding reads the loop tree

  soc278::engine::MemoryOutput response, ack, ta1, report;
  CountFindings findings;
  PrintSets sets;
  soc278::engine::TransactionProcessor processor(config, {&ack, &ta1, &response, &report}, findings, &sets);
  soc278::x12::MemorySource source(input);
  const soc278::engine::FileReport r = processor.run(source, argv[2]);

  std::cout << r.transactions << " set(s): " << r.approve << " approve, " << r.redirect << " redirect, " << r.pend << " pend, "
            << r.unanswerable << " AAA, " << r.rejected << " rejected; " << findings.count << " finding(s)\n";
  std::cout << "278: " << response.text().size() << " bytes, 999: " << ack.text().size() << " bytes, TA1: " << ta1.text().size()
            << " bytes, decisions.jsonl: " << report.text().size() << " bytes\n";
  return r.io_failed ? 2 : 0;
}

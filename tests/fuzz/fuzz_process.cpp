// fuzz_process: one input through the engine's TransactionProcessor with every output in memory
// (validate, bind, answerability, route and evaluate, the 278 response, the 999, the TA1 and the
// decision report), then every output it wrote read back and checked.
//
// Input (fuzz_support.hpp: Bytes): after 0xFE, one byte of switches (full report, explain detail, a forced policy, quirk switches), then the
// bytes processed. Checks: nothing crashes; every 278, 999 and TA1 written passes soc278's own grammar
// (fuzz_support.hpp: check_own_grammar, switched off with SOC278_FUZZ_OUTPUT_CHECK=0); every line of
// decisions.jsonl is JSON; a run that reads no interchange writes no 278.
#include <string>

#include "fuzz_support.hpp"
#include "soc278/engine/output.hpp"
#include "soc278/engine/processor.hpp"
#include "soc278/x12/byte_source.hpp"

using namespace soc278;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fuzz::guides();
  (void)fuzz::mappings();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::set_current_input(data, size);
  fuzz::Bytes in(data, size);
  in.begin_switches();
  const std::uint8_t switches = in.switch_byte();
  const std::string_view input = in.rest();

  respond::ControlNumberSequence numbers(1 + (switches & 0x0Fu) * 77'777'777u);  // near the wrap too
  engine::ProcessorConfig config;
  config.guides = &fuzz::guides();
  config.mappings = &fuzz::mappings();
  config.now = core::DateTime{core::Date{2026, 12, 1}, core::TimeOfDay{9, 0, 0}};
  config.numbers = &numbers;
  config.certifications = respond::CertificationNumbers(278);
  config.validation.build_tree = true;
  config.validation.accept_space_padding = (switches & 0x10u) != 0;
  config.validation.accept_tolerated = (switches & 0x20u) != 0;
  config.full_report = (switches & 0x40u) != 0;
  config.explain = (switches & 0x40u) != 0;
  if ((switches & 0x80u) != 0) config.forced_policy = fuzz::mappings().policies.front().id();

  engine::MemoryOutput response, ack, ta1, report;
  fuzz::Collect findings;
  engine::TransactionProcessor processor(config, {&ack, &ta1, &response, &report}, findings);
  x12::MemorySource source(input);
  const engine::FileReport r = processor.run(source, "fuzz.x12");

  if (r.interchanges == 0 && !response.text().empty()) fuzz::fail("a 278 was written for an input without an interchange");
  fuzz::check_own_grammar(response.text(), "the 278 response", "response");
  fuzz::check_own_grammar(ack.text(), "the 999", "acknowledgment");
  fuzz::check_own_grammar(ta1.text(), "the TA1");
  fuzz::check_json_lines(report.text(), "decisions.jsonl");
  return 0;
}

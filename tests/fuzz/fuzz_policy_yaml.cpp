// fuzz_policy_yaml: the mapping loader (mapping::load_mappings) on mappings/ with one file mutated.
//
// Input: a mappings/ file's text whose first line may name the file it replaces,
// "# file: routing.yaml" (fuzz_support.hpp: FolderCopy); without it, policies/GA.PMN.34.yaml. Checks:
// nothing crashes and no exception escapes; a refusal is a mapping.* finding with a message;
// mappings that load decide a sample request (the evaluator on tables the loader accepted) and the
// 278 written for it passes soc278's own grammar.
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "fuzz_support.hpp"
#include "soc278/engine/output.hpp"
#include "soc278/engine/processor.hpp"
#include "soc278/mapping/load.hpp"
#include "soc278/x12/byte_source.hpp"

using namespace soc278;

namespace {

std::optional<fuzz::FolderCopy> folder;
std::string sample;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ::setenv("SOC278_CACHE_DIR", "off", 1);  // every input is another folder: nothing to cache
  (void)fuzz::guides();
  folder.emplace(fuzz::source_dir() / "mappings", "policies/GA.PMN.34.yaml");
  std::ifstream in(fuzz::source_dir() / "samples" / "batch-mixed.x12", std::ios::binary);
  sample.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (sample.empty()) fuzz::fail("samples/batch-mixed.x12 did not read");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::set_current_input(data, size);
  (void)folder->put(std::string_view(reinterpret_cast<const char*>(data), size));
  auto r = mapping::load_mappings(folder->dir(), fuzz::guides());
  folder->restore();
  if (!r) {
    if (core::name(r.error().code).rfind("mapping.", 0) != 0)
      fuzz::fail("mappings/ refused with " + std::string(core::name(r.error().code)) + ", not a mapping.* code");
    if (r.error().message.empty()) fuzz::fail("mappings/ refused without a message");
    return 0;
  }
  respond::ControlNumberSequence numbers(1);
  engine::ProcessorConfig config;
  config.guides = &fuzz::guides();
  config.mappings = &r.value();
  config.now = core::DateTime{core::Date{2026, 12, 1}, core::TimeOfDay{9, 0, 0}};
  config.numbers = &numbers;
  config.validation.build_tree = true;
  config.full_report = true;
  config.explain = true;
  engine::MemoryOutput response, report;
  fuzz::Collect findings;
  engine::TransactionProcessor processor(config, {nullptr, nullptr, &response, &report}, findings);
  x12::MemorySource source(sample);
  (void)processor.run(source, "batch-mixed.x12");
  fuzz::check_own_grammar(response.text(), "the 278 response", "response");
  fuzz::check_json_lines(report.text(), "decisions.jsonl");
  return 0;
}

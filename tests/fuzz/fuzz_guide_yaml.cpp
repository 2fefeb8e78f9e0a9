// fuzz_guide_yaml: the guide loader (ig::load_guides) on grammars/ with one file mutated.
//
// Input: a grammars/ file's text whose first line may name the file it replaces, "# file: segments.yaml"
// (fuzz_support.hpp: FolderCopy); without it, 005010X217/278-request.yaml. Checks: nothing crashes and
// no exception escapes; a refusal is ig.grammar_invalid with a message; guides that load validate a
// sample request and write nothing past what they read (the walker on tables the loader accepted).
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "fuzz_support.hpp"
#include "soc278/ig/guide.hpp"
#include "soc278/ig/walker.hpp"
#include "soc278/x12/byte_source.hpp"

using namespace soc278;

namespace {

std::optional<fuzz::FolderCopy> folder;
std::string sample;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ::setenv("SOC278_CACHE_DIR", "off", 1);  // every input is another folder: nothing to cache
  folder.emplace(fuzz::source_dir() / "grammars", "005010X217/278-request.yaml");
  std::ifstream in(fuzz::source_dir() / "samples" / "infliximab-hopd.x12", std::ios::binary);
  sample.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (sample.empty()) fuzz::fail("samples/infliximab-hopd.x12 did not read");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)folder->put(std::string_view(reinterpret_cast<const char*>(data), size));
  auto r = ig::load_guides(folder->dir());
  folder->restore();
  if (!r) {
    if (r.error().code != core::DiagCode::ig_grammar_invalid)
      fuzz::fail("grammars/ refused with " + std::string(core::name(r.error().code)) + ", not ig.grammar_invalid");
    if (r.error().message.empty()) fuzz::fail("grammars/ refused without a message");
    return 0;
  }
  fuzz::Collect sink;
  x12::MemorySource source(sample);
  (void)ig::validate_stream(source, r.value(), {}, sink,
                            [](const x12::InterchangeInfo&, const x12::GroupInfo&, const x12::TransactionInfo&, ig::TransactionResult&) {});
  return 0;
}

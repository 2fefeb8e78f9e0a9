// fuzz_quirks: the --quirks file parser (ig::parse_validation_options) over arbitrary text.
//
// Input: the file's text. Checks: nothing crashes and no exception escapes; a parse either gives
// options or an ig.grammar_invalid finding that names the file; options parsed once parse the same
// when written back as YAML (the switches are a plain mapping of booleans and max_findings).
#include <string>

#include "fuzz_support.hpp"
#include "soc278/ig/walker.hpp"

using namespace soc278;

namespace {

std::string written(const ig::ValidationOptions& o) {
  const auto b = [](bool v) { return v ? "true" : "false"; };
  return std::string("accept_space_padding: ") + b(o.accept_space_padding) + "\naccept_sv105: " + b(o.accept_sv105) +
         "\naccept_tolerated: " + b(o.accept_tolerated) + "\naccept_trailing_separators: " + b(o.accept_trailing_separators) +
         "\nbuild_tree: " + b(o.build_tree) + "\nmax_findings: " + std::to_string(o.max_findings) + "\n";
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto r = ig::parse_validation_options(text, "quirks.yaml");
  if (!r) {
    if (r.error().code != core::DiagCode::ig_grammar_invalid)
      fuzz::fail("a --quirks file was refused with " + std::string(core::name(r.error().code)) + ", not ig.grammar_invalid");
    if (r.error().message.rfind("quirks.yaml", 0) != 0) fuzz::fail("a --quirks finding does not name its file: " + r.error().message);
    return 0;
  }
  if (r.value().max_findings < 1) fuzz::fail("max_findings below 1 was accepted");
  const auto again = ig::parse_validation_options(written(r.value()), "again.yaml");
  if (!again) fuzz::fail("options written back do not parse: " + again.error().message);
  if (written(again.value()) != written(r.value())) fuzz::fail("options written back parse to other options");
  return 0;
}

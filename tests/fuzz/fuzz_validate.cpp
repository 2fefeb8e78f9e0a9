// fuzz_validate: the validator (ig::FileValidator through validate_stream) over arbitrary bytes.
//
// Input (fuzz_support.hpp: Bytes): after 0xFE, one byte of quirk switches (ValidationOptions), then the bytes validated. Checks: nothing
// crashes, and the walker's promise that its compiled fast checks change no finding
// (ValidationOptions::fast_path, tests/unit/ig/fast_path_test.cpp): the same input validated with
// and without them gives the same findings, in the same order.
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "soc278/ig/walker.hpp"
#include "soc278/x12/byte_source.hpp"

using namespace soc278;

namespace {

std::vector<std::string> validate(std::string_view input, const ig::ValidationOptions& options) {
  fuzz::Collect sink;
  std::vector<std::string> out;
  x12::MemorySource source(input);
  const auto summary = ig::validate_stream(
      source, fuzz::guides(), options, sink,
      [&](const x12::InterchangeInfo&, const x12::GroupInfo&, const x12::TransactionInfo& t, ig::TransactionResult& r) {
        out.push_back("set " + t.control_number + (r.guide != nullptr ? " " + r.guide->id : std::string(" (no guide)")) +
                      (r.rejected ? " R " : " A ") + std::to_string(r.errors) + "/" + std::to_string(r.warnings) + " dropped " +
                      std::to_string(r.findings_dropped));
        if (r.findings.size() > options.max_findings) fuzz::fail("more findings kept than max_findings");
        for (const auto& d : r.findings) out.push_back("  " + fuzz::describe(d));
      },
      [&](ig::GroupResult& g) {
        if (g.rejected_transactions > g.transactions) fuzz::fail("a group rejects more sets than it has");
        out.push_back("group " + g.group.control_number + " " + std::to_string(g.transactions) + "/" + std::to_string(g.rejected_transactions));
      },
      {}, true);
  for (const auto& d : sink.all) out.push_back("! " + fuzz::describe(d));
  out.push_back("sets " + std::to_string(summary.transactions) + " rejected " + std::to_string(summary.rejected));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fuzz::guides();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes in(data, size);
  in.begin_switches();
  const std::uint8_t switches = in.switch_byte();
  const std::string_view input = in.rest();
  ig::ValidationOptions options;
  options.accept_space_padding = (switches & 1u) != 0;
  options.accept_sv105 = (switches & 2u) == 0;
  options.accept_tolerated = (switches & 4u) != 0;
  options.accept_trailing_separators = (switches & 8u) == 0;
  options.build_tree = (switches & 16u) != 0;
  options.max_findings = (switches & 32u) != 0 ? 3 : 100;

  const auto fast = validate(input, options);
  options.fast_path = false;
  const auto full = validate(input, options);
  if (fast != full) {
    std::size_t i = 0;
    while (i < fast.size() && i < full.size() && fast[i] == full[i]) ++i;
    fuzz::fail("the fast path changed the findings at line " + std::to_string(i) + ":\n  fast: " + (i < fast.size() ? fast[i] : "(end)") +
               "\n  full: " + (i < full.size() ? full[i] : "(end)"));
  }
  return 0;
}

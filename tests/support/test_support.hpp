// tests/support/test_support.hpp — helpers every test binary shares.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "soc278/core/diagnostic.hpp"
#include "soc278/x12/byte_source.hpp"
#include "soc278/x12/chunk_reader.hpp"

namespace soc278::test {

[[nodiscard]] std::filesystem::path source_dir();
[[nodiscard]] std::filesystem::path shared_dir();    // ../shared beside the checkout
[[nodiscard]] std::string read_file(const std::filesystem::path& p);
[[nodiscard]] std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir, const std::string& ext = "");
[[nodiscard]] std::vector<std::filesystem::path> sample_files();   // samples/*.x12
[[nodiscard]] std::vector<std::filesystem::path> corpus_files();   // ../shared/corpus/* except README

// Everything the reader produced, flattened for comparison: one line per segment
// ("ordinal@offset:text") and one per diagnostic ("code@offset#ordinal:message").
struct ReadTrace {
  std::vector<std::string> segments;
  std::vector<std::string> diagnostics;
  friend bool operator==(const ReadTrace&, const ReadTrace&) = default;
};
[[nodiscard]] ReadTrace trace_reader(x12::ByteSource& source, x12::ReaderOptions options = {});
// Same, through the EnvelopeReader, so envelope findings are included.
[[nodiscard]] ReadTrace trace_envelope(x12::ByteSource& source, x12::ReaderOptions options = {});

// Runs the built soc278 binary with `args`; returns its exit code and fills `out` with stdout.
// SOC278_STATE_DIR is $TMPDIR/soc278-test-state unless already set, so the default ledger is a test one.
int run_cli(const std::string& args, std::string* out = nullptr);

// An empty folder $TMPDIR/<name>-<pid> for one test's outputs (emptied if it exists).
[[nodiscard]] std::filesystem::path scratch_dir(const std::string& name);

}  // namespace soc278::test

// tests/fuzz/fuzz_support.hpp — what the fuzz targets share (tests/fuzz/README.md).
//
// Each target is one file defining LLVMFuzzerInitialize (loads grammars/ and mappings/ of the source
// tree once) and LLVMFuzzerTestOneInput. Built two ways: with clang and -fsanitize=fuzzer
// (SOC278_FUZZ=ON, scripts/fuzz.sh), and with any compiler beside replay_main.cpp, which runs the
// target over its seed corpus in CTest (fuzz.replay.<target>).
//
// A failed check is a crash on purpose: fail() prints what was wrong and aborts, so libFuzzer keeps
// the input as a crash artifact and the replay test fails.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "soc278/core/diagnostic.hpp"
#include "soc278/ig/guide.hpp"
#include "soc278/mapping/load.hpp"

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv);
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace soc278::fuzz {

// The checkout whose grammars/ and mappings/ the targets load: $SOC278_SOURCE_DIR, else the
// source tree the target was built from.
[[nodiscard]] std::filesystem::path source_dir();

// Loaded once (LLVMFuzzerInitialize); a load failure aborts: the targets fuzz inputs, not the data.
[[nodiscard]] const ig::GuideSet& guides();
[[nodiscard]] const mapping::MappingSet& mappings();

// Prints "soc278 fuzz: <what>" and aborts.
[[noreturn]] void fail(std::string_view what);

// Whether every output a target writes is validated against soc278's own grammar (an output that
// fails it is a crash). Default on; off with SOC278_FUZZ_OUTPUT_CHECK=0 in the environment, or built
// with -DSOC278_FUZZ_OUTPUT_CHECK=0 (CMake option SOC278_FUZZ_OUTPUT_CHECK).
// SOC278_FUZZ_OUTPUT_CHECK=report: a failing output is no crash; the first output failing with each
// distinct set of findings (code, segment, element) is printed, and its input saved to
// $SOC278_FUZZ_REPORT_DIR when set, so a long run can list every kind of failure it meets.
[[nodiscard]] bool output_check_enabled();
[[nodiscard]] bool output_check_reports();

// The input being run, for report mode (set by the targets that check outputs).
void set_current_input(const std::uint8_t* data, std::size_t size);

// Keeps every finding.
class Collect final : public core::DiagnosticSink {
 public:
  void report(core::Diagnostic d) override { all.push_back(std::move(d)); }
  std::vector<core::Diagnostic> all;
};

// "code@offset#segment/element.component loop [value]: message", one finding on one line.
[[nodiscard]] std::string describe(const core::Diagnostic& d);

// Validates one output soc278 wrote (a 278 response, a 999 or a TA1 interchange) with the reader,
// the envelope checks and the guides; every finding of error severity, and a set no guide reads,
// is a failure: fail() with `what`, the findings and the text. Nothing when the check is off.
void check_own_grammar(std::string_view text, std::string_view what, std::string_view expected_purpose = {});

// Every line of a decision report parses as JSON (nlohmann::json::accept); fail() otherwise. Part of
// the output check: off and report mode as check_own_grammar.
void check_json_lines(std::string_view text, std::string_view what);

// A copy of a data folder (grammars/ or mappings/) in a temporary folder ($SOC278_FUZZ_TMP, else
// /dev/shm when writable, else the system's), where the YAML targets put one mutated file among the
// real ones. The input names the file it replaces on its first line, "# file: <path in the folder>"
// (a YAML comment, so a regression file is the file as it was loaded); an input without such a line
// replaces `default_file`. The copy is removed at exit.
class FolderCopy {
 public:
  FolderCopy(const std::filesystem::path& from, std::string default_file);
  // Writes `text` over the file it names; the file's original text comes back with restore().
  const std::string& put(std::string_view text);
  void restore();
  [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_; }
  [[nodiscard]] const std::vector<std::string>& files() const noexcept { return files_; }

 private:
  std::filesystem::path dir_;
  std::string default_file_;
  std::vector<std::string> files_;      // relative, '/'-separated, sorted
  std::vector<std::string> originals_;  // the text of each
  std::size_t changed_ = SIZE_MAX;
};

// Takes bytes off the front of a fuzz input: a few switches, then the rest as data.
//
// The X12 targets read an input that starts with the byte 0xFE (never the start of an X12 file, nor
// of UTF-8 text) as 0xFE, switch bytes, data; any other input is data only, every switch 0. So a
// sample, a corpus file or a regression file is replayed as it is, and the fuzzer can still reach the
// switches.
inline constexpr std::uint8_t switch_marker = 0xFE;

class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}
  // Whether the input starts with switch_marker (consumed); switch_byte() is then byte(), else 0.
  bool begin_switches() {
    has_switches_ = n_ > 0 && *p_ == switch_marker;
    if (has_switches_) (void)byte();
    return has_switches_;
  }
  [[nodiscard]] std::uint8_t switch_byte() { return has_switches_ ? byte() : 0; }
  [[nodiscard]] std::uint8_t byte() {
    if (n_ == 0) return 0;
    --n_;
    return *p_++;
  }
  [[nodiscard]] bool flag() { return (byte() & 1u) != 0; }
  // A string of up to `max` bytes, its length taken from the input first.
  [[nodiscard]] std::string string(std::size_t max) {
    std::size_t len = byte() % (max + 1);
    if (len > n_) len = n_;
    std::string s(reinterpret_cast<const char*>(p_), len);
    p_ += len;
    n_ -= len;
    return s;
  }
  [[nodiscard]] std::string_view rest() {
    std::string_view s(reinterpret_cast<const char*>(p_), n_);
    p_ += n_;
    n_ = 0;
    return s;
  }
  [[nodiscard]] std::size_t left() const noexcept { return n_; }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
  bool has_switches_ = false;
};

}  // namespace soc278::fuzz

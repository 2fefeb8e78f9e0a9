// src/app/run_common.hpp — private: what validate, process and explain share: loading the guides
// and mappings, reading --now, naming outputs, printing findings.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/engine_names.hpp"
#include "soc278/engine/processor.hpp"
#include "app/source_lines.hpp"
#include "soc278/core/clock.hpp"
#include "soc278/ig/guide.hpp"
#include "soc278/ig/walker.hpp"
#include "soc278/mapping/load.hpp"

namespace soc278::app {

// Where grammars/ and mappings/ are found: --data, else $SOC278_DATA_DIR, else the source tree
// the binary was built from.
[[nodiscard]] std::filesystem::path data_dir(const std::string& option);

[[nodiscard]] std::optional<ig::GuideSet> load_guides_or_report(const std::filesystem::path& dir);
[[nodiscard]] std::optional<mapping::MappingSet> load_mappings_or_report(const std::filesystem::path& dir, const ig::GuideSet& guides);

// "2026-11-15", "2026-11-15T09:30" or "20261115T0930"; empty = the system clock (UTC).
[[nodiscard]] std::optional<core::DateTime> parse_now(const std::string& text);

// The command-line options every command that validates shares, read the same way by each: on a bad
// value they print the usage error to stderr and return nullopt (the command then exits 2).
// --now: as parse_now reads it.
[[nodiscard]] std::optional<core::DateTime> now_option(const std::string& text);
// --quirks: the partner quirk switches of a YAML file; the defaults when `path` is empty.
[[nodiscard]] std::optional<ig::ValidationOptions> quirks_option(const std::string& path);

// The output stem of an input: its file name without the last extension; "stdin" for "-".
[[nodiscard]] std::string output_stem(const std::string& input);

// How many findings the console prints per file by default (--max-findings); the rest are counted
// and named in one line, "... and N more (see --json or the 999)". JSON output prints every one.
inline constexpr std::size_t default_max_findings = 20;

// Prints findings as they are found: text lines ("FILE:LINE:COL: ...", source_lines.hpp) or JSON
// lines (with "line", "column" and "byte"). The ig.segment_has_element_errors finding that carries a
// segment's element findings into the 999 (its IK3) is not printed when they follow it: they say
// what is wrong, it would only say how many. Messages are masked (privacy.hpp) unless show_phi.
// Text output stops after `max_text` findings (0: no limit); finish() says how many it left out.
class FindingPrinter final : public core::DiagnosticSink {
 public:
  FindingPrinter(const std::string& file, bool json, bool quiet = false, bool verbose = false, bool show_phi = false,
                 std::size_t max_text = default_max_findings);
  ~FindingPrinter() override;
  void report(core::Diagnostic d) override;
  // Prints a finding held back (a carrier whose element findings did not follow), and the count of
  // those left out. Nothing more is printed after it (a run stopped by a signal calls it early).
  void finish();
  [[nodiscard]] std::size_t left_out() const noexcept { return left_out_; }

 private:
  void print(const core::Diagnostic& d);
  std::size_t max_text_;
  std::size_t printed_ = 0;
  std::size_t left_out_ = 0;
  bool finished_ = false;
  const std::string& file_;
  bool json_;
  bool quiet_;
  bool verbose_;
  bool show_phi_;
  std::unique_ptr<SourceLines> lines_;
  std::optional<core::Diagnostic> held_;
};


}  // namespace soc278::app

// src/app/run_common.hpp — private: what validate, process and explain share: loading the guides
// and mappings, reading --now, naming outputs, printing findings.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/pipeline.hpp"
#include "soc278/core/clock.hpp"
#include "soc278/ig/guide.hpp"
#include "soc278/ig/walker.hpp"
#include "soc278/mapping/load.hpp"

namespace soc278::app {

// Where grammars/ and mappings/ are found: --data, else $SOC278_DATA_DIR, else the source tree
// the binary was built from.
[[nodiscard]] std::filesystem::path data_dir(const std::string& option);

[[nodiscard]] std::optional<ig::GuideSet> load_guides_or_report(const std::filesystem::path& dir);
[[nodiscard]] std::optional<mapping::MappingSet> load_mappings_or_report(const std::filesystem::path& dir);

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

// Prints findings as they are found: text lines or JSON lines.
class FindingPrinter final : public core::DiagnosticSink {
 public:
  FindingPrinter(const std::string& file, bool json, bool quiet = false) : file_(file), json_(json), quiet_(quiet) {}
  void report(core::Diagnostic d) override;

 private:
  const std::string& file_;
  bool json_;
  bool quiet_;
};

}  // namespace soc278::app

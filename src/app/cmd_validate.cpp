// soc278 validate FILE... [--ack DIR]: envelope and implementation-guide validation, 999 / TA1.
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include <signal.h>

#include "app/commands.hpp"
#include "app/console_text.hpp"
#include "app/input.hpp"
#include "app/ledger_numbers.hpp"
#include "app/run_common.hpp"
#include "app/signals.hpp"
#include "soc278/engine/output_file.hpp"

namespace soc278::app {
namespace {

using engine::OutputFile;

struct Options {
  std::vector<std::string> files;
  std::string ack_dir;
  std::string data;
  std::string now;
  std::string quirks;
  std::uint32_t control_start = 1;
  std::string db;
  const CLI::Option* control_start_given = nullptr;
  bool json = false;
  bool force = false;
  bool verbose = false;
  std::size_t max_findings = default_max_findings;
};

int run_validate(const Options& o) {
  const auto dir = data_dir(o.data);
  const auto guides = load_guides_or_report(dir);
  if (!guides) return exit_usage;
  const auto now = now_option(o.now);
  if (!now) return exit_usage;
  auto validation = quirks_option(o.quirks);
  if (!validation) return exit_usage;
  engine::ProcessorConfig config;
  config.guides = &*guides;
  config.validation = *validation;
  config.validation.build_tree = false;
  config.now = *now;
  config.stop = &install_stop_handlers();
  // Only acknowledgments written need control numbers: without --ack the ledger is not opened.
  std::optional<RunNumbers> numbers;
  respond::ControlNumberSequence unused_numbers(o.control_start);
  config.numbers = &unused_numbers;
  if (!o.ack_dir.empty()) {
    numbers = run_numbers_or_report(o.control_start_given->count() > 0 ? std::optional<std::uint32_t>(o.control_start) : std::nullopt,
                                    std::uint64_t{0}, o.db);  // validate writes no certification numbers
    if (!numbers) return exit_usage;
    config.numbers = numbers->control.get();
  }
  if (!o.ack_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.ack_dir, ec);
    if (ec) {
      print_line(std::cerr, fmt::format("soc278: --ack {}: {}", o.ack_dir, ec.message()));
      return exit_usage;
    }
  }
  int status = exit_clean;
  for (std::size_t index = 0; index < o.files.size(); ++index) {
    const std::string& file = o.files[index];
    auto in = open_input(file, config.stop);
    if (!in->source) {
      print_line(std::cerr, fmt::format("soc278: {}: cannot open: {}", file, in->error));
      status = exit_usage;
      continue;
    }
    OutputFile ack, ta1;
    engine::Outputs outputs;
    if (!o.ack_dir.empty()) {
      const std::string stem = output_stem(file);
      bool blocked = false;
      for (const auto& name : {stem + ".999", stem + ".ta1"}) {
        if (!o.force && std::filesystem::exists(std::filesystem::path(o.ack_dir) / name)) {
          print_line(std::cerr, fmt::format("soc278: {}: {} exists (use --force to replace it)", file, (std::filesystem::path(o.ack_dir) / name).string()));
          blocked = true;
        }
      }
      if (blocked) {
        status = exit_usage;
        continue;
      }
      if (!ack.open(o.ack_dir, stem + ".999") || !ta1.open(o.ack_dir, stem + ".ta1")) {
        print_line(std::cerr, "soc278: " + (ack.error().empty() ? ta1.error() : ack.error()));
        status = exit_usage;
        continue;
      }
      outputs.ack999 = &ack;
      outputs.ta1 = &ta1;
    }
    if (!o.json) print_line(file);
    FindingPrinter printer(file, o.json, false, o.verbose, false, o.max_findings);
    engine::TransactionProcessor processor(config, outputs, printer);
    const FileReport r = processor.run(*in->source, file, static_cast<std::uint32_t>(index));
    printer.finish();
    if (r.interrupted) {  // a signal: nothing of this file is delivered
      ack.discard();
      ta1.discard();
      const int sig = stop_signal();
      print_line(std::cerr, fmt::format("soc278: interrupted by {}: {} not finished{}", sig == SIGTERM ? "SIGTERM" : "SIGINT", file,
                                        o.ack_dir.empty() ? "" : " (its acknowledgments removed)"));
      if (numbers) numbers->finish();
      return 128 + (sig == 0 ? SIGINT : sig);
    }
    if (numbers && numbers->ledger_failed(file)) {  // numbers it wrote may not be unique: deliver none of it
      ack.discard();
      ta1.discard();
      status = exit_usage;
      break;
    }
    if (outputs.ack999 != nullptr) {
      if (!ack.commit(o.force, false) || !ta1.commit(o.force, false)) {
        print_line(std::cerr, "soc278: " + (ack.error().empty() ? ta1.error() : ack.error()));
        status = exit_usage;
      }
    }
    if (o.json) {
      nlohmann::ordered_json j;
      j["type"] = "file";
      j["file"] = file;
      j["bytes"] = r.bytes;
      j["interchanges"] = r.interchanges;
      j["groups"] = r.groups;
      j["transactions"] = r.transactions;
      j["accepted"] = r.accepted;
      j["rejected"] = r.rejected;
      j["rejected_with_envelope"] = r.rejected_with_envelope;
      j["errors"] = r.errors;
      j["warnings"] = r.warnings;
      print_json(j);
    } else {
      // A set the guide accepted inside a rejected group is counted rejected here (it is not
      // processed), while the 999 counts it in AK904 (its own IK5 is A): say so, or the two disagree.
      const std::string with_envelope =
          r.rejected_with_envelope == 0
              ? std::string()
              : fmt::format(" ({} only because their group or interchange was rejected)", r.rejected_with_envelope);
      std::cout << fmt::format("  {} interchange(s), {} group(s), {} transaction set(s): {} accepted, {} rejected{}; {} error(s), {} warning(s){}\n",
                               r.interchanges, r.groups, r.transactions, r.accepted, r.rejected, with_envelope, r.errors, r.warnings,
                               r.ta1_written > 0 ? fmt::format("; {} TA1", r.ta1_written) : std::string());
    }
    if (r.io_failed) {
      status = exit_usage;
    } else if (status == exit_clean && (r.rejected > 0 || r.errors > 0)) {
      status = exit_rejected;
    }
  }
  if (numbers) numbers->finish();
  return status;
}

}  // namespace

Verb add_validate(CLI::App& app) {
  auto o = std::make_shared<Options>();
  Verb v;
  v.command = app.add_subcommand("validate",
                                 "Validate X12 files against the implementation guides (grammars/); write 999 / TA1 with --ack.\n"
                                 "Exit 0 when everything was accepted, 1 when anything was rejected, 2 on usage or I/O errors.");
  v.command->add_option("files", o->files, "X12 files ('-' reads standard input)")->required();
  v.command->add_option("--ack", o->ack_dir, "write <stem>.999 and, when the envelope is rejected or ISA14=1, <stem>.ta1 here");
  v.command->add_flag("--force", o->force, "replace existing acknowledgment files");
  v.command->add_flag("--json", o->json, "print findings and summaries as JSON lines");
  v.command->add_flag("--verbose", o->verbose, "also print each finding's byte offset (findings print FILE:LINE:COL)");
  v.command->add_option("--max-findings", o->max_findings,
                        "print at most this many findings per file, then their count (default 20; 0: all; --json and the 999 have every one)");
  v.command->add_option("--data", o->data, "folder holding grammars/ and mappings/ (default: $SOC278_DATA_DIR or the source tree)");
  v.command->add_option("--now", o->now, "date and time written in acknowledgments, YYYY-MM-DD[THH:MM] (default: now, UTC)");
  o->control_start_given = v.command->add_option("--control-start", o->control_start,
                                                 "first ISA13/GS06 control number of this run (tests only: without it they come from "
                                                 "the ledger, per partner)")
                               ->check(CLI::Range(1u, 999999999u));
  v.command->add_option("--db", o->db, "the ledger database for --ack (default: see `soc278 process --help`, docs/operations.md)");
  v.command->add_option("--quirks", o->quirks, "partner quirk switches (YAML: accept_space_padding, accept_sv105, ...)");
  v.run = [o] { return run_validate(*o); };
  return v;
}

}  // namespace soc278::app

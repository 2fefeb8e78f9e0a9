// soc278 process FILE... --out DIR: the main job. Every stage, every output.
#include <fmt/core.h>

#include <iostream>
#include <set>

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

// Inputs up to this size print one console line per decided service line; larger ones print only
// their findings and the summary (the decision report has every line), unless --verbose.
constexpr std::uintmax_t decision_lines_up_to = 256 * 1024;

// One console line per decided service line: "  000001234 1001/0001 line 1: J1745 at 22 -> redirect ...".
class DecisionPrinter final : public engine::ProcessorEvents {
 public:
  void on_set(const engine::SetOutcome& o) override {
    for (const engine::DecisionRecord& r : o.decisions) {
      const soc::LineDecision& d = *r.decision;
      print_line(fmt::format("  {} {}/{} line {}: {:<5} at {}{} -> {:<8} {}{}{} {} {}", r.set.isa13, r.set.gs06, r.set.st02, d.line_number,
                               d.hcpcs, d.requested_site.code.empty() ? "?" : d.requested_site.code,
                               d.requested_site.qualifier == model::SiteQualifier::bill_type ? ":A" : "", soc::to_string(d.outcome),
                               d.hcr01, d.hcr03.empty() ? "" : "/", d.hcr03, d.policy_id, d.section));
    }
  }
};

struct Options {
  std::vector<std::string> files;
  std::string out_dir;
  std::string data;
  std::string now;
  std::string policy;
  std::string quirks;
  std::uint64_t seed = 278;
  std::uint32_t control_start = 1;
  std::string db;
  const CLI::Option* seed_given = nullptr;
  const CLI::Option* control_start_given = nullptr;
  bool force = false;
  bool quiet = false;
  bool verbose = false;
  std::size_t max_findings = default_max_findings;
  std::string report = "standard";
};

void print_table(const std::vector<FileReport>& reports) {
  std::cout << fmt::format("\n{:<34} {:>6} {:>8} {:>8} {:>8} {:>6} {:>6} {:>8} {:>8} {:>5}\n", "file", "sets", "approve", "redirect", "pend",
                           "cancel", "AAA", "rejected", "findings", "TA1");
  FileReport total;
  for (const auto& r : reports) {
    std::string name = core::printable(r.file);
    if (name.size() > 34) name = "..." + name.substr(name.size() - 31);
    std::cout << fmt::format("{:<34} {:>6} {:>8} {:>8} {:>8} {:>6} {:>6} {:>8} {:>8} {:>5}\n", name, r.transactions, r.approve, r.redirect,
                             r.pend, r.cancel, r.unanswerable, r.rejected, r.errors + r.warnings, r.ta1_written);
    total.transactions += r.transactions;
    total.approve += r.approve;
    total.redirect += r.redirect;
    total.pend += r.pend;
    total.cancel += r.cancel;
    total.unanswerable += r.unanswerable;
    total.rejected += r.rejected;
    total.errors += r.errors + r.warnings;
    total.ta1_written += r.ta1_written;
  }
  std::cout << fmt::format("{:<34} {:>6} {:>8} {:>8} {:>8} {:>6} {:>6} {:>8} {:>8} {:>5}\n", fmt::format("total ({} files)", reports.size()),
                           total.transactions, total.approve, total.redirect, total.pend, total.cancel, total.unanswerable, total.rejected,
                           total.errors, total.ta1_written);
  std::cout << "approve / redirect / pend / cancel count service lines; AAA, rejected and sets count transaction sets.\n";
  // Whatever held no 278 request is named, file by file: a misrouted folder must not read as clean.
  for (const auto& r : reports) {
    const std::string what = not_request_summary(r);
    if (!what.empty()) print_line(fmt::format("{}: not a 278 request: {}", r.file, what));
  }
}

int run_process(const Options& o) {
  const auto dir = data_dir(o.data);
  const auto guides = load_guides_or_report(dir);
  if (!guides) return exit_usage;
  const auto mappings = load_mappings_or_report(dir, *guides);
  if (!mappings) return exit_usage;
  if (!o.policy.empty() && mappings->policy(o.policy) == nullptr) {
    std::cerr << "soc278: --policy: no policy '" << o.policy << "' in " << (dir / "mappings").string() << '\n';
    return exit_usage;
  }
  const auto now = now_option(o.now);
  if (!now) return exit_usage;
  auto validation = quirks_option(o.quirks);
  if (!validation) return exit_usage;
  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  if (ec) {
    std::cerr << "soc278: --out " << o.out_dir << ": " << ec.message() << '\n';
    return exit_usage;
  }
  std::set<std::string> stems;
  for (const auto& f : o.files) {
    if (!stems.insert(output_stem(f)).second) {
      std::cerr << "soc278: two inputs share the output name '" << core::printable(output_stem(f)) << "'; process them into different --out folders\n";
      return exit_usage;
    }
  }
  auto numbers = run_numbers_or_report(o.control_start_given->count() > 0 ? std::optional<std::uint32_t>(o.control_start) : std::nullopt,
                                       o.seed_given->count() > 0 ? std::optional<std::uint64_t>(o.seed) : std::nullopt, o.db);
  if (!numbers) return exit_usage;
  engine::ProcessorConfig config;
  config.guides = &*guides;
  config.mappings = &*mappings;
  config.forced_policy = o.policy;
  config.now = *now;
  config.validation = *validation;
  // Deciding needs the loop tree, whatever a quirks file says.
  config.validation.build_tree = true;
  config.numbers = numbers->control.get();
  config.certifications = numbers->certifications;
  config.full_report = o.report == "full";
  config.stop = &install_stop_handlers();
  // Temporary outputs of an earlier run that was killed before it could remove them.
  for (const auto& name : engine::remove_stale_temporaries(o.out_dir))
    print_line(std::cerr, fmt::format("soc278: removed {} (left by an interrupted run)", (std::filesystem::path(o.out_dir) / name).string()));

  int status = exit_clean;
  std::vector<FileReport> reports;
  for (std::size_t index = 0; index < o.files.size(); ++index) {
    const std::string& file = o.files[index];
    const std::string stem = output_stem(file);
    const std::filesystem::path out(o.out_dir);
    bool blocked = false;
    for (const char* ext : {".278", ".999", ".ta1", ".decisions.jsonl"}) {
      if (!o.force && std::filesystem::exists(out / (stem + ext))) {
        print_line(std::cerr, fmt::format("soc278: {}: {} exists (use --force to replace it); file skipped", file, (out / (stem + ext)).string()));
        blocked = true;
      }
    }
    if (blocked) {
      status = exit_usage;
      continue;
    }
    auto in = open_input(file, config.stop);
    if (!in->source) {
      print_line(std::cerr, fmt::format("soc278: {}: cannot open: {}", file, in->error));
      status = exit_usage;
      continue;
    }
    OutputFile response, ack, ta1, decisions;
    if (!response.open(out, stem + ".278") || !ack.open(out, stem + ".999") || !ta1.open(out, stem + ".ta1") ||
        !decisions.open(out, stem + ".decisions.jsonl")) {
      std::cerr << "soc278: cannot create outputs in " << o.out_dir << '\n';
      return exit_usage;
    }
    if (!o.quiet) print_line(file);
    FindingPrinter printer(file, false, o.quiet, o.verbose, false, o.max_findings);
    std::error_code size_error;
    const bool small = file != "-" && std::filesystem::file_size(file, size_error) <= decision_lines_up_to && !size_error;
    DecisionPrinter decision_printer;
    engine::TransactionProcessor processor(config, engine::Outputs{&ack, &ta1, &response, &decisions}, printer,
                                           !o.quiet && (o.verbose || small) ? &decision_printer : nullptr);
    FileReport r = processor.run(*in->source, file, static_cast<std::uint32_t>(index));
    printer.finish();
    if (r.interrupted) {  // a signal: nothing of this file is delivered
      for (OutputFile* f : {&response, &ack, &ta1, &decisions}) f->discard();
      const int sig = stop_signal();
      std::cerr << fmt::format("soc278: interrupted by {}: {} not finished (its outputs removed)", sig == SIGTERM ? "SIGTERM" : "SIGINT", core::printable(file));
      if (!reports.empty()) std::cerr << fmt::format("; {} file(s) finished and delivered", reports.size());
      if (index + 1 < o.files.size()) std::cerr << fmt::format("; {} file(s) not started", o.files.size() - index - 1);
      std::cerr << '\n';
      numbers->finish();
      if (!reports.empty()) print_table(reports);
      return 128 + (sig == 0 ? SIGINT : sig);
    }
    if (numbers->ledger_failed(file)) {  // numbers it wrote may not be unique: deliver none of it
      for (OutputFile* f : {&response, &ack, &ta1, &decisions}) f->discard();
      status = exit_usage;
      break;
    }
    // Outputs appear only complete (temporary name, then rename). Empty acknowledgments and
    // responses are not left behind: a TA1 exists only when one was due, a .278 only when
    // something was answered. The decision report always exists, even when empty.
    bool ok = response.commit(o.force, false) && ack.commit(o.force, false) && ta1.commit(o.force, false) && decisions.commit(o.force, true);
    if (!ok) {
      for (const OutputFile* f : {&response, &ack, &ta1, &decisions})
        if (!f->error().empty()) print_line(std::cerr, "soc278: " + f->error());
      status = exit_usage;
    }
    if (r.io_failed) status = exit_usage;
    if (status == exit_clean && (r.rejected > 0 || r.unanswerable > 0 || r.transactions == 0 || r.not_requests > 0)) status = exit_rejected;
    reports.push_back(std::move(r));
  }
  numbers->finish();
  print_table(reports);
  return status;
}

}  // namespace

Verb add_process(CLI::App& app) {
  auto o = std::make_shared<Options>();
  Verb v;
  v.command = app.add_subcommand("process",
                                 "Validate, decide and answer 278 requests: writes <stem>.278, <stem>.999, <stem>.ta1 (when due) and\n"
                                 "<stem>.decisions.jsonl into --out. Exit 0 when every transaction was decided, 1 when any was\n"
                                 "rejected, could not be answered or was not a 278 request (a response, a 999, an 834...), or a file\n"
                                 "held no transaction; 2 on usage or I/O errors.");
  v.command->add_option("files", o->files, "X12 files ('-' reads standard input)")->required();
  v.command->add_option("--out", o->out_dir, "output folder (created when missing)")->required();
  v.command->add_flag("--force", o->force, "replace existing outputs");
  v.command->add_option("--policy", o->policy, "apply this policy to every transaction, whatever routing.yaml says");
  v.command->add_option("--now", o->now, "decision date and time, YYYY-MM-DD[THH:MM] (default: now, UTC)");
  o->seed_given = v.command->add_option("--seed", o->seed,
                                        "deterministic certification numbers from this seed (same seed, same numbers; tests only: "
                                        "without it every number is new, from the ledger)");
  o->control_start_given = v.command->add_option("--control-start", o->control_start,
                                                 "first ISA13/GS06 control number of this run (tests only: without it they come from "
                                                 "the ledger, per partner)")
                               ->check(CLI::Range(1u, 999999999u));
  v.command->add_option("--db", o->db, "the ledger database (default: $SOC278_STATE_DIR/ledger.db, else "
                                       "$XDG_STATE_HOME/soc278/ledger.db, else ~/.local/state/soc278/ledger.db; docs/operations.md)");
  v.command->add_option("--data", o->data, "folder holding grammars/ and mappings/ (default: $SOC278_DATA_DIR or the source tree)");
  v.command->add_option("--quirks", o->quirks, "partner quirk switches (YAML)");
  v.command->add_flag("--quiet", o->quiet, "print only the summary table");
  v.command->add_flag("--verbose", o->verbose,
                      "also print each finding's byte offset (findings print FILE:LINE:COL) and one line per decided service line,\n"
                      "whatever the input's size (by default only inputs up to 256 KiB print them)");
  v.command->add_option("--max-findings", o->max_findings,
                        "print at most this many findings per file, then their count (default 20; 0: all; the 999 and --json have every one)");
  v.command->add_option("--report", o->report, "decision report detail: standard (the decision, its codes and sentence) or full (also the criteria tried and the facts read, with positions)")
      ->check(CLI::IsMember({"standard", "full"}));
  v.run = [o] { return run_process(*o); };
  return v;
}

}  // namespace soc278::app

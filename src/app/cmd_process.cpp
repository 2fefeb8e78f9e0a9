// soc278 process FILE... --out DIR: the main job. Every stage, every output.
#include <fmt/core.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <iostream>
#include <optional>

#include "app/commands.hpp"
#include "app/console_text.hpp"
#include "app/input.hpp"
#include "app/input_list.hpp"
#include "app/process_summary.hpp"
#include "app/ledger_numbers.hpp"
#include "app/run_common.hpp"
#include "app/signals.hpp"
#include "soc278/engine/output_file.hpp"
#include "soc278/engine/output_set.hpp"

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
  std::string from_list, from_list0;
  std::string out_dir;
  std::string data;
  std::string now;
  std::string policy;
  std::string quirks;
  std::string mode = "0640";
  std::uint64_t seed = 278;
  std::uint32_t control_start = 1;
  std::string db;
  const CLI::Option* seed_given = nullptr;
  const CLI::Option* control_start_given = nullptr;
  bool force = false;
  bool quiet = false;
  bool verbose = false;
  std::size_t max_findings = default_max_findings;
  std::size_t max_rows = default_max_rows;
  std::string report = "standard";
};

constexpr std::array<const char*, 4> output_exts = {".278", ".999", ".ta1", ".decisions.jsonl"};

// --mode: octal permission bits, at most 0777.
std::optional<mode_t> mode_option(const std::string& text) {
  if (text.empty() || text.size() > 4 || text.find_first_not_of("01234567") != std::string::npos) return std::nullopt;
  const unsigned long m = std::stoul(text, nullptr, 8);
  if (m > 0777) return std::nullopt;
  return static_cast<mode_t>(m);
}

// Two inputs with the same stem would write the same outputs.
bool stems_unique(const std::vector<std::string>& files) {
  std::vector<std::pair<std::string, std::size_t>> stems;
  stems.reserve(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) stems.emplace_back(output_stem(files[i]), i);
  std::sort(stems.begin(), stems.end());
  for (std::size_t i = 1; i < stems.size(); ++i) {
    if (stems[i].first == stems[i - 1].first) {
      print_line(std::cerr, fmt::format("soc278: {} and {} share the output name '{}'; process them into different --out folders",
                               files[stems[i - 1].second], files[stems[i].second], stems[i].first));
      return false;
    }
  }
  return true;
}

// No output may be one of the inputs (same device and inode: the file itself or a hard link to
// it): `process dir/req.278 --out dir --force` would otherwise replace the request by its answer.
// A symbolic link at an output name is not the input (the rename replaces the link, not its target).
bool outputs_are_not_inputs(const std::vector<std::string>& files, const engine::OutputDir& out) {
  struct Id {
    dev_t dev;
    ino_t ino;
    std::size_t index;
    bool operator<(const Id& o) const { return dev != o.dev ? dev < o.dev : ino < o.ino; }
  };
  std::vector<Id> inputs;
  inputs.reserve(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    struct stat st {};
    if (files[i] != "-" && ::stat(files[i].c_str(), &st) == 0) inputs.push_back(Id{st.st_dev, st.st_ino, i});
  }
  std::sort(inputs.begin(), inputs.end());
  for (const auto& file : files) {
    const std::string stem = output_stem(file);
    for (const char* ext : output_exts) {
      struct stat st {};
      if (::fstatat(out.fd(), (stem + ext).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      const auto hit = std::lower_bound(inputs.begin(), inputs.end(), Id{st.st_dev, st.st_ino, 0});
      if (hit != inputs.end() && hit->dev == st.st_dev && hit->ino == st.st_ino) {
        print_line(std::cerr, fmt::format("soc278: output {} is the input {} (the same file): choose another --out; nothing was written",
                                 (out.path() / (stem + ext)).string(), files[hit->index]));
        return false;
      }
    }
  }
  return true;
}

// What a failed delivery left, exactly, on stderr.
void report_not_delivered(const std::string& file, const engine::OutputDir& out, const engine::SetCommitResult& c, bool force) {
  print_line(std::cerr, fmt::format("soc278: {}: outputs not delivered: {}", file, c.error));
  if (c.not_restored.empty()) {
    print_line(std::cerr, fmt::format("soc278: {}: none of its outputs was written to {}{}", file, out.path().string(),
                             force ? "; the earlier ones are as they were" : ""));
  } else {
    for (const auto& line : c.not_restored) print_line(std::cerr, "soc278: " + file + ": " + line);
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
  const auto mode = mode_option(o.mode);
  if (!mode) {
    std::cerr << "soc278: --mode " << o.mode << ": give octal permission bits, at most 0777 (e.g. 0640)\n";
    return exit_usage;
  }
  std::vector<std::string> files;
  std::string input_error;
  if (!expand_inputs(InputSpec{o.files, o.from_list, o.from_list0}, files, input_error)) {
    print_line(std::cerr, "soc278: " + input_error);
    return exit_usage;
  }
  if (files.empty()) {
    std::cerr << "soc278: no input (give files, folders, --from-list or --from-list0)\n";
    return exit_usage;
  }
  engine::OutputDir out;
  if (!out.open(o.out_dir)) {
    print_line(std::cerr, "soc278: --out " + out.error());
    return exit_usage;
  }
  if (!stems_unique(files) || !outputs_are_not_inputs(files, out)) return exit_usage;
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
  for (const auto& name : engine::remove_stale_temporaries(out))
    print_line(std::cerr, fmt::format("soc278: removed {} (left by an interrupted run)", (out.path() / name).string()));

  int status = exit_clean;
  ProcessSummary summary(o.max_rows);
  for (std::size_t index = 0; index < files.size(); ++index) {
    const std::string& file = files[index];
    const std::string stem = output_stem(file);
    bool blocked = false;
    for (const char* ext : output_exts) {
      struct stat st {};
      if (!o.force && ::fstatat(out.fd(), (stem + ext).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        print_line(std::cerr, fmt::format("soc278: {}: {} exists (use --force to replace it); file skipped", file, (out.path() / (stem + ext)).string()));
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
    OutputFile* all[] = {&response, &ack, &ta1, &decisions};
    bool opened = true;
    for (std::size_t k = 0; k < output_exts.size() && opened; ++k) {
      if (!all[k]->open(out, stem + output_exts[k], *mode)) {
        print_line(std::cerr, "soc278: cannot create outputs: " + all[k]->error());
        opened = false;
      }
    }
    if (!opened) return exit_usage;
    if (!o.quiet) print_line(file);
    FindingPrinter printer(file, false, o.quiet, o.verbose, false, o.max_findings);
    const bool small = file != "-" && in->size <= decision_lines_up_to;
    DecisionPrinter decision_printer;
    engine::TransactionProcessor processor(config, engine::Outputs{&ack, &ta1, &response, &decisions}, printer,
                                           !o.quiet && (o.verbose || small) ? &decision_printer : nullptr);
    FileReport r = processor.run(*in->source, file, static_cast<std::uint32_t>(index));
    printer.finish();
    if (r.interrupted) {  // a signal: nothing of this file is delivered
      for (OutputFile* f : all) f->discard();
      const int sig = stop_signal();
      std::cerr << fmt::format("soc278: interrupted by {}: {} not finished (its outputs removed)", sig == SIGTERM ? "SIGTERM" : "SIGINT",
                               core::printable(file));
      if (summary.files() > 0) std::cerr << fmt::format("; {} file(s) finished and delivered", summary.files());
      if (index + 1 < files.size()) std::cerr << fmt::format("; {} file(s) not started", files.size() - index - 1);
      std::cerr << '\n';
      numbers->finish();
      if (summary.files() > 0) summary.print();
      return 128 + (sig == 0 ? SIGINT : sig);
    }
    if (numbers->ledger_failed(file)) {  // numbers it wrote may not be unique: deliver none of it
      for (OutputFile* f : all) f->discard();
      status = exit_usage;
      break;
    }
    if (r.io_failed) {  // an output could not be written, or the input not read to its end: deliver none of it
      engine::SetCommitResult c;
      for (OutputFile* f : all) {
        if (c.error.empty() && !f->seal()) c.error = f->error();
        f->discard();
      }
      if (c.error.empty()) c.error = "the input could not be read to its end";
      report_not_delivered(file, out, c, o.force);
      status = exit_usage;
      summary.add(r);
      continue;
    }
    // The four outputs are one unit: all delivered or none (output_set.hpp). Empty acknowledgments
    // and responses are not delivered (and, with --force, remove an earlier run's): a TA1 exists
    // only when one was due, a .278 only when something was answered. The decision report always
    // exists, even when empty.
    const engine::SetMember members[] = {{&response, false}, {&ack, false}, {&ta1, false}, {&decisions, true}};
    const engine::SetCommitResult c = engine::commit_together(members, o.force);
    if (!c.ok) {
      report_not_delivered(file, out, c, o.force);
      status = exit_usage;
    } else if (!o.quiet) {
      for (const auto& name : c.removed)
        print_line(fmt::format("  removed the earlier {} (this run wrote none)", (out.path() / name).string()));
    }
    if (status == exit_clean && (r.rejected > 0 || r.unanswerable > 0 || r.transactions == 0 || r.not_requests > 0)) status = exit_rejected;
    summary.add(r);
  }
  numbers->finish();
  summary.print();
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
                                 "held no transaction; 2 on usage or I/O errors.\n"
                                 "Inputs: regular files ('-': standard input; a FIFO, device or socket is refused), folders (the\n"
                                 "regular files directly inside, sorted; hidden ones skipped), --from-list / --from-list0.\n"
                                 "An input's outputs are delivered together or not at all (written, synced, then renamed; on any\n"
                                 "failure nothing of that input is left); with --force they replace the earlier run's as one unit,\n"
                                 "and an output this run does not write is removed. --out must not be a symbolic link; no output may\n"
                                 "be an input (checked by inode). docs/operations.md section 4.");
  v.command->add_option("files", o->files, "X12 files or folders ('-' reads standard input)");
  v.command->add_option("--from-list", o->from_list,
                        "read more inputs from FILE, one path a line ('-': standard input; empty lines and lines starting with # skipped)");
  v.command->add_option("--from-list0", o->from_list0, "read more inputs from FILE, paths separated by NUL bytes (find -print0; '-': standard input)");
  v.command->add_option("--out", o->out_dir, "output folder (created when missing; a symbolic link is refused)")->required();
  v.command->add_flag("--force", o->force, "replace an input's existing outputs (all of them, or none on failure)");
  v.command->add_option("--mode", o->mode, "permission bits of the outputs, octal (default 0640; the umask does not apply)");
  v.command->add_option("--max-rows", o->max_rows,
                        "summary table: list at most this many files, then count the rest (default 100; 0: all; totals cover every file)");
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

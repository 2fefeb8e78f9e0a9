// soc278 segments FILE... : the reader and envelope checks, with a per-file summary.
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "app/commands.hpp"
#include "app/console_text.hpp"
#include "app/run_common.hpp"
#include "app/input.hpp"
#include "app/engine_names.hpp"
#include "app/source_lines.hpp"
#include "soc278/x12/envelope.hpp"

namespace soc278::app {
namespace {

using nlohmann::json;

std::string_view role_name(x12::SegmentRole r) {
  switch (r) {
    case x12::SegmentRole::interchange_header: return "ISA";
    case x12::SegmentRole::interchange_trailer: return "IEA";
    case x12::SegmentRole::group_header: return "GS";
    case x12::SegmentRole::group_trailer: return "GE";
    case x12::SegmentRole::transaction_header: return "ST";
    case x12::SegmentRole::transaction_body: return "body";
    case x12::SegmentRole::transaction_trailer: return "SE";
    case x12::SegmentRole::interchange_segment: return "interchange";
    case x12::SegmentRole::stray: return "stray";
  }
  return "stray";
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

json position_json(const core::Diagnostic& d, SourceLines& lines) {
  const LineColumn lc = lines.locate(d.at);
  json j = {{"line", lc.line}, {"column", lc.column}, {"byte", d.at.byte_offset}, {"segment", d.at.segment_in_file}};
  if (d.at.segment_in_set != 0) j["set_position"] = d.at.segment_in_set;
  if (d.at.element != 0) j["element"] = d.at.element;
  if (d.at.component != 0) j["component"] = d.at.component;
  return j;
}

// How many dump and envelope lines `segments` prints per file by default (--max-lines).
constexpr std::size_t default_max_lines = 1000;

// Prints findings as they are found and counts them for the exit code. Text output stops after
// `max_text` findings (0: no limit); --json prints every one.
class PrintingSink final : public core::DiagnosticSink {
 public:
  PrintingSink(const std::string& file, bool as_json, bool verbose, bool show_phi, std::size_t max_text)
      : file_(file), json_(as_json), verbose_(verbose), show_phi_(show_phi), max_text_(as_json ? 0 : max_text), lines_(file) {}
  void report(core::Diagnostic d) override {
    if (d.severity == core::Severity::error) ++errors;
    if (d.severity == core::Severity::warning) ++warnings;
    if (max_text_ != 0 && printed_ >= max_text_) {
      ++left_out;
      return;
    }
    ++printed_;
    if (json_) {
      json j = {{"type", "diagnostic"}, {"file", file_}, {"code", core::name(d.code)},
                {"severity", core::to_string(d.severity)}, {"segment_id", d.segment()}, {"message", finding_message(d, show_phi_)}};
      j["at"] = position_json(d, lines_);
      print_json(j);
    } else {
      print_line("  " + format_finding(file_, d, &lines_, verbose_, show_phi_));
    }
  }
  std::size_t errors = 0;
  std::size_t warnings = 0;
  std::size_t left_out = 0;

 private:
  const std::string& file_;
  bool json_;
  bool verbose_;
  bool show_phi_;
  std::size_t max_text_;
  std::size_t printed_ = 0;
  SourceLines lines_;
};

class SummaryPrinter final : public x12::EnvelopeObserver {
 public:
  SummaryPrinter(const std::string& file, bool as_json, bool dump, bool show_phi, std::size_t max_lines)
      : file_(file), json_(as_json), dump_(dump), show_phi_(show_phi), max_lines_(max_lines) {}

  // Lines not printed because of --max-lines.
  [[nodiscard]] std::size_t left_out() const noexcept { return left_out_; }

  void on_interchange_begin(const x12::InterchangeInfo& i) override {
    const auto& h = i.isa;
    if (!room()) return;
    if (json_) {
      print_json(json{{"type", "interchange"}, {"file", file_}, {"byte", i.byte_offset}, {"isa13", h.control_number},
                        {"sender", {{"qualifier", h.sender_qualifier}, {"id", trimmed(h.sender_id)}}},
                        {"receiver", {{"qualifier", h.receiver_qualifier}, {"id", trimmed(h.receiver_id)}}},
                        {"date", h.date}, {"time", h.time}, {"version", h.version}, {"usage", h.usage},
                        {"ack_requested", h.ack_requested},
                        {"delimiters", {{"element", std::string(1, h.delimiters.element)},
                                        {"component", std::string(1, h.delimiters.component)},
                                        {"repetition", h.delimiters.repetition ? std::string(1, h.delimiters.repetition) : ""},
                                        {"segment", std::string(1, h.delimiters.segment)}}}});
    } else {
      print_line(fmt::format("  interchange {} at byte {}: {}:{} -> {}:{}, {} {}, version {}, usage {}", h.control_number,
                               i.byte_offset, h.sender_qualifier, trimmed(h.sender_id), h.receiver_qualifier,
                               trimmed(h.receiver_id), h.date, h.time, h.version, h.usage));
    }
  }
  void on_interchange_end(const x12::InterchangeInfo& i) override {
    if (!room()) return;
    if (json_) {
      print_json(json{{"type", "interchange_end"}, {"file", file_}, {"isa13", i.isa.control_number},
                        {"groups", i.groups}, {"trailer", i.trailer_seen}});
    } else {
      print_line(fmt::format("  end of interchange {}: {} group(s){}", i.isa.control_number, i.groups,
                               i.trailer_seen ? "" : " (no IEA)"));
    }
  }
  void on_group_begin(const x12::InterchangeInfo&, const x12::GroupInfo& g) override {
    if (!room()) return;
    if (json_) {
      print_json(json{{"type", "group"}, {"file", file_}, {"byte", g.byte_offset}, {"gs01", g.functional_id},
                        {"gs06", g.control_number}, {"sender", g.sender}, {"receiver", g.receiver}, {"version", g.version}});
    } else {
      print_line(fmt::format("    group {} ({}) {} -> {}, version {}", g.control_number, g.functional_id, g.sender,
                               g.receiver, g.version));
    }
  }
  void on_group_end(const x12::InterchangeInfo&, const x12::GroupInfo& g) override {
    if (!room()) return;
    if (json_) {
      print_json(json{{"type", "group_end"}, {"file", file_}, {"gs06", g.control_number},
                        {"transactions", g.transactions}, {"trailer", g.trailer_seen}});
    } else {
      print_line(fmt::format("    end of group {}: {} transaction set(s){}", g.control_number, g.transactions,
                               g.trailer_seen ? "" : " (no GE)"));
    }
  }
  void on_transaction_end(const x12::GroupInfo&, const x12::TransactionInfo& t) override {
    if (!room()) return;
    if (json_) {
      print_json(json{{"type", "transaction"}, {"file", file_}, {"byte", t.byte_offset}, {"st01", t.id},
                        {"st02", t.control_number}, {"st03", t.convention}, {"segments", t.segments},
                        {"trailer", t.trailer_seen}});
    } else {
      print_line(fmt::format("      transaction {} {} ({}) at byte {}: {} segments{}", t.id, t.control_number,
                               t.convention, t.byte_offset, t.segments, t.trailer_seen ? "" : " (no SE)"));
    }
  }
  [[nodiscard]] bool wants_every_segment() const override { return dump_; }
  void on_segment(const x12::SegmentView& s, x12::SegmentRole role) override {
    if (!dump_) return;
    // Masked by content (privacy.hpp); any segment also loses the values masked earlier in its
    // transaction set (a free text quoting the member).
    if (role == x12::SegmentRole::transaction_header) phi_.clear();
    if (!room()) return;
    std::string text;
    if (show_phi_) {
      text = s.text();
    } else {
      masked_elements(s, {}, masked_);
      for (std::size_t e = 1; e <= s.element_count(); ++e)
        if (masked_[e - 1]) phi_.add_value(s.element(e));
      text = redact_segment(s);
      phi_.scrub_in_place(text);
    }
    if (json_) {
      print_json(json{{"type", "segment"}, {"file", file_}, {"segment", s.ordinal()}, {"byte", s.byte_offset()},
                        {"id", show_phi_ ? std::string(s.id()) : engine::printable_segment_id(s.id())}, {"role", role_name(role)}, {"text", text}});
    } else {
      print_line(fmt::format("  {:>6} @{:<8} {:<5} {}", s.ordinal(), s.byte_offset(), role_name(role), text));
    }
  }

 private:
  // Whether another dump or envelope line may be printed (--max-lines); counts those that may not.
  bool room() {
    if (max_lines_ != 0 && printed_ >= max_lines_) {
      ++left_out_;
      return false;
    }
    ++printed_;
    return true;
  }

  const std::string& file_;
  bool json_;
  bool dump_;
  bool show_phi_;
  std::size_t max_lines_;
  std::size_t printed_ = 0;
  std::size_t left_out_ = 0;
  std::vector<bool> masked_;
  PhiValues phi_;
};

struct Options {
  std::vector<std::string> files;
  bool dump = false;
  bool json = false;
  bool show_phi = false;
  bool verbose = false;
  std::size_t max_findings = default_max_findings;
  std::size_t max_lines = default_max_lines;
};

int run_segments(const Options& o) {
  int status = exit_clean;
  for (std::size_t index = 0; index < o.files.size(); ++index) {
    const std::string& file = o.files[index];
    auto in = open_input(file);
    if (!in->source) {
      print_line(std::cerr, fmt::format("soc278: {}: cannot open: {}", file, in->error));
      status = exit_usage;
      continue;
    }
    if (!o.json) print_line(file);
    PrintingSink sink(file, o.json, o.verbose, o.show_phi, o.max_findings);
    SummaryPrinter printer(file, o.json, o.dump, o.show_phi, o.max_lines);
    x12::ReaderOptions ro;
    ro.file = static_cast<std::uint32_t>(index);
    x12::ChunkReader reader(*in->source, ro);
    x12::EnvelopeReader envelope(reader, sink, printer);
    envelope.run();
    const auto& st = envelope.stats();
    if (o.json) {
      print_json(json{{"type", "file"}, {"file", file}, {"bytes", reader.bytes_read()}, {"segments", st.segments},
                        {"interchanges", st.interchanges}, {"groups", st.groups}, {"transactions", st.transactions},
                      {"errors", sink.errors}, {"warnings", sink.warnings}, {"lines_left_out", printer.left_out()}});
    } else {
      if (sink.left_out > 0)
        print_line(fmt::format("  ... and {} more finding{} (--max-findings 0 prints all)", sink.left_out, sink.left_out == 1 ? "" : "s"));
      if (printer.left_out() > 0)
        print_line(fmt::format("  ... and {} more line{} (--max-lines 0 prints all)", printer.left_out(), printer.left_out() == 1 ? "" : "s"));
      print_line(fmt::format("  {} bytes, {} segments: {} interchange(s), {} group(s), {} transaction set(s); {} error(s), {} warning(s)",
                               reader.bytes_read(), st.segments, st.interchanges, st.groups, st.transactions, sink.errors,
                               sink.warnings));
    }
    if (reader.io_failed()) status = exit_usage;
    else if (sink.errors > 0 && status == exit_clean) status = exit_rejected;
  }
  return status;
}

}  // namespace

Verb add_segments(CLI::App& app) {
  auto opts = std::make_shared<Options>();
  Verb v;
  v.command = app.add_subcommand("segments", "Read X12 files, check ISA/GS/ST envelopes, print what was found.\n"
                                             "Exit 0 when clean, 1 when any envelope error was found, 2 on usage or I/O errors.");
  v.command->add_option("files", opts->files, "X12 files ('-' reads standard input)")->required();
  v.command->add_flag("--dump", opts->dump, "print every segment with its ordinal, byte offset and role");
  v.command->add_flag("--json", opts->json, "print JSON lines instead of text");
  v.command->add_flag("--verbose", opts->verbose, "also print each finding's byte offset (findings print FILE:LINE:COL)");
  v.command->add_flag("--show-phi", opts->show_phi, "print member names, ids, birth dates and streets in full");
  v.command->add_option("--max-findings", opts->max_findings,
                        "print at most this many findings per file, then their count (default 20; 0: all; --json has every one)");
  v.command->add_option("--max-lines", opts->max_lines,
                        "print at most this many envelope and --dump lines per file, then their count (default 1000; 0: all)");
  v.run = [opts] { return run_segments(*opts); };
  return v;
}

}  // namespace soc278::app

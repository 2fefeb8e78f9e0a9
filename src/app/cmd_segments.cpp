// soc278 segments FILE... : the reader and envelope checks, with a per-file summary.
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "app/commands.hpp"
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

// Prints findings as they are found and counts them for the exit code.
class PrintingSink final : public core::DiagnosticSink {
 public:
  PrintingSink(const std::string& file, bool as_json, bool verbose) : file_(file), json_(as_json), verbose_(verbose), lines_(file) {}
  void report(core::Diagnostic d) override {
    if (d.severity == core::Severity::error) ++errors;
    if (d.severity == core::Severity::warning) ++warnings;
    if (json_) {
      json j = {{"type", "diagnostic"}, {"file", file_}, {"code", core::name(d.code)},
                {"severity", core::to_string(d.severity)}, {"segment_id", d.segment()}, {"message", finding_message(d)}};
      j["at"] = position_json(d, lines_);
      std::cout << j.dump() << '\n';
    } else {
      std::cout << "  " << format_finding(file_, d, &lines_, verbose_) << '\n';
    }
  }
  std::size_t errors = 0;
  std::size_t warnings = 0;

 private:
  const std::string& file_;
  bool json_;
  bool verbose_;
  SourceLines lines_;
};

class SummaryPrinter final : public x12::EnvelopeObserver {
 public:
  SummaryPrinter(const std::string& file, bool as_json, bool dump, bool show_phi)
      : file_(file), json_(as_json), dump_(dump), show_phi_(show_phi) {}

  void on_interchange_begin(const x12::InterchangeInfo& i) override {
    const auto& h = i.isa;
    if (json_) {
      std::cout << json{{"type", "interchange"}, {"file", file_}, {"byte", i.byte_offset}, {"isa13", h.control_number},
                        {"sender", {{"qualifier", h.sender_qualifier}, {"id", trimmed(h.sender_id)}}},
                        {"receiver", {{"qualifier", h.receiver_qualifier}, {"id", trimmed(h.receiver_id)}}},
                        {"date", h.date}, {"time", h.time}, {"version", h.version}, {"usage", h.usage},
                        {"ack_requested", h.ack_requested},
                        {"delimiters", {{"element", std::string(1, h.delimiters.element)},
                                        {"component", std::string(1, h.delimiters.component)},
                                        {"repetition", h.delimiters.repetition ? std::string(1, h.delimiters.repetition) : ""},
                                        {"segment", std::string(1, h.delimiters.segment)}}}}
                       .dump()
                << '\n';
    } else {
      std::cout << fmt::format("  interchange {} at byte {}: {}:{} -> {}:{}, {} {}, version {}, usage {}\n", h.control_number,
                               i.byte_offset, h.sender_qualifier, trimmed(h.sender_id), h.receiver_qualifier,
                               trimmed(h.receiver_id), h.date, h.time, h.version, h.usage);
    }
  }
  void on_interchange_end(const x12::InterchangeInfo& i) override {
    if (json_) {
      std::cout << json{{"type", "interchange_end"}, {"file", file_}, {"isa13", i.isa.control_number},
                        {"groups", i.groups}, {"trailer", i.trailer_seen}}
                       .dump()
                << '\n';
    } else {
      std::cout << fmt::format("  end of interchange {}: {} group(s){}\n", i.isa.control_number, i.groups,
                               i.trailer_seen ? "" : " (no IEA)");
    }
  }
  void on_group_begin(const x12::InterchangeInfo&, const x12::GroupInfo& g) override {
    if (json_) {
      std::cout << json{{"type", "group"}, {"file", file_}, {"byte", g.byte_offset}, {"gs01", g.functional_id},
                        {"gs06", g.control_number}, {"sender", g.sender}, {"receiver", g.receiver}, {"version", g.version}}
                       .dump()
                << '\n';
    } else {
      std::cout << fmt::format("    group {} ({}) {} -> {}, version {}\n", g.control_number, g.functional_id, g.sender,
                               g.receiver, g.version);
    }
  }
  void on_group_end(const x12::InterchangeInfo&, const x12::GroupInfo& g) override {
    if (json_) {
      std::cout << json{{"type", "group_end"}, {"file", file_}, {"gs06", g.control_number},
                        {"transactions", g.transactions}, {"trailer", g.trailer_seen}}
                       .dump()
                << '\n';
    } else {
      std::cout << fmt::format("    end of group {}: {} transaction set(s){}\n", g.control_number, g.transactions,
                               g.trailer_seen ? "" : " (no GE)");
    }
  }
  void on_transaction_end(const x12::GroupInfo&, const x12::TransactionInfo& t) override {
    if (json_) {
      std::cout << json{{"type", "transaction"}, {"file", file_}, {"byte", t.byte_offset}, {"st01", t.id},
                        {"st02", t.control_number}, {"st03", t.convention}, {"segments", t.segments},
                        {"trailer", t.trailer_seen}}
                       .dump()
                << '\n';
    } else {
      std::cout << fmt::format("      transaction {} {} ({}) at byte {}: {} segments{}\n", t.id, t.control_number,
                               t.convention, t.byte_offset, t.segments, t.trailer_seen ? "" : " (no SE)");
    }
  }
  [[nodiscard]] bool wants_every_segment() const override { return dump_; }
  void on_segment(const x12::SegmentView& s, x12::SegmentRole role) override {
    if (!dump_) return;
    const std::string text = show_phi_ ? std::string(s.text()) : redact_segment(s);
    if (json_) {
      std::cout << json{{"type", "segment"}, {"file", file_}, {"segment", s.ordinal()}, {"byte", s.byte_offset()},
                        {"id", s.id()}, {"role", role_name(role)}, {"text", text}}
                       .dump()
                << '\n';
    } else {
      std::cout << fmt::format("  {:>6} @{:<8} {:<5} {}\n", s.ordinal(), s.byte_offset(), role_name(role), text);
    }
  }

 private:
  const std::string& file_;
  bool json_;
  bool dump_;
  bool show_phi_;
};

struct Options {
  std::vector<std::string> files;
  bool dump = false;
  bool json = false;
  bool show_phi = false;
  bool verbose = false;
};

int run_segments(const Options& o) {
  int status = exit_clean;
  for (std::size_t index = 0; index < o.files.size(); ++index) {
    const std::string& file = o.files[index];
    auto in = open_input(file);
    if (!in->source) {
      std::cerr << fmt::format("soc278: {}: cannot open: {}\n", file, in->error);
      status = exit_usage;
      continue;
    }
    if (!o.json) std::cout << file << '\n';
    PrintingSink sink(file, o.json, o.verbose);
    SummaryPrinter printer(file, o.json, o.dump, o.show_phi);
    x12::ReaderOptions ro;
    ro.file = static_cast<std::uint32_t>(index);
    x12::ChunkReader reader(*in->source, ro);
    x12::EnvelopeReader envelope(reader, sink, printer);
    envelope.run();
    const auto& st = envelope.stats();
    if (o.json) {
      std::cout << json{{"type", "file"}, {"file", file}, {"bytes", reader.bytes_read()}, {"segments", st.segments},
                        {"interchanges", st.interchanges}, {"groups", st.groups}, {"transactions", st.transactions},
                        {"errors", sink.errors}, {"warnings", sink.warnings}}
                       .dump()
                << '\n';
    } else {
      std::cout << fmt::format("  {} bytes, {} segments: {} interchange(s), {} group(s), {} transaction set(s); {} error(s), {} warning(s)\n",
                               reader.bytes_read(), st.segments, st.interchanges, st.groups, st.transactions, sink.errors,
                               sink.warnings);
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
  v.command->add_flag("--show-phi", opts->show_phi, "print member names, ids and birth dates in full in --dump");
  v.run = [opts] { return run_segments(*opts); };
  return v;
}

}  // namespace soc278::app

#include "app/run_common.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <iostream>

#include "app/console_text.hpp"
#include "app/input.hpp"
#include "app/engine_names.hpp"
#include "soc278/x12/values.hpp"

namespace soc278::app {

std::filesystem::path data_dir(const std::string& option) {
  if (!option.empty()) return option;
  if (const char* env = std::getenv("SOC278_DATA_DIR"); env != nullptr && *env != '\0') return env;
  return SOC278_DEFAULT_DATA_DIR;
}

std::optional<ig::GuideSet> load_guides_or_report(const std::filesystem::path& dir) {
  auto g = ig::load_guides(dir / "grammars");
  if (!g.ok()) {
    print_lines(std::cerr, fmt::format("soc278: cannot load the implementation guides ({}): {}", core::name(g.error().code), g.error().message));
    return std::nullopt;
  }
  return std::move(g).value();
}

std::optional<mapping::MappingSet> load_mappings_or_report(const std::filesystem::path& dir, const ig::GuideSet& guides) {
  auto m = mapping::load_mappings(dir / "mappings", guides);
  if (!m.ok()) {
    print_lines(std::cerr, fmt::format("soc278: cannot load the policy mappings ({}): {}", core::name(m.error().code), m.error().message));
    return std::nullopt;
  }
  return std::move(m).value();
}

std::optional<core::DateTime> parse_now(const std::string& text) {
  if (text.empty()) return core::SystemClock().now();
  std::string digits;
  for (char c : text)
    if (c != '-' && c != ':' && c != 'T' && c != ' ') digits += c;
  if (digits.size() != 8 && digits.size() != 12) return std::nullopt;
  const auto date = x12::parse_date(digits.substr(0, 8));
  if (!date) return std::nullopt;
  core::DateTime dt{*date, {}};
  if (digits.size() == 12) {
    const auto t = x12::parse_time(digits.substr(8));
    if (!t) return std::nullopt;
    dt.time = *t;
  }
  return dt;
}

std::optional<core::DateTime> now_option(const std::string& text) {
  auto now = parse_now(text);
  if (!now) print_line(std::cerr, fmt::format("soc278: --now: expected YYYY-MM-DD[THH:MM], found '{}'", text));
  return now;
}

std::optional<ig::ValidationOptions> quirks_option(const std::string& path) {
  if (path.empty()) return ig::ValidationOptions{};
  auto q = ig::load_validation_options(path);
  if (!q.ok()) {
    print_lines(std::cerr, "soc278: --quirks: " + q.error().message);
    return std::nullopt;
  }
  return q.value();
}

std::string output_stem(const std::string& input) {
  if (input == "-") return "stdin";
  return std::filesystem::path(input).stem().string();
}

FindingPrinter::FindingPrinter(const std::string& file, bool json, bool quiet, bool verbose, bool show_phi, std::size_t max_text)
    : max_text_(json ? 0 : max_text), file_(file), json_(json), quiet_(quiet), verbose_(verbose), show_phi_(show_phi) {}

FindingPrinter::~FindingPrinter() { finish(); }

void FindingPrinter::report(core::Diagnostic d) {
  if (quiet_ || finished_) return;
  if (held_) {
    if (!carried_by(*held_, d)) print(*held_);
    held_.reset();
  }
  if (d.code == core::DiagCode::ig_segment_has_element_errors) {
    held_ = std::move(d);
    return;
  }
  print(d);
}

void FindingPrinter::finish() {
  if (finished_) return;
  if (held_) print(*held_);
  held_.reset();
  finished_ = true;
  if (left_out_ > 0)
    std::cout << fmt::format("  ... and {} more finding{} (see --json or the 999)\n", left_out_, left_out_ == 1 ? "" : "s");
}

void FindingPrinter::print(const core::Diagnostic& d) {
  if (max_text_ != 0 && printed_ >= max_text_) {
    ++left_out_;
    return;
  }
  ++printed_;
  if (!lines_) lines_ = std::make_unique<SourceLines>(file_);
  if (json_) {
    const LineColumn lc = lines_->locate(d.at);
    nlohmann::ordered_json j;
    j["type"] = "finding";
    j["file"] = file_;
    j["code"] = core::name(d.code);
    j["severity"] = core::to_string(d.severity);
    j["line"] = lc.line;
    j["column"] = lc.column;
    j["byte"] = d.at.byte_offset;
    j["segment"] = d.at.segment_in_file;
    j["set_position"] = d.at.segment_in_set;
    j["loop"] = d.loop_id;
    j["segment_id"] = d.segment();
    j["element"] = d.at.element;
    j["component"] = d.at.component;
    j["element_ref"] = d.element_ref;
    j["ack"] = core::to_string(core::info(d.code).level);
    j["x12_code"] = core::info(d.code).x12_code;
    j["message"] = finding_message(d, show_phi_);
    print_json(j);
  } else {
    print_line("  " + format_finding(file_, d, lines_.get(), verbose_, show_phi_));
  }
}

}  // namespace soc278::app

// tests/fuzz/fuzz_support.cpp — see fuzz_support.hpp.
#include "fuzz_support.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <system_error>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "soc278/ig/walker.hpp"
#include "soc278/x12/byte_source.hpp"

#ifndef SOC278_FUZZ_OUTPUT_CHECK
#define SOC278_FUZZ_OUTPUT_CHECK 1
#endif

namespace soc278::fuzz {

std::filesystem::path source_dir() {
  if (const char* env = std::getenv("SOC278_SOURCE_DIR"); env != nullptr && *env != '\0') return env;
  return SOC278_SOURCE_DIR;
}

void fail(std::string_view what) {
  std::fprintf(stderr, "soc278 fuzz: %.*s\n", static_cast<int>(what.size()), what.data());
  std::fflush(stderr);
  std::abort();
}

const ig::GuideSet& guides() {
  static const ig::GuideSet set = [] {
    auto r = ig::load_guides(source_dir() / "grammars");
    if (!r) fail("grammars/ did not load: " + r.error().message);
    return std::move(r).value();
  }();
  return set;
}

const mapping::MappingSet& mappings() {
  static const mapping::MappingSet set = [] {
    auto r = mapping::load_mappings(source_dir() / "mappings", guides());
    if (!r) fail("mappings/ did not load: " + r.error().message);
    return std::move(r).value();
  }();
  return set;
}

bool output_check_enabled() {
  static const bool on = [] {
    if (const char* env = std::getenv("SOC278_FUZZ_OUTPUT_CHECK"); env != nullptr && *env != '\0') return std::string_view(env) != "0";
    return SOC278_FUZZ_OUTPUT_CHECK != 0;
  }();
  return on;
}

bool output_check_reports() {
  static const bool on = [] {
    const char* env = std::getenv("SOC278_FUZZ_OUTPUT_CHECK");
    return env != nullptr && std::string_view(env) == "report";
  }();
  return on;
}

namespace {
std::string_view current_input;
}  // namespace

void set_current_input(const std::uint8_t* data, std::size_t size) { current_input = {reinterpret_cast<const char*>(data), size}; }

std::string describe(const core::Diagnostic& d) {
  std::string s(core::name(d.code));
  s += '@' + std::to_string(d.at.byte_offset) + '#' + std::to_string(d.at.segment_in_set) + '/' + std::to_string(d.at.element) + '.' +
       std::to_string(d.at.component) + ' ' + std::string(d.segment());
  if (!d.loop_id.empty()) s += " loop " + d.loop_id;
  if (!d.found_value.empty()) s += " [" + d.found_value + "]";
  return s + ": " + d.message;
}

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spill(const std::filesystem::path& p, std::string_view text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) fail("cannot write " + p.string());
}

std::string shown(std::string_view text) {
  constexpr std::size_t max = 4000;
  std::string out(text.substr(0, max));
  if (text.size() > max) out += "\n... (" + std::to_string(text.size() - max) + " more bytes)";
  return out;
}

}  // namespace

void check_own_grammar(std::string_view text, std::string_view what, std::string_view expected_purpose) {
  if (!output_check_enabled() || text.empty()) return;
  Collect sink;
  std::string wrong_guide;
  x12::MemorySource source(text);
  ig::ValidationOptions options;
  options.build_tree = false;
  (void)ig::validate_stream(source, guides(), options, sink,
                            [&](const x12::InterchangeInfo&, const x12::GroupInfo&, const x12::TransactionInfo& t, ig::TransactionResult& r) {
                              for (auto& d : r.findings) sink.all.push_back(std::move(d));
                              if (r.guide == nullptr)
                                wrong_guide = "set " + t.control_number + ": no guide reads it";
                              else if (!expected_purpose.empty() && r.guide->purpose != expected_purpose)
                                wrong_guide = "set " + t.control_number + ": read as a " + r.guide->purpose;
                            });
  std::string errors;
  std::set<std::string> kinds;  // the failure's signature in report mode
  for (const auto& d : sink.all)
    if (d.severity == core::Severity::error) {
      errors += "  " + describe(d) + "\n";
      kinds.insert(std::string(core::name(d.code)) + " " + std::string(d.segment()) + std::to_string(d.at.element) +
                   (d.at.component != 0 ? "-" + std::to_string(d.at.component) : std::string()));
    }
  if (errors.empty() && wrong_guide.empty()) return;
  if (output_check_reports()) {
    static std::set<std::string> seen;
    std::string signature(what);
    for (const auto& k : kinds) signature += " | " + k;
    if (!wrong_guide.empty()) signature += " | wrong guide";
    if (!seen.insert(signature).second) return;
    std::string saved;
    if (const char* dir = std::getenv("SOC278_FUZZ_REPORT_DIR"); dir != nullptr && *dir != '\0') {
      const auto file = std::filesystem::path(dir) / ("output-" + std::to_string(seen.size()) + ".bin");
      spill(file, current_input);
      saved = " (input saved as " + file.string() + ")";
    }
    std::fprintf(stderr, "soc278 fuzz: output check: NEW %s%s\n%s--- the output:\n%s\n", signature.c_str(), saved.c_str(), errors.c_str(),
                 shown(text).c_str());
    return;
  }
  fail(std::string(what) + " written by soc278 fails soc278's own grammar:\n" + errors + (wrong_guide.empty() ? "" : "  " + wrong_guide + "\n") +
       "--- the output:\n" + shown(text) + "\n--- (SOC278_FUZZ_OUTPUT_CHECK=0 turns this check off)");
}

namespace {

std::vector<std::filesystem::path> copies;  // removed at exit

}  // namespace

FolderCopy::FolderCopy(const std::filesystem::path& from, std::string default_file) : default_file_(std::move(default_file)) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path tmp;
  if (const char* env = std::getenv("SOC278_FUZZ_TMP"); env != nullptr && *env != '\0') {
    tmp = env;
  } else if (::access("/dev/shm", W_OK) == 0) {
    tmp = "/dev/shm";
  } else {
    tmp = fs::temp_directory_path();
  }
  dir_ = tmp / ("soc278-fuzz-" + std::to_string(::getpid()) + "-" + std::to_string(copies.size())) / from.filename();
  fs::remove_all(dir_.parent_path(), ec);
  fs::create_directories(dir_.parent_path(), ec);
  fs::copy(from, dir_, fs::copy_options::recursive, ec);
  if (ec) fail("cannot copy " + from.string() + " to " + dir_.string() + ": " + ec.message());
  if (copies.empty()) std::atexit([] {
    std::error_code e;
    for (const auto& c : copies) fs::remove_all(c, e);
  });
  copies.push_back(dir_.parent_path());
  for (fs::recursive_directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec)) files_.push_back(it->path().lexically_relative(dir_).generic_string());
  std::sort(files_.begin(), files_.end());
  for (const auto& f : files_) originals_.push_back(slurp(dir_ / f));
  if (!std::binary_search(files_.begin(), files_.end(), default_file_)) fail(default_file_ + " is not in " + from.string());
}

const std::string& FolderCopy::put(std::string_view text) {
  std::string_view rel = default_file_;
  constexpr std::string_view tag = "# file: ";
  if (text.substr(0, tag.size()) == tag) {
    const std::string_view first = text.substr(tag.size(), text.find('\n') == std::string_view::npos ? std::string_view::npos
                                                                                                       : text.find('\n') - tag.size());
    std::string_view name = first;
    while (!name.empty() && (name.back() == '\r' || name.back() == ' ')) name.remove_suffix(1);
    if (std::binary_search(files_.begin(), files_.end(), name)) rel = name;
  }
  changed_ = static_cast<std::size_t>(std::lower_bound(files_.begin(), files_.end(), rel) - files_.begin());
  spill(dir_ / files_[changed_], text);
  return files_[changed_];
}

void FolderCopy::restore() {
  if (changed_ == SIZE_MAX) return;
  spill(dir_ / files_[changed_], originals_[changed_]);
  changed_ = SIZE_MAX;
}

void check_json_lines(std::string_view text, std::string_view what) {
  if (!output_check_enabled()) return;
  std::size_t start = 0;
  std::size_t line = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++line;
    const std::string_view l = text.substr(start, end - start);
    if (!nlohmann::json::accept(l)) {
      const std::string problem = std::string(what) + " line " + std::to_string(line) + " is not JSON";
      if (!output_check_reports()) fail(problem + ":\n" + shown(l) + "\n--- (SOC278_FUZZ_OUTPUT_CHECK=0 turns this check off)");
      static bool said = false;
      if (!said) std::fprintf(stderr, "soc278 fuzz: output check: NEW %s\n%s\n", problem.c_str(), shown(l).c_str());
      said = true;
      return;
    }
    start = end + 1;
  }
}

}  // namespace soc278::fuzz

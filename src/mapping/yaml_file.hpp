// src/mapping/yaml_file.hpp (private to the mapping stage)
//
// The schema helpers every mappings/*.yaml loader uses: a File that parses one YAML file and fails
// with "<file>:<line>: " messages (LoadFailure, caught in load_mappings()). Cold path only.
#pragma once

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "soc278/core/diagnostic.hpp"

namespace soc278::mapping::detail {

namespace fs = std::filesystem;
using core::DiagCode;

// ---- failure plumbing ------------------------------------------------------------------------

struct LoadFailure {
  core::Diagnostic diag;
};

inline int line_of(const YAML::Mark& m) { return m.line >= 0 ? m.line + 1 : 1; }

[[noreturn]] inline void fail_at(DiagCode code, const std::string& file, const YAML::Mark& m, const std::string& text,
                          std::string found = {}) {
  core::SourcePosition at;
  if (m.pos >= 0) at.byte_offset = static_cast<std::uint64_t>(m.pos);
  // A finding about a whole file or folder (not found, unexpected file) has no line to name.
  std::string message = m.line >= 0 ? fmt::format("{}:{}: {}", file, line_of(m), text) : fmt::format("{}: {}", file, text);
  core::Diagnostic d = core::make_diagnostic(code, at, "", std::move(message));
  d.found_value = std::move(found);
  throw LoadFailure{std::move(d)};
}

// One YAML file being read: its display name, its root and the schema helpers that fail with file:line.
class File {
 public:
  explicit File(fs::path path) : path_(std::move(path)), name_(path_.lexically_normal().string()) {}

  void parse() {
    std::error_code ec;
    if (!fs::is_regular_file(path_, ec)) fail_at(DiagCode::mapping_io_error, name_, YAML::Mark::null_mark(), "file not found");
    try {
      root_ = YAML::LoadFile(path_.string());
    } catch (const YAML::ParserException& e) {
      fail_at(DiagCode::mapping_yaml_syntax, name_, e.mark, "not well-formed YAML: " + e.msg);
    } catch (const YAML::BadFile&) {
      fail_at(DiagCode::mapping_io_error, name_, YAML::Mark::null_mark(), "cannot be read");
    }
    if (!root_.IsMap()) fail_at(DiagCode::mapping_wrong_type, name_, root_.Mark(), "the file must be a YAML map of keys");
  }

  [[nodiscard]] const YAML::Node& root() const { return root_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const fs::path& path() const { return path_; }
  [[nodiscard]] std::uint32_t line(const YAML::Node& n) const { return static_cast<std::uint32_t>(line_of(n.Mark())); }

  [[noreturn]] void fail(DiagCode code, const YAML::Node& at, const std::string& text, std::string found = {}) const {
    fail_at(code, name_, at.Mark(), text, std::move(found));
  }
  [[noreturn]] void fail(DiagCode code, const YAML::Mark& at, const std::string& text, std::string found = {}) const {
    fail_at(code, name_, at, text, std::move(found));
  }

  // `map` must be a map whose keys are all in `allowed`, none repeated.
  void keys(const YAML::Node& map, std::string_view what, std::initializer_list<std::string_view> allowed) const {
    if (!map.IsMap()) fail(DiagCode::mapping_wrong_type, map, fmt::format("{} must be a map", what));
    std::set<std::string> seen;
    for (const auto& kv : map) {
      const std::string key = kv.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(DiagCode::mapping_unknown_key, kv.first, fmt::format("unknown key '{}' in {} (allowed: {})", key, what, list), key);
      }
      if (!seen.insert(key).second)
        fail(DiagCode::mapping_duplicate, kv.first, fmt::format("key '{}' appears twice in {}", key, what), key);
    }
  }

  [[nodiscard]] YAML::Node get(const YAML::Node& map, std::string_view key) const {
    const YAML::Node& m = map;
    return m[std::string(key)];
  }
  [[nodiscard]] bool has(const YAML::Node& map, std::string_view key) const { return get(map, key).IsDefined(); }

  [[nodiscard]] YAML::Node require(const YAML::Node& map, std::string_view key, std::string_view what) const {
    YAML::Node n = get(map, key);
    if (!n.IsDefined()) fail(DiagCode::mapping_missing_key, map, fmt::format("{} lacks the required key '{}'", what, key));
    return n;
  }

  [[nodiscard]] std::string scalar(const YAML::Node& n, std::string_view what) const {
    if (!n.IsScalar()) fail(DiagCode::mapping_wrong_type, n, fmt::format("{} must be a single value", what));
    return n.Scalar();
  }

  [[nodiscard]] std::string str(const YAML::Node& map, std::string_view key, std::string_view what) const {
    const std::string s = scalar(require(map, key, what), fmt::format("{} '{}'", what, key));
    if (s.empty()) fail(DiagCode::mapping_invalid, get(map, key), fmt::format("{} '{}' is empty", what, key));
    return s;
  }

  [[nodiscard]] std::string opt_str(const YAML::Node& map, std::string_view key, std::string_view what) const {
    const YAML::Node n = get(map, key);
    if (!n.IsDefined() || n.IsNull()) return {};
    return scalar(n, fmt::format("{} '{}'", what, key));
  }

  [[nodiscard]] int integer(const YAML::Node& n, std::string_view what, int min, int max) const {
    const std::string s = scalar(n, what);
    int v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size())
      fail(DiagCode::mapping_wrong_type, n, fmt::format("{} must be a whole number, found '{}'", what, s), s);
    if (v < min || v > max) fail(DiagCode::mapping_invalid, n, fmt::format("{} must be {}..{}, found {}", what, min, max, v), s);
    return v;
  }

  [[nodiscard]] bool boolean(const YAML::Node& n, std::string_view what) const {
    const std::string s = scalar(n, what);
    if (s == "true") return true;
    if (s == "false") return false;
    fail(DiagCode::mapping_wrong_type, n, fmt::format("{} must be true or false, found '{}'", what, s), s);
  }

  [[nodiscard]] const YAML::Node seq(const YAML::Node& n, std::string_view what) const {
    if (!n.IsSequence()) fail(DiagCode::mapping_wrong_type, n, fmt::format("{} must be a list", what));
    return n;
  }

  // A list of scalars; each comes back with its node for error positions.
  [[nodiscard]] std::vector<std::pair<std::string, YAML::Node>> strings(const YAML::Node& n, std::string_view what) const {
    std::vector<std::pair<std::string, YAML::Node>> out;
    for (const YAML::Node& item : seq(n, what)) out.emplace_back(scalar(item, fmt::format("an entry of {}", what)), item);
    return out;
  }

 private:
  fs::path path_;
  std::string name_;
  YAML::Node root_;
};

}  // namespace soc278::mapping::detail

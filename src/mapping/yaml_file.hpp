// src/mapping/yaml_file.hpp (private to the mapping stage)
//
// The schema helpers every mappings/*.yaml loader uses: a File over one tree of the mappings folder
// (src/yaml/, parsed once or read from the start-up cache) whose checks record "<file>:<line>: "
// problems in the load's yaml::Problems. A check that fails records its problem and throws Skip, which
// the nearest each() (one row of a list) or the load of the file (load.cpp) catches: the rest of the
// list, the rest of the folder, are still read, so every problem is reported, not just the first.
// Cold path only.
#pragma once

#include <fmt/core.h>

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
#include "yaml/folder.hpp"
#include "yaml/problems.hpp"

namespace soc278::mapping::detail {

namespace fs = std::filesystem;
using core::DiagCode;

// ---- failure plumbing ------------------------------------------------------------------------

// Thrown after a problem is recorded: "give up on this row (or file) and go on with the next".
struct Skip {};

inline int line_of(const yaml::Mark& m) { return m.line >= 0 ? m.line + 1 : 1; }

// A finding about a whole file or folder (not found, unexpected file) has no line to name.
[[noreturn]] inline void fail_at(yaml::Problems& problems, DiagCode code, const std::string& file, const yaml::Mark& m,
                                 const std::string& text, std::string found = {}) {
  problems.add(code, file, m, text, std::move(found));
  throw Skip{};
}

// Runs `fn`; a Skip thrown inside it (its problem already recorded) ends it. True when it ran through.
template <typename Fn>
bool attempt(Fn&& fn) {
  try {
    fn();
    return true;
  } catch (const Skip&) {
    return false;
  }
}

// One YAML file being read: its display name, its root and the schema helpers that report with file:line.
class File {
 public:
  File(fs::path path, const yaml::Folder& folder, std::string rel, yaml::Problems& problems)
      : path_(std::move(path)), name_(path_.lexically_normal().string()), rel_(std::move(rel)), folder_(&folder),
        problems_(&problems) {}

  void parse() {
    const yaml::FolderFile* file = folder_->find(rel_);
    std::error_code ec;
    if (file == nullptr || !fs::is_regular_file(path_, ec)) fail_at(DiagCode::mapping_io_error, name_, yaml::Mark::null_mark(), "file not found");
    if (!file->readable) fail_at(DiagCode::mapping_io_error, name_, yaml::Mark::null_mark(), "cannot be read");
    if (!file->parsed)
      fail_at(DiagCode::mapping_yaml_syntax, name_, yaml::Mark{-1, file->error_line, -1}, "not well-formed YAML: " + file->error);
    root_ = file->doc.root();
    if (!root_.IsMap()) fail_at(DiagCode::mapping_wrong_type, name_, root_.Mark(), "the file must be a YAML map of keys");
  }

  [[noreturn]] void fail_at(DiagCode code, const std::string& file, const yaml::Mark& m, const std::string& text,
                            std::string found = {}) const {
    detail::fail_at(*problems_, code, file, m, text, std::move(found));
  }
  [[nodiscard]] yaml::Problems& problems() const { return *problems_; }

  // Calls fn(item) for each item of the list `n`; a row that fails is skipped, the next is read.
  template <typename Fn>
  void each(const yaml::Node& n, std::string_view what, Fn&& fn) const {
    for (const yaml::Node& item : seq(n, what)) attempt([&] { fn(item); });
  }

  [[nodiscard]] const yaml::Node& root() const { return root_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const fs::path& path() const { return path_; }
  [[nodiscard]] std::uint32_t line(const yaml::Node& n) const { return static_cast<std::uint32_t>(line_of(n.Mark())); }

  [[noreturn]] void fail(DiagCode code, const yaml::Node& at, const std::string& text, std::string found = {}) const {
    fail_at(code, name_, at.Mark(), text, std::move(found));
  }
  [[noreturn]] void fail(DiagCode code, const yaml::Mark& at, const std::string& text, std::string found = {}) const {
    fail_at(code, name_, at, text, std::move(found));
  }
  // Records a problem and goes on (for checks whose failure leaves the row usable).
  void note(DiagCode code, const yaml::Node& at, const std::string& text, std::string found = {}) const {
    problems_->add(code, name_, at.Mark(), text, std::move(found));
  }

  // `map` must be a map whose keys are all in `allowed`, none repeated (an unknown or repeated key is
  // recorded and reading goes on).
  void keys(const yaml::Node& map, std::string_view what, std::initializer_list<std::string_view> allowed) const {
    if (!map.IsMap()) fail(DiagCode::mapping_wrong_type, map, fmt::format("{} must be a map", what));
    std::set<std::string> seen;
    for (const auto& kv : map) {
      const std::string key = kv.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        note(DiagCode::mapping_unknown_key, kv.first, fmt::format("unknown key '{}' in {} (allowed: {})", key, what, list), key);
      }
      if (!seen.insert(key).second)
        note(DiagCode::mapping_duplicate, kv.first, fmt::format("key '{}' appears twice in {}", key, what), key);
    }
  }

  [[nodiscard]] yaml::Node get(const yaml::Node& map, std::string_view key) const {
    const yaml::Node& m = map;
    return m[std::string(key)];
  }
  [[nodiscard]] bool has(const yaml::Node& map, std::string_view key) const { return get(map, key).IsDefined(); }

  [[nodiscard]] yaml::Node require(const yaml::Node& map, std::string_view key, std::string_view what) const {
    yaml::Node n = get(map, key);
    if (!n.IsDefined()) fail(DiagCode::mapping_missing_key, map, fmt::format("{} lacks the required key '{}'", what, key));
    return n;
  }

  [[nodiscard]] std::string scalar(const yaml::Node& n, std::string_view what) const {
    if (!n.IsScalar()) fail(DiagCode::mapping_wrong_type, n, fmt::format("{} must be a single value", what));
    return n.Scalar();
  }

  [[nodiscard]] std::string str(const yaml::Node& map, std::string_view key, std::string_view what) const {
    const std::string s = scalar(require(map, key, what), fmt::format("{} '{}'", what, key));
    if (s.empty()) fail(DiagCode::mapping_invalid, get(map, key), fmt::format("{} '{}' is empty", what, key));
    return s;
  }

  [[nodiscard]] std::string opt_str(const yaml::Node& map, std::string_view key, std::string_view what) const {
    const yaml::Node n = get(map, key);
    if (!n.IsDefined() || n.IsNull()) return {};
    return scalar(n, fmt::format("{} '{}'", what, key));
  }

  [[nodiscard]] int integer(const yaml::Node& n, std::string_view what, int min, int max) const {
    const std::string s = scalar(n, what);
    int v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size())
      fail(DiagCode::mapping_wrong_type, n, fmt::format("{} must be a whole number, found '{}'", what, s), s);
    if (v < min || v > max) fail(DiagCode::mapping_invalid, n, fmt::format("{} must be {}..{}, found {}", what, min, max, v), s);
    return v;
  }

  [[nodiscard]] bool boolean(const yaml::Node& n, std::string_view what) const {
    const std::string s = scalar(n, what);
    if (s == "true") return true;
    if (s == "false") return false;
    fail(DiagCode::mapping_wrong_type, n, fmt::format("{} must be true or false, found '{}'", what, s), s);
  }

  [[nodiscard]] const yaml::Node seq(const yaml::Node& n, std::string_view what) const {
    if (!n.IsSequence()) fail(DiagCode::mapping_wrong_type, n, fmt::format("{} must be a list", what));
    return n;
  }

  // A list of scalars; each comes back with its node for error positions.
  [[nodiscard]] std::vector<std::pair<std::string, yaml::Node>> strings(const yaml::Node& n, std::string_view what) const {
    std::vector<std::pair<std::string, yaml::Node>> out;
    for (const yaml::Node& item : seq(n, what)) out.emplace_back(scalar(item, fmt::format("an entry of {}", what)), item);
    return out;
  }

 private:
  fs::path path_;
  std::string name_;
  std::string rel_;
  const yaml::Folder* folder_;
  yaml::Problems* problems_;
  yaml::Node root_;
};

}  // namespace soc278::mapping::detail

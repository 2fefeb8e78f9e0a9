// The guide loader's reporting and YAML helpers, run() and load_guides(); the parts of grammars/
// are read by the files guide_loader.hpp lists.
#include <fmt/core.h>

#include <algorithm>
#include <set>

#include "ig/guide_loader.hpp"

namespace soc278::ig {
namespace detail {

void Loader::error_at(const std::string& file, int line, std::string_view message) {
  const yaml::Mark at{-1, line > 0 ? line - 1 : -1, -1};
  problems_.add(core::DiagCode::ig_grammar_invalid, "grammars/" + file, at, message);
}

std::optional<yaml::Node> Loader::load(const std::string& rel) {
  file_ = rel;
  const yaml::FolderFile* f = folder_.find(fs::path(rel).lexically_normal().generic_string());
  if (f == nullptr) {
    error_at(rel, 0, "file not found");
    return std::nullopt;
  }
  if (!f->readable) {
    error_at(rel, 0, "cannot be read");
    return std::nullopt;
  }
  if (!f->parsed) {
    error_at(rel, f->error_line + 1, fmt::format("YAML syntax error: {}", f->error));
    return std::nullopt;
  }
  const yaml::Node n = f->doc.root();
  if (!is_map(n)) {
    error_at(rel, 1, "expected a mapping at the top of the file");
    return std::nullopt;
  }
  return n;
}

bool Loader::check_map(const yaml::Node& n, std::string_view what, std::initializer_list<std::string_view> allowed,
                       std::initializer_list<std::string_view> required) {
  if (!is_map(n)) {
    error(n, fmt::format("{}: expected a mapping", what));
    return false;
  }
  std::set<std::string> seen;
  for (const auto& kv : n) {
    const std::string key = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += fmt::format("{}{}", list.empty() ? "" : ", ", a);
      error(kv.first, fmt::format("{}: unknown key '{}' (expected one of: {})", what, key, list));
    }
    if (!seen.insert(key).second) error(kv.first, fmt::format("{}: key '{}' given twice", what, key));
  }
  bool ok = true;
  for (auto r : required) {
    if (seen.count(std::string(r)) == 0) {
      error(n, fmt::format("{}: missing required key '{}'", what, r));
      ok = false;
    }
  }
  return ok;
}

std::optional<std::string> Loader::scalar(const yaml::Node& n, std::string_view what) {
  if (!n.IsDefined() || is_null(n)) return std::nullopt;
  if (!is_scalar(n)) {
    error(n, fmt::format("{}: expected a single value", what));
    return std::nullopt;
  }
  return n.Scalar();
}


std::optional<Usage> Loader::usage(const yaml::Node& n, std::string_view what) {
  const auto s = scalar(n, what);
  if (!s) {
    error(n, fmt::format("{}: usage is missing (expected R, S or N)", what));
    return std::nullopt;
  }
  if (*s == "R") return Usage::required;
  if (*s == "S") return Usage::situational;
  if (*s == "N") return Usage::not_used;
  error(n, fmt::format("{}: usage '{}' is not R, S or N", what, *s));
  return std::nullopt;
}

std::optional<std::uint32_t> Loader::count(const yaml::Node& n, std::string_view what) {
  const auto s = scalar(n, what);
  if (!s) return std::nullopt;
  if (*s == ">1") return 0;
  const auto v = to_uint(*s);
  if (!v || *v == 0) {
    error(n, fmt::format("{}: '{}' is not a positive integer or \">1\"", what, *s));
    return std::nullopt;
  }
  return *v;
}

std::optional<std::uint16_t> Loader::length(const yaml::Node& n, std::string_view what) {
  const auto s = scalar(n, what);
  if (!s) return std::nullopt;
  const auto v = to_uint(*s);
  if (!v || *v == 0 || *v > 65535) {
    error(n, fmt::format("{}: '{}' is not a length (1..65535)", what, *s));
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(*v);
}

std::optional<bool> Loader::boolean(const yaml::Node& n, std::string_view what) {
  const auto s = scalar(n, what);
  if (!s) return std::nullopt;
  if (*s == "true") return true;
  if (*s == "false") return false;
  error(n, fmt::format("{}: '{}' is not true or false", what, *s));
  return std::nullopt;
}

std::vector<std::pair<std::string, yaml::Node>> Loader::string_list(const yaml::Node& n, std::string_view what) {
  std::vector<std::pair<std::string, yaml::Node>> out;
  if (!n.IsDefined() || is_null(n)) return out;
  if (!is_seq(n)) {
    error(n, fmt::format("{}: expected a list", what));
    return out;
  }
  for (const auto& item : n) {
    if (const auto s = scalar(item, what)) out.emplace_back(*s, item);
  }
  return out;
}

core::Result<GuideSet> Loader::run() {
  folder_ = yaml::Folder::read(dir_);
  try {
    load_elements();
    load_composites();
    load_code_lists();
    load_segments();
    load_envelope();
    load_index();
  } catch (const std::exception& e) {
    error_at(file_, 0, fmt::format("could not be loaded: {}", e.what()));
  }
  if (problems_.empty() && data_->guides.empty()) error_at("index.yaml", 0, "no guides");
  if (problems_.empty()) {
    collect_known_codes();
    collect_envelope_codes();
  }
  if (!problems_.empty()) return problems_.diagnostic(max_reported);
  compile_guides(*data_);
  for (const auto& [id, p] : elements_) data_->element_by_ref.emplace_back(id, p);
  for (const auto& [id, p] : composites_) data_->composite_by_id.emplace_back(id, p);
  for (const auto& [id, p] : lists_) data_->list_by_id.emplace_back(id, p);
  for (const auto& [id, p] : segments_) data_->segment_by_key.emplace_back(p->key, p);
  std::sort(data_->element_by_ref.begin(), data_->element_by_ref.end());
  std::sort(data_->composite_by_id.begin(), data_->composite_by_id.end());
  std::sort(data_->list_by_id.begin(), data_->list_by_id.end());
  std::sort(data_->segment_by_key.begin(), data_->segment_by_key.end());
  return GuideSet(std::move(data_));
}

}  // namespace detail

core::Result<GuideSet> load_guides(const std::filesystem::path& grammars_dir) {
  detail::Loader loader(grammars_dir);
  return loader.run();
}

}  // namespace soc278::ig
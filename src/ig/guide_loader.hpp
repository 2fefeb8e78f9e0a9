// src/ig/guide_loader.hpp (private to the ig stage)
//
// The guide loader, shared by the files that read one part of grammars/ each:
//   guide_loader.cpp       the YAML helpers, reporting, run() and load_guides()
//   load_dictionaries.cpp  elements.yaml, composites.yaml, codes/*.yaml, segments.yaml (and syntax notes)
//   load_occurrences.cpp   one segment occurrence (its elements and components) and the checks across
//                          the occurrences of one loop
//   load_guide_files.cpp   envelope.yaml, index.yaml and each guide's loops
//   compile_guides.cpp     the base code lists and the walker's tables, once everything is loaded
//
// Cold path: runs once per process. The files come as yaml::Document trees (src/yaml/, parsed or
// read from the start-up cache); every problem is recorded as "grammars/<file>:<line>: message" and
// loading goes on, so a data author sees every problem of every file in one go.
#pragma once

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "ig/guide_data.hpp"
#include "soc278/ig/guide.hpp"
#include "yaml/folder.hpp"
#include "yaml/problems.hpp"

namespace soc278::ig::detail {

namespace fs = std::filesystem;

// A missing key gives an undefined node: every Is*() is false for it.
inline bool is_map(const yaml::Node& n) { return n.IsDefined() && n.IsMap(); }
inline bool is_seq(const yaml::Node& n) { return n.IsDefined() && n.IsSequence(); }
inline bool is_null(const yaml::Node& n) { return !n.IsDefined() || n.IsNull(); }
inline bool is_scalar(const yaml::Node& n) { return n.IsDefined() && n.IsScalar(); }

inline constexpr std::size_t max_reported = 25;

inline std::optional<std::uint32_t> to_uint(std::string_view s) {
  std::uint32_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

inline bool valid_segment_id(std::string_view id) {
  if (id.size() < 2 || id.size() > 3) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

// "NM101" -> position 1 of NM1; "UM04-2" -> position 4, component 2.
struct Label {
  std::uint16_t element = 0;
  std::uint16_t component = 0;
};
inline std::optional<Label> parse_label(std::string_view text, std::string_view segment_id) {
  if (text.size() < segment_id.size() + 2 || text.substr(0, segment_id.size()) != segment_id) return std::nullopt;
  text.remove_prefix(segment_id.size());
  const std::size_t dash = text.find('-');
  const std::string_view pos = text.substr(0, dash);
  if (pos.size() != 2) return std::nullopt;
  const auto e = to_uint(pos);
  if (!e || *e == 0) return std::nullopt;
  Label l;
  l.element = static_cast<std::uint16_t>(*e);
  if (dash != std::string_view::npos) {
    const auto c = to_uint(text.substr(dash + 1));
    if (!c || *c == 0) return std::nullopt;
    l.component = static_cast<std::uint16_t>(*c);
  }
  return l;
}

inline std::string element_label(std::string_view segment_id, std::size_t position) {
  return fmt::format("{}{:02}", segment_id, position);
}

class Loader {
 public:
  explicit Loader(fs::path dir) : dir_(std::move(dir)), data_(std::make_shared<GuideData>()) {}

  core::Result<GuideSet> run();

 private:
  // ---- reporting (guide_loader.cpp) -------------------------------------------------------------
  void error_at(const std::string& file, int line, std::string_view message);
  void error(const yaml::Node& at, std::string_view message) {
    error_at(file_, at.IsDefined() ? at.Mark().line + 1 : 0, message);
  }
  [[nodiscard]] std::string where(const yaml::Node& at) const { return fmt::format("{}:{}", file_, at.Mark().line + 1); }

  // ---- YAML helpers (guide_loader.cpp): each reports what is wrong and returns nothing -----------
  std::optional<yaml::Node> load(const std::string& rel);
  // Checks that `n` is a mapping whose keys are all in `allowed` and that each of `required` is present.
  bool check_map(const yaml::Node& n, std::string_view what, std::initializer_list<std::string_view> allowed,
                 std::initializer_list<std::string_view> required = {});
  std::optional<std::string> scalar(const yaml::Node& n, std::string_view what);
  std::string text(const yaml::Node& n, std::string_view what) { return scalar(n, what).value_or(""); }
  std::optional<Usage> usage(const yaml::Node& n, std::string_view what);
  // max_use / repeat: a positive integer or ">1" (unbounded, stored as 0).
  std::optional<std::uint32_t> count(const yaml::Node& n, std::string_view what);
  std::optional<std::uint16_t> length(const yaml::Node& n, std::string_view what);
  std::optional<bool> boolean(const yaml::Node& n, std::string_view what);
  std::vector<std::pair<std::string, yaml::Node>> string_list(const yaml::Node& n, std::string_view what);

  // ---- the dictionaries (load_dictionaries.cpp) -------------------------------------------------
  void load_elements();
  void load_composites();
  void load_code_lists();
  void load_segments();
  std::optional<SyntaxNote> parse_syntax(const yaml::Node& n, std::size_t element_count, std::string_view owner);

  // ---- occurrences (load_occurrences.cpp) -------------------------------------------------------
  bool parse_occurrence(const yaml::Node& n, SegmentRule& out, const LoopDef* loop, std::string_view context);
  void parse_value(const yaml::Node& n, ValueRule& v, std::string_view what, bool composite_allowed, ElementRule* element);
  void check_codes_fit(const yaml::Node& at, const ValueRule& v, const std::vector<std::pair<std::string, yaml::Node>>& codes,
                       std::string_view what);
  void finish_loop_segments(std::vector<SegmentRule>& segments, const LoopDef* loop, const yaml::Node& at);

  // ---- envelope, index and guides (load_guide_files.cpp) -----------------------------------------
  void load_envelope();
  void collect_envelope_codes();
  void load_index();
  void load_guide(GuideSelector& entry);

  // ---- after loading (compile_guides.cpp) --------------------------------------------------------
  void collect_known_codes();

  const ElementDef* find_element(std::string_view ref) const {
    const auto it = elements_.find(std::string(ref));
    return it == elements_.end() ? nullptr : it->second;
  }
  const CompositeDef* find_composite(std::string_view id) const {
    const auto it = composites_.find(std::string(id));
    return it == composites_.end() ? nullptr : it->second;
  }
  const CodeList* find_list(std::string_view id) const {
    const auto it = lists_.find(std::string(id));
    return it == lists_.end() ? nullptr : it->second;
  }
  const SegmentDef* find_segment(std::string_view id) const {
    const auto it = segments_.find(std::string(id));
    return it == segments_.end() ? nullptr : it->second;
  }

  fs::path dir_;
  std::shared_ptr<GuideData> data_;
  std::string file_;  // the file being read, relative to dir_
  yaml::Folder folder_;  // every file of dir_, parsed once (or read from the start-up cache)
  yaml::Problems problems_;
  std::unordered_map<std::string, const ElementDef*> elements_;
  std::unordered_map<std::string, const CompositeDef*> composites_;
  std::unordered_map<std::string, const CodeList*> lists_;
  std::unordered_map<std::string, const SegmentDef*> segments_;
};

// The walker's fast-path and matching tables and the occurrence serials (compile_guides.cpp), once
// every file has loaded without a problem.
void compile_guides(GuideData& data);

}  // namespace soc278::ig::detail

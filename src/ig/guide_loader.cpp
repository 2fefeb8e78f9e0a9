// Loads grammars/ (README.md there describes the schema) into the tables of guide.hpp.
//
// Cold path: runs once per process. yaml-cpp throws; every call into it happens inside
// Loader::run()'s try blocks, and every problem becomes a "file:line: message" entry. All problems
// of all files are collected before giving up, so a data author sees them in one go.
#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "ig/compiled.hpp"
#include "ig/guide_data.hpp"
#include "soc278/ig/guide.hpp"

namespace soc278::ig {
namespace {

namespace fs = std::filesystem;
using detail::GuideData;

// yaml-cpp throws InvalidNode when asked the type of a missing key's node: ask IsDefined() first.
inline bool is_map(const YAML::Node& n) { return n.IsDefined() && n.IsMap(); }
inline bool is_seq(const YAML::Node& n) { return n.IsDefined() && n.IsSequence(); }
inline bool is_null(const YAML::Node& n) { return !n.IsDefined() || n.IsNull(); }
inline bool is_scalar(const YAML::Node& n) { return n.IsDefined() && n.IsScalar(); }

constexpr std::size_t max_reported = 25;

std::optional<std::uint32_t> to_uint(std::string_view s) {
  std::uint32_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

bool valid_segment_id(std::string_view id) {
  if (id.size() < 2 || id.size() > 3) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

// "NM101" -> position 1 of NM1; "UM04-2" -> position 4, component 2.
struct Label {
  std::uint16_t element = 0;
  std::uint16_t component = 0;
};
std::optional<Label> parse_label(std::string_view text, std::string_view segment_id) {
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

std::string element_label(std::string_view segment_id, std::size_t position) {
  return fmt::format("{}{:02}", segment_id, position);
}

class Loader {
 public:
  explicit Loader(fs::path dir) : dir_(std::move(dir)), data_(std::make_shared<GuideData>()) {}

  core::Result<GuideSet> run();

 private:
  // ---- reporting --------------------------------------------------------------------------------
  void error_at(const std::string& file, int line, std::string message) {
    if (line > 0) {
      errors_.push_back(fmt::format("grammars/{}:{}: {}", file, line, message));
    } else {
      errors_.push_back(fmt::format("grammars/{}: {}", file, message));
    }
  }
  void error(const YAML::Node& at, std::string message) {
    error_at(file_, at.IsDefined() ? at.Mark().line + 1 : 0, std::move(message));
  }
  [[nodiscard]] std::string where(const YAML::Node& at) const {
    return fmt::format("{}:{}", file_, at.Mark().line + 1);
  }

  // ---- YAML helpers (all within a try block of run()) -------------------------------------------
  std::optional<YAML::Node> load(const std::string& rel) {
    file_ = rel;
    const fs::path p = dir_ / rel;
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) {
      error_at(rel, 0, "file not found");
      return std::nullopt;
    }
    try {
      YAML::Node n = YAML::LoadFile(p.string());
      if (!is_map(n)) {
        error_at(rel, 1, "expected a mapping at the top of the file");
        return std::nullopt;
      }
      return n;
    } catch (const YAML::Exception& e) {
      error_at(rel, e.mark.line + 1, fmt::format("YAML syntax error: {}", e.msg));
      return std::nullopt;
    }
  }

  // Checks that `n` is a mapping whose keys are all in `allowed` and that each of `required` is present.
  bool check_map(const YAML::Node& n, std::string_view what, std::initializer_list<std::string_view> allowed,
                 std::initializer_list<std::string_view> required = {}) {
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

  std::optional<std::string> scalar(const YAML::Node& n, std::string_view what) {
    if (!n.IsDefined() || is_null(n)) return std::nullopt;
    if (!is_scalar(n)) {
      error(n, fmt::format("{}: expected a single value", what));
      return std::nullopt;
    }
    return n.Scalar();
  }

  std::string text(const YAML::Node& n, std::string_view what) { return scalar(n, what).value_or(""); }

  std::optional<Usage> usage(const YAML::Node& n, std::string_view what) {
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

  // max_use / repeat: a positive integer or ">1" (unbounded, stored as 0).
  std::optional<std::uint32_t> count(const YAML::Node& n, std::string_view what) {
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

  std::optional<std::uint16_t> length(const YAML::Node& n, std::string_view what) {
    const auto s = scalar(n, what);
    if (!s) return std::nullopt;
    const auto v = to_uint(*s);
    if (!v || *v == 0 || *v > 65535) {
      error(n, fmt::format("{}: '{}' is not a length (1..65535)", what, *s));
      return std::nullopt;
    }
    return static_cast<std::uint16_t>(*v);
  }

  std::optional<bool> boolean(const YAML::Node& n, std::string_view what) {
    const auto s = scalar(n, what);
    if (!s) return std::nullopt;
    if (*s == "true") return true;
    if (*s == "false") return false;
    error(n, fmt::format("{}: '{}' is not true or false", what, *s));
    return std::nullopt;
  }

  std::vector<std::pair<std::string, YAML::Node>> string_list(const YAML::Node& n, std::string_view what) {
    std::vector<std::pair<std::string, YAML::Node>> out;
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

  // ---- the dictionaries -------------------------------------------------------------------------
  void load_elements();
  void load_composites();
  void load_code_lists();
  void load_segments();
  void load_envelope();
  void load_index();
  void load_guide(GuideSelector& entry);
  void collect_known_codes();

  std::optional<SyntaxNote> parse_syntax(const YAML::Node& n, std::size_t element_count, std::string_view owner);
  bool parse_occurrence(const YAML::Node& n, SegmentRule& out, const LoopDef* loop, std::string_view context);
  void parse_value(const YAML::Node& n, ValueRule& v, std::string_view what, bool composite_allowed, ElementRule* element);
  void check_codes_fit(const YAML::Node& at, const ValueRule& v, const std::vector<std::pair<std::string, YAML::Node>>& codes,
                       std::string_view what);
  void finish_loop_segments(std::vector<SegmentRule>& segments, const LoopDef* loop, const YAML::Node& at);

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
  std::vector<std::string> errors_;
  std::unordered_map<std::string, const ElementDef*> elements_;
  std::unordered_map<std::string, const CompositeDef*> composites_;
  std::unordered_map<std::string, const CodeList*> lists_;
  std::unordered_map<std::string, const SegmentDef*> segments_;
};

// ------------------------------------------------------------------------------------------------

void Loader::load_elements() {
  const auto root = load("elements.yaml");
  if (!root) return;
  check_map(*root, "elements.yaml", {"source", "elements"}, {"elements"});
  const YAML::Node list = (*root)["elements"];
  if (!is_map(list)) {
    error(list, "elements: expected a mapping of element reference numbers");
    return;
  }
  for (const auto& kv : list) {
    const std::string ref = kv.first.Scalar();
    const std::string what = fmt::format("element {}", ref);
    if (!check_map(kv.second, what, {"name", "type", "min", "max"}, {"name", "type", "min", "max"})) continue;
    ElementDef e;
    e.ref = ref;
    e.name = text(kv.second["name"], what);
    const std::string type = text(kv.second["type"], what);
    if (type == "ID") {
      e.type = ValueType::id;
    } else if (type == "AN") {
      e.type = ValueType::an;
    } else if (type == "DT") {
      e.type = ValueType::date;
    } else if (type == "TM") {
      e.type = ValueType::time;
    } else if (type == "R") {
      e.type = ValueType::decimal;
    } else if (type.size() == 2 && type[0] == 'N' && type[1] >= '0' && type[1] <= '9') {
      e.type = ValueType::numeric;
      e.decimals = static_cast<std::uint8_t>(type[1] - '0');
    } else {
      error(kv.second["type"], fmt::format("{}: type '{}' is not ID, AN, DT, TM, R or N0..N9", what, type));
      continue;
    }
    const auto mn = length(kv.second["min"], what + " min");
    const auto mx = length(kv.second["max"], what + " max");
    if (!mn || !mx) continue;
    if (*mn > *mx) error(kv.second, fmt::format("{}: min {} is greater than max {}", what, *mn, *mx));
    e.min_length = *mn;
    e.max_length = *mx;
    if (elements_.count(ref) != 0) {
      error(kv.first, fmt::format("element {} is defined twice", ref));
      continue;
    }
    data_->elements.push_back(std::move(e));
    elements_[ref] = &data_->elements.back();
  }
}

void Loader::load_composites() {
  const auto root = load("composites.yaml");
  if (!root) return;
  check_map(*root, "composites.yaml", {"composites"}, {"composites"});
  const YAML::Node list = (*root)["composites"];
  if (!is_map(list)) {
    error(list, "composites: expected a mapping of composite ids");
    return;
  }
  for (const auto& kv : list) {
    const std::string id = kv.first.Scalar();
    const std::string what = fmt::format("composite {}", id);
    if (!check_map(kv.second, what, {"name", "components"}, {"name", "components"})) continue;
    CompositeDef c;
    c.id = id;
    c.name = text(kv.second["name"], what);
    const YAML::Node comps = kv.second["components"];
    if (!is_seq(comps) || comps.size() == 0) {
      error(comps, fmt::format("{}: components must be a non-empty list", what));
      continue;
    }
    for (const auto& item : comps) {
      const std::string cw = fmt::format("{}-{}", id, c.components.size() + 1);
      if (!check_map(item, cw, {"ref", "name"}, {"ref"})) continue;
      const std::string ref = text(item["ref"], cw);
      CompositeDef::Component comp;
      comp.element = find_element(ref);
      if (comp.element == nullptr) error(item["ref"], fmt::format("{}: element {} is not in elements.yaml", cw, ref));
      comp.name = item["name"].IsDefined() ? text(item["name"], cw) : (comp.element ? comp.element->name : "");
      c.components.push_back(std::move(comp));
    }
    if (composites_.count(id) != 0) {
      error(kv.first, fmt::format("composite {} is defined twice", id));
      continue;
    }
    data_->composites.push_back(std::move(c));
    composites_[id] = &data_->composites.back();
  }
}

void Loader::load_code_lists() {
  const fs::path dir = dir_ / "codes";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    const std::string rel = "codes/" + p.filename().string();
    const auto root = load(rel);
    if (!root) continue;
    const std::string what = rel;
    if (!check_map(*root, what, {"list", "name", "source", "version", "codes"}, {"list", "name", "source", "version", "codes"}))
      continue;
    CodeList l;
    l.id = text((*root)["list"], what);
    l.name = text((*root)["name"], what);
    l.source = text((*root)["source"], what);
    l.version = text((*root)["version"], what);
    if (l.id != p.stem().string())
      error((*root)["list"], fmt::format("list '{}' should be named like its file ('{}')", l.id, p.stem().string()));
    const YAML::Node codes = (*root)["codes"];
    if (!is_map(codes) || codes.size() == 0) {
      error(codes, fmt::format("{}: codes must be a non-empty mapping of code: description", what));
      continue;
    }
    std::set<std::string> seen;
    for (const auto& kv : codes) {
      const std::string code = kv.first.Scalar();
      if (code.empty()) error(kv.first, fmt::format("{}: empty code", what));
      if (!seen.insert(code).second) error(kv.first, fmt::format("{}: code '{}' listed twice", what, code));
      l.codes.add(code);
      l.entries.emplace_back(code, is_scalar(kv.second) ? kv.second.Scalar() : std::string());
    }
    l.codes.finish();
    std::sort(l.entries.begin(), l.entries.end());
    if (lists_.count(l.id) != 0) {
      error((*root)["list"], fmt::format("code list {} is defined twice", l.id));
      continue;
    }
    data_->code_lists.push_back(std::move(l));
    lists_[data_->code_lists.back().id] = &data_->code_lists.back();
  }
}

std::optional<SyntaxNote> Loader::parse_syntax(const YAML::Node& n, std::size_t element_count, std::string_view owner) {
  const auto s = scalar(n, owner);
  if (!s) return std::nullopt;
  SyntaxNote note;
  note.text = *s;
  const std::string_view t = *s;
  bool ok = t.size() >= 5 && (t.size() - 1) % 2 == 0;
  if (ok) {
    switch (t[0]) {
      case 'P': note.kind = SyntaxKind::paired; break;
      case 'R': note.kind = SyntaxKind::required; break;
      case 'C': note.kind = SyntaxKind::conditional; break;
      case 'E': note.kind = SyntaxKind::exclusion; break;
      case 'L': note.kind = SyntaxKind::list_conditional; break;
      default: ok = false;
    }
  }
  const std::size_t n_pos = ok ? (t.size() - 1) / 2 : 0;
  if (ok && (n_pos > note.positions.size() || (note.kind == SyntaxKind::list_conditional && n_pos < 3))) ok = false;
  for (std::size_t i = 0; ok && i < n_pos; ++i) {
    const auto v = to_uint(t.substr(1 + 2 * i, 2));
    if (!v || *v == 0 || *v > element_count) {
      ok = false;
      break;
    }
    note.positions[i] = static_cast<std::uint8_t>(*v);
  }
  if (!ok) {
    error(n, fmt::format("{}: syntax note '{}' is not P/R/C/E/L followed by 2-digit positions of this segment "
                         "(1..{})",
                         owner, t, element_count));
    return std::nullopt;
  }
  note.count = static_cast<std::uint8_t>(n_pos);
  return note;
}

void Loader::load_segments() {
  const auto root = load("segments.yaml");
  if (!root) return;
  check_map(*root, "segments.yaml", {"segments"}, {"segments"});
  const YAML::Node list = (*root)["segments"];
  if (!is_map(list)) {
    error(list, "segments: expected a mapping of segment ids");
    return;
  }
  for (const auto& kv : list) {
    const std::string id = kv.first.Scalar();
    const std::string what = fmt::format("segment {}", id);
    if (!valid_segment_id(id)) error(kv.first, fmt::format("'{}' is not a segment id (2-3 upper-case letters or digits)", id));
    if (!check_map(kv.second, what, {"name", "elements", "syntax"}, {"name", "elements"})) continue;
    SegmentDef s;
    s.id = id;
    s.key = segment_key(id);
    s.name = text(kv.second["name"], what);
    const YAML::Node els = kv.second["elements"];
    if (!is_seq(els) || els.size() == 0) {
      error(els, fmt::format("{}: elements must be a non-empty list", what));
      continue;
    }
    for (const auto& item : els) {
      const std::string ew = element_label(id, s.elements.size() + 1);
      if (!check_map(item, ew, {"ref", "composite", "name"})) continue;
      SegmentDef::Slot slot;
      if (item["ref"].IsDefined() == item["composite"].IsDefined()) {
        error(item, fmt::format("{}: give exactly one of ref or composite", ew));
      } else if (item["ref"].IsDefined()) {
        const std::string ref = text(item["ref"], ew);
        slot.element = find_element(ref);
        if (slot.element == nullptr) error(item["ref"], fmt::format("{}: element {} is not in elements.yaml", ew, ref));
      } else {
        const std::string cid = text(item["composite"], ew);
        slot.composite = find_composite(cid);
        if (slot.composite == nullptr) error(item["composite"], fmt::format("{}: composite {} is not in composites.yaml", ew, cid));
      }
      if (item["name"].IsDefined()) {
        slot.name = text(item["name"], ew);
      } else if (slot.element != nullptr) {
        slot.name = slot.element->name;
      } else if (slot.composite != nullptr) {
        slot.name = slot.composite->name;
      }
      s.elements.push_back(std::move(slot));
    }
    for (const auto& [t, node] : string_list(kv.second["syntax"], what + " syntax")) {
      (void)t;
      if (auto note = parse_syntax(node, s.elements.size(), what)) s.syntax.push_back(std::move(*note));
    }
    if (segments_.count(id) != 0) {
      error(kv.first, fmt::format("segment {} is defined twice", id));
      continue;
    }
    data_->segments.push_back(std::move(s));
    segments_[id] = &data_->segments.back();
  }
}

void Loader::check_codes_fit(const YAML::Node& at, const ValueRule& v,
                             const std::vector<std::pair<std::string, YAML::Node>>& codes, std::string_view what) {
  for (const auto& [code, node] : codes) {
    if (code.size() > v.max_length || code.size() < v.min_length) {
      error(node, fmt::format("{}: code '{}' does not fit the length {}..{}", what, code, v.min_length, v.max_length));
    }
    if (v.codes_from != nullptr && !v.codes_from->codes.contains(code)) {
      error(node, fmt::format("{}: code '{}' is not in codes_from list {}", what, code, v.codes_from->id));
    }
  }
  (void)at;
}

// Reads the keys an element and a component share into `v` (already holding the dictionary defaults).
void Loader::parse_value(const YAML::Node& n, ValueRule& v, std::string_view what, bool composite_allowed,
                         ElementRule* element) {
  if (composite_allowed) {
    check_map(n, what,
              {"usage", "codes", "codes_from", "min", "max", "repeat", "bind", "components", "name", "tolerate", "note"},
              {"usage"});
  } else {
    check_map(n, what, {"usage", "codes", "codes_from", "min", "max", "bind", "name", "tolerate", "note"}, {"usage"});
  }
  if (!is_map(n)) return;
  const auto parsed_usage = usage(n["usage"], what);
  if (parsed_usage) v.usage = *parsed_usage;
  if (n["name"].IsDefined()) v.name = text(n["name"], what);
  if (n["bind"].IsDefined()) v.bind = text(n["bind"], what);
  if (n["note"].IsDefined()) v.note = text(n["note"], what);
  if (n["tolerate"].IsDefined()) v.tolerate = boolean(n["tolerate"], what).value_or(false);
  const bool is_composite = element != nullptr && element->composite != nullptr;
  if (is_composite) {
    for (auto key : {"codes", "codes_from", "min", "max"}) {
      if (n[key].IsDefined()) error(n[key], fmt::format("{}: '{}' belongs on the components of a composite", what, key));
    }
  } else if (n["components"].IsDefined()) {
    error(n["components"], fmt::format("{}: components given for a simple element", what));
  }
  if (n["min"].IsDefined()) {
    if (const auto m = length(n["min"], what)) v.min_length = *m;
  }
  if (n["max"].IsDefined()) {
    if (const auto m = length(n["max"], what)) v.max_length = *m;
  }
  if (v.min_length > v.max_length) error(n, fmt::format("{}: min {} is greater than max {}", what, v.min_length, v.max_length));
  if (n["codes_from"].IsDefined()) {
    const std::string id = text(n["codes_from"], what);
    v.codes_from = find_list(id);
    if (v.codes_from == nullptr) error(n["codes_from"], fmt::format("{}: codes_from list '{}' is not in codes/", what, id));
  }
  if (n["codes"].IsDefined()) {
    const auto codes = string_list(n["codes"], what);
    if (codes.empty()) error(n["codes"], fmt::format("{}: codes is an empty list", what));
    for (const auto& c : codes) v.codes.add(c.first);
    v.codes.finish();
    check_codes_fit(n, v, codes, what);
  }
  // A not-used element may carry codes only when a quirk switch may accept it (`tolerate`): they
  // check the value once it is accepted.
  if (parsed_usage && v.usage == Usage::not_used && !v.tolerate && (!v.codes.empty() || v.codes_from != nullptr))
    error(n, fmt::format("{}: a not-used (N) element carries codes without tolerate: true", what));
  if (parsed_usage && v.usage == Usage::not_used && !v.bind.empty()) error(n, fmt::format("{}: a not-used (N) element carries a bind", what));
  if (!v.codes.empty() && v.codes_from != nullptr) error(n, fmt::format("{}: give codes or codes_from, never both", what));
  if (element != nullptr && n["repeat"].IsDefined()) {
    if (const auto r = count(n["repeat"], what)) element->repeat = static_cast<std::uint16_t>(std::min<std::uint32_t>(*r, 65535));
  }
  if (element != nullptr && is_composite && n["components"].IsDefined()) {
    const YAML::Node comps = n["components"];
    if (!is_map(comps)) {
      error(comps, fmt::format("{}: components must be a mapping of component positions", what));
      return;
    }
    for (const auto& kv : comps) {
      const std::string key = kv.first.Scalar();
      const auto pos = to_uint(key);
      if (!pos || *pos == 0 || *pos > element->components.size()) {
        error(kv.first, fmt::format("{}: component '{}' is not a position of {} (1..{})", what, key, element->composite->id,
                                    element->components.size()));
        continue;
      }
      ValueRule& c = element->components[*pos - 1];
      parse_value(kv.second, c, c.label, false, nullptr);
    }
  }
}

bool Loader::parse_occurrence(const YAML::Node& n, SegmentRule& out, const LoopDef* loop, std::string_view context) {
  if (!check_map(n, fmt::format("{} segment", context), {"id", "name", "usage", "max_use", "syntax", "elements", "note"},
                 {"id", "usage"}))
    return false;
  out.id = text(n["id"], context);
  out.key = segment_key(out.id);
  out.file = where(n);
  out.loop = loop;
  out.def = find_segment(out.id);
  const std::string what = fmt::format("{} {}", context, out.id);
  if (out.def == nullptr) {
    error(n["id"], fmt::format("{}: segment {} is not in segments.yaml", context, out.id));
    return false;
  }
  out.name = n["name"].IsDefined() ? text(n["name"], what) : out.def->name;
  if (const auto u = usage(n["usage"], what)) out.usage = *u;
  out.max_use = 1;
  if (n["max_use"].IsDefined()) {
    if (const auto m = count(n["max_use"], what)) out.max_use = *m;
  }
  if (n["note"].IsDefined()) out.note = text(n["note"], what);
  out.syntax = out.def->syntax;
  for (const auto& [t, node] : string_list(n["syntax"], what + " syntax")) {
    (void)t;
    if (auto note = parse_syntax(node, out.def->elements.size(), what)) out.syntax.push_back(std::move(*note));
  }
  // Every base position gets a rule; those the occurrence does not list stay not used.
  out.elements.clear();
  out.elements.resize(out.def->elements.size());
  for (std::size_t i = 0; i < out.def->elements.size(); ++i) {
    const auto& slot = out.def->elements[i];
    ElementRule& e = out.elements[i];
    e.position = static_cast<std::uint16_t>(i + 1);
    e.label = element_label(out.id, i + 1);
    e.name = slot.name;
    e.element = slot.element;
    e.composite = slot.composite;
    if (slot.element != nullptr) {
      e.min_length = slot.element->min_length;
      e.max_length = slot.element->max_length;
      // A date (1251) right after its format qualifier (1250) is checked by that format (DTP03 by DTP02).
      if (slot.element->ref == "1251" && i > 0 && out.def->elements[i - 1].element != nullptr &&
          out.def->elements[i - 1].element->ref == "1250")
        e.format_from = static_cast<std::uint16_t>(i);
    }
    if (slot.composite != nullptr) {
      const auto& comps = slot.composite->components;
      e.components.resize(comps.size());
      for (std::size_t c = 0; c < comps.size(); ++c) {
        ValueRule& v = e.components[c];
        v.element = comps[c].element;
        v.label = fmt::format("{}-{}", e.label, c + 1);
        v.name = comps[c].name;
        if (v.element != nullptr) {
          v.min_length = v.element->min_length;
          v.max_length = v.element->max_length;
          if (v.element->ref == "1251" && c > 0 && comps[c - 1].element != nullptr && comps[c - 1].element->ref == "1250")
            v.format_from = static_cast<std::uint16_t>(c);
        }
      }
    }
  }
  const YAML::Node els = n["elements"];
  if (els.IsDefined() && !is_null(els)) {
    if (!is_map(els)) {
      error(els, fmt::format("{}: elements must be a mapping like {{ {}01: {{ usage: R }} }}", what, out.id));
    } else {
      for (const auto& kv : els) {
        const std::string key = kv.first.Scalar();
        const auto label = parse_label(key, out.id);
        if (!label || label->component != 0 || label->element > out.elements.size()) {
          error(kv.first, fmt::format("{}: '{}' is not an element of {} ({}01..{}{:02})", what, key, out.id, out.id, out.id,
                                      out.elements.size()));
          continue;
        }
        ElementRule& e = out.elements[label->element - 1];
        parse_value(kv.second, e, e.label, true, &e);
      }
    }
  }
  return true;
}

// Same-id occurrences in one list must be told apart by the codes of their first element.
void Loader::finish_loop_segments(std::vector<SegmentRule>& segments, const LoopDef* loop, const YAML::Node& at) {
  for (std::size_t i = 0; i < segments.size(); ++i) {
    segments[i].index = static_cast<std::uint16_t>(i);
    segments[i].loop = loop;
    segments[i].run_start =
        i > 0 && segments[i - 1].key == segments[i].key ? segments[i - 1].run_start : static_cast<std::uint16_t>(i);
    if (segments[i].run_start == i) {
      for (std::size_t j = 0; j + 1 < i; ++j) {
        if (segments[j].key == segments[i].key) {
          error(at, fmt::format("{}: {} occurrences at {} and {} are not consecutive", loop->id.empty() ? "heading/trailer" : "loop " + loop->id,
                                segments[i].id, segments[j].file, segments[i].file));
          break;
        }
      }
    }
  }
  for (std::size_t i = 0; i < segments.size(); ++i) {
    for (std::size_t j = i + 1; j < segments.size(); ++j) {
      if (segments[i].key != segments[j].key) continue;
      segments[i].qualified = segments[j].qualified = true;
      auto first_codes = [](const SegmentRule& s) -> std::vector<std::string> {
        if (s.elements.empty()) return {};
        // The first element, or for a composite its first component (CTX01-1).
        const ValueRule& e = s.elements[0].composite != nullptr && !s.elements[0].components.empty()
                                 ? static_cast<const ValueRule&>(s.elements[0].components[0])
                                 : static_cast<const ValueRule&>(s.elements[0]);
        if (!e.codes.empty()) return e.codes.values();
        if (e.codes_from != nullptr) return e.codes_from->codes.values();
        return {};
      };
      const auto a = first_codes(segments[i]);
      const auto b = first_codes(segments[j]);
      const std::string loop_name = loop->id.empty() ? std::string("the heading/trailer") : "loop " + loop->id;
      if (a.empty() || b.empty()) {
        error(at, fmt::format("{}: two {} occurrences ({} and {}) cannot be told apart: each needs codes on {}01",
                              loop_name, segments[i].id, segments[i].file, segments[j].file, segments[i].id));
        continue;
      }
      for (const auto& c : a) {
        if (std::binary_search(b.begin(), b.end(), c)) {
          error(at, fmt::format("{}: {} occurrences at {} and {} both accept {}01 = '{}'", loop_name, segments[i].id,
                                segments[i].file, segments[j].file, segments[i].id, c));
          break;
        }
      }
    }
  }
}

void Loader::load_envelope() {
  const auto root = load("envelope.yaml");
  if (!root) return;
  check_map(*root, "envelope.yaml", {"segments"}, {"segments"});
  const YAML::Node list = (*root)["segments"];
  if (!is_seq(list)) {
    error(list, "segments: expected a list of segment occurrences");
    return;
  }
  std::set<std::string> seen;
  for (const auto& item : list) {
    SegmentRule r;
    if (!parse_occurrence(item, r, nullptr, "envelope")) continue;
    if (!seen.insert(r.id).second) error(item, fmt::format("envelope: segment {} is listed twice", r.id));
    data_->envelope.push_back(std::move(r));
  }
  for (auto id : {"ST", "SE"}) {
    if (seen.count(id) == 0) error_at("envelope.yaml", 0, fmt::format("segment {} is missing", id));
  }
}

void Loader::load_index() {
  const auto root = load("index.yaml");
  if (!root) return;
  check_map(*root, "index.yaml", {"guides"}, {"guides"});
  const YAML::Node list = (*root)["guides"];
  if (!is_seq(list) || list.size() == 0) {
    error(list, "guides: expected a non-empty list");
    return;
  }
  std::set<std::string> ids, keys;
  std::vector<bool> aliases;  // per entry: reads with an earlier entry's guide (`same_as`), no file of its own
  for (const auto& item : list) {
    if (!check_map(item, "guide", {"id", "isa12", "gs01", "gs08", "st01", "bht02", "file", "same_as"},
                   {"id", "isa12", "gs01", "gs08", "st01"}))
      continue;
    if (item["file"].IsDefined() == item["same_as"].IsDefined()) {
      error(item, "guide: give either file (a guide of its own) or same_as (the id of an earlier entry whose guide it uses)");
      continue;
    }
    GuideSelector g;
    g.id = text(item["id"], "guide id");
    for (const auto& v : string_list(item["isa12"], "isa12")) g.isa12.push_back(v.first);
    if (g.isa12.empty()) error(item["isa12"], fmt::format("guide {}: isa12 must list at least one version", g.id));
    g.gs01 = text(item["gs01"], "gs01");
    g.gs08 = text(item["gs08"], "gs08");
    g.st01 = text(item["st01"], "st01");
    if (item["bht02"].IsDefined()) g.bht02 = text(item["bht02"], "bht02");
    if (!ids.insert(g.id).second) error(item["id"], fmt::format("guide id '{}' is listed twice", g.id));
    for (const auto& v : g.isa12) {
      if (!keys.insert(fmt::format("{}/{}/{}/{}/{}", v, g.gs01, g.gs08, g.st01, g.bht02)).second)
        error(item, fmt::format("guide {}: another entry already selects ISA12 {} GS01 {} GS08 {} ST01 {} BHT02 '{}'", g.id,
                                v, g.gs01, g.gs08, g.st01, g.bht02));
    }
    if (item["same_as"].IsDefined()) {
      // Another GS08 (or ISA12, GS01) read with an earlier entry's guide, e.g. the 999 of 005010X231
      // with the X231A1 guide: the guide's transaction id must agree, its version need not.
      const std::string other = text(item["same_as"], "same_as");
      const auto it = std::find_if(data_->index.begin(), data_->index.end(), [&](const GuideSelector& e) { return e.id == other; });
      if (it == data_->index.end()) {
        error(item["same_as"], fmt::format("guide {}: same_as '{}' is not an earlier entry's id", g.id, other));
        continue;
      }
      if (aliases[static_cast<std::size_t>(it - data_->index.begin())]) {
        error(item["same_as"], fmt::format("guide {}: same_as '{}' is itself a same_as entry", g.id, other));
        continue;
      }
      if (it->st01 != g.st01) error(item["st01"], fmt::format("guide {}: st01 {} differs from {}'s st01 {}", g.id, g.st01, other, it->st01));
      if (it->bht02 != g.bht02) error(item, fmt::format("guide {}: bht02 '{}' differs from {}'s bht02 '{}'", g.id, g.bht02, other, it->bht02));
      g.guide = it->guide;
      data_->index.push_back(std::move(g));
      aliases.push_back(true);
      continue;
    }
    const std::string rel = text(item["file"], "file");
    const std::string index_file = file_;
    auto guide = std::make_unique<Guide>();
    guide->id = g.id;
    guide->file = rel;
    data_->guides.push_back(std::move(guide));
    g.guide = data_->guides.back().get();
    data_->index.push_back(std::move(g));
    aliases.push_back(false);
    file_ = index_file;
  }
  for (std::size_t i = 0; i < data_->index.size(); ++i)
    if (!aliases[i]) load_guide(data_->index[i]);
}

void Loader::load_guide(GuideSelector& entry) {
  Guide& g = *const_cast<Guide*>(entry.guide);
  const auto root = load(g.file);
  if (!root) return;
  check_map(*root, g.file, {"transaction", "header", "loops", "definitions", "trailer"},
            {"transaction", "header", "loops", "definitions"});
  const YAML::Node tx = (*root)["transaction"];
  if (check_map(tx, "transaction", {"id", "version", "purpose", "bht02", "name"}, {"id", "version", "purpose", "name"})) {
    g.transaction_id = text(tx["id"], "transaction id");
    g.version = text(tx["version"], "transaction version");
    g.purpose = text(tx["purpose"], "transaction purpose");
    g.bht02 = text(tx["bht02"], "transaction bht02");
    g.name = text(tx["name"], "transaction name");
    if (g.transaction_id != entry.st01)
      error(tx["id"], fmt::format("transaction id {} differs from index.yaml st01 {}", g.transaction_id, entry.st01));
    if (g.version != entry.gs08)
      error(tx["version"], fmt::format("transaction version {} differs from index.yaml gs08 {}", g.version, entry.gs08));
    if (g.bht02 != entry.bht02)
      error(tx, fmt::format("transaction bht02 '{}' differs from index.yaml bht02 '{}'", g.bht02, entry.bht02));
  }

  // Pass 1: create every loop, so children and parents can point anywhere.
  const YAML::Node defs = (*root)["definitions"];
  std::map<std::string, LoopDef*> by_id;
  std::vector<std::pair<LoopDef*, YAML::Node>> pending;
  if (!is_map(defs)) {
    error(defs, "definitions: expected a mapping of loop ids");
  } else {
    for (const auto& kv : defs) {
      const std::string id = kv.first.Scalar();
      if (id.empty()) {
        error(kv.first, "definitions: empty loop id");
        continue;
      }
      if (by_id.count(id) != 0) {
        error(kv.first, fmt::format("loop {} is defined twice", id));
        continue;
      }
      auto loop = std::make_unique<LoopDef>();
      loop->id = id;
      loop->index = static_cast<std::uint16_t>(g.loops.size() + 1);
      by_id[id] = loop.get();
      pending.emplace_back(loop.get(), kv.second);
      g.loops.push_back(std::move(loop));
    }
  }
  auto resolve = [&](const YAML::Node& list, std::string_view what) {
    std::vector<const LoopDef*> out;
    for (const auto& [id, node] : string_list(list, what)) {
      const auto it = by_id.find(id);
      if (it == by_id.end()) {
        error(node, fmt::format("{}: loop {} is not defined", what, id));
        continue;
      }
      if (std::find(out.begin(), out.end(), it->second) != out.end()) error(node, fmt::format("{}: loop {} listed twice", what, id));
      out.push_back(it->second);
    }
    return out;
  };

  // The root: ST, the heading, the top loops, the trailer, SE.
  LoopDef& root_loop = g.root;
  root_loop.usage = Usage::required;
  root_loop.repeat = 1;
  root_loop.name = g.name;
  const SegmentRule* st = nullptr;
  const SegmentRule* se = nullptr;
  for (const auto& s : data_->envelope) {
    if (s.id == "ST") st = &s;
    if (s.id == "SE") se = &s;
  }
  if (st != nullptr) root_loop.segments.push_back(*st);
  root_loop.start_key = segment_key("ST");
  const YAML::Node header = (*root)["header"];
  if (header.IsDefined() && !is_seq(header)) error(header, "header: expected a list of segment occurrences");
  if (is_seq(header)) {
    for (const auto& item : header) {
      SegmentRule r;
      if (parse_occurrence(item, r, &root_loop, "header")) root_loop.segments.push_back(std::move(r));
    }
  }
  const YAML::Node trailer = (*root)["trailer"];
  if (trailer.IsDefined() && !is_seq(trailer)) error(trailer, "trailer: expected a list of segment occurrences");
  if (is_seq(trailer)) {
    for (const auto& item : trailer) {
      SegmentRule r;
      if (parse_occurrence(item, r, &root_loop, "trailer")) root_loop.trailer.push_back(std::move(r));
    }
  }
  if (se != nullptr) root_loop.trailer.push_back(*se);
  root_loop.children = resolve((*root)["loops"], "loops");

  // Pass 2: the loop bodies.
  for (auto& [loop, node] : pending) {
    const std::string what = fmt::format("loop {}", loop->id);
    if (!check_map(node, what, {"name", "usage", "repeat", "starts", "hl", "segments", "children", "trailer", "note"},
                   {"name", "usage", "repeat", "starts", "segments"}))
      continue;
    loop->name = text(node["name"], what);
    if (const auto u = usage(node["usage"], what)) loop->usage = *u;
    if (const auto r = count(node["repeat"], what)) loop->repeat = *r;
    if (node["note"].IsDefined()) loop->note = text(node["note"], what);
    const YAML::Node segs = node["segments"];
    if (!is_seq(segs) || segs.size() == 0) {
      error(segs, fmt::format("{}: segments must be a non-empty list", what));
    } else {
      for (const auto& item : segs) {
        SegmentRule r;
        if (parse_occurrence(item, r, loop, what)) loop->segments.push_back(std::move(r));
      }
    }
    loop->children = resolve(node["children"], what + " children");
    // starts: the segment, and (unless the segment id alone is enough) the element and its codes
    const YAML::Node starts = node["starts"];
    if (check_map(starts, what + " starts", {"segment", "element", "codes"}, {"segment"})) {
      const std::string seg = text(starts["segment"], what);
      loop->start_key = segment_key(seg);
      if (loop->segments.empty() || loop->segments.front().id != seg) {
        error(starts["segment"], fmt::format("{}: starts.segment {} is not the loop's first segment", what, seg));
      } else if (starts["element"].IsDefined() != starts["codes"].IsDefined()) {
        error(starts, fmt::format("{}: starts needs both element and codes, or neither", what));
      } else if (starts["element"].IsDefined()) {
        const std::string el = text(starts["element"], what);
        const auto label = parse_label(el, seg);
        const SegmentRule& first = loop->segments.front();
        if (!label || label->element > first.elements.size()) {
          error(starts["element"], fmt::format("{}: starts.element '{}' is not an element of {}", what, el, seg));
        } else {
          loop->start_element = label->element;
          loop->start_component = label->component;
          const auto codes = string_list(starts["codes"], what + " starts.codes");
          if (codes.empty()) error(starts["codes"], fmt::format("{}: starts.codes is empty", what));
          const ElementRule& er = first.elements[label->element - 1];
          const ValueRule* v = &er;
          if (label->component != 0) v = label->component <= er.components.size() ? &er.components[label->component - 1] : nullptr;
          for (const auto& [c, cn] : codes) {
            loop->start_codes.add(c);
            bool allowed = false;
            if (v != nullptr) {
              if (!v->codes.empty()) {
                allowed = v->codes.contains(c);
              } else if (v->codes_from != nullptr) {
                allowed = v->codes_from->codes.contains(c);
              } else {
                allowed = true;
              }
            }
            if (!allowed) error(cn, fmt::format("{}: start code '{}' is not allowed by {} in the loop's first segment", what, c, el));
          }
          loop->start_codes.finish();
        }
      }
    }
    // trailer: segments after the child loops (999 IK5 closes loop 2000 after its 2100 loops)
    const YAML::Node tr = node["trailer"];
    if (tr.IsDefined() && !is_seq(tr)) error(tr, fmt::format("{}: trailer must be a list of segment occurrences", what));
    if (is_seq(tr)) {
      for (const auto& item : tr) {
        SegmentRule r;
        if (parse_occurrence(item, r, loop, what + " trailer")) loop->trailer.push_back(std::move(r));
      }
    }
    // hl
    if (node["hl"].IsDefined()) {
      const YAML::Node hl = node["hl"];
      if (check_map(hl, what + " hl", {"level", "parents"}, {"level", "parents"})) {
        loop->hl_level = text(hl["level"], what);
        if (loop->hl_level.empty()) error(hl["level"], fmt::format("{}: hl.level is empty", what));
        loop->hl_parents = resolve(hl["parents"], what + " hl.parents");
        if (loop->segments.empty() || loop->segments.front().id != "HL") {
          error(hl, fmt::format("{}: an hl loop must start with HL", what));
        } else if (!loop->start_codes.contains(loop->hl_level) || loop->start_element != 3) {
          error(hl, fmt::format("{}: hl.level {} must be the loop's start code at HL03", what, loop->hl_level));
        }
      }
    }
  }
  for (auto& [loop, node] : pending) {
    finish_loop_segments(loop->segments, loop, node);
    finish_loop_segments(loop->trailer, loop, node);
    for (const LoopDef* p : loop->hl_parents) {
      if (!p->is_hl()) error(node, fmt::format("loop {}: hl parent {} is not an HL loop", loop->id, p->id));
    }
    // Children that start alike must be told apart by their start codes.
    for (std::size_t i = 0; i < loop->children.size(); ++i) {
      for (std::size_t j = i + 1; j < loop->children.size(); ++j) {
        const LoopDef* a = loop->children[i];
        const LoopDef* b = loop->children[j];
        if (a->start_key != b->start_key) continue;
        if (a->start_element == 0 || b->start_element == 0 || a->start_element != b->start_element ||
            a->start_component != b->start_component) {
          error(node, fmt::format("loop {}: children {} and {} both start with {} and cannot be told apart", loop->id, a->id,
                                  b->id, a->segments.empty() ? "" : a->segments.front().id));
          continue;
        }
        for (const auto& c : a->start_codes.values()) {
          if (b->start_codes.contains(c)) {
            error(node, fmt::format("loop {}: children {} and {} both start with {} code '{}'", loop->id, a->id, b->id,
                                    a->segments.empty() ? "" : a->segments.front().id, c));
            break;
          }
        }
      }
    }
  }
  {
    finish_loop_segments(root_loop.segments, &root_loop, header);
    finish_loop_segments(root_loop.trailer, &root_loop, trailer);
  }

  // Every definition is reachable from `loops`, and no loop contains itself.
  std::set<const LoopDef*> reached;
  std::vector<const LoopDef*> path;
  std::function<void(const LoopDef*)> visit = [&](const LoopDef* l) {
    if (std::find(path.begin(), path.end(), l) != path.end()) {
      error_at(g.file, 0, fmt::format("loop {} contains itself through its children", l->id));
      return;
    }
    if (!reached.insert(l).second) return;
    path.push_back(l);
    for (const LoopDef* c : l->children) visit(c);
    path.pop_back();
  };
  for (const LoopDef* l : root_loop.children) visit(l);
  for (auto& [loop, node] : pending) {
    if (reached.count(loop) == 0) error(node, fmt::format("loop {} is defined but no loop lists it as a child", loop->id));
  }

  // Indices for the walker and the binder.
  auto requirements = [](LoopDef& l) {
    for (std::size_t i = 0; i < l.segments.size(); ++i)
      if (l.segments[i].usage == Usage::required) l.required_segments.push_back(static_cast<std::uint16_t>(i));
    for (std::size_t i = 0; i < l.trailer.size(); ++i)
      if (l.trailer[i].usage == Usage::required && l.trailer[i].id != "SE")  // the envelope reader reports a missing SE
        l.required_trailer.push_back(static_cast<std::uint16_t>(i));
    for (std::size_t i = 0; i < l.children.size(); ++i)
      if (l.children[i]->usage == Usage::required) l.required_children.push_back(static_cast<std::uint16_t>(i));
  };
  requirements(root_loop);
  for (auto& l : g.loops) requirements(*l);
  if (g.loops.size() + 1 > 256) error_at(g.file, 0, "more than 255 loops (the walker tracks loops in 256-bit sets)");
  auto collect = [&](const std::vector<SegmentRule>& segs, const LoopDef* loop) {
    for (const auto& s : segs) {
      g.segment_keys.push_back(s.key);
      for (const auto& e : s.elements) {
        if (!e.bind.empty()) g.bindings.push_back({e.bind, loop, &s, e.position, 0});
        for (std::size_t c = 0; c < e.components.size(); ++c) {
          if (!e.components[c].bind.empty())
            g.bindings.push_back({e.components[c].bind, loop, &s, e.position, static_cast<std::uint16_t>(c + 1)});
        }
      }
    }
  };
  collect(root_loop.segments, &root_loop);
  collect(root_loop.trailer, &root_loop);
  for (const auto& l : g.loops) {
    collect(l->segments, l.get());
    collect(l->trailer, l.get());
  }
  std::sort(g.segment_keys.begin(), g.segment_keys.end());
  g.segment_keys.erase(std::unique(g.segment_keys.begin(), g.segment_keys.end()), g.segment_keys.end());
}

// The "base list" of each element: every code any occurrence allows for it.
void Loader::collect_known_codes() {
  std::unordered_map<const ElementDef*, std::set<std::string>> known;
  auto add = [&](const ValueRule& v) {
    if (v.element == nullptr) return;
    auto& k = known[v.element];
    for (auto& c : v.codes.values()) k.insert(std::move(c));
    if (v.codes_from != nullptr)
      for (const auto& e : v.codes_from->entries) k.insert(e.first);
  };
  auto visit = [&](const std::vector<SegmentRule>& segs) {
    for (const auto& s : segs) {
      for (const auto& e : s.elements) {
        add(e);
        for (const auto& c : e.components) add(c);
      }
    }
  };
  visit({data_->envelope.begin(), data_->envelope.end()});
  for (const auto& g : data_->guides) {
    visit(g->root.segments);
    visit(g->root.trailer);
    for (const auto& l : g->loops) {
      visit(l->segments);
      visit(l->trailer);
    }
  }
  for (auto& [def, codes] : known) {
    auto& target = const_cast<ElementDef&>(*def).known_codes;
    for (const auto& c : codes) target.add(c);
    target.finish();
  }
}

core::Result<GuideSet> Loader::run() {
  try {
    load_elements();
    load_composites();
    load_code_lists();
    load_segments();
    load_envelope();
    load_index();
  } catch (const YAML::Exception& e) {
    error_at(file_, e.mark.line + 1, fmt::format("unexpected YAML structure: {}", e.what()));
  } catch (const std::exception& e) {
    error_at(file_, 0, fmt::format("could not be loaded: {}", e.what()));
  }
  if (errors_.empty() && data_->guides.empty()) error_at("index.yaml", 0, "no guides");
  if (errors_.empty()) collect_known_codes();
  if (!errors_.empty()) {
    std::string message;
    for (std::size_t i = 0; i < errors_.size() && i < max_reported; ++i) message += (i == 0 ? "" : "\n") + errors_[i];
    if (errors_.size() > max_reported) message += fmt::format("\n(and {} more)", errors_.size() - max_reported);
    return core::make_diagnostic(core::DiagCode::ig_grammar_invalid, core::SourcePosition{}, "", std::move(message));
  }
  detail::compile_for_walker(*data_);  // compile_fast.cpp
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

}  // namespace

core::Result<GuideSet> load_guides(const std::filesystem::path& grammars_dir) {
  Loader loader(grammars_dir);
  return loader.run();
}

}  // namespace soc278::ig

// The loop walker and the element checks (walker.hpp says what and why).
//
// Walking: the open loops form a stack of frames. A segment is matched, in this order,
//   1. for an HL, as a child loop of the frame whose HL01 its HL02 names (the hierarchy the sender
//      declared, so a 2000E under 2000C closes a 2000D that came before it);
//   2. forward, strictly: the top frame's remaining occurrences (same-id occurrences told apart by
//      the codes of their first element), then its child loops' starts, then the trailer; then the
//      same in each ancestor frame (a match there closes the frames above it);
//   3. forward again, ignoring the first-element codes (so a bad qualifier reads as an invalid code
//      where the segment most likely belongs, not as an unexpected segment);
//   4. backward, in any open frame: out of sequence (IK304 7), attached to that loop, nothing closed.
// A segment matching nothing is unrecognised (not in segments.yaml), not in the set (the guide
// never uses it) or unexpected (used elsewhere in the guide). Closing a frame reports its
// required segments and loops that never came ("surely ended": the segment that closed it is
// outside the loop).
#include "soc278/ig/walker.hpp"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <bitset>
#include <cstring>

#include "soc278/x12/values.hpp"

// Reporting is the error path: keep it out of line so the checks it guards stay small.
#if defined(__GNUC__)
#define SOC278_COLD __attribute__((noinline, cold))
#define SOC278_INLINE __attribute__((always_inline)) inline
#else
#define SOC278_COLD
#define SOC278_INLINE inline
#endif

namespace soc278::ig {
namespace {

// yaml-cpp throws InvalidNode when asked the type of a missing key's node: ask IsDefined() first.
inline bool is_map(const YAML::Node& n) { return n.IsDefined() && n.IsMap(); }
inline bool is_seq(const YAML::Node& n) { return n.IsDefined() && n.IsSequence(); }
inline bool is_null(const YAML::Node& n) { return !n.IsDefined() || n.IsNull(); }
inline bool is_scalar(const YAML::Node& n) { return n.IsDefined() && n.IsScalar(); }

constexpr std::size_t max_loops = 256;  // per guide; the loader's guides have ~30
using LoopSet = std::bitset<max_loops>;
constexpr std::size_t max_found = 99;   // IK404 is AN 1-99
// reference 4: the 999 CTX business unit of a 278 is the patient event's TRN02
constexpr std::string_view trace_loop = "2000E";
constexpr std::uint32_t trn_key = segment_key("TRN");
constexpr std::uint32_t hl_key = segment_key("HL");

enum class Region : std::uint8_t { segments, children, trailer };

struct Frame {
  const LoopDef* loop = nullptr;
  LoopNode* node = nullptr;
  Region region = Region::segments;
  std::uint16_t pos = 0;        // last matched occurrence (segments or trailer region)
  std::uint16_t child_pos = 0;  // last opened child loop
  std::uint32_t counts = 0;     // offset into Impl::counts: [segments..., children..., trailer...]
  std::int32_t hl = -1;         // this loop's HL in Impl::hls
  LoopSet seen;                 // loops opened anywhere below this frame
  LoopSet missing;              // required loops already reported missing below (2000E under 2000D and 2000C: once)
};

struct HlRecord {
  std::array<char, 16> id{};
  std::uint8_t id_length = 0;
  const LoopDef* loop = nullptr;
  char hl04 = 0;  // '0', '1', or 0 when absent / something else (the code check reports that)
  bool reported = false;  // an IK3 for this HL is out already (a late HL04 finding needs one)
  core::SourcePosition at;
  [[nodiscard]] std::string_view hl01() const noexcept { return {id.data(), id_length}; }
};

enum class MatchKind : std::uint8_t { none, in_loop, child, trailer };
struct Match {
  MatchKind kind = MatchKind::none;
  std::uint16_t depth = 0;
  std::uint16_t index = 0;
  bool out_of_sequence = false;
};

std::string_view cut(std::string_view v) noexcept { return v.substr(0, std::min(v.size(), max_found)); }

std::string_view trim_spaces(std::string_view v) noexcept {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  return v;
}

// Calls f(index (1-based), piece) for each piece of `v` split on `sep`; stops when f returns false.
template <typename F>
void for_each_piece(std::string_view v, char sep, F&& f) {
  std::size_t index = 1;
  std::size_t start = 0;
  for (;;) {
    const std::size_t p = v.find(sep, start);
    const std::string_view piece = v.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start);
    if (!f(index, piece)) return;
    if (p == std::string_view::npos) return;
    start = p + 1;
    ++index;
  }
}

// One pass over a value: the separators that make it repeat or compound, and whether every byte
// is in the X12 character set (printable ASCII; reference 5.8). A 256-byte class table per
// delimiter set turns it into one load and one OR per byte.
struct ValueScan {
  bool repetition = false;
  bool component = false;
  bool printable = true;
};
enum : std::uint8_t { class_repetition = 1, class_component = 2, class_bad = 4 };
struct ByteClasses {
  std::array<std::uint8_t, 256> table{};
  char repetition = 0;
  char component = 0;
  bool ready = false;
  void prepare(char rep, char comp) noexcept {
    if (ready && rep == repetition && comp == component) return;
    for (int c = 0; c < 256; ++c) table[static_cast<std::size_t>(c)] = (c < 0x20 || c > 0x7e) ? class_bad : 0;
    if (rep != '\0') table[static_cast<unsigned char>(rep)] |= class_repetition;
    table[static_cast<unsigned char>(comp)] |= class_component;
    repetition = rep;
    component = comp;
    ready = true;
  }
  [[nodiscard]] ValueScan scan(std::string_view v) const noexcept {
    unsigned acc = 0;
    for (char c : v) acc |= table[static_cast<unsigned char>(c)];
    return {(acc & class_repetition) != 0, (acc & class_component) != 0, (acc & class_bad) == 0};
  }
};

bool printable(std::string_view v) noexcept {
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return false;
  }
  return true;
}

std::string_view type_name(const ElementDef& e) noexcept {
  switch (e.type) {
    case ValueType::id: return "ID";
    case ValueType::an: return "AN";
    case ValueType::date: return "DT";
    case ValueType::time: return "TM";
    case ValueType::numeric: return "N";
    case ValueType::decimal: return "R";
  }
  return "AN";
}

std::string code_preview(const CodeSet& codes) {
  const auto v = codes.values();
  std::string out;
  for (std::size_t i = 0; i < v.size() && i < 12; ++i) out += fmt::format("{}{}", i == 0 ? "" : " ", v[i]);
  if (v.size() > 12) out += fmt::format(" ... ({} codes)", v.size());
  return out;
}

// Whether the first element's codes accept the segment. Same-id occurrences (qualified) are told
// apart this way; for a single occurrence the walker's strict pass uses it only to choose between
// open loops (an empty first element passes: CR1***X, HSD*****29*2), and its lenient pass ignores it.
bool first_element_matches(const SegmentRule& r, const x12::SegmentView& s) noexcept {
  if (r.elements.empty()) return true;
  const ElementRule& el = r.elements[0];
  const bool composite = el.composite != nullptr && !el.components.empty();
  const ValueRule& e = composite ? el.components[0] : static_cast<const ValueRule&>(el);
  const std::string_view v = composite ? s.component(1, 1) : s.element(1);
  if (v.empty() && !r.qualified) return true;
  if (!e.codes.empty()) return e.codes.contains(v);
  if (e.codes_from != nullptr) return e.codes_from->codes.contains(v);
  return true;
}

bool starts_loop(const LoopDef& l, const x12::SegmentView& s) noexcept {
  if (l.start_element == 0) return true;  // the segment id alone starts it (the 999 loops)
  const std::string_view v = l.start_component != 0 ? s.component(l.start_element, l.start_component) : s.element(l.start_element);
  return l.start_codes.contains(v);
}

// A date or period by its 1250 format qualifier (DTP02 for DTP03, C022-3 for C022-4).
bool valid_by_format(std::string_view format, std::string_view v) noexcept {
  if (format == "D8") return v.size() == 8 && x12::parse_date(v).has_value();
  if (format == "RD8") return x12::parse_date_range(v).has_value();
  if (format == "D6") return v.size() == 6 && x12::parse_date_yymmdd(v).has_value();
  if (format == "DT") return v.size() == 12 && x12::parse_date(v.substr(0, 8)) && x12::parse_time(v.substr(8));
  if (format == "TM") return x12::parse_time(v).has_value();
  if (format == "RDT") {
    return v.size() == 25 && v[12] == '-' && x12::parse_date(v.substr(0, 8)) && x12::parse_time(v.substr(8, 4)) &&
           x12::parse_date(v.substr(13, 8)) && x12::parse_time(v.substr(21, 4));
  }
  return true;  // a format the code list does not know: its own code check reports it
}

}  // namespace

// ------------------------------------------------------------------------------------------------

struct TransactionValidator::Impl {
  explicit Impl(const GuideSet& g, ValidationOptions o) : guides(g), options(o) {}

  GuideSet guides;
  ValidationOptions options;
  core::DiagnosticSink* sink = nullptr;

  // The transaction.
  enum class State : std::uint8_t { idle, awaiting_bht, walking, no_guide } state = State::idle;
  std::string isa12, gs01, gs08;
  std::uint32_t file = 0;
  std::string st_text;
  x12::Delimiters st_delimiters;
  core::SourcePosition st_at;
  const Guide* guide = nullptr;
  TransactionResult result;
  std::size_t text_hint = 4096;
  std::vector<Frame> frames;
  std::vector<std::uint32_t> counts;
  std::vector<HlRecord> hls;
  core::SourcePosition last_at;

  // The segment being checked.
  const x12::SegmentView* seg = nullptr;
  core::SourcePosition seg_at;
  std::string_view seg_loop;
  bool seg_level_reported = false;
  bool last_segment_reported = false;  // the segment just ended has an IK3 finding
  std::size_t seg_element_findings = 0;
  core::Severity seg_worst = core::Severity::info;
  std::vector<core::Diagnostic> pending;  // element findings of this segment, emitted after its IK3
  ByteClasses classes;

  // ---- reporting ----------------------------------------------------------------------------------
  [[nodiscard]] bool wanted() const noexcept {
    return sink != nullptr || result.findings.size() + pending.size() < options.max_findings;
  }

  void count(core::Severity s) noexcept {
    if (s == core::Severity::error) ++result.errors;
    if (s == core::Severity::warning) ++result.warnings;
  }

  void store(core::Diagnostic d) {
    if (sink != nullptr) sink->report(d);
    if (result.findings.size() < options.max_findings) {
      result.findings.push_back(std::move(d));
    } else {
      ++result.findings_dropped;
    }
  }

  core::Diagnostic make(core::DiagCode code, core::Severity sev, const core::SourcePosition& at, std::string_view segment_id,
                        std::string_view loop_id, std::string message) const {
    core::Diagnostic d = core::make_diagnostic(code, at, segment_id, std::move(message));
    d.severity = sev;
    d.loop_id = loop_id;
    return d;
  }

  // Set-, segment- or loop-level finding, stored at once.
  template <typename... Args>
  SOC278_COLD void report(core::DiagCode code, const core::SourcePosition& at, std::string_view segment_id, std::string_view loop_id,
              fmt::format_string<Args...> f, Args&&... args) {
    const core::Severity sev = core::info(code).severity;
    count(sev);
    if (!wanted()) {
      ++result.findings_dropped;
      return;
    }
    store(make(code, sev, at, segment_id, loop_id, fmt::format(f, std::forward<Args>(args)...)));
  }

  // A segment-level finding about the segment being walked.
  template <typename... Args>
  SOC278_COLD void segment_finding(core::DiagCode code, std::string_view loop_id, fmt::format_string<Args...> f, Args&&... args) {
    seg_level_reported = true;
    report(code, seg_at, seg->id(), loop_id, f, std::forward<Args>(args)...);
  }

  [[nodiscard]] bool tolerated(const ValueRule& rule) const noexcept {
    if (!rule.tolerate) return false;
    if (rule.label == "SV105") return options.accept_sv105;
    return options.accept_tolerated;
  }

  // An element-level finding about the segment being checked; held until its IK3 is out.
  template <typename... Args>
  SOC278_COLD void element_finding(core::DiagCode code, const ValueRule& rule, std::uint16_t element, std::uint16_t component,
                       std::string_view found, fmt::format_string<Args...> f, Args&&... args) {
    core::Severity sev = core::info(code).severity;
    if (code == core::DiagCode::ig_element_space_padded && options.accept_space_padding) sev = core::Severity::warning;
    if (sev == core::Severity::error && tolerated(rule)) sev = core::Severity::warning;
    count(sev);
    ++seg_element_findings;
    if (static_cast<int>(sev) > static_cast<int>(seg_worst)) seg_worst = sev;
    if (!wanted()) {
      ++result.findings_dropped;
      return;
    }
    core::SourcePosition at = seg_at;
    at.element = element;
    at.component = component;
    core::Diagnostic d = make(code, sev, at, seg->id(), seg_loop, fmt::format(f, std::forward<Args>(args)...));
    if (rule.element != nullptr) d.element_ref = rule.element->ref;
    d.found_value = cut(found);
    pending.push_back(std::move(d));
  }

  void begin_segment(const x12::SegmentView& s, const core::SourcePosition& at, std::string_view loop_id) {
    seg = &s;
    seg_at = at;
    seg_loop = loop_id;
    seg_level_reported = false;
    seg_element_findings = 0;
    seg_worst = core::Severity::info;
    pending.clear();
  }

  void end_segment() {
    last_segment_reported = seg_level_reported || seg_element_findings != 0;
    if (seg_element_findings != 0 && !seg_level_reported) {
      // The IK3 that carries the IK4s: as severe as the worst of them.
      const core::Severity sev = seg_worst;
      count(sev);
      if (wanted()) {
        store(make(core::DiagCode::ig_segment_has_element_errors, sev, seg_at, seg->id(), seg_loop,
                   fmt::format("{} at set position {} has {} element finding(s)", seg->id(), seg_at.segment_in_set,
                               seg_element_findings)));
      } else {
        ++result.findings_dropped;
      }
    }
    for (auto& d : pending) store(std::move(d));
    pending.clear();
  }

  // ---- guide selection ----------------------------------------------------------------------------
  void select(std::string_view bht02);
  void start_walk();

  // ---- walking ------------------------------------------------------------------------------------
  [[nodiscard]] std::size_t frame_slots(const LoopDef& l) const noexcept {
    return l.segments.size() + l.children.size() + l.trailer.size();
  }
  void push_frame(const LoopDef& l, LoopNode* node) {
    Frame f;
    f.loop = &l;
    f.node = node;
    f.counts = static_cast<std::uint32_t>(counts.size());
    counts.resize(counts.size() + frame_slots(l), 0);
    frames.push_back(f);
  }
  void close_frame(const core::SourcePosition& trigger, std::string_view trigger_id);
  Match forward(std::size_t depth, const x12::SegmentView& s, std::uint32_t key, bool strict) const;
  Match backward(std::size_t depth, const x12::SegmentView& s, std::uint32_t key, bool strict) const;
  Match hl_directed(const x12::SegmentView& s) const;
  Match find(const x12::SegmentView& s, std::uint32_t key) const;
  void walk(const x12::SegmentView& s, const core::SourcePosition& at);
  void unmatched(const x12::SegmentView& s, std::uint32_t key);
  void accept(const x12::SegmentView& s, const SegmentRule& rule, LoopNode* node);
  std::int32_t find_hl(std::string_view hl01) const noexcept;
  void check_hl(const x12::SegmentView& s, const SegmentRule& rule);
  void finish_hl();
  void hl_child_finding(HlRecord& hl, std::string message);

  // ---- element checks -----------------------------------------------------------------------------
  void check_elements(const x12::SegmentView& s, const SegmentRule& rule);
  void check_element(const x12::SegmentView& s, const ElementRule& rule, std::string_view value);
  SOC278_INLINE void check_value(const x12::SegmentView& s, const ValueRule& rule, std::uint16_t element, std::uint16_t component,
                                 std::string_view value, std::string_view composite_value, bool known_printable);
  void check_syntax(const SegmentRule& rule, std::uint64_t present);
};

// ---- guide selection ------------------------------------------------------------------------------

void TransactionValidator::Impl::select(std::string_view bht02) {
  x12::SegmentView st;
  (void)st.assign(st_text.data(), st_text.size(), st_delimiters, st_at.byte_offset, st_at.segment_in_file);
  const std::string_view st01 = st.element(1);
  const std::string_view st03 = st.element(3);
  guide = guides.select(isa12, gs01, gs08, st01, bht02);
  const bool mismatch = !st03.empty() && st03 != gs08;
  // A GS08 no guide reads but an ST03 one does: walk by ST03 so the body is still checked; the
  // mismatch itself rejects the set (reference 5.13).
  if (guide == nullptr && mismatch) guide = guides.select(isa12, gs01, st03, st01, bht02);
  core::SourcePosition at = st_at;
  if (mismatch) {
    at.element = 3;
    report(core::DiagCode::ig_st03_mismatch, at, "ST", "", "ST03 says '{}', expected GS08 '{}' (reference 5.13)", st03, gs08);
    at.element = 0;
  }
  if (guide == nullptr) {
    state = State::no_guide;
    if (!guides.supports_transaction(st01)) {
      at.element = 1;
      report(core::DiagCode::ig_transaction_unsupported, at, "ST", "",
             "no implementation guide reads transaction set '{}' (grammars/index.yaml)", st01);
    } else if (bht02.empty() && guides.needs_bht02(st01)) {
      report(core::DiagCode::ig_guide_unknown, at, "ST", "",
             "no BHT02 after ST to choose the {} guide by (request 13, response 11; grammars/index.yaml)", st01);
    } else {
      report(core::DiagCode::ig_guide_unknown, at, "ST", "",
             "no implementation guide for ISA12 '{}' GS01 '{}' GS08 '{}' ST01 '{}' BHT02 '{}' (grammars/index.yaml)", isa12,
             gs01, gs08, st01, bht02);
    }
    return;
  }
  start_walk();
}

void TransactionValidator::Impl::start_walk() {
  state = State::walking;
  result.guide = guide;
  LoopNode* root = options.build_tree ? &result.root : nullptr;
  if (root != nullptr) {
    root->def = &guide->root;
    root->at = st_at;
  }
  push_frame(guide->root, root);
  x12::SegmentView st;
  (void)st.assign(st_text.data(), st_text.size(), st_delimiters, st_at.byte_offset, st_at.segment_in_file);
  const SegmentRule& rule = guide->root.segments.front();
  counts[frames.back().counts] = 1;
  begin_segment(st, st_at, "");
  accept(st, rule, root);
  end_segment();
}

// ---- walking --------------------------------------------------------------------------------------

Match TransactionValidator::Impl::forward(std::size_t depth, const x12::SegmentView& s, std::uint32_t key, bool strict) const {
  const Frame& f = frames[depth];
  const LoopDef& l = *f.loop;
  if (f.region == Region::segments) {
    // Same-id occurrences share one position (README §3), so the run the last match belongs to is still open.
    for (std::size_t i = std::max<std::size_t>(l.segments[f.pos].run_start, 1); i < l.segments.size(); ++i) {
      const SegmentRule& r = l.segments[i];
      if (r.key == key && (!strict || first_element_matches(r, s)))
        return {MatchKind::in_loop, static_cast<std::uint16_t>(depth), static_cast<std::uint16_t>(i), false};
    }
  }
  if (f.region != Region::trailer) {
    const std::size_t n = l.children.size();
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t c = (f.child_pos + k) % n;  // from the current child on, then the earlier ones
      const LoopDef& child = *l.children[c];
      if (child.start_key == key && (!strict || starts_loop(child, s)))
        return {MatchKind::child, static_cast<std::uint16_t>(depth), static_cast<std::uint16_t>(c),
                f.region == Region::children && c < f.child_pos};
    }
  }
  for (std::size_t i = f.region == Region::trailer ? l.trailer[f.pos].run_start : 0; i < l.trailer.size(); ++i) {
    const SegmentRule& r = l.trailer[i];
    if (r.key == key && (!strict || first_element_matches(r, s)))
      return {MatchKind::trailer, static_cast<std::uint16_t>(depth), static_cast<std::uint16_t>(i), false};
  }
  return {};
}

Match TransactionValidator::Impl::backward(std::size_t depth, const x12::SegmentView& s, std::uint32_t key, bool strict) const {
  const Frame& f = frames[depth];
  const LoopDef& l = *f.loop;
  const std::size_t end = f.region == Region::segments ? l.segments[f.pos].run_start : l.segments.size();
  for (std::size_t i = 1; i < end; ++i) {
    const SegmentRule& r = l.segments[i];
    if (r.key == key && (!strict || first_element_matches(r, s)))
      return {MatchKind::in_loop, static_cast<std::uint16_t>(depth), static_cast<std::uint16_t>(i), true};
  }
  if (f.region == Region::trailer) {
    for (std::size_t i = 0; i < l.trailer[f.pos].run_start; ++i) {
      const SegmentRule& r = l.trailer[i];
      if (r.key == key && (!strict || first_element_matches(r, s)))
        return {MatchKind::trailer, static_cast<std::uint16_t>(depth), static_cast<std::uint16_t>(i), true};
    }
  }
  return {};
}

std::int32_t TransactionValidator::Impl::find_hl(std::string_view hl01) const noexcept {
  if (hl01.empty()) return -1;
  // HL01 counts 1, 2, 3 ...: try the direct slot first, then search (only after a numbering error).
  if (const auto n = x12::parse_integer(hl01); n && *n >= 1 && static_cast<std::size_t>(*n) <= hls.size()) {
    if (hls[static_cast<std::size_t>(*n - 1)].hl01() == hl01) return static_cast<std::int32_t>(*n - 1);
  }
  for (std::size_t i = hls.size(); i-- > 0;) {
    if (hls[i].hl01() == hl01) return static_cast<std::int32_t>(i);
  }
  return -1;
}

Match TransactionValidator::Impl::hl_directed(const x12::SegmentView& s) const {
  const std::int32_t parent = find_hl(s.element(2));
  if (parent < 0) return {};
  for (std::size_t d = frames.size(); d-- > 0;) {
    if (frames[d].hl != parent) continue;
    const Frame& f = frames[d];
    if (f.region == Region::trailer) return {};
    const LoopDef& l = *f.loop;
    for (std::size_t k = 0; k < l.children.size(); ++k) {
      const std::size_t c = (f.child_pos + k) % l.children.size();
      const LoopDef& child = *l.children[c];
      if (child.start_key == hl_key && starts_loop(child, s))
        return {MatchKind::child, static_cast<std::uint16_t>(d), static_cast<std::uint16_t>(c),
                f.region == Region::children && c < f.child_pos};
    }
    return {};
  }
  return {};
}

Match TransactionValidator::Impl::find(const x12::SegmentView& s, std::uint32_t key) const {
  if (key == hl_key) {
    if (const Match m = hl_directed(s); m.kind != MatchKind::none) return m;
  }
  for (bool strict : {true, false}) {
    for (std::size_t d = frames.size(); d-- > 0;) {
      if (const Match m = forward(d, s, key, strict); m.kind != MatchKind::none) return m;
    }
  }
  for (bool strict : {true, false}) {
    for (std::size_t d = frames.size(); d-- > 0;) {
      if (const Match m = backward(d, s, key, strict); m.kind != MatchKind::none) return m;
    }
  }
  return {};
}

void TransactionValidator::Impl::close_frame(const core::SourcePosition& trigger, std::string_view trigger_id) {
  const Frame& f = frames.back();
  const LoopDef& l = *f.loop;
  const std::size_t nseg = l.segments.size();
  const std::size_t nchild = l.children.size();
  core::SourcePosition at = trigger;
  at.element = 0;
  at.component = 0;
  auto missing = [&](const SegmentRule& r) {
    report(core::DiagCode::ig_required_segment_missing, at, r.id, l.id,
           "expected {} ({}) in {}, found none before {} at set position {}", r.id, r.name,
           l.id.empty() ? std::string("the heading/trailer") : "loop " + l.id, trigger_id, trigger.segment_in_set);
  };
  for (const std::uint16_t i : l.required_segments)
    if (counts[f.counts + i] == 0) missing(l.segments[i]);
  for (const std::uint16_t c : l.required_children) {
    const LoopDef& child = *l.children[c];
    if (f.seen.test(child.index) || f.missing.test(child.index)) continue;
    frames.back().missing.set(child.index);
    report(core::DiagCode::ig_required_loop_missing, at, child.segments.empty() ? std::string_view{} : child.segments.front().id,
           child.id, "expected loop {} ({}) in {}, found none before {} at set position {}", child.id, child.name,
           l.id.empty() ? std::string("the transaction") : "loop " + l.id, trigger_id, trigger.segment_in_set);
  }
  for (const std::uint16_t i : l.required_trailer)
    if (counts[f.counts + nseg + nchild + i] == 0) missing(l.trailer[i]);
  counts.resize(f.counts);
  const LoopSet seen = f.seen;
  const LoopSet missed = f.missing;
  frames.pop_back();
  if (!frames.empty()) {
    frames.back().seen |= seen;
    frames.back().missing |= missed;
  }
}

void TransactionValidator::Impl::unmatched(const x12::SegmentView& s, std::uint32_t key) {
  const Frame& top = frames.back();
  const std::string_view loop_id = top.loop->id;
  const SegmentDef* def = key == 0 ? nullptr : guides.segment(key);
  if (def == nullptr) {
    segment_finding(core::DiagCode::ig_segment_unrecognized, loop_id, "'{}' is not a segment id soc278 knows (grammars/segments.yaml)",
                    cut(s.id()));
    return;
  }
  if (!guide->uses_segment(key)) {
    segment_finding(core::DiagCode::ig_segment_not_in_set, loop_id, "{} ({}) is not part of the {} {} ({})", s.id(), def->name,
                    guide->transaction_id, guide->purpose, guide->version);
    return;
  }
  // What could have come here instead (error path only).
  std::string expected;
  const LoopDef& l = *top.loop;
  if (top.region == Region::segments) {
    for (std::size_t i = std::max<std::size_t>(top.pos, 1); i < l.segments.size(); ++i) {
      if (expected.find(l.segments[i].id) == std::string::npos) expected += fmt::format("{} ", l.segments[i].id);
    }
  }
  for (const LoopDef* c : l.children) expected += fmt::format("loop {} ", c->id);
  if (!expected.empty()) expected.pop_back();
  segment_finding(core::DiagCode::ig_segment_unexpected, loop_id, "{} does not fit {} here (expected {})", s.id(),
                  loop_id.empty() ? std::string("the heading") : "loop " + std::string(loop_id),
                  expected.empty() ? std::string("the end of the loop") : expected);
}

void TransactionValidator::Impl::walk(const x12::SegmentView& s, const core::SourcePosition& at) {
  const std::uint32_t key = segment_key(s.id());
  const Match m = find(s, key);
  if (m.kind == MatchKind::none) {
    begin_segment(s, at, frames.back().loop->id);
    unmatched(s, key);
    end_segment();
    return;
  }
  if (!m.out_of_sequence || m.kind == MatchKind::child) {
    while (frames.size() > static_cast<std::size_t>(m.depth) + 1) close_frame(at, s.id());
  }
  Frame& f = frames[m.depth];
  const LoopDef& l = *f.loop;
  const std::size_t nseg = l.segments.size();
  const std::size_t nchild = l.children.size();
  const SegmentRule* rule = nullptr;
  LoopNode* node = f.node;
  std::uint32_t used = 0;
  if (m.kind == MatchKind::in_loop) {
    rule = &l.segments[m.index];
    begin_segment(s, at, l.id);
    if (m.out_of_sequence) {
      segment_finding(core::DiagCode::ig_segment_out_of_sequence, l.id,
                      "{} ({}) belongs before the segments already read in {}", s.id(), rule->name,
                      l.id.empty() ? std::string("the heading") : "loop " + l.id);
    } else {
      f.region = Region::segments;
      f.pos = m.index;
    }
    used = ++counts[f.counts + m.index];
  } else if (m.kind == MatchKind::trailer) {
    rule = &l.trailer[m.index];
    begin_segment(s, at, l.id);
    if (m.out_of_sequence) {
      segment_finding(core::DiagCode::ig_segment_out_of_sequence, l.id, "{} ({}) belongs before the trailer segments already read",
                      s.id(), rule->name);
    } else {
      f.region = Region::trailer;
      f.pos = m.index;
    }
    used = ++counts[f.counts + nseg + nchild + m.index];
  } else {
    const LoopDef& child = *l.children[m.index];
    const std::uint32_t repeats = ++counts[f.counts + nseg + m.index];
    f.region = Region::children;
    if (!m.out_of_sequence) f.child_pos = m.index;
    f.seen.set(child.index);
    LoopNode* parent_node = f.node;
    if (parent_node != nullptr) {
      if (parent_node->children.empty()) parent_node->children.reserve(4);
      node = &parent_node->children.emplace_back();
      node->def = &child;
      node->at = at;
      node->segments.reserve(std::min<std::size_t>(child.segments.size(), 8));
    } else {
      node = nullptr;
    }
    push_frame(child, node);  // invalidates f
    rule = &child.segments.front();
    used = ++counts[frames.back().counts];
    begin_segment(s, at, child.id);
    if (m.out_of_sequence) {
      segment_finding(core::DiagCode::ig_segment_out_of_sequence, child.id, "loop {} ({}) belongs before the loops already read in {}",
                      child.id, child.name, l.id.empty() ? std::string("the transaction") : "loop " + l.id);
    }
    if (child.repeat != 0 && repeats > child.repeat) {
      segment_finding(core::DiagCode::ig_loop_over_max_repeats, child.id, "loop {} ({}) occurs {} times, the guide allows {}",
                      child.id, child.name, repeats, child.repeat);
    }
  }
  if (rule->max_use != 0 && used > rule->max_use) {
    segment_finding(core::DiagCode::ig_segment_over_max_use, seg_loop, "{} ({}) occurs {} times in {}, the guide allows {}",
                    s.id(), rule->name, used, seg_loop.empty() ? std::string("the heading") : "loop " + std::string(seg_loop),
                    rule->max_use);
  }
  accept(s, *rule, node);
  end_segment();
  if (rule->loop != nullptr && rule->loop->is_hl() && rule->index == 0 && !hls.empty()) hls.back().reported = last_segment_reported;
}

// The segment has its occurrence: record it, check it.
void TransactionValidator::Impl::accept(const x12::SegmentView& s, const SegmentRule& rule, LoopNode* node) {
  const bool used = rule.usage != Usage::not_used;
  if (!used) {
    // One finding for the whole segment (IK304 I4); its elements are not judged against a use it has not.
    segment_finding(core::DiagCode::ig_segment_not_used, seg_loop, "{} ({}) is not used here by the guide", s.id(), rule.name);
  }
  if (node != nullptr) {
    const std::string_view t = s.text();
    SegmentNode n;
    n.rule = &rule;
    n.at = seg_at;
    n.text_offset = static_cast<std::uint32_t>(result.text.size());
    n.text_length = static_cast<std::uint32_t>(t.size());
    result.text.append(t);
    node->segments.push_back(n);
  }
  if (used) check_elements(s, rule);
  if (rule.loop != nullptr && rule.loop->is_hl() && rule.index == 0) check_hl(s, rule);
  if (rule.key == trn_key && result.trn02_trace.empty() && rule.loop != nullptr && rule.loop->id == trace_loop)
    result.trn02_trace = s.element(2);
}

// ---- HL rules (reference 5.11) --------------------------------------------------------------------

void TransactionValidator::Impl::check_hl(const x12::SegmentView& s, const SegmentRule& rule) {
  const LoopDef& l = *rule.loop;
  const std::string_view hl01 = s.element(1);
  const std::string_view hl02 = s.element(2);
  const std::string_view hl04 = s.element(4);
  const ElementRule* r1 = rule.element(1);
  const ElementRule* r2 = rule.element(2);
  const std::size_t expected = hls.size() + 1;
  const auto n = x12::parse_integer(hl01);
  if (!hl01.empty() && (!n || *n != static_cast<std::int64_t>(expected)) && r1 != nullptr) {
    element_finding(core::DiagCode::ig_hl_sequence, *r1, 1, 0, hl01,
                    "expected HL01 = {} (HLs count 1, 2, 3 ... in order within the set), found '{}'", expected, hl01);
  }
  const std::int32_t parent = find_hl(hl02);
  const bool parent_valid = parent >= 0 && std::find(l.hl_parents.begin(), l.hl_parents.end(),
                                               hls[static_cast<std::size_t>(parent)].loop) != l.hl_parents.end();
  if (r2 != nullptr) {
    if (l.hl_parents.empty()) {
      // An HL02 the guide does not use at the top level is reported as such (IK403 I10), once.
      if (!hl02.empty() && r2->usage != Usage::not_used)
        element_finding(core::DiagCode::ig_hl_parent_invalid, *r2, 2, 0, hl02,
                        "expected HL02 empty at the top level (loop {}), found '{}'", l.id, hl02);
    } else if (!hl02.empty() && !parent_valid) {
      std::string allowed;  // error path only
      for (const LoopDef* p : l.hl_parents) allowed += fmt::format("{}{} ({})", allowed.empty() ? "" : " or ", p->id, p->hl_level);
      if (parent < 0) {
        element_finding(core::DiagCode::ig_hl_parent_invalid, *r2, 2, 0, hl02,
                        "HL02 '{}' names no earlier HL in this set; loop {} must hang under {}", hl02, l.id, allowed);
      } else {
        const LoopDef* pl = hls[static_cast<std::size_t>(parent)].loop;
        element_finding(core::DiagCode::ig_hl_parent_invalid, *r2, 2, 0, hl02,
                        "HL02 '{}' points to loop {} (HL03 {}); loop {} must hang under {}", hl02, pl->id, pl->hl_level, l.id,
                        allowed);
      }
    }
  }
  // HL04 of the previous HL: 1 exactly when this HL is its child (depth-first order). An HL02 that
  // names a parent of the wrong level is that HL's error, not the previous HL04's.
  if (!hls.empty() && (parent_valid || l.hl_parents.empty())) {
    HlRecord& prev = hls.back();
    const bool child_follows = parent_valid && static_cast<std::size_t>(parent) == hls.size() - 1;
    if ((prev.hl04 == '1' && !child_follows) || (prev.hl04 == '0' && child_follows)) {
      hl_child_finding(prev, prev.hl04 == '1'
                                 ? fmt::format("HL04 '1' says a child HL follows HL {}, but the next HL ({}) hangs under '{}'",
                                               prev.hl01(), hl01, hl02)
                                 : fmt::format("HL04 '0' says no child HL follows HL {}, but the next HL ({}) is its child",
                                               prev.hl01(), hl01));
    }
  }
  HlRecord rec;
  rec.id_length = static_cast<std::uint8_t>(std::min(hl01.size(), rec.id.size()));
  std::memcpy(rec.id.data(), hl01.data(), rec.id_length);
  rec.loop = &l;
  rec.hl04 = hl04.size() == 1 && (hl04[0] == '0' || hl04[0] == '1') ? hl04[0] : 0;
  rec.at = seg_at;
  hls.push_back(rec);
  frames.back().hl = static_cast<std::int32_t>(hls.size() - 1);
}

void TransactionValidator::Impl::finish_hl() {
  if (hls.empty() || hls.back().hl04 != '1') return;
  HlRecord& last = hls.back();
  hl_child_finding(last, fmt::format("HL04 '1' says a child HL follows HL {}, but it is the last HL of the set", last.hl01()));
}

// HL04 is judged only when the next HL (or the SE) arrives, so the finding names an earlier segment;
// that segment gets its IK3 now if it has none yet.
void TransactionValidator::Impl::hl_child_finding(HlRecord& hl, std::string message) {
  const ElementRule* r4 = hl.loop->segments.front().element(4);
  const core::Severity sev = core::info(core::DiagCode::ig_hl_child_code).severity;
  core::SourcePosition at = hl.at;
  if (!hl.reported) {
    hl.reported = true;
    count(sev);
    if (wanted()) {
      store(make(core::DiagCode::ig_segment_has_element_errors, sev, at, "HL", hl.loop->id,
                 fmt::format("HL at set position {} has element finding(s)", at.segment_in_set)));
    } else {
      ++result.findings_dropped;
    }
  }
  count(sev);
  if (!wanted()) {
    ++result.findings_dropped;
    return;
  }
  at.element = 4;
  core::Diagnostic d = make(core::DiagCode::ig_hl_child_code, sev, at, "HL", hl.loop->id, std::move(message));
  if (r4 != nullptr && r4->element != nullptr) d.element_ref = r4->element->ref;
  d.found_value = std::string(1, hl.hl04);
  store(std::move(d));
}

// ---- element checks (reference 5) -----------------------------------------------------------------

void TransactionValidator::Impl::check_elements(const x12::SegmentView& s, const SegmentRule& rule) {
  const std::size_t sent = s.element_count();
  std::size_t last = sent;
  while (last > 0 && s.element(last).empty()) --last;
  if (last < sent) {
    const core::Severity sev = options.accept_trailing_separators ? core::Severity::warning : core::Severity::error;
    count(sev);
    if (wanted()) {
      core::SourcePosition at = seg_at;
      at.element = static_cast<std::uint16_t>(last + 1);
      store(make(core::DiagCode::ig_trailing_separator, sev, at, s.id(), seg_loop,
                 fmt::format("{} ends with {} empty element(s) after {}{:02} (reference 5.3: omit trailing separators)", s.id(),
                             sent - last, s.id(), last)));
    } else {
      ++result.findings_dropped;
    }
  }
  const std::size_t defined = rule.elements.size();
  std::uint64_t present = 0;
  const std::size_t upto = std::min(last, defined);
  for (std::size_t i = 1; i <= upto; ++i) {
    const ElementRule& er = rule.elements[i - 1];
    const std::string_view v = s.element(i);
    if (v.empty()) {
      if (er.usage == Usage::required)
        element_finding(core::DiagCode::ig_element_required_missing, er, static_cast<std::uint16_t>(i), 0, v,
                        "{} ({}) is required, found it empty", er.label, er.name);
      continue;
    }
    if (i < 64) present |= std::uint64_t{1} << i;
    if (er.usage == Usage::not_used) {
      element_finding(core::DiagCode::ig_element_not_used, er, static_cast<std::uint16_t>(i), 0, v,
                      "{} ({}) is not used by the guide here, found '{}'", er.label, er.name, cut(v));
      if (!tolerated(er)) continue;  // accepted by a quirk switch: check it like any other value
    }
    check_element(s, er, v);
  }
  if (last > defined) {
    const std::string_view v = s.element(defined + 1);
    static const ValueRule none;
    element_finding(core::DiagCode::ig_too_many_elements, none, static_cast<std::uint16_t>(defined + 1), 0, v,
                    "{} has {} elements, its definition {}", s.id(), last, defined);
  }
  for (std::size_t i = last + 1; i <= defined; ++i) {
    const ElementRule& er = rule.elements[i - 1];
    if (er.usage == Usage::required)
      element_finding(core::DiagCode::ig_element_required_missing, er, static_cast<std::uint16_t>(i), 0, std::string_view{},
                      "{} ({}) is required, found the segment ending before it", er.label, er.name);
  }
  if (!rule.syntax.empty()) check_syntax(rule, present);
}

void TransactionValidator::Impl::check_element(const x12::SegmentView& s, const ElementRule& er, std::string_view value) {
  const auto pos = er.position;
  const x12::Delimiters& d = s.delimiters();
  classes.prepare(d.repetition, d.component);
  const ValueScan scanned = classes.scan(value);
  // Repetitions (ISA11 from 00402 on).
  if (scanned.repetition) {
    std::size_t reps = 0;
    for_each_piece(value, d.repetition, [&](std::size_t, std::string_view) {
      ++reps;
      return true;
    });
    if (er.repeat != 0 && reps > er.repeat) {
      element_finding(core::DiagCode::ig_too_many_repetitions, er, pos, 0, value, "{} repeats {} times, the guide allows {}",
                      er.label, reps, er.repeat);
      return;
    }
    for_each_piece(value, d.repetition, [&](std::size_t, std::string_view rep) {
      if (!rep.empty()) check_element(s, er, rep);  // no repetition separator inside a piece: no recursion beyond one level
      return true;
    });
    return;
  }
  if (er.composite != nullptr && !scanned.component) {
    // One component only: the common case (HI01 'ABK', UM04 sent as '22' alone is caught below).
    const ValueRule& cr = er.components.empty() ? static_cast<const ValueRule&>(er) : er.components[0];
    if (cr.usage == Usage::not_used) {
      element_finding(core::DiagCode::ig_element_not_used, cr, pos, 1, value, "{} ({}) is not used by the guide here, found '{}'",
                      cr.label, cr.name, cut(value));
      if (!tolerated(cr)) return;
    }
    check_value(s, cr, pos, 1, value, value, scanned.printable);
    for (std::size_t i = 2; i <= er.components.size(); ++i) {
      const ValueRule& rest = er.components[i - 1];
      if (rest.usage == Usage::required)
        element_finding(core::DiagCode::ig_element_required_missing, rest, pos, static_cast<std::uint16_t>(i), std::string_view{},
                        "{} ({}) is required, found the composite ending before it", rest.label, rest.name);
    }
    return;
  }
  if (er.composite != nullptr) {
    std::size_t count_sent = 0;
    std::size_t last = 0;
    for_each_piece(value, d.component, [&](std::size_t i, std::string_view c) {
      count_sent = i;
      if (!c.empty()) last = i;
      return true;
    });
    if (last < count_sent) {
      const core::Severity sev = options.accept_trailing_separators ? core::Severity::warning : core::Severity::error;
      count(sev);
      if (wanted()) {
        core::SourcePosition at = seg_at;
        at.element = pos;
        at.component = static_cast<std::uint16_t>(last + 1);
        core::Diagnostic diag = make(core::DiagCode::ig_trailing_separator, sev, at, s.id(), seg_loop,
                                     fmt::format("{} ends with {} empty component(s) (reference 5.3: omit trailing separators)",
                                                 er.label, count_sent - last));
        diag.found_value = cut(value);
        pending.push_back(std::move(diag));
      } else {
        ++result.findings_dropped;
      }
    }
    const std::size_t defined = er.components.size();
    if (last > defined) {
      element_finding(core::DiagCode::ig_too_many_components, er, pos, static_cast<std::uint16_t>(defined + 1), value,
                      "{} has {} components, composite {} defines {}", er.label, last, er.composite->id, defined);
    }
    for_each_piece(value, d.component, [&](std::size_t i, std::string_view c) {
      if (i > defined || i > last) return false;
      const ValueRule& cr = er.components[i - 1];
      if (c.empty()) {
        if (cr.usage == Usage::required)
          element_finding(core::DiagCode::ig_element_required_missing, cr, pos, static_cast<std::uint16_t>(i), c,
                          "{} ({}) is required, found it empty", cr.label, cr.name);
        return true;
      }
      if (cr.usage == Usage::not_used) {
        element_finding(core::DiagCode::ig_element_not_used, cr, pos, static_cast<std::uint16_t>(i), c,
                        "{} ({}) is not used by the guide here, found '{}'", cr.label, cr.name, cut(c));
        if (!tolerated(cr)) return true;
      }
      check_value(s, cr, pos, static_cast<std::uint16_t>(i), c, value, scanned.printable);
      return true;
    });
    for (std::size_t i = last + 1; i <= defined; ++i) {
      const ValueRule& cr = er.components[i - 1];
      if (cr.usage == Usage::required)
        element_finding(core::DiagCode::ig_element_required_missing, cr, pos, static_cast<std::uint16_t>(i), std::string_view{},
                        "{} ({}) is required, found the composite ending before it", cr.label, cr.name);
    }
    return;
  }
  if (scanned.component) {
    element_finding(core::DiagCode::ig_too_many_components, er, pos, 0, value,
                    "{} is a simple element, found components in '{}' (component separator '{}')", er.label, cut(value),
                    d.component);
    return;
  }
  check_value(s, er, pos, 0, value, {}, scanned.printable);
}

SOC278_INLINE void TransactionValidator::Impl::check_value(const x12::SegmentView& s, const ValueRule& rule, std::uint16_t element,
                                             std::uint16_t component, std::string_view value, std::string_view composite_value,
                                             bool known_printable) {
  if (rule.element == nullptr) return;
  const ElementDef& def = *rule.element;
  if (value.front() == ' ' || value.back() == ' ') {
    element_finding(core::DiagCode::ig_element_space_padded, rule, element, component, value,
                    "{} '{}' has leading or trailing spaces", rule.label, cut(value));
    value = trim_spaces(value);
    if (value.empty()) return;
  }
  bool well_formed = true;
  switch (def.type) {
    case ValueType::an:
    case ValueType::id:
      if (!known_printable && !printable(value)) {
        element_finding(core::DiagCode::ig_element_invalid_character, rule, element, component, value,
                        "{} holds a character outside the X12 character set", rule.label);
        well_formed = false;
      }
      break;
    case ValueType::numeric:
      if (!x12::parse_integer(value)) {
        element_finding(core::DiagCode::ig_element_invalid_character, rule, element, component, value,
                        "{} '{}' is not a number (type N{}: digits, an optional leading '-')", rule.label, cut(value), def.decimals);
        well_formed = false;
      }
      break;
    case ValueType::decimal:
      if (!x12::parse_decimal(value)) {
        element_finding(core::DiagCode::ig_element_invalid_character, rule, element, component, value,
                        "{} '{}' is not a decimal number (type R)", rule.label, cut(value));
        well_formed = false;
      }
      break;
    case ValueType::date: {
      const bool ok = def.max_length == 6 ? value.size() == 6 && x12::parse_date_yymmdd(value).has_value()
                                          : value.size() == 8 && x12::parse_date(value).has_value();
      if (!ok) {
        element_finding(core::DiagCode::ig_element_invalid_date, rule, element, component, value,
                        "{} '{}' is not a valid {} date", rule.label, cut(value), def.max_length == 6 ? "YYMMDD" : "CCYYMMDD");
        return;
      }
      break;
    }
    case ValueType::time:
      if (!x12::parse_time(value)) {
        element_finding(core::DiagCode::ig_element_invalid_time, rule, element, component, value,
                        "{} '{}' is not a valid HHMM[SS[D[D]]] time", rule.label, cut(value));
        return;
      }
      break;
  }
  // Codes first: a value outside the list is reported as such, not also as a length problem.
  const bool listed = !rule.codes.empty() || rule.codes_from != nullptr;
  if (listed && !(rule.codes.empty() ? rule.codes_from->codes.contains(value) : rule.codes.contains(value))) {
    const std::string allowed = rule.codes.empty() ? fmt::format("code list {}", rule.codes_from->id) : code_preview(rule.codes);
    if (def.known_codes.contains(value)) {
      // A code of this element that the guide allows elsewhere, not here (IK403 I6).
      element_finding(core::DiagCode::ig_code_not_used, rule, element, component, value,
                      "{} '{}' is a valid {} code, but the guide does not use it here (allowed: {})", rule.label, cut(value),
                      def.ref, allowed);
    } else {
      element_finding(core::DiagCode::ig_element_invalid_code, rule, element, component, value,
                      "{} '{}' is not a valid code here (allowed: {})", rule.label, cut(value), allowed);
    }
    return;
  }
  if (well_formed) {
    const bool numeric = def.type == ValueType::numeric || def.type == ValueType::decimal;
    const std::size_t len = numeric ? x12::numeric_length(value) : value.size();
    if (len < rule.min_length) {
      element_finding(core::DiagCode::ig_element_too_short, rule, element, component, value,
                      "{} '{}' has {} character(s), the minimum is {} ({} {}/{})", rule.label, cut(value), len, rule.min_length,
                      type_name(def), rule.min_length, rule.max_length);
    } else if (len > rule.max_length) {
      element_finding(core::DiagCode::ig_element_too_long, rule, element, component, value,
                      "{} has {} character(s), the maximum is {} ({} {}/{})", rule.label, len, rule.max_length, type_name(def),
                      rule.min_length, rule.max_length);
    }
  }
  if (rule.format_from != 0) {
    const std::string_view format = component == 0 ? s.element(rule.format_from)
                                                   : x12::nth_piece(composite_value, s.delimiters().component, rule.format_from);
    if (!valid_by_format(trim_spaces(format), value)) {
      element_finding(core::DiagCode::ig_element_invalid_date, rule, element, component, value,
                      "{} '{}' is not a valid {} value ({})", rule.label, cut(value), trim_spaces(format),
                      trim_spaces(format) == "RD8" ? "CCYYMMDD-CCYYMMDD, start <= end" : "date");
    }
  }
}

void TransactionValidator::Impl::check_syntax(const SegmentRule& rule, std::uint64_t present) {
  auto has = [&](std::uint8_t p) { return p < 64 && (present >> p & 1U) != 0; };
  for (const SyntaxNote& n : rule.syntax) {
    std::size_t count_present = 0;
    for (std::size_t i = 0; i < n.count; ++i) count_present += has(n.positions[i]) ? 1 : 0;
    auto at_rule = [&](std::uint8_t p) -> const ElementRule& { return rule.elements[p - 1]; };
    switch (n.kind) {
      case SyntaxKind::paired:
        if (count_present != 0 && count_present != n.count) {
          for (std::size_t i = 0; i < n.count; ++i) {
            const std::uint8_t p = n.positions[i];
            if (!has(p))
              element_finding(core::DiagCode::ig_syntax_paired, at_rule(p), p, 0, {},
                              "{}: {} is required because another of the paired elements is present", n.text, at_rule(p).label);
          }
        }
        break;
      case SyntaxKind::required:
        if (count_present == 0) {
          const std::uint8_t p = n.positions[0];
          element_finding(core::DiagCode::ig_syntax_required, at_rule(p), p, 0, {}, "{}: at least one of the listed elements is required",
                          n.text);
        }
        break;
      case SyntaxKind::conditional:
        if (has(n.positions[0])) {
          for (std::size_t i = 1; i < n.count; ++i) {
            const std::uint8_t p = n.positions[i];
            if (!has(p))
              element_finding(core::DiagCode::ig_syntax_conditional, at_rule(p), p, 0, {}, "{}: {} is required because {} is present",
                              n.text, at_rule(p).label, at_rule(n.positions[0]).label);
          }
        }
        break;
      case SyntaxKind::exclusion:
        if (count_present > 1) {
          std::size_t seen = 0;
          for (std::size_t i = 0; i < n.count; ++i) {
            const std::uint8_t p = n.positions[i];
            if (has(p) && ++seen > 1)
              element_finding(core::DiagCode::ig_syntax_exclusion, at_rule(p), p, 0, {},
                              "{}: only one of the listed elements may be present, found {} too", n.text, at_rule(p).label);
          }
        }
        break;
      case SyntaxKind::list_conditional:
        if (has(n.positions[0]) && count_present == 1) {
          const std::uint8_t p = n.positions[1];
          element_finding(core::DiagCode::ig_syntax_list_conditional, at_rule(p), p, 0, {},
                          "{}: {} is present, so at least one of the other listed elements is required", n.text,
                          at_rule(n.positions[0]).label);
        }
        break;
    }
  }
}

// ---- TransactionValidator -------------------------------------------------------------------------

TransactionValidator::TransactionValidator(const GuideSet& guides, ValidationOptions options)
    : impl_(std::make_unique<Impl>(guides, options)) {}
TransactionValidator::~TransactionValidator() = default;
TransactionValidator::TransactionValidator(TransactionValidator&&) noexcept = default;
TransactionValidator& TransactionValidator::operator=(TransactionValidator&&) noexcept = default;

void TransactionValidator::forward_to(core::DiagnosticSink* sink) noexcept { impl_->sink = sink; }
const ValidationOptions& TransactionValidator::options() const noexcept { return impl_->options; }

void TransactionValidator::begin(std::string_view isa12, std::string_view gs01, std::string_view gs08, std::uint32_t file) {
  Impl& m = *impl_;
  m.state = Impl::State::idle;
  m.isa12 = isa12;
  m.gs01 = gs01;
  m.gs08 = gs08;
  m.file = file;
  m.guide = nullptr;
  m.result = TransactionResult{};
  if (m.options.build_tree) m.result.text.reserve(m.text_hint);
  m.frames.clear();
  m.counts.clear();
  m.hls.clear();
  m.pending.clear();
  m.last_at = {};
}

void TransactionValidator::segment(const x12::SegmentView& s, std::uint32_t position_in_set) {
  Impl& m = *impl_;
  ++m.result.segments;
  core::SourcePosition& at = m.last_at;  // filled in place: no copy of a just-written struct
  at.file = m.file;
  at.byte_offset = s.byte_offset();
  at.segment_in_file = s.ordinal();
  at.segment_in_set = position_in_set;
  at.element = 0;
  at.component = 0;
  switch (m.state) {
    case Impl::State::idle:
      // ST: held until the guide is known (BHT02 tells the 278 request from the response).
      m.st_text.assign(s.text());
      m.st_delimiters = s.delimiters();
      m.st_at = at;
      m.result.delimiters = s.delimiters();
      m.state = Impl::State::awaiting_bht;
      if (!m.guides.needs_bht02(s.element(1))) m.select({});
      return;
    case Impl::State::awaiting_bht:
      m.select(s.is("BHT") ? s.element(2) : std::string_view{});
      if (m.state != Impl::State::walking) return;
      break;
    case Impl::State::walking:
      break;
    case Impl::State::no_guide:
      return;
  }
  m.walk(s, at);
}

TransactionResult TransactionValidator::end() {
  Impl& m = *impl_;
  if (m.state == Impl::State::awaiting_bht) m.select({});
  if (m.state == Impl::State::walking) {
    const std::string_view trigger = m.last_at.segment_in_set == m.result.segments ? std::string_view("SE") : std::string_view{};
    while (!m.frames.empty()) m.close_frame(m.last_at, trigger.empty() ? "the end of the set" : trigger);
    m.finish_hl();
  }
  m.result.guide = m.guide;
  m.result.rejected = m.result.errors != 0;
  m.text_hint = std::max<std::size_t>(m.text_hint, m.result.text.size());
  TransactionResult out = std::move(m.result);
  m.result = TransactionResult{};
  m.state = Impl::State::idle;
  m.frames.clear();
  m.counts.clear();
  m.hls.clear();
  return out;
}

x12::SegmentView TransactionResult::view(const SegmentNode& n) const noexcept {
  x12::SegmentView v;
  (void)v.assign(text.data() + n.text_offset, n.text_length, delimiters, n.at.byte_offset, n.at.segment_in_file);
  return v;
}

bool TransactionResult::has(core::DiagCode code) const noexcept {
  return std::any_of(findings.begin(), findings.end(), [&](const core::Diagnostic& d) { return d.code == code; });
}

// ---- options ----------------------------------------------------------------------------------------

namespace {

core::Result<ValidationOptions> options_from(const YAML::Node& root, std::string_view name) {
  auto fail = [&](const YAML::Node& at, const std::string& what) -> core::Result<ValidationOptions> {
    return core::make_diagnostic(core::DiagCode::ig_grammar_invalid, core::SourcePosition{}, "",
                                 fmt::format("{}:{}: {}", name, at.Mark().line + 1, what));
  };
  ValidationOptions o;
  if (is_null(root)) return o;
  if (!is_map(root)) return fail(root, "expected a mapping of option: value");
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    const std::string value = is_scalar(kv.second) ? kv.second.Scalar() : std::string();
    bool* flag = nullptr;
    if (key == "accept_space_padding") flag = &o.accept_space_padding;
    if (key == "accept_sv105") flag = &o.accept_sv105;
    if (key == "accept_tolerated") flag = &o.accept_tolerated;
    if (key == "accept_trailing_separators") flag = &o.accept_trailing_separators;
    if (key == "build_tree") flag = &o.build_tree;
    if (flag != nullptr) {
      if (value != "true" && value != "false") return fail(kv.second, fmt::format("{}: expected true or false, found '{}'", key, value));
      *flag = value == "true";
    } else if (key == "max_findings") {
      const auto n = x12::parse_integer(value);
      if (!n || *n < 1) return fail(kv.second, fmt::format("max_findings: expected a positive integer, found '{}'", value));
      o.max_findings = static_cast<std::size_t>(*n);
    } else {
      return fail(kv.first, fmt::format("unknown option '{}' (expected accept_space_padding, accept_sv105, accept_tolerated, "
                                        "accept_trailing_separators, max_findings or build_tree)",
                                        key));
    }
  }
  return o;
}

}  // namespace

core::Result<ValidationOptions> parse_validation_options(std::string_view yaml_text, std::string_view name) {
  try {
    return options_from(YAML::Load(std::string(yaml_text)), name);
  } catch (const YAML::Exception& e) {
    return core::make_diagnostic(core::DiagCode::ig_grammar_invalid, core::SourcePosition{}, "",
                                 fmt::format("{}:{}: {}", name, e.mark.line + 1, e.msg));
  }
}

core::Result<ValidationOptions> load_validation_options(const std::filesystem::path& yaml_file) {
  try {
    return options_from(YAML::LoadFile(yaml_file.string()), yaml_file.string());
  } catch (const YAML::Exception& e) {
    return core::make_diagnostic(core::DiagCode::ig_grammar_invalid, core::SourcePosition{}, "",
                                 fmt::format("{}:{}: {}", yaml_file.string(), e.mark.line + 1, e.msg));
  }
}

}  // namespace soc278::ig

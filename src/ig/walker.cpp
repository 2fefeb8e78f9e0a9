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
//
// Speed (docs/PERFORMANCE.md, bench/validate_bench.cpp): the element checks have two paths. The
// fast path takes each value against its occurrence's compiled FastCheck (guide.hpp: type, length,
// up to four codes inline, format qualifier) after one SIMD pass over the segment's bytes, and only
// ever concludes "no finding". Whatever it cannot clear is checked again by the full checks
// (check_element, check_value, check_syntax), which alone build findings, so the findings never
// depend on the fast path. A segment whose bytes were found clean against the same occurrence
// before is clean again (Impl::clean_segments: an exact-key cache of that pure function, which
// files full of the same payer, provider and service segments hit most of the time). Matching
// tries the innermost loop's next occurrences and child loops first (find()), then reads packed key
// tables (LoopDef::segment_keys...) four at a time, skipping loops whose key_filter rules the id out.
//
// The code is split by job into private headers under walker/, included once, here, so that the
// per-segment path stays one translation unit (inlining across them matters): common.hpp (types and
// helpers), fast_checks.hpp (the fast path's value checks), then, after Impl, loops.hpp (loop
// matching), hl_rules.hpp, elements.hpp (the full checks), memo.hpp (the clean-segment memo),
// fast_elements.hpp and tree.hpp (loop-tree recycling). SIMD lives behind core/simd.hpp. The
// options parser is validation_options.cpp.
#include "soc278/ig/walker.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "ig/walker/common.hpp"
#include "ig/walker/fast_checks.hpp"
#include "soc278/core/icd10.hpp"
#include "soc278/x12/values.hpp"

namespace soc278::ig {

// ------------------------------------------------------------------------------------------------

struct TransactionValidator::Impl {
  explicit Impl(const GuideSet& g, ValidationOptions o) : guides(g), options(o) {
    if (options.fast_path) clean_segments.resize(std::size_t{1} << clean_bits);
  }

  GuideSet guides;
  ValidationOptions options;
  core::DiagnosticSink* sink = nullptr;

  // The transaction.
  enum class State : std::uint8_t { idle, awaiting_bht, walking, no_guide } state = State::idle;
  std::string isa12, gs01, gs08;
  std::uint32_t file = 0;
  std::string st_text;
  x12::SegmentView st_view;  // st_text tokenized
  core::SourcePosition st_at;
  struct Choice {  // the last guide chosen without a finding, and what chose it
    const Guide* guide = nullptr;
    std::string isa12, gs01, gs08, st01, bht02;
  } last_choice;
  std::string bht_st01;  // the last ST01 asked about needs_bht02, and the answer
  bool bht_needed = false;
  const Guide* guide = nullptr;
  TransactionResult result;
  std::size_t text_hint = 4096;
  // The loop tree's text is gathered here and appended to result.text a few KB at a time
  // (flush_text(), and at the end of the set): one inline copy per segment instead of
  // std::string::append's bookkeeping and a call to memcpy.
  std::size_t text_used = 0;  // bytes of text so far: result.text plus the staged ones
  std::size_t text_staged = 0;
  std::array<char, 4096> text_stage;
  void flush_text() {
    result.text.append(text_stage.data(), text_staged);
    text_staged = 0;
  }
  std::vector<Frame> frames;
  std::vector<std::uint32_t> counts;  // per open frame: [segments..., children..., trailer...]; see push_frame
  std::size_t counts_top = 0;
  std::size_t loop_words = max_loops / 64;  // LoopSet words the guide's loop indices need (start_walk)
  std::vector<HlRecord> hls;
  static_assert(sizeof(HlRecord) == 64, "keep HlRecord a power of two");
  std::int32_t hl_parent = -1;  // the HL being walked: the index in hls its HL02 names, or -1
  core::SourcePosition last_at;

  // The segment being checked.
  const x12::SegmentView* seg = nullptr;
  const core::SourcePosition* seg_pos = nullptr;  // of the segment being checked (last_at or st_at): not copied
  [[nodiscard]] const core::SourcePosition& seg_at() const noexcept { return *seg_pos; }
  std::string_view seg_loop;
  bool seg_level_reported = false;
  bool last_segment_reported = false;  // the segment just ended has an IK3 finding
  std::size_t seg_element_findings = 0;
  core::Severity seg_worst = core::Severity::info;
  std::vector<core::Diagnostic> pending;  // element findings of this segment, emitted after its IK3
  ByteClasses classes;
  SegmentClasses segment_classes;
  // Syntax notes depend only on which positions are present: remember (occurrence, presence)
  // pairs that passed, so the notes of a recurring segment shape are evaluated once.
  struct SyntaxMemo {
    const SegmentRule* rule = nullptr;
    std::uint64_t present = 0;
  };
  std::array<SyntaxMemo, 64> syntax_memo{};
  std::size_t counted = 0;  // findings counted so far (count()): tells whether a check found anything

  // The element checks are a function of the occurrence, the segment's bytes, the delimiters and
  // the options alone, and most segments of a file recur byte for byte (the same payer, provider,
  // service lines...). Segments whose checks found nothing are remembered here, keyed by exactly
  // those inputs (the options are the validator's own): the same bytes against the same occurrence
  // are clean again without running the checks. 1024 sets of two 88-byte slots, least recently
  // used out (see check_elements_once), hashed on the occurrence's serial rather than its address
  // so that which segments collide does not depend on heap layout. Off with
  // ValidationOptions::fast_path, so the tests can compare it with the full checks.
  static constexpr std::size_t clean_max = 64;     // longer segments are always checked
  static constexpr std::size_t clean_min = 8;      // shorter ones cost less to check than to look up
  static constexpr unsigned clean_bits = 11;
  struct CleanSegment {
    const SegmentRule* rule = nullptr;
    std::uint32_t length = 0;
    std::uint32_t delimiters = 0;
    std::array<char, clean_max> text{};
  };
  std::vector<CleanSegment> clean_segments;

  // Spare vectors of the previous sets' loop nodes, emptied but with their capacity: a set builds
  // ~10 loop nodes, and taking their vectors from here saves two allocations and two frees each.
  // The first spare_*_count entries are the spares; the rest are empty vectors without storage, so
  // taking and giving back are swaps (a moved-from vector<LoopNode> would cost an out-of-line
  // destructor call: the type is recursive).
  std::vector<std::vector<SegmentNode>> spare_segments;
  std::vector<std::vector<LoopNode>> spare_children;
  std::size_t spare_segments_count = 0;
  std::size_t spare_children_count = 0;

  // Tree recycling (walker/tree.hpp).
  void recycle(LoopNode& node) noexcept;
  LoopNode& new_child(LoopNode& parent, std::size_t segment_hint);
  void reset_result() noexcept;

  // ---- reporting ----------------------------------------------------------------------------------
  [[nodiscard]] bool wanted() const noexcept {
    return sink != nullptr || result.findings.size() + pending.size() < options.max_findings;
  }

  void count(core::Severity s) noexcept {
    ++counted;
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
    report(code, seg_at(), seg->id(), loop_id, f, std::forward<Args>(args)...);
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
    core::SourcePosition at = seg_at();
    at.element = element;
    at.component = component;
    core::Diagnostic d = make(code, sev, at, seg->id(), seg_loop, fmt::format(f, std::forward<Args>(args)...));
    if (rule.element != nullptr) d.element_ref = rule.element->ref;
    d.found_value = cut(found);
    pending.push_back(std::move(d));
  }

  // `pending` is empty between segments (end_segment() and begin() empty it).
  void begin_segment(const x12::SegmentView& s, const core::SourcePosition& at, std::string_view loop_id) {
    seg = &s;
    seg_pos = &at;
    seg_loop = loop_id;
    seg_level_reported = false;
    seg_element_findings = 0;
    seg_worst = core::Severity::info;
  }

  SOC278_INLINE void end_segment() {
    last_segment_reported = seg_level_reported || seg_element_findings != 0;
    if (!last_segment_reported && pending.empty()) return;  // the common case: nothing found
    flush_segment();
  }
  SOC278_COLD void flush_segment() {
    if (seg_element_findings != 0 && !seg_level_reported) {
      // The IK3 that carries the IK4s: as severe as the worst of them.
      const core::Severity sev = seg_worst;
      count(sev);
      if (wanted()) {
        store(make(core::DiagCode::ig_segment_has_element_errors, sev, seg_at(), seg->id(), seg_loop,
                   fmt::format("{} at set position {} has {} element finding(s)", seg->id(), seg_at().segment_in_set,
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
    return std::size_t{l.segment_count} + l.child_count + l.trailer_count;
  }
  // `counts` is a stack used up to counts_top; it only grows, so pushing a frame zeroes its slots
  // in place instead of resizing.
  void push_frame(const LoopDef& l, LoopNode* node) {
    const std::size_t base = counts_top;
    const std::size_t slots = frame_slots(l);
    if (base + slots > counts.size()) counts.resize(std::max<std::size_t>(2 * counts.size(), base + slots + 64));
    std::uint32_t* c = counts.data() + base;
    for (std::size_t i = 0; i < slots; ++i) c[i] = 0;
    counts_top = base + slots;
    Frame& f = frames.emplace_back();
    for (std::size_t k = 0; k < loop_words; ++k) f.seen.w[k] = f.missing.w[k] = 0;
    f.loop = &l;
    f.node = node;
    f.counts = static_cast<std::uint32_t>(base);
  }
  void close_frame(const core::SourcePosition& trigger, std::string_view trigger_id);
  SOC278_COLD void report_missing(const core::SourcePosition& trigger, std::string_view trigger_id);
  Match forward(std::size_t depth, const x12::SegmentView& s, std::uint32_t key, bool strict) const;
  Match forward_scan(std::size_t depth, const x12::SegmentView& s, std::uint32_t key, bool strict) const;
  Match backward(std::size_t depth, const x12::SegmentView& s, std::uint32_t key, bool strict) const;
  Match hl_directed(const x12::SegmentView& s) const;
  Match find(const x12::SegmentView& s, std::uint32_t key) const;
  SOC278_INLINE void walk(const x12::SegmentView& s, const core::SourcePosition& at);  // one caller: segment()
  void unmatched(const x12::SegmentView& s, std::uint32_t key);
  SOC278_INLINE void accept(const x12::SegmentView& s, const SegmentRule& rule, LoopNode* node);
  std::int32_t find_hl(std::string_view hl01) const noexcept;
  [[nodiscard]] static bool hl_parent_allowed(const LoopDef& l, const LoopDef& parent) noexcept;
  void check_hl(const x12::SegmentView& s, const SegmentRule& rule);
  SOC278_COLD void check_icd10(const x12::SegmentView& s, const SegmentRule& rule);
  void finish_hl();
  void hl_child_finding(HlRecord& hl, std::string message);

  // ---- element checks -----------------------------------------------------------------------------
  [[nodiscard]] static bool fast_element(const x12::SegmentView& s, const SegmentRule& rule, const FastCheck& f,
                                         std::string_view v, bool component_in_segment) noexcept;
  [[nodiscard]] static bool fast_syntax(const SegmentRule& rule, std::uint64_t present) noexcept;
  void check_elements(const x12::SegmentView& s, const SegmentRule& rule);
  SOC278_INLINE void check_elements_once(const x12::SegmentView& s, const SegmentRule& rule);
  void remember_clean(CleanSegment* set, const SegmentRule& rule, std::uint32_t delims, const char* p, std::size_t n) noexcept;
  // A hit in way 1 makes it the more recently used (out of line: rare, and 176 bytes to move).
  SOC278_NOINLINE static void swap_ways(CleanSegment* set) noexcept { std::swap(set[0], set[1]); }
  SOC278_COLD void trailing_elements(const x12::SegmentView& s, std::size_t sent, std::size_t last);
  SOC278_COLD void element_values(const x12::SegmentView& s, const SegmentRule& rule, std::size_t first, std::size_t upto,
                                  std::uint64_t& present);
  SOC278_COLD void element_tail(const x12::SegmentView& s, const SegmentRule& rule, std::size_t last);
  void check_element(const x12::SegmentView& s, const ElementRule& rule, std::string_view value);
  SOC278_INLINE void check_value(const x12::SegmentView& s, const ValueRule& rule, std::uint16_t element, std::uint16_t component,
                                 std::string_view value, std::string_view composite_value, bool known_printable);
  void check_syntax(const SegmentRule& rule, std::uint64_t present);
};

}  // namespace soc278::ig

#include "ig/walker/loops.hpp"
#include "ig/walker/hl_rules.hpp"
#include "ig/walker/elements.hpp"
#include "ig/walker/memo.hpp"
#include "ig/walker/fast_elements.hpp"
#include "ig/walker/tree.hpp"

namespace soc278::ig {

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
  // The same for every set of a group: compared, which is cheaper than assigning again.
  if (m.isa12 != isa12) m.isa12 = isa12;
  if (m.gs01 != gs01) m.gs01 = gs01;
  if (m.gs08 != gs08) m.gs08 = gs08;
  m.file = file;
  m.guide = nullptr;
  m.reset_result();
  if (m.options.build_tree) m.result.text.reserve(m.text_hint);
  m.frames.clear();
  m.counts_top = 0;
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
      (void)m.st_view.assign(m.st_text.data(), m.st_text.size(), s.delimiters(), at.byte_offset, at.segment_in_file);
      m.st_at = at;
      m.result.delimiters = s.delimiters();
      m.state = Impl::State::awaiting_bht;
      if (const std::string_view st01 = s.element(1); st01 != m.bht_st01) {
        m.bht_st01 = st01;
        m.bht_needed = m.guides.needs_bht02(st01);
      }
      if (!m.bht_needed) m.select({});
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

std::vector<core::Diagnostic> TransactionValidator::check_segment(const x12::SegmentView& s, const SegmentRule& rule,
                                                                  const core::SourcePosition& at) {
  Impl& m = *impl_;
  // The transaction's state is idle between sets; the checks report into a scratch result.
  TransactionResult saved = std::move(m.result);
  m.reset_result();
  core::DiagnosticSink* sink = std::exchange(m.sink, nullptr);
  m.begin_segment(s, at, "");
  if (rule.usage != Usage::not_used) m.check_elements(s, rule);
  m.end_segment();
  std::vector<core::Diagnostic> out = std::move(m.result.findings);
  m.result = std::move(saved);
  m.sink = sink;
  return out;
}

// FileValidator's per-segment call lives here so that segment() above is inlined into it.
SOC278_HOT void FileValidator::on_transaction_segment(const x12::TransactionInfo&, const x12::SegmentView& s, std::uint32_t position) {
  validator_.segment(s, position);
}

TransactionResult& TransactionValidator::end_in_place() {
  Impl& m = *impl_;
  if (m.state == Impl::State::awaiting_bht) m.select({});
  if (m.state == Impl::State::walking) {
    const std::string_view trigger = m.last_at.segment_in_set == m.result.segments ? std::string_view("SE") : std::string_view{};
    while (!m.frames.empty()) m.close_frame(m.last_at, trigger.empty() ? "the end of the set" : trigger);
    m.finish_hl();
  }
  m.result.guide = m.guide;
  m.result.rejected = m.result.errors != 0;
  m.flush_text();
  m.text_hint = std::max<std::size_t>(m.text_hint, m.text_used);
  m.state = Impl::State::idle;
  m.frames.clear();
  m.counts_top = 0;
  m.hls.clear();
  return m.result;
}

TransactionResult TransactionValidator::end() {
  TransactionResult out = std::move(end_in_place());
  impl_->reset_result();
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

}  // namespace soc278::ig

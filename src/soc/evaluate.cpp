// The site-of-care evaluator: rules R0..R6 of docs/decisions.md applied to each 2000F service line.
//
// Pure: reads the request, the policy tables, the History interface and the injected decision date;
// writes only its output and the caller's EvaluationBuffers. Nothing here knows a payer: every code,
// section and parameter comes from the MappingSet (STYLE.md section 8).
//
// Every transaction is decided, about two lines each, so the evaluator writes into the caller's
// LineDecisions in place: their strings and vectors keep the buffers of the previous transaction,
// and the elements of vectors (evidence items, criteria, texts) go back to pools in the Store and
// come out again with their buffers. Texts are appended piece by piece into those buffers, never
// built as temporaries. Once the buffers have grown, deciding a line does not allocate.
#include "soc278/soc/evaluate.hpp"

#include "core/text.hpp"
#include "soc278/core/bytes.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <span>
#include <string_view>

namespace soc278::soc {

// ---- reusable storage ------------------------------------------------------------------------

struct EvaluationBuffers::Store {
  // Whole decision vectors of earlier transactions, by line count: by_size[n] holds n decisions (or
  // nothing while `out` holds them). Line counts change from one set to the next, and swapping
  // vectors is three pointers where moving LineDecisions in and out of a pool costs hundreds of
  // instructions each; a transaction of n lines also tends to repeat what the last one of n lines
  // wrote at each position, which set() then leaves alone.
  static constexpr std::size_t kKeptSizes = 16;
  std::array<std::vector<LineDecision>, kKeptSizes> by_size;
  // Elements taken back from earlier decisions: emptied, with their buffers.
  std::vector<LineDecision> lines;
  std::vector<CriterionCheck> checks;     // each with an empty `evidence` that kept its capacity
  std::vector<EvidenceItem> items;
  std::vector<std::string> texts;
  // What LineWriter hands out instead of a kept item when the context asks for no detail.
  EvidenceItem scratch_item;
  CriterionCheck scratch_check;
  // The line being decided: the exceptions evidenced by coded data (policy order) and the phrases a
  // sentence cites for them ("T88.6XXA (anaphylaxis)").
  std::vector<const mapping::Criterion*> met;
  std::vector<std::string> met_evidence;   // the first met_evidence_count are this line's
  std::size_t met_evidence_count = 0;
  // Per line of the request: an administration code line (decided in the second pass).
  std::vector<std::uint8_t> administration;
  // Every PWK of the request, 2000E first and then each line's in line order, with what the
  // documentation rules say of it (classified once per request): documentation is about the member,
  // so a PWK anywhere in the event counts for every line of it (docs/decisions.md section 1).
  struct Pwk {
    const model::Attachment* attachment = nullptr;
    mapping::PwkStatus status = mapping::PwkStatus::not_submitted;
    std::uint32_t line = 0;     // 2000F line number it was sent on; 0 = 2000E
    bool awaited = false;       // sent on paper and not yet received (documentation_counts_when: received)
    [[nodiscard]] bool counts() const noexcept { return status == mapping::PwkStatus::submitted && !awaited; }
  };
  std::vector<Pwk> pwks;
  std::size_t pwk_counted = 0, pwk_awaited = 0;
  // Per 2000E diagnosis of the request: an ICD-10 code under an ICD-10 qualifier, i.e. evidence the
  // criteria may match (every line's assessment asks, for every diagnosis criterion).
  std::vector<std::uint8_t> icd10_evidence;
  // The evidence group of each criterion of `groups_criteria` (nullptr: none or unknown), looked up
  // by id once per criteria table and MappingSet instead of once per criterion and line.
  const mapping::Criterion* groups_criteria = nullptr;
  const mapping::MappingSet* groups_mappings = nullptr;
  std::vector<const mapping::EvidenceGroup*> criterion_groups;
  // The last routing and what it was made from: the sets of a file mostly share their receiver ids.
  const mapping::MappingSet* routed_with = nullptr;
  std::string routed_isa08, routed_gs03, routed_umo;
  RoutingResult routing;
};

EvaluationBuffers::EvaluationBuffers() noexcept = default;
EvaluationBuffers::~EvaluationBuffers() = default;
EvaluationBuffers::EvaluationBuffers(const EvaluationBuffers&) noexcept {}
EvaluationBuffers& EvaluationBuffers::operator=(const EvaluationBuffers&) noexcept { return *this; }
EvaluationBuffers::EvaluationBuffers(EvaluationBuffers&&) noexcept = default;
EvaluationBuffers& EvaluationBuffers::operator=(EvaluationBuffers&&) noexcept = default;

EvaluationBuffers::Store& EvaluationBuffers::store() {
  if (!store_) store_ = std::make_unique<Store>();
  return *store_;
}

namespace {

using Store = EvaluationBuffers::Store;
using mapping::Criterion;
using mapping::CriterionKind;
using mapping::DrugFlag;
using mapping::EvidenceKind;
using mapping::SiteClass;

// ---- writing a decision over the previous one ----------------------------------------------

// Whether `s` already holds `v`. Most of what a decision writes is a short id, code, segment or loop
// name that the reused string already holds (the same policy, the same lines, transaction after
// transaction), and comparing is much cheaper than std::string::assign.
[[gnu::always_inline]] inline bool same_text(const std::string& s, std::string_view v) noexcept {
  const std::size_t n = v.size();
  if (s.size() != n) return false;
  const char* a = s.data();
  const char* b = v.data();
  if (n >= 8 && n <= 16) {  // two overlapping 8-byte words cover it
    std::uint64_t a0, b0, a1, b1;
    std::memcpy(&a0, a, 8);
    std::memcpy(&b0, b, 8);
    std::memcpy(&a1, a + n - 8, 8);
    std::memcpy(&b1, b + n - 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  if (n > 16) return std::memcmp(a, b, n) == 0;
  for (std::size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// `s` = `v`, keeping `s` untouched when it holds `v` already.
// A different value usually fits the buffer the string already has: then clear() and append() copy
// it without std::string::assign's general replace (which allows for `v` inside `s`; here `v` never
// is: it comes from the tables, the request or another decision).
[[gnu::always_inline]] inline void set(std::string& s, std::string_view v) {
  if (same_text(s, v)) return;
  s.clear();
  s.append(v.data(), v.size());
}

// A new last element of `v`, from the pool when it has one. Its fields are stale: the caller sets
// every one.
template <typename T>
T& take(std::vector<T>& v, std::vector<T>& pool) {
  if (pool.empty()) return v.emplace_back();
  v.push_back(std::move(pool.back()));
  pool.pop_back();
  return v.back();
}

// Element `n` of `v` (then n + 1): the one the previous decision left there, or a new one.
template <typename T>
T& reuse(std::vector<T>& v, std::size_t& n, std::vector<T>& pool) {
  if (n < v.size()) return v[n++];
  ++n;
  return take(v, pool);
}

// Keeps the first `n` elements of `v`; the others go to the pool with their buffers, last first, so
// that take() hands them out again in their order (where their short strings most likely match).
template <typename T>
[[gnu::noinline]] void cut_tail(std::vector<T>& v, std::size_t n, std::vector<T>& pool) {
  for (std::size_t i = v.size(); i-- > n;) pool.push_back(std::move(v[i]));
  v.erase(v.begin() + static_cast<std::ptrdiff_t>(n), v.end());
}
// Mostly there is nothing to cut (the vector has the length it had last time): that test inline.
template <typename T>
[[gnu::always_inline]] inline void cut(std::vector<T>& v, std::size_t n, std::vector<T>& pool) {
  if (v.size() > n) cut_tail(v, n, pool);
}

// `out` with `n` decisions; the ones beyond wait in the pool for a longer transaction.
void prepare(std::vector<LineDecision>& out, std::size_t n, Store& s) {
  if (out.size() == n) return;
  // Put the whole vector away under its size and take the one kept for `n`, when there is one.
  // by_size[k] is empty while `out` holds the k decisions taken from it; if it is not (another
  // `out` used with these buffers), the element-wise path below still gives the right result.
  if (const std::size_t old = out.size(); old != 0 && old < Store::kKeptSizes && s.by_size[old].empty()) out.swap(s.by_size[old]);
  if (n < Store::kKeptSizes && out.empty() && s.by_size[n].size() == n) {
    out.swap(s.by_size[n]);
    return;
  }
  while (out.size() > n) {
    s.lines.push_back(std::move(out.back()));
    out.pop_back();
  }
  while (out.size() < n) {
    if (s.lines.empty()) {
      out.emplace_back();
    } else {
      out.push_back(std::move(s.lines.back()));
      s.lines.pop_back();
    }
  }
}

// Writes one LineDecision over what an earlier transaction left in it: every scalar and the sentence
// are reset here, and the vectors are written front to back over their old elements (whose strings
// keep their buffers) and cut to length by finish(). Until finish() the vectors' sizes mean nothing;
// the counts below do. The short strings (hcpcs, the requested site's code, name and loop, hcr01,
// hcr03, policy_id, section, rule_id and the explanation's rule, policy and section) are NOT reset:
// every way of deciding a line sets each of them with set(), which leaves one that already holds the
// value alone. A field added to LineDecision must be reset here or set on every path (reuse_test.cpp
// compares reused decisions with fresh ones).
class LineWriter {
 public:
  LineWriter(LineDecision& decision, Store& s, bool detail = true) : d(decision), s_(s), detail_(detail) {
    d.line_number = 0;
    SiteRequest& site = d.requested_site;
    site.qualifier = model::SiteQualifier::none;
    site.site_class.reset();
    site.at = {};
    d.outcome = Outcome::pend;
    d.redirect_to.clear();
    d.certified_facility = false;
    d.authorized_site.reset();
    d.approved_span.reset();
    d.requested_end.reset();
    d.explanation.sentence.clear();
  }
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  LineDecision& d;

  // A new fact (explanation.facts) with an empty text for the caller to write.
  EvidenceItem& fact(std::string_view segment, std::string_view loop, const core::SourcePosition& at) {
    if (!detail_) return ++facts_, s_.scratch_item;
    return start_item(reuse(d.explanation.facts, facts_, s_.items), segment, loop, at);
  }
  [[nodiscard]] std::size_t fact_count() const noexcept { return facts_; }

  // A new criterion check with no evidence and no note; evidence() adds to it until the next check().
  CriterionCheck& check(std::string_view id, std::string_view section, CriterionOutcome outcome) {
    close_check();
    if (!detail_) {  // counted by evidence_count() for the rules all the same
      s_.scratch_check.outcome = outcome;
      return s_.scratch_check;
    }
    CriterionCheck& k = reuse(d.explanation.criteria, checks_, s_.checks);
    set(k.criterion_id, id);
    set(k.section, section);
    k.outcome = outcome;
    k.note.clear();
    evidence_ = 0;
    return k;
  }
  EvidenceItem& evidence(std::string_view segment, std::string_view loop, const core::SourcePosition& at) {
    if (!detail_) return ++evidence_, s_.scratch_item;
    return start_item(reuse(d.explanation.criteria[checks_ - 1].evidence, evidence_, s_.items), segment, loop, at);
  }
  void copy_evidence(const EvidenceItem& from) {
    if (!detail_) return void(++evidence_);
    EvidenceItem& e = reuse(d.explanation.criteria[checks_ - 1].evidence, evidence_, s_.items);
    set(e.segment, from.segment);
    set(e.loop, from.loop);
    set(e.text, from.text);
    e.at = from.at;
  }
  [[nodiscard]] std::size_t evidence_count() const noexcept { return evidence_; }
  [[nodiscard]] bool detail() const noexcept { return detail_; }

  // A new, empty text in documents_needed / non_qualifying.
  std::string& document() { return cleared(reuse(d.documents_needed, documents_, s_.texts)); }
  std::string& non_qualifying() { return cleared(reuse(d.non_qualifying, non_qualifying_, s_.texts)); }
  // The same, holding a copy of `text`.
  void copy_document(std::string_view text) { set(reuse(d.documents_needed, documents_, s_.texts), text); }
  void copy_non_qualifying(std::string_view text) { set(reuse(d.non_qualifying, non_qualifying_, s_.texts), text); }
  [[nodiscard]] std::span<const std::string> non_qualifying_so_far() const noexcept {
    return {d.non_qualifying.data(), non_qualifying_};
  }

  // Cuts every vector to what this decision wrote.
  void finish() {
    close_check();
    cut(d.explanation.facts, detail_ ? facts_ : 0, s_.items);
    cut(d.explanation.criteria, checks_, s_.checks);
    cut(d.documents_needed, documents_, s_.texts);
    cut(d.non_qualifying, non_qualifying_, s_.texts);
  }

 private:
  Store& s_;
  const bool detail_;  // EvaluationContext::detail: keep criteria and facts
  std::size_t facts_ = 0, checks_ = 0, evidence_ = 0, documents_ = 0, non_qualifying_ = 0;

  static EvidenceItem& start_item(EvidenceItem& e, std::string_view segment, std::string_view loop, const core::SourcePosition& at) {
    set(e.segment, segment);
    set(e.loop, loop);
    e.text.clear();
    e.at = at;
    return e;
  }
  static std::string& cleared(std::string& t) {
    t.clear();
    return t;
  }
  void close_check() {
    if (checks_ != 0) cut(d.explanation.criteria[checks_ - 1].evidence, evidence_, s_.items);
    evidence_ = 0;
  }
};

// ---- small helpers ---------------------------------------------------------------------------

// Appends the pieces to `out` (core::append, with one resize for all of them and the short pieces
// copied inline).
void add(std::string& out, std::initializer_list<core::Piece> pieces) {
  std::size_t n = 0;
  for (const core::Piece& p : pieces) n += p.size();
  const std::size_t old = out.size();
  // At least doubling: a reused buffer stops growing after a few transactions.
  if (old + n > out.capacity()) out.reserve(std::max(old + n, 2 * out.capacity()));
  out.resize(old + n);
  char* to = out.data() + old;
  for (const core::Piece& p : pieces) {
    const std::string_view v = p.view();
    core::copy_short(to, v.data(), v.size());
    to += v.size();
  }
}

// `out` replaced by the pieces, in its own buffer.
void put(std::string& out, std::initializer_list<core::Piece> pieces) {
  out.clear();
  add(out, pieces);
}

// Date::iso() written into a buffer on the stack, for a sentence (no temporary string): "2026-12-01".
class IsoText {
 public:
  explicit IsoText(const core::Date& d) {
    if (d.year < 0 || d.year > 9999 || d.month > 99 || d.day > 99) {  // Date::iso()'s general case
      other_ = d.iso();
      view_ = other_;
      return;
    }
    const auto y = static_cast<unsigned>(d.year);
    const unsigned digits[8] = {y / 1000, y / 100 % 10, y / 10 % 10, y % 10, d.month / 10u, d.month % 10u, d.day / 10u, d.day % 10u};
    char* p = buf_;
    for (int i = 0; i < 8; ++i) {
      if (i == 4 || i == 6) *p++ = '-';
      *p++ = static_cast<char>('0' + digits[i]);
    }
    view_ = {buf_, sizeof buf_};
  }
  IsoText(const IsoText&) = delete;
  IsoText& operator=(const IsoText&) = delete;
  [[nodiscard]] std::string_view view() const noexcept { return view_; }

 private:
  char buf_[10];
  std::string other_;
  std::string_view view_;
};

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

char qualifier_char(model::SiteQualifier q) noexcept {
  switch (q) {
    case model::SiteQualifier::bill_type: return 'A';
    case model::SiteQualifier::place_of_service: return 'B';
    case model::SiteQualifier::none: return '?';
  }
  return '?';
}

void um04_text(const SiteRequest& s, std::string& out) {
  out = s.code;
  if (s.qualifier != model::SiteQualifier::none) {
    out += ':';
    out += qualifier_char(s.qualifier);
  }
}

// Appends the items separated by `sep`, the last two by `last_sep`: "a, b and c".
template <typename Items>
void append_joined(std::string& out, const Items& items, std::string_view sep, std::string_view last_sep) {
  const std::size_t n = std::size(items);
  std::size_t i = 0;
  for (const auto& item : items) {
    if (i) out += i + 1 == n ? last_sep : sep;
    out += item;
    ++i;
  }
}

void append_site_phrase(std::string& out, std::span<const SiteClass> sites) {
  for (std::size_t i = 0; i < sites.size(); ++i) {
    if (i) out += i + 1 == sites.size() ? " or " : ", ";
    out += mapping::describe(sites[i]);
  }
}

// "T88.6XXA": Icd10Code::dotted() without the temporaries.
void append_dotted(std::string& out, const model::Icd10Code& code) {
  const std::string_view v = code.view();
  if (v.size() <= 3) {
    out += v;
    return;
  }
  out += v.substr(0, 3);
  out += '.';
  out += v.substr(3);
}

// ICD-10 qualifiers of an HI composite (x12-278-reference.md 2.6); ICD-9 (BK/BF/...) is not evidence.
bool icd10_qualifier(std::string_view q) noexcept { return q == "ABK" || q == "ABF" || q == "ABJ" || q == "APR"; }

// UM02 (x12-278-reference.md 2.4): R renewal and 4 extension continue a certification (GA.PMN.34 II);
// appeals (1, 2) and reconsideration (N) are not decided automatically; I initial, S revised and anything
// else go through the initial criteria (GA.PMN.34 I). A cancellation (3) is answered as one before any
// rule (is_cancel).
enum class ReviewKind { initial, continued, not_automated };
ReviewKind review_kind(std::string_view um02) noexcept {
  um02 = trim(um02);
  if (um02 == "R" || um02 == "4") return ReviewKind::continued;
  if (um02 == "1" || um02 == "2" || um02 == "N") return ReviewKind::not_automated;
  return ReviewKind::initial;
}

bool is_cancel(std::string_view um02) noexcept { return trim(um02) == "3"; }

std::string_view um02_meaning(std::string_view um02) noexcept {
  um02 = trim(um02);
  if (um02 == "1") return "appeal - immediate";
  if (um02 == "2") return "appeal - standard";
  if (um02 == "3") return "cancel";
  if (um02 == "N") return "reconsideration";
  if (um02 == "R") return "renewal";
  if (um02 == "4") return "extension";
  if (um02 == "S") return "revised";
  return "initial";
}

// Appendix B notes send natalizumab and rituximab to an infusion suite only.
constexpr std::array<SiteClass, 1> kInfusionSuiteOnly = {SiteClass::infusion_suite_or_office};
constexpr std::string_view kPediatricSection = "parameter pediatric_is_exception";

// ---- what the request says about one line, read once ----------------------------------------

struct LineContext {
  explicit LineContext(const model::ServiceLine& l) noexcept : line(l) {}
  const model::ServiceLine& line;
  const mapping::Drug* drug = nullptr;        // the policy's first row for the line's code
  mapping::DrugFlags flags;                   // the flags of every row of the line's code (inherited ones included)
  const mapping::Drug* inherited_from = nullptr;   // the "includes biosimilars" row whose flags the code inherits
  std::string um04;                           // "22:B", for sentences
  std::string_view um02;                      // 2000F UM02 when set, else 2000E UM02
  core::Date start;                           // span start: line DTP*472, else 2000E DTP, else decision date
  std::optional<core::Date> requested_end;    // the RD8 end of the DTP the start came from
  std::size_t first_pwk = 0;                  // the PWK items among the decision's facts
  std::size_t pwk_count = 0;
  std::size_t submitted_count = 0;            // PWKs of the event that count as documentation for an approval
  std::size_t awaited_count = 0;              // PWKs sent on paper, not yet received (documentation_counts_when)
  [[nodiscard]] bool any_submitted() const noexcept { return submitted_count != 0; }
  // Documentation is on its way or in hand: a reviewer will have it (R3 review, R5 rather than R6).
  [[nodiscard]] bool any_sent() const noexcept { return submitted_count != 0 || awaited_count != 0; }
};

class Evaluator {
 public:
  Evaluator(const model::AuthorizationRequest& request, const mapping::Policy& policy, const mapping::MappingSet& mappings,
            const History& history, const EvaluationContext& context, Store& store)
      : req_(request), policy_(policy), maps_(mappings), history_(history), ctx_(context),
        codes_(mappings.decision_codes), notes_(context.notes), texts_(context.detail), s_(store) {}

  void run(std::vector<LineDecision>& out) {
    const std::size_t n = req_.lines.size();
    prepare(out, n, s_);
    s_.administration.assign(n, 0);
    classify_documents();
    s_.icd10_evidence.clear();
    for (const model::Diagnosis& dx : req_.event.diagnoses)
      s_.icd10_evidence.push_back(dx.icd10 && icd10_qualifier(trim(dx.qualifier)) ? 1 : 0);
    const std::span<const Criterion> criteria = policy_.criteria();
    if (s_.groups_criteria != criteria.data() || s_.groups_mappings != &maps_ || s_.criterion_groups.size() != criteria.size()) {
      s_.criterion_groups.clear();
      for (const Criterion& c : criteria) s_.criterion_groups.push_back(maps_.evidence.group(c.evidence_group));
      s_.groups_criteria = criteria.data();
      s_.groups_mappings = &maps_;
    }
    // Pass 1: every line except administration codes; pass 2: each administration code follows the drug
    // line it administers (docs/decisions.md section 4, "Administration codes").
    for (std::size_t i = 0; i < n; ++i) {
      const model::ServiceLine& line = req_.lines[i];
      // One lookup per line: the row for the facts and sentences, the flags for the rules.
      const mapping::DrugTable::Listing listing =
          line.procedure ? policy_.drugs().listing(line.procedure->value) : mapping::DrugTable::Listing{};
      const bool listed = listing.first != nullptr;
      if (line.procedure && !listed && maps_.administration.contains(line.procedure->value)) {
        s_.administration[i] = 1;
        continue;
      }
      LineWriter w(out[i], s_, texts_);
      if (is_cancel(um02_of(line))) {
        decide_cancel(w, line, i, listing);
      } else {
        decide_line(w, line, i, listing);
        note_shortened_span(w.d);
      }
      w.finish();
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (s_.administration[i] == 0) continue;
      LineWriter w(out[i], s_, texts_);
      if (is_cancel(um02_of(req_.lines[i]))) {
        decide_cancel(w, req_.lines[i], i, mapping::DrugTable::Listing{});
      } else {
        const std::optional<std::size_t> drug = drug_line_for(i);
        decide_administration(w, req_.lines[i], i, drug ? &out[*drug] : nullptr, drug ? &req_.lines[*drug] : nullptr);
      }
      w.finish();
    }
  }

 private:
  const model::AuthorizationRequest& req_;
  const mapping::Policy& policy_;
  const mapping::MappingSet& maps_;
  const History& history_;
  const EvaluationContext& ctx_;
  const mapping::DecisionCodes& codes_;
  const bool notes_;  // fill CriterionCheck::note (EvaluationContext::notes)
  const bool texts_;  // keep criteria and facts, and fill their texts (EvaluationContext::detail)
  Store& s_;

  // 2000F UM02 when the line has one, else 2000E UM02.
  [[nodiscard]] std::string_view um02_of(const model::ServiceLine& line) const noexcept {
    return line.review && !trim(line.review->certification_type).empty() ? std::string_view(line.review->certification_type)
                                                                         : std::string_view(req_.event.review.certification_type);
  }

  // The drug line administration line `i` administers: the nearest line before it that is not an
  // administration code, else the nearest after it; none when the request has no drug line.
  [[nodiscard]] std::optional<std::size_t> drug_line_for(std::size_t i) const noexcept {
    for (std::size_t j = i; j-- > 0;)
      if (s_.administration[j] == 0) return j;
    for (std::size_t j = i + 1; j < req_.lines.size(); ++j)
      if (s_.administration[j] == 0) return j;
    return std::nullopt;
  }

  // Every PWK of the event, classified once: 2000E, then each line's.
  void classify_documents() {
    const auto& rules = maps_.evidence.documentation();
    const bool need_receipt = policy_.parameters().documentation_counts_when == mapping::DocumentationCountsWhen::received;
    s_.pwks.clear();
    s_.pwk_counted = s_.pwk_awaited = 0;
    auto add_pwk = [&](const model::Attachment& a, std::uint32_t line) {
      Store::Pwk p;
      p.attachment = &a;
      p.status = rules.classify(a);
      p.line = line;
      if (p.status == mapping::PwkStatus::submitted && need_receipt && rules.transmission_in_transit(a.transmission)) {
        const std::optional<bool> received =
            trim(a.control_number).empty() ? std::nullopt : history_.attachment_received(member(), trim(a.control_number));
        p.awaited = !received.value_or(false);
      }
      s_.pwk_counted += p.counts();
      s_.pwk_awaited += p.awaited;
      s_.pwks.push_back(p);
    };
    for (const model::Attachment& a : req_.event.attachments) add_pwk(a, 0);
    for (std::size_t i = 0; i < req_.lines.size(); ++i) {
      const model::ServiceLine& l = req_.lines[i];
      for (const model::Attachment& a : l.attachments) add_pwk(a, l.line_number ? l.line_number : static_cast<std::uint32_t>(i + 1));
    }
  }

  // Appends to the sentence why the certified span is shorter than asked, and says so in the decision.
  void note_shortened_span(LineDecision& d) const {
    if (!d.requested_end || !d.approved_span) return;
    add(d.explanation.sentence, {" The certified span ends ", IsoText(d.approved_span->last).view(), ", before the end asked for (",
                                 IsoText(*d.requested_end).view(), "): ", policy_.id(), " approves up to ",
                                 policy_.parameters().max_approval_months, " months (\"Approval duration: Up to one year\")."});
  }

  // ---- reading the line ----------------------------------------------------------------------

  void resolve_site(const model::ServiceLine& line, SiteRequest& s) const {
    // 2000F UM04 when the line has one, else 2000E UM04 (x12-278-reference.md 2.4).
    const model::RequestedSite* site = nullptr;
    if (line.review && line.review->site) {
      site = &*line.review->site;
      set(s.loop, "2000F");
    } else if (req_.event.review.site) {
      site = &*req_.event.review.site;
      set(s.loop, "2000E");
    } else {
      s.loop.clear();
    }
    const mapping::SiteCode* row = site ? maps_.sites.classify(*site) : nullptr;
    set(s.code, site ? trim(site->code) : std::string_view());
    set(s.name, row ? std::string_view(row->name) : std::string_view());
    if (!site) return;
    s.qualifier = site->qualifier;
    s.at = site->at;
    if (row) s.site_class = row->site_class;
  }

  // Documentation = every PWK of the event (2000E and every 2000F line): the policy asks for documentation
  // "supporting that member has met all approval criteria", about the member, not a line. One fact per PWK,
  // naming the line it was sent on.
  void read_documents(LineContext& c, LineWriter& w) const {
    c.first_pwk = w.fact_count();
    c.submitted_count = s_.pwk_counted;
    c.awaited_count = s_.pwk_awaited;
    for (const Store::Pwk& p : s_.pwks) {
      const model::Attachment& a = *p.attachment;
      std::string& text = w.fact("PWK", p.line == 0 ? "2000E" : "2000F", a.at).text;
      if (!texts_) continue;
      add(text, {"PWK*", a.report_type, "*", a.transmission});
      if (p.line != 0) add(text, {" (line ", p.line, ")"});
      text += ": ";
      switch (p.status) {
        case mapping::PwkStatus::submitted:
          if (p.awaited) {
            add(text, {"sent by ", a.transmission, ", not yet received (", policy_.id(), " documentation_counts_when: received)"});
          } else {
            text += "documentation submitted";
          }
          break;
        case mapping::PwkStatus::not_submitted:
          add(text, {"not submitted (PWK02 ", a.transmission, " means nothing was sent)"});
          break;
        case mapping::PwkStatus::not_counted:
          add(text, {"sent, but report type ", a.report_type, " is not clinical documentation under the policy"});
          break;
        case mapping::PwkStatus::unknown_transmission:
          add(text, {"PWK02 '", a.transmission, "' is not a known transmission code; treated as not submitted"});
          break;
      }
    }
    c.pwk_count = w.fact_count() - c.first_pwk;
  }

  // "PWK M1 by FX, PWK 09 by EL on line 2 and ...": the PWKs that count (or, with `awaited`, those on
  // their way), for sentences.
  void append_docs_phrase(std::string& out, const LineContext& c, bool awaited = false) const {
    const std::size_t total = awaited ? c.awaited_count : c.submitted_count;
    std::size_t i = 0;
    for (const Store::Pwk& p : s_.pwks) {
      if (awaited ? !p.awaited : !p.counts()) continue;
      if (i) out += i + 1 == total ? " and " : ", ";
      add(out, {"PWK ", p.attachment->report_type, " by ", p.attachment->transmission});
      if (awaited && !trim(p.attachment->control_number).empty()) add(out, {" control ", trim(p.attachment->control_number)});
      if (p.line != 0 && p.line != c.line.line_number) add(out, {" on line ", p.line});
      ++i;
    }
  }

  // Starts decision `d` (already empty) for `line`: line number, code, site, policy and the facts
  // read (UM, SV1/SV2, the span's DTP, PWKs), and returns what the rules read of the line.
  // `listing` is the drug table's answer for the line's code. An administration line (`for_rules`
  // false) takes its decision from its drug line: it needs only the decision's own fields, and the
  // facts when the context keeps them, so without detail the rest is not read.
  [[nodiscard]] LineContext begin(LineWriter& w, const model::ServiceLine& line, std::size_t index,
                                  const mapping::DrugTable::Listing& listing, bool for_rules = true) const {
    LineDecision& d = w.d;
    LineContext c(line);
    c.start = ctx_.decision_date;
    d.line_number = line.line_number ? line.line_number : static_cast<std::uint32_t>(index + 1);
    if (line.procedure) {
      set(d.hcpcs, line.procedure->value.view());
      c.drug = listing.first;
      c.flags = listing.flags;
      c.inherited_from = listing.inherited_from;
    } else {
      set(d.hcpcs, line.procedure_text);
    }
    SiteRequest& site = d.requested_site;
    resolve_site(line, site);
    set(d.policy_id, policy_.id());
    set(d.explanation.policy, policy_.id());
    if (!for_rules && !texts_) return c;
    um04_text(site, c.um04);
    c.um02 = um02_of(line);

    if (!site.code.empty() || site.qualifier != model::SiteQualifier::none) {
      std::string& text = w.fact("UM", site.loop, site.at).text;
      if (!texts_) {
      } else if (site.site_class) {
        add(text, {"UM04 ", c.um04, " = ", site.name, " (", mapping::to_string(*site.site_class), ")"});
      } else {
        add(text, {"UM04 ", c.um04, " = not a listed code"});
      }
    }
    if (line.procedure) {
      const std::string_view segment = line.service_segment.empty() ? std::string_view("SV1") : std::string_view(line.service_segment);
      std::string& text = w.fact(segment, "2000F", line.procedure->at).text;
      if (!texts_) {
      } else if (c.drug) {
        if (c.drug->hcpcs == line.procedure->value) {
          add(text, {segment, " ", line.procedure->value.view(), " = ", c.drug->generic, " (", c.drug->brand, "), ", policy_.id(),
                        " drug row line ", c.drug->line});
        } else {  // an unlisted biosimilar, listed through its reference product
          add(text, {segment, " ", line.procedure->value.view(), " = a biosimilar of ", c.drug->hcpcs.view(), " ", c.drug->generic,
                        " (drug-groups.yaml), listed through ", policy_.id(), " drug row line ", c.drug->line});
        }
        if (c.inherited_from && c.inherited_from != c.drug)
          add(text, {"; inherits the Appendix B note of ", c.inherited_from->hcpcs.view(), " (\"", c.inherited_from->note, "\")"});
      } else {
        add(text, {segment, " ", line.procedure->value.view()});
      }
    }
    // Span start: the line's DTP*472 first date, else the first 2000E DTP, else the decision date.
    // A requested end exists only for a range (RD8 with last > first); a single date (D8) is a start.
    const model::DateSpan* from = nullptr;
    std::string_view loop;
    if (line.service_dates) from = &*line.service_dates, loop = "2000F";
    else if (!req_.event.dates.empty()) from = &req_.event.dates.front(), loop = "2000E";
    if (from) {
      c.start = from->first;
      std::string& text = w.fact("DTP", loop, from->at).text;
      if (texts_) add(text, {"DTP*", from->qualifier, " ", from->first.iso()});
      if (from->last > from->first) {
        c.requested_end = from->last;
        if (texts_) add(text, {" to ", from->last.iso()});
      }
    }
    read_documents(c, w);
    return c;
  }

  [[nodiscard]] DateRange span(const LineContext& c) const {
    // Choice (docs/decisions.md section 5, "The certified span"): start + max_approval_months - 1 day, never beyond the
    // requested end when the request gave one: a certification does not cover more than was asked.
    // The period ends the day before the same date n months later; when that date does not exist (Jan 31 +
    // 1 month, Feb 29 + 12 months) add_months clamps to the month's last day, which is then the end itself.
    const core::Date next = c.start.add_months(policy_.parameters().max_approval_months);
    core::Date end = next.day == c.start.day ? next.add_days(-1) : next;
    if (c.requested_end && *c.requested_end < end) end = *c.requested_end;
    return {c.start, end};
  }

  // ---- building decisions --------------------------------------------------------------------

  void approve(LineDecision& d, const LineContext& c, std::string_view rule, std::string_view section) const {
    d.outcome = Outcome::approve;
    d.approved_span = span(c);
    // A span cut to the policy's approval duration is not "certified in total" (decision-codes.yaml
    // hcr01.approve_shortened); note_shortened_span() says why.
    const bool shortened = c.requested_end && d.approved_span->last < *c.requested_end;
    if (shortened) d.requested_end = c.requested_end;
    set(d.hcr01, shortened ? codes_.hcr01_approve_shortened : codes_.hcr01_approve);
    set(d.hcr03, shortened ? codes_.hcr03_approve_shortened : codes_.hcr03_approve);
    set_rule(d, rule, section);
  }

  void redirect(LineDecision& d, const LineContext& c, std::string_view rule, std::string_view section, std::span<const SiteClass> to,
                bool certified) const {
    d.outcome = Outcome::redirect;
    // The policy's redirect_hcr01 overrides decision-codes.yaml hcr01.redirect (docs/policies.md 1.2).
    set(d.hcr01, policy_.parameters().redirect_hcr01.empty() ? codes_.hcr01_redirect : policy_.parameters().redirect_hcr01);
    set(d.hcr03, codes_.hcr03_redirect);
    d.redirect_to.assign(to.begin(), to.end());
    d.certified_facility = certified;
    if (!d.redirect_to.empty()) {
      const std::string_view code = maps_.sites.redirect_code(d.redirect_to.front());
      if (!code.empty()) d.authorized_site = AuthorizedSite{std::string(code), model::SiteQualifier::place_of_service};
    }
    // The span the lower-cost site is certified for; with redirect_hcr01 = A3 the writer may omit it.
    d.approved_span = span(c);
    if (c.requested_end && d.approved_span->last < *c.requested_end) d.requested_end = c.requested_end;
    set_rule(d, rule, section);
  }

  // What a pend asks for goes into d.documents_needed separately.
  void pend(LineDecision& d, std::string_view hcr03, std::string_view rule, std::string_view section) const {
    d.outcome = Outcome::pend;
    set(d.hcr01, codes_.hcr01_pend);
    set(d.hcr03, hcr03);
    set_rule(d, rule, section);
  }

  static void set_rule(LineDecision& d, std::string_view rule, std::string_view section) {
    set(d.rule_id, rule);
    set(d.section, section);
    set(d.explanation.rule, rule);
    set(d.explanation.section, section);
  }

  [[nodiscard]] std::string_view section_of(CriterionKind kind, std::string_view fallback) const {
    const Criterion* c = policy_.first_of_kind(kind);
    return c ? std::string_view(c->section) : fallback;
  }

  // " (send as PWK with PWK02 BM, EL, EM or FX)": how documentation counts as submitted (evidence.yaml).
  void append_send_as_pwk(std::string& out) const {
    out += " (send as PWK with PWK02 ";
    append_joined(out, maps_.evidence.documentation().submitted(), ", ", " or ");
    out += ')';
  }

  void add_documents_for(LineWriter& w, const Criterion& c) const {
    std::string& t = w.document();
    add(t, {c.section, ": ", c.documents.empty() ? c.summary : c.documents});
    append_send_as_pwk(t);
  }

  // ---- the criteria ------------------------------------------------------------------------------

  // A new, empty phrase in s_.met_evidence.
  std::string& met_text() const {
    std::string& t = reuse(s_.met_evidence, s_.met_evidence_count, s_.texts);
    t.clear();
    return t;
  }
  [[nodiscard]] std::span<const std::string> met_evidence() const noexcept {
    return {s_.met_evidence.data(), s_.met_evidence_count};
  }

  // The outcome of assess(); the checks themselves are in the decision's explanation, the exceptions
  // met and their phrases in s_.met and s_.met_evidence, the non-qualifying reasons in d.non_qualifying.
  struct Assessment {
    explicit Assessment(const Store& store) noexcept : s(store) {}
    const Store& s;
    bool pediatric_exception = false;              // parameter pediatric_is_exception and a pediatric member

    [[nodiscard]] bool any_met() const noexcept { return !s.met.empty() || pediatric_exception; }
    [[nodiscard]] std::string_view first_section() const noexcept {
      return s.met.empty() ? kPediatricSection : std::string_view(s.met.front()->section);
    }
  };

  // Calls f(diagnosis, row) for each 2000E ICD-10 diagnosis in the evidence group of criterion `c`;
  // returns how many.
  template <typename F>
  std::size_t for_each_diagnosis_in(const Criterion& c, F&& f) const {
    const mapping::EvidenceGroup* g = s_.criterion_groups[static_cast<std::size_t>(&c - policy_.criteria().data())];
    if (!g) return 0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < req_.event.diagnoses.size(); ++i) {
      if (s_.icd10_evidence[i] == 0) continue;
      const model::Diagnosis& dx = req_.event.diagnoses[i];
      if (const mapping::EvidenceCode* row = g->match(*dx.icd10)) {
        f(dx, *row);
        ++n;
      }
    }
    return n;
  }

  void add_hi_item(LineWriter& w, const model::Diagnosis& dx, const mapping::EvidenceCode& row) const {
    std::string& text = w.evidence("HI", "2000E", dx.at).text;
    if (!texts_) return;
    add(text, {dx.qualifier, ":", dx.code_text, " ("});
    // Sent with its decimal point (ig.icd10_decimal_point): say how it was read.
    if (dx.code_text.find('.') != std::string::npos) add(text, {"sent with a decimal point, read as ", dx.icd10->view(), " = "});
    append_dotted(text, *dx.icd10);
    add(text, {") ", row.reason, ": ", row.label});
  }

  [[nodiscard]] MemberRef member() const {
    const model::Person& p = req_.patient();
    MemberRef m;
    m.member_id = req_.subscriber.name.id.value;
    m.last_name = p.name.last_or_org_name.value;
    m.first_name = p.name.first_name;
    if (p.birth_date) m.birth_date = p.birth_date->value;
    m.is_dependent = req_.dependent.has_value();
    return m;
  }

  void check_history(CriterionCheck& k, const LineContext& lc) const {
    k.outcome = CriterionOutcome::not_assessed;
    if (!lc.line.procedure) return;
    const auto prior = history_.prior_administrations(member(), lc.line.procedure->value, lc.start.add_days(-1));
    if (!prior) {
      if (notes_) k.note = "could not be assessed: no administration history is available to tell an initial dose or a restart";
      return;
    }
    std::optional<core::Date> last;
    for (const auto& p : *prior)
      if (p.date < lc.start && (!last || p.date > *last)) last = p.date;
    const int window = policy_.parameters().restart_window_months;
    if (!last) {
      k.outcome = CriterionOutcome::met;
      put(k.note, {"no prior administration of ", lc.line.procedure->value.view(), " on record: initial dose"});
    } else if (*last < lc.start.add_months(-window)) {
      k.outcome = CriterionOutcome::met;
      put(k.note, {"last administered ", last->iso(), ", more than ", window, " months before ", lc.start.iso(),
                   ": restart after a disruption"});
    } else {
      k.outcome = CriterionOutcome::not_met;
      put(k.note, {"last administered ", last->iso(), ", within ", window, " months of ", lc.start.iso(),
                   ": neither initial dose nor restart"});
    }
  }

  // The patient's age at the start of the service (the span start, not the decision date: the policy
  // is about the member who receives the infusion) when under the policy's pediatric age.
  [[nodiscard]] std::optional<int> pediatric_age(const LineContext& lc) const {
    const model::Person& p = req_.patient();
    if (!p.birth_date) return std::nullopt;
    const int age = core::age_on(p.birth_date->value, lc.start);
    if (age >= policy_.parameters().pediatric_age_under || age < 0) return std::nullopt;
    return age;
  }

  void add_pediatric_item(LineWriter& w, const LineContext& lc, int age) const {
    const model::Person& p = req_.patient();
    std::string& text = w.evidence("DMG", req_.dependent ? "2010D" : "2010C", p.birth_date->at).text;
    if (texts_) add(text, {"DMG birth date ", p.birth_date->value.iso(), ": age ", age, " on ", lc.start.iso(), " (under ",
                  policy_.parameters().pediatric_age_under, ")"});
  }

  // Appends one check per criterion to d's explanation, in policy order.
  [[nodiscard]] Assessment assess(LineWriter& w, const LineContext& lc, bool initial) const {
    Assessment a(s_);
    s_.met.clear();
    s_.met_evidence_count = 0;
    const mapping::DrugFlags flags = lc.flags;
    const std::optional<int> child = pediatric_age(lc);
    bool pediatric_recorded = false;

    for (const Criterion& c : policy_.criteria()) {
      // continued_approval and redirect rows are the consequence of the checks, not a check (cited by R3 / R6).
      if (c.kind == CriterionKind::continued_approval || c.kind == CriterionKind::redirect) continue;
      CriterionCheck& k = w.check(c.id, c.section, CriterionOutcome::not_met);
      switch (c.kind) {
        case CriterionKind::exception_group:
          k.outcome = CriterionOutcome::not_assessed;
          if (notes_) k.note = "no coded evidence in a 278 for the availability of a home infusion provider, infusion center, lower-cost "
                   "site or specialty pharmacy; only its sub-criteria are assessed";
          break;
        case CriterionKind::exception:
          switch (c.evidence) {
            case EvidenceKind::drug_flag:
              if (c.flag && flags.has(*c.flag)) {
                k.outcome = CriterionOutcome::met;
                const std::string_view segment =
                    lc.line.service_segment.empty() ? std::string_view("SV1") : std::string_view(lc.line.service_segment);
                std::string& text = w.evidence(segment, "2000F", lc.line.procedure->at).text;
                if (texts_) add(text, {lc.line.procedure->value.view(), " carries flag ", mapping::to_string(*c.flag), " in ", policy_.id()});
                add(met_text(), {"the ", mapping::to_string(*c.flag), " flag of ", lc.line.procedure->value.view()});
              } else {
                if (notes_) put(k.note, {"the drug row has no ", c.flag ? mapping::to_string(*c.flag) : "", " flag"});
              }
              break;
            case EvidenceKind::history:
              if (!initial) {
                k.outcome = CriterionOutcome::not_assessed;
                if (notes_) k.note = "applies to initial requests only";
                break;
              }
              check_history(k, lc);
              if (k.outcome == CriterionOutcome::met) met_text() = k.note;
              break;
            case EvidenceKind::diagnosis: {
              const std::size_t hits = for_each_diagnosis_in(c, [&](const model::Diagnosis& dx, const mapping::EvidenceCode& row) {
                add_hi_item(w, dx, row);
                std::string& t = met_text();
                append_dotted(t, *dx.icd10);
                add(t, {" (", row.reason, ")"});
              });
              if (hits != 0) k.outcome = CriterionOutcome::met;
              else if (notes_) put(k.note, {"no 2000E HI diagnosis in evidence group ", c.evidence_group});
              break;
            }
            case EvidenceKind::none:
              k.outcome = CriterionOutcome::not_assessed;
              if (notes_) k.note = "no coded evidence in a 278; documentation and clinical review only";
              break;
          }
          if (k.outcome == CriterionOutcome::met) {
            s_.met.push_back(&c);
            const std::string_view doc = lc.any_submitted() ? "coded evidence present; documentation submitted"
                                                            : "coded evidence present; no documentation submitted";
            if (notes_) {
              if (!k.note.empty()) k.note += "; ";
              k.note += doc;
            }
          }
          break;
        case CriterionKind::non_qualifying: {
          if (c.evidence == EvidenceKind::diagnosis) {
            (void)for_each_diagnosis_in(c, [&](const model::Diagnosis& dx, const mapping::EvidenceCode& row) {
              add_hi_item(w, dx, row);
              std::string& t = w.non_qualifying();
              add(t, {row.reason, " ("});
              append_dotted(t, *dx.icd10);
              t += ')';
            });
          }
          if (child && !policy_.parameters().pediatric_is_exception && !pediatric_recorded) {
            add_pediatric_item(w, lc, *child);
            add(w.non_qualifying(), {"pediatrics (age ", *child, ")"});
            pediatric_recorded = true;
          }
          if (w.evidence_count() != 0) {
            k.outcome = CriterionOutcome::non_qualifying;
            if (notes_) k.note = "found, but the policy says it does not establish an exception";
          } else {
            if (notes_) k.note = "none found";
          }
          break;
        }
        case CriterionKind::continued_approval:
        case CriterionKind::redirect:
          break;  // skipped above
      }
    }
    if (child && policy_.parameters().pediatric_is_exception) {
      // A payer whose policy treats pediatrics as an exception (parameter, not GA.PMN.34).
      CriterionCheck& k = w.check("pediatrics", kPediatricSection, CriterionOutcome::met);
      add_pediatric_item(w, lc, *child);
      k.note = "the policy treats a pediatric member as an exception";
      a.pediatric_exception = true;
      add(met_text(), {"pediatrics (age ", *child, ")"});
    } else if (child && !pediatric_recorded) {
      CriterionCheck& k = w.check("pediatrics", "parameter pediatric_age_under", CriterionOutcome::non_qualifying);
      add_pediatric_item(w, lc, *child);
      k.note = "a pediatric member is not an exception under this policy";
      add(w.non_qualifying(), {"pediatrics (age ", *child, ")"});
    }
    return a;
  }

  // Where a hospital outpatient line is redirected: Appendix B notes narrow where the drug may go;
  // otherwise the policy's preferred order.
  [[nodiscard]] std::span<const SiteClass> redirect_sites(mapping::DrugFlags flags, bool* certified) const {
    *certified = flags.has(DrugFlag::certified_facility_required);
    if (*certified || flags.has(DrugFlag::first_visit_at_infusion_suite)) return kInfusionSuiteOnly;
    return policy_.parameters().preferred_sites;
  }

  static void append_redirect_target(std::string& out, std::span<const SiteClass> to, bool certified, mapping::DrugFlags flags) {
    if (certified) {
      out += "a certified infusion facility (infusion suite/office)";
    } else if (flags.has(DrugFlag::first_visit_at_infusion_suite)) {
      out += "an ambulatory infusion suite for the first visit";
    } else {
      append_site_phrase(out, to);
    }
  }

  // " (trypanophobia (F40.231) is non-qualifying)", or nothing when none was found.
  static void append_non_qualifying(std::string& out, std::span<const std::string> found) {
    if (found.empty()) return;
    out += " (";
    append_joined(out, found, ", ", " and ");
    add(out, {" ", found.size() == 1 ? "is" : "are", " non-qualifying)"});
  }

  // ': "Facility must be certified ..."' from the line's own row, or ' on J9312: "1st visit in AIS; includes
  // biosimilars"' when the flag comes from the reference product of a biosimilar.
  static void append_note(std::string& out, const LineContext& lc, DrugFlag flag) {
    const mapping::Drug* row = lc.drug;
    if (lc.inherited_from && !(lc.drug->hcpcs == lc.line.procedure->value && lc.drug->flags.has(flag))) row = lc.inherited_from;
    if (row != lc.drug || !(row->hcpcs == lc.line.procedure->value)) add(out, {" on ", row->hcpcs.view(), ", inherited by its biosimilars"});
    add(out, {": \"", row->note, "\""});
  }

  // ---- one drug (or unknown) line --------------------------------------------------------------

  void decide_line(LineWriter& w, const model::ServiceLine& line, std::size_t index, const mapping::DrugTable::Listing& listing) const {
    LineDecision& d = w.d;
    const LineContext lc = begin(w, line, index, listing);
    const std::string& pid = policy_.id();
    const std::string& um04 = lc.um04;
    std::string& sentence = d.explanation.sentence;

    // R1: the drug must be on the policy's list.
    if (!lc.drug) {
      pend(d, codes_.hcr03_pend_not_listed, "R1.not_listed", "Appendix B");
      if (line.procedure) {
        add(sentence, {"Pended for standard clinical review: ", line.procedure->value.view(), " is not in the ", pid,
                          " drug list (Appendix B), so the policy cannot decide its site of care."});
      } else {
        add(sentence, {"Pended for standard clinical review: the service line carries no readable HCPCS/CPT code ('",
                          line.procedure_text, "'), so ", pid, " cannot decide its site of care."});
      }
      return;
    }
    const model::Hcpcs& code = line.procedure->value;
    const mapping::DrugFlags flags = lc.flags;
    const mapping::Drug* drug = lc.drug;

    // R0: appeals, reconsiderations and cancellations go to a person, whatever the site.
    const ReviewKind review = review_kind(lc.um02);
    if (review == ReviewKind::not_automated) {
      pend(d, codes_.hcr03_pend_clinical_review, "R0.review_type", "Policy/Criteria");
      add(sentence, {"Pended for clinical review: UM02 '", trim(lc.um02), "' (", um02_meaning(lc.um02),
                        ") is not decided automatically under ", pid, "."});
      return;
    }

    // R2: the requested site.
    const SiteRequest& requested = d.requested_site;
    const std::string_view exception_section = section_of(CriterionKind::exception_group, "I.A.1");
    if (requested.loop.empty()) {
      pend(d, codes_.hcr03_pend_site, "R2.site_missing", "Description");
      w.document() = "UM04: the requested place of service (qualifier B) or bill type (qualifier A)";
      sentence = "Pended: neither the service line nor the event carries a UM04 site, so the site of care cannot be assessed.";
      return;
    }
    if (!requested.site_class) {
      pend(d, codes_.hcr03_pend_site, "R2.site_unknown", "Description");
      w.document() = "UM04: a listed place of service (qualifier B) or bill type (qualifier A)";
      if (requested.qualifier == model::SiteQualifier::none) {
        add(sentence, {"Pended: UM04 '", requested.code,
                          "' has no UM04-2 qualifier (A bill type, B place of service), so the site of care cannot be assessed."});
      } else {
        add(sentence, {"Pended: UM04 ", um04, " is not a listed ",
                          requested.qualifier == model::SiteQualifier::bill_type ? "bill type" : "place of service",
                          ", so the site of care cannot be assessed."});
      }
      return;
    }
    const SiteClass site = *requested.site_class;
    const auto& preferred = policy_.parameters().preferred_sites;
    const bool lower_cost = std::find(preferred.begin(), preferred.end(), site) != preferred.end();
    if (site == SiteClass::out_of_scope || (!lower_cost && site != SiteClass::hospital_outpatient)) {
      pend(d, codes_.hcr03_pend_site, "R2.site_out_of_scope", "Description");
      add(sentence, {"Pended for clinical review: ", requested.name, " (", um04, ") is not a site ", pid,
                        " decides between (hospital outpatient or "});
      append_site_phrase(sentence, preferred);
      sentence += ").";
      return;
    }
    if (lower_cost) {
      if (site == SiteClass::home && flags.has(DrugFlag::certified_facility_required)) {
        // Appendix B note "Facility must be certified" (natalizumab): home is not a facility.
        redirect(d, lc, "R2.certified_facility_required", "Appendix B", kInfusionSuiteOnly, true);
        add(sentence, {"Redirected from home (", um04, ") to a certified infusion facility: ", code.view(), " (", drug->generic,
                          ") must be given at a certified facility (", pid, " Appendix B note"});
        append_note(sentence, lc, DrugFlag::certified_facility_required);
        sentence += ").";
        return;
      }
      if (site == SiteClass::home && flags.has(DrugFlag::first_visit_at_infusion_suite)) {
        // Appendix B note "1st visit in AIS" (rituximab): only history can tell a first visit.
        CriterionCheck& k = w.check("Appendix B", "Appendix B", CriterionOutcome::not_assessed);
        const auto prior = history_.prior_administrations(member(), code, lc.start.add_days(-1));
        if (prior && prior->empty()) {
          k.outcome = CriterionOutcome::met;
          put(k.note, {"no prior administration of ", code.view(), " on record: this is the first visit"});
          redirect(d, lc, "R2.first_visit_at_infusion_suite", "Appendix B", kInfusionSuiteOnly, false);
          add(sentence, {"Redirected from home (", um04, ") to an ambulatory infusion suite: the first visit of ", code.view(), " (",
                            drug->generic, ") belongs at an infusion suite (", pid, " Appendix B note"});
          append_note(sentence, lc, DrugFlag::first_visit_at_infusion_suite);
          sentence += ").";
          return;
        }
        if (notes_) k.note = prior ? "prior administrations on record: not the first visit"
                       : "could not be assessed: no administration history is available to tell the first visit";
      }
      approve(d, lc, "R2.lower_cost_site", "Description");
      add(sentence, {"Approved at the requested ", mapping::describe(site), " site (", um04, "), a lower-cost site of care under ", pid,
                        " (Description), from ", IsoText(d.approved_span->first).view(), " to ", IsoText(d.approved_span->last).view(), "."});
      if (flags.has(DrugFlag::certified_facility_required))
        sentence += " The facility must be certified for this drug (Appendix B note); a 278 cannot show that.";
      return;
    }

    // Hospital outpatient from here on.
    bool certified = false;
    const std::span<const SiteClass> to = redirect_sites(flags, &certified);
    const std::string_view redirect_section = section_of(CriterionKind::redirect, "III.A");

    if (review == ReviewKind::continued) {
      // R3: GA.PMN.34 II.A - continuing at a hospital needs records to reassess the site.
      const Criterion* cont = policy_.first_of_kind(CriterionKind::continued_approval);
      const std::string_view cont_section = cont ? std::string_view(cont->section) : "II.A";
      CriterionCheck& rec = w.check(cont ? std::string_view(cont->id) : "II.A", cont_section,
                                    lc.any_submitted() ? CriterionOutcome::met : CriterionOutcome::not_met);
      for (std::size_t i = 0; i < lc.pwk_count; ++i)
        w.copy_evidence(w.detail() ? d.explanation.facts[lc.first_pwk + i] : EvidenceItem{});
      if (notes_) rec.note = lc.any_submitted() ? "records submitted"
                             : lc.any_sent()    ? "records sent, not yet received"
                                                : "no medical or infusion records submitted";
      const Assessment a = assess(w, lc, false);
      const std::string_view kind = um02_meaning(lc.um02);
      if (!lc.any_sent()) {
        if (cont) add_documents_for(w, *cont);
        pend(d, codes_.hcr03_pend_documentation, "R3.records_needed", cont_section);
        // "an extension", "a renewal": um02_meaning() gives the noun.
        const bool vowel = !kind.empty() && std::string_view("aeiou").find(kind.front()) != std::string_view::npos;
        add(sentence, {vowel ? "Pended: an " : "Pended: a ", kind, " at hospital outpatient (", um04,
                          ") needs submitted medical or infusion records to reassess the site of care (", pid, " ", cont_section, ")."});
        return;
      }
      if (a.any_met() && !lc.any_submitted()) {
        // The records are on their way (fax, mail): wait for them, and do not ask for them again.
        pend(d, codes_.hcr03_pend_documentation, "R3.records_awaited", cont_section);
        add(sentence, {"Pended: ", a.first_section(), " is evidenced by "});
        append_joined(sentence, met_evidence(), ", ", " and ");
        add(sentence, {" for continued hospital outpatient infusion (", um04, "), and the records were sent ("});
        append_docs_phrase(sentence, lc, true);
        add(sentence, {") but not yet received; nothing more needs to be sent: ", pid, " ", cont_section,
                          " is decided once they arrive."});
        return;
      }
      if (a.any_met()) {
        approve(d, lc, "R3.continued_with_exception", cont_section);
        add(sentence, {"Approved continued hospital outpatient infusion (", um04, ") under ", pid, " ", cont_section,
                          ": records submitted ("});
        append_docs_phrase(sentence, lc);
        add(sentence, {") and ", a.first_section(), " evidenced by "});
        append_joined(sentence, met_evidence(), ", ", " and ");
        sentence += '.';
        return;
      }
      pend(d, codes_.hcr03_pend_clinical_review, "R3.records_review", cont_section);
      sentence += "Pended for clinical review: records were submitted (";
      append_docs_phrase(sentence, lc, !lc.any_submitted());
      add(sentence, {") for ", kind == "extension" ? "an" : "a", " ", kind, " at hospital outpatient (", um04,
                        "), but no coded exception supports continuing there (", pid, " ", cont_section, ")."});
      return;
    }

    // R4..R6: initial request at hospital outpatient (GA.PMN.34 I.A.1).
    const Assessment a = assess(w, lc, true);
    if (a.any_met()) {
      // The Policy/Criteria preamble ("Provider must submit documentation ... supporting that member has met all
      // approval criteria") applies to every exception, I.A.1.a and I.A.1.b included, not only to the rows marked
      // documentation: required.
      const std::string_view section = a.first_section();
      if (lc.any_submitted()) {
        approve(d, lc, "R4.documented_exception", section);
        add(sentence, {"Approved at the requested hospital outpatient site (", um04, ") under ", pid, " ", section, ": "});
        append_joined(sentence, met_evidence(), ", ", " and ");
        sentence += " with submitted documentation (";
        append_docs_phrase(sentence, lc);
        sentence += ").";
        return;
      }
      if (lc.any_sent()) {
        // Documentation announced on paper and not yet received: wait for it, and do not ask for it again.
        pend(d, codes_.hcr03_pend_documentation, "R4.documentation_awaited", section);
        add(sentence, {"Pended: ", pid, " ", section, " is evidenced by "});
        append_joined(sentence, met_evidence(), ", ", " and ");
        sentence += ", and documentation was sent (";
        append_docs_phrase(sentence, lc, true);
        add(sentence, {") but not yet received (", pid, " approves on documentation received); nothing more needs to be sent."});
        return;
      }
      for (const Criterion* c : s_.met) add_documents_for(w, *c);
      if (a.pediatric_exception) {
        std::string& t = w.document();
        add(t, {kPediatricSection, ": clinical documentation supporting infusion at the hospital for a pediatric member"});
        append_send_as_pwk(t);
      }
      pend(d, codes_.hcr03_pend_documentation, "R4.exception_needs_documentation", section);
      add(sentence, {"Pended: ", pid, " ", section, " is evidenced by "});
      append_joined(sentence, met_evidence(), ", ", " and ");
      sentence += ", but no documentation was submitted (no PWK, or PWK02 ";
      append_joined(sentence, maps_.evidence.documentation().not_submitted(), ", ", " or ");
      sentence += "); send the documents listed.";
      return;
    }
    if (lc.any_sent()) {
      // R5: documentation announced but nothing coded shows an exception.
      if (policy_.parameters().documentation_without_evidence == mapping::DocumentationWithoutEvidence::redirect) {
        redirect(d, lc, "R5.documentation_redirect", redirect_section, to, certified);
        add(sentence, {"Redirected from hospital outpatient (", um04, ") to "});
        append_redirect_target(sentence, to, certified, flags);
        add(sentence, {" under ", pid, " ", redirect_section, ": documentation was submitted ("});
        append_docs_phrase(sentence, lc, !lc.any_submitted());
        sentence += ") but no I.A.1 exception is evidenced";
        append_non_qualifying(sentence, w.non_qualifying_so_far());
        sentence += '.';
        return;
      }
      pend(d, codes_.hcr03_pend_clinical_review, "R5.documentation_review", exception_section);
      sentence += "Pended for clinical review: documentation was submitted (";
      append_docs_phrase(sentence, lc, !lc.any_submitted());
      add(sentence, {") for hospital outpatient (", um04, "), but no coded ", pid, " ", exception_section, " exception was found"});
      append_non_qualifying(sentence, w.non_qualifying_so_far());
      sentence += '.';
      return;
    }
    // R6: no exception and no documentation (or only non-qualifying reasons).
    redirect(d, lc, w.non_qualifying_so_far().empty() ? "R6.no_exception" : "R6.non_qualifying", redirect_section, to, certified);
    add(sentence, {"Redirected from hospital outpatient (", um04, ") to "});
    append_redirect_target(sentence, to, certified, flags);
    add(sentence, {" under ", pid, " ", redirect_section, ": no ", exception_section,
                      " exception is evidenced and no documentation was submitted"});
    append_non_qualifying(sentence, w.non_qualifying_so_far());
    sentence += '.';
  }

  // ---- cancellations (UM02 3) -----------------------------------------------------------------

  // A cancellation is answered as one (HCR01 cancel), whatever the drug or site: nothing is certified and
  // no policy rule applies. Administration lines of a cancelled request are cancelled with it.
  void decide_cancel(LineWriter& w, const model::ServiceLine& line, std::size_t index, const mapping::DrugTable::Listing& listing) const {
    LineDecision& d = w.d;
    (void)begin(w, line, index, listing, /*for_rules=*/false);
    d.outcome = Outcome::cancel;
    set(d.hcr01, codes_.hcr01_cancel);
    set(d.hcr03, codes_.hcr03_cancel);
    set_rule(d, "R0.cancel", "UM02");
    const std::string& previous = !line.previous_authorization.empty() ? line.previous_authorization : req_.event.previous_authorization;
    d.explanation.sentence += "Cancelled as requested: UM02 '3' (cancel) asks to cancel ";
    if (previous.empty()) {
      d.explanation.sentence += "this request";
    } else {
      add(d.explanation.sentence, {"certification ", previous, " (REF*BB)"});
    }
    add(d.explanation.sentence, {"; the cancellation is confirmed and nothing is certified for ", d.hcpcs, "."});
  }

  // ---- administration code lines -----------------------------------------------------------

  void decide_administration(LineWriter& w, const model::ServiceLine& line, std::size_t index, const LineDecision* drug,
                             const model::ServiceLine* drug_line) const {
    LineDecision& d = w.d;
    // Not a listed drug (that is what made it an administration line): no drug row, no flags.
    (void)begin(w, line, index, mapping::DrugTable::Listing{}, /*for_rules=*/false);
    const std::string_view code = line.procedure->value.view();
    std::string& sentence = d.explanation.sentence;
    if (!drug) {
      pend(d, codes_.hcr03_pend_not_listed, "R1.administration_without_drug", "Appendix B");
      add(sentence, {"Pended for standard clinical review: administration code ", code,
                        " has no drug line in this request to follow (", policy_.id(), ")."});
      return;
    }
    // Never certified at a site where its drug was not: an administration line asking for another setting
    // than its drug line (its own 2000F UM04) goes to review.
    if (certifies(drug->outcome) && d.requested_site.site_class != drug->requested_site.site_class) {
      pend(d, codes_.hcr03_pend_site, "R1.administration_site_differs", "Description");
      std::string um04;
      um04_text(d.requested_site, um04);
      add(sentence, {"Pended for clinical review: administration code ", code, " asks for ", um04.empty() ? std::string_view("no site") : std::string_view(um04),
                        ", but the drug it administers (line ", drug->line_number, ", ", drug->hcpcs, ") was decided for ",
                        drug->requested_site.code, " (", to_string(drug->outcome), "); an administration is never certified where its drug is not."});
      return;
    }
    // Follows the drug line's decision in full (outcome, codes, site, span, documents), so the 2000F loops
    // of one event never disagree.
    d.outcome = drug->outcome;
    set(d.hcr01, drug->hcr01);
    set(d.hcr03, drug->hcr03);
    d.redirect_to = drug->redirect_to;
    d.certified_facility = drug->certified_facility;
    d.authorized_site = drug->authorized_site;
    d.approved_span = drug->approved_span;
    d.requested_end = drug->requested_end;
    for (const std::string& t : drug->documents_needed) w.copy_document(t);
    for (const std::string& t : drug->non_qualifying) w.copy_non_qualifying(t);
    for (const CriterionCheck& from : drug->explanation.criteria) {
      CriterionCheck& k = w.check(from.criterion_id, from.section, from.outcome);
      for (const EvidenceItem& e : from.evidence) w.copy_evidence(e);
      set(k.note, from.note);
    }
    set_rule(d, "R1.administration_follows_drug", drug->section);
    std::string& fact = w.fact("HL", "2000F", drug_line ? drug_line->at : core::SourcePosition{}).text;
    if (texts_) add(fact, {"follows line ", drug->line_number, " (", drug->hcpcs, "): ", drug->rule_id});
    add(sentence, {"Administration code ", code, " follows the decision on line ", drug->line_number, " (", drug->hcpcs, ", ",
                      to_string(drug->outcome), " ", drug->policy_id, " ", drug->section, "): ", drug->explanation.sentence});
  }
};

void route_into(RoutingResult& r, const model::AuthorizationRequest& request, const mapping::MappingSet& mappings) {
  r.policy = nullptr;
  r.policy_id.clear();
  r.matched_by.clear();
  r.matched_value.clear();
  r.default_outcome = Outcome::pend;
  r.hcr01.clear();
  r.hcr03.clear();
  r.reason.clear();
  const std::string_view isa08 = trim(request.envelope.isa_receiver);
  const std::string_view gs03 = trim(request.envelope.gs_receiver);
  const std::string_view umo = trim(request.umo.id.value);
  if (const auto m = mappings.routing.match(isa08, gs03, umo)) {
    r.policy = mappings.policy(m->route->policy);
    if (r.policy) {
      r.policy_id = r.policy->id();
      r.matched_by.assign(mapping::to_string(m->key));
      r.matched_value = m->value;
      return;
    }
  }
  // routing.yaml default_action: pend (the only action the loader accepts).
  r.hcr01 = mappings.decision_codes.hcr01_pend;
  r.hcr03 = mappings.decision_codes.hcr03_pend_unknown_payer;
  add(r.reason, {"no route in routing.yaml matches ISA08 '", isa08, "', GS03 '", gs03, "' or 2010A NM109 '", umo,
                    "'; pended for review (routing.yaml default_action)"});
}

void pend_unrouted_into(std::vector<LineDecision>& out, Store& s, const model::AuthorizationRequest& request,
                        const RoutingResult& routing, const mapping::MappingSet& mappings) {
  prepare(out, request.lines.size(), s);
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    const model::ServiceLine& line = request.lines[i];
    LineWriter w(out[i], s);
    LineDecision& d = w.d;
    d.line_number = line.line_number ? line.line_number : static_cast<std::uint32_t>(i + 1);
    if (line.procedure) {
      set(d.hcpcs, line.procedure->value.view());
    } else {
      set(d.hcpcs, line.procedure_text);
    }
    const model::RequestedSite* site = line.review && line.review->site ? &*line.review->site
                                       : request.event.review.site   ? &*request.event.review.site
                                                                     : nullptr;
    const mapping::SiteCode* row = site ? mappings.sites.classify(*site) : nullptr;
    set(d.requested_site.code, site ? trim(site->code) : std::string_view());
    set(d.requested_site.loop, !site ? "" : line.review && line.review->site ? "2000F" : "2000E");
    set(d.requested_site.name, row ? std::string_view(row->name) : std::string_view());
    if (site) {
      d.requested_site.qualifier = site->qualifier;
      d.requested_site.at = site->at;
      if (row) d.requested_site.site_class = row->site_class;
    }
    d.outcome = Outcome::pend;
    set(d.hcr01, routing.hcr01.empty() ? mappings.decision_codes.hcr01_pend : routing.hcr01);
    set(d.hcr03, routing.hcr03.empty() ? mappings.decision_codes.hcr03_pend_unknown_payer : routing.hcr03);
    set(d.policy_id, "");
    set(d.explanation.policy, "");
    set(d.rule_id, "R0.unknown_payer");
    set(d.section, "routing.yaml");
    set(d.explanation.rule, d.rule_id);
    set(d.explanation.section, d.section);
    add(d.explanation.sentence, {"Pended: ", routing.reason, "."});
    w.finish();
  }
}

}  // namespace

RoutingResult route(const model::AuthorizationRequest& request, const mapping::MappingSet& mappings) {
  RoutingResult r;
  route_into(r, request, mappings);
  return r;
}

void evaluate_into(std::vector<LineDecision>& out, EvaluationBuffers& buffers, const model::AuthorizationRequest& request,
                   const mapping::Policy& policy, const mapping::MappingSet& mappings, const History& history,
                   const EvaluationContext& context) {
  Evaluator(request, policy, mappings, history, context, buffers.store()).run(out);
}

std::vector<LineDecision> evaluate(const model::AuthorizationRequest& request, const mapping::Policy& policy,
                                   const mapping::MappingSet& mappings, const History& history,
                                   const EvaluationContext& context) {
  std::vector<LineDecision> out;
  if (request.lines.empty()) return out;
  EvaluationBuffers buffers;
  evaluate_into(out, buffers, request, policy, mappings, history, context);
  return out;
}

std::vector<LineDecision> pend_unrouted(const model::AuthorizationRequest& request, const RoutingResult& routing,
                                        const mapping::MappingSet& mappings) {
  std::vector<LineDecision> out;
  EvaluationBuffers buffers;
  pend_unrouted_into(out, buffers.store(), request, routing, mappings);
  return out;
}

void decide_into(Decisions& out, const model::AuthorizationRequest& request, const mapping::MappingSet& mappings,
                 const History& history, const EvaluationContext& context) {
  // route() is a function of the three identifiers and the tables alone.
  Store& s = out.buffers.store();
  const std::string& isa08 = request.envelope.isa_receiver;
  const std::string& gs03 = request.envelope.gs_receiver;
  const std::string& umo = request.umo.id.value;
  if (s.routed_with != &mappings || s.routed_isa08 != isa08 || s.routed_gs03 != gs03 || s.routed_umo != umo) {
    route_into(s.routing, request, mappings);
    s.routed_with = &mappings;
    s.routed_isa08 = isa08;
    s.routed_gs03 = gs03;
    s.routed_umo = umo;
  }
  // The result's own copy: its strings mostly hold the same ids already (set() leaves them alone).
  RoutingResult& r = out.routing;
  r.policy = s.routing.policy;
  set(r.policy_id, s.routing.policy_id);
  set(r.matched_by, s.routing.matched_by);
  set(r.matched_value, s.routing.matched_value);
  r.default_outcome = s.routing.default_outcome;
  set(r.hcr01, s.routing.hcr01);
  set(r.hcr03, s.routing.hcr03);
  set(r.reason, s.routing.reason);
  if (out.routing.routed()) {
    evaluate_into(out.lines, out.buffers, request, *out.routing.policy, mappings, history, context);
  } else {
    pend_unrouted_into(out.lines, out.buffers.store(), request, out.routing, mappings);
  }
}

Decisions decide(const model::AuthorizationRequest& request, const mapping::MappingSet& mappings, const History& history,
                 const EvaluationContext& context) {
  Decisions out;
  decide_into(out, request, mappings, history, context);
  return out;
}

}  // namespace soc278::soc

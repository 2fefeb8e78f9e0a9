#include "respond/echo_guard.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "soc278/ig/walker.hpp"
#include "soc278/x12/segment.hpp"

namespace soc278::respond::detail {
namespace {

bool printable(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x20 && u <= 0x7e;
}

const ig::SegmentRule* find_in(const std::vector<ig::SegmentRule>& rules, std::string_view id, std::size_t& nth) noexcept {
  for (const ig::SegmentRule& r : rules) {
    if (r.id != id) continue;
    if (nth == 0) return &r;
    --nth;
  }
  return nullptr;
}

}  // namespace

bool is_delimiter(char c, const x12::Delimiters& d) noexcept {
  return c == d.element || c == d.component || c == d.segment || (d.repetition != '\0' && c == d.repetition);
}

char replacement_char(const x12::Delimiters& d) noexcept {
  for (char c : {' ', '.', '-'})
    if (!is_delimiter(c, d)) return c;
  return 'X';
}

EchoGuard::EchoGuard() = default;
EchoGuard::~EchoGuard() = default;

void EchoGuard::use(const ig::GuideSet* guides, core::DiagnosticSink* sink) {
  sink_ = sink;
  if (guides == guides_) return;
  guides_ = guides != nullptr && !guides->empty() ? guides : nullptr;
  memo_ = {};
  validator_.reset();  // made at the first check: most replies check a handful of values, some none
}

const ig::SegmentRule* EchoGuard::envelope(std::string_view segment_id) const noexcept {
  return guides_ == nullptr ? nullptr : guides_->envelope_segment(segment_id);
}

const ig::SegmentRule* EchoGuard::in_guide(std::string_view guide_id, std::string_view loop_id, std::string_view segment_id,
                                           std::size_t nth) const noexcept {
  if (guides_ == nullptr) return nullptr;
  const ig::Guide* g = guides_->guide(guide_id);
  if (g == nullptr) return nullptr;
  const ig::LoopDef* loop = loop_id.empty() ? &g->root : g->loop(loop_id);
  if (loop == nullptr) return nullptr;
  if (const ig::SegmentRule* r = find_in(loop->segments, segment_id, nth)) return r;
  return find_in(loop->trailer, segment_id, nth);
}

bool EchoGuard::fits(const ig::SegmentRule* rule, std::uint16_t element, std::uint16_t component, std::string_view value,
                     const x12::Delimiters& d) {
  if (value.empty() || element == 0) return false;
  for (char c : value)
    if (is_delimiter(c, d) || !printable(c)) return false;
  if (rule == nullptr || guides_ == nullptr) return true;
  if (plain_text_fits(rule, element, component, value)) return true;
  for (const Verdict& v : memo_)
    if (v.rule == rule && v.element == element && v.component == component && v.value == value) return v.fits;
  if (validator_ == nullptr) {
    // The full element checks, without the clean-segment memory (a few values per reply: nothing to remember).
    ig::ValidationOptions options;
    options.fast_path = false;
    options.build_tree = false;
    validator_ = std::make_unique<ig::TransactionValidator>(*guides_, options);
  }
  // The value alone at its place in a segment of the rule's id; the validator's element checks say
  // whether it stands there. Findings about the other (empty) elements are not this value's.
  scratch_.assign(rule->id);
  for (std::uint16_t p = 1; p < element; ++p) scratch_.push_back(d.element);
  scratch_.push_back(d.element);
  for (std::uint16_t c = 1; c < component; ++c) scratch_.push_back(d.component);
  scratch_.append(value);
  x12::SegmentView view;
  if (!view.assign(scratch_.data(), scratch_.size(), d, 0, 1)) return false;
  const std::vector<core::Diagnostic> findings = validator_->check_segment(view, *rule, core::SourcePosition{});
  const std::uint16_t want = component == 0 ? 0 : component;
  const bool ok = std::none_of(findings.begin(), findings.end(), [&](const core::Diagnostic& f) {
    if (f.code == core::DiagCode::ig_segment_has_element_errors) return false;
    if (f.at.element != element) return false;
    // A component's own findings, and the element's (too many components, not used, repeats).
    return f.at.component == want || f.at.component == 0;
  });
  // The same few values come back set after set (ST01 278, GS01 HI, the versions): remembered.
  Verdict& slot = memo_[memo_next_++ % memo_.size()];
  slot.rule = rule;
  slot.element = element;
  slot.component = component;
  slot.value.assign(value);
  slot.fits = ok;
  return ok;
}

bool EchoGuard::plain_text_fits(const ig::SegmentRule* rule, std::uint16_t element, std::uint16_t component,
                                std::string_view value) noexcept {
  // The one case that needs no validator: an AN value where the rule lists no codes and the segment
  // has no syntax notes. The validator's element checks then come to: used here, printable (checked
  // by the caller), no outer space, a length within the rule's (src/ig/walker/elements.hpp
  // check_value). Anything else, and any doubt, takes the validator.
  if (!rule->syntax.empty()) return false;
  const ig::ElementRule* e = rule->element(element);
  if (e == nullptr || e->repeat != 1) return false;
  const ig::ValueRule* v = e;
  if (component != 0) {
    if (e->composite == nullptr || component > e->components.size()) return false;
    v = &e->components[component - 1];
  } else if (e->composite != nullptr) {
    return false;
  }
  if (v->element == nullptr || v->element->type != ig::ValueType::an || v->usage == ig::Usage::not_used) return false;
  if (!v->codes.empty() || v->codes_from != nullptr || v->format_from != 0) return false;
  if (value.front() == ' ' || value.back() == ' ') return false;
  return value.size() >= v->min_length && value.size() <= v->max_length;
}

std::string_view EchoGuard::echo(const ig::SegmentRule* rule, std::uint16_t element, std::uint16_t component, std::string_view value,
                                 std::string_view substitute, const x12::Delimiters& d, std::string_view label,
                                 std::string_view source) {
  if (fits(rule, element, component, value, d)) return value;
  if (!value.empty() || !substitute.empty()) report(label, source, value, substitute);
  return substitute;
}

std::string EchoGuard::text(const ig::SegmentRule* rule, std::uint16_t element, std::uint16_t component, std::string_view value,
                            const x12::Delimiters& d, std::size_t fallback_max) const {
  std::size_t max = fallback_max;
  if (rule != nullptr) {
    if (const ig::ElementRule* e = rule->element(element)) {
      const ig::ValueRule* v = e;
      if (component != 0 && component <= e->components.size()) v = &e->components[component - 1];
      if (v->element != nullptr) max = v->max_length;
    }
  }
  const char replacement = replacement_char(d);
  std::string out;
  out.reserve(std::min(value.size(), max));
  for (char c : value) {
    if (out.size() == max) break;
    out.push_back(is_delimiter(c, d) || !printable(c) ? replacement : c);
  }
  // The cut may have left spaces at the end, the input may have had them at either end: the
  // validator reports a value with leading or trailing spaces.
  const auto first = out.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  const auto last = out.find_last_not_of(' ');
  return out.substr(first, last - first + 1);
}

void EchoGuard::report(std::string_view label, std::string_view source, std::string_view received, std::string_view written) const {
  if (sink_ == nullptr) return;
  core::Diagnostic diag = core::make_diagnostic(
      core::DiagCode::respond_value_substituted, at_, label.substr(0, label.size() > 2 ? label.size() - 2 : 0),
      written.empty() ? fmt::format("{}: the received {} '{}' does not fit its rule; the element is omitted", label, source, received)
                      : fmt::format("{}: the received {} '{}' does not fit its rule; written as '{}'", label, source, received, written));
  diag.found_value = std::string(received.substr(0, std::min<std::size_t>(received.size(), 99)));
  sink_->report(std::move(diag));
}

}  // namespace soc278::respond::detail

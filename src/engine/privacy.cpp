#include "soc278/engine/privacy.hpp"

#include <algorithm>

#include "soc278/core/privacy.hpp"

namespace soc278::engine {

bool carried_by(const core::Diagnostic& d, const core::Diagnostic& next) noexcept {
  return d.code == core::DiagCode::ig_segment_has_element_errors && next.at.element != 0 &&
         next.at.byte_offset == d.at.byte_offset && next.at.segment_in_file == d.at.segment_in_file;
}
namespace {

bool alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

std::string mask_identifier(std::string_view value) {
  if (value.size() <= 4) return std::string(value.size(), '*');
  std::string out(value.size(), '*');
  out[0] = value[0];
  out[out.size() - 2] = value[value.size() - 2];
  out[out.size() - 1] = value[value.size() - 1];
  return out;
}

bool personal_element(std::string_view id, std::string_view nm101, std::string_view loop, std::size_t e) {
  return core::identifies_person(id, nm101, loop, e);
}

std::string redact_segment(const x12::SegmentView& s) {
  const std::string_view nm101 = s.is("NM1") ? s.element(1) : std::string_view();
  bool any = false;
  for (std::size_t i = 1; i <= s.element_count() && !any; ++i) any = personal_element(s.id(), nm101, {}, i) && !s.element(i).empty();
  if (!any) return std::string(s.text());
  std::string out(s.id());
  for (std::size_t i = 1; i <= s.element_count(); ++i) {
    out += s.delimiters().element;
    const std::string_view v = s.element(i);
    out += personal_element(s.id(), nm101, {}, i) && !v.empty() ? mask_identifier(v) : std::string(v);
  }
  return out;
}

std::string finding_message(const core::Diagnostic& d, bool show_phi) {
  if (show_phi || d.found_value.empty() || d.at.element == 0 || !personal_element(d.segment(), {}, d.loop_id, d.at.element))
    return d.message;
  std::string out = d.message;
  const std::string masked = mask_identifier(d.found_value);
  for (std::size_t at = out.find(d.found_value); at != std::string::npos; at = out.find(d.found_value, at + masked.size()))
    out.replace(at, d.found_value.size(), masked);
  return out;
}

void PhiValues::add(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return;
  if (std::find(values_.begin(), values_.end(), value) == values_.end()) values_.emplace_back(value);
}

void PhiValues::collect(const ig::TransactionResult& r) { collect(r, r.root); }

void PhiValues::collect(const ig::TransactionResult& r, const ig::LoopNode& loop) {
  for (const ig::SegmentNode& n : loop.segments) {
    const x12::SegmentView s = r.view(n);
    const std::string_view nm101 = s.is("NM1") ? s.element(1) : std::string_view();
    for (std::size_t e = 1; e <= s.element_count(); ++e) {
      if (!personal_element(s.id(), nm101, loop.id(), e)) continue;
      const std::string_view v = s.element(e);
      add(v);
      if (s.is("DMG") && v.size() == 8) {  // CCYYMMDD, also as the CCYY-MM-DD texts quote it
        std::string iso(v.substr(0, 4));
        iso += '-';
        iso += v.substr(4, 2);
        iso += '-';
        iso += v.substr(6, 2);
        add(iso);
      }
    }
  }
  for (const ig::LoopNode& c : loop.children) collect(r, c);
}

void PhiValues::scrub_in_place(std::string& text) const {
  for (const std::string& v : values_) {
    for (std::size_t at = text.find(v); at != std::string::npos; at = text.find(v, at + 1)) {
      const bool starts = at == 0 || !alnum(text[at - 1]);
      const bool ends = at + v.size() == text.size() || !alnum(text[at + v.size()]);
      if (starts && ends) text.replace(at, v.size(), mask_identifier(v));
    }
  }
}

std::string PhiValues::scrub(std::string_view text) const {
  std::string out(text);
  scrub_in_place(out);
  return out;
}

}  // namespace soc278::engine

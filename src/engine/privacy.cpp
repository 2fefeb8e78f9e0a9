#include "soc278/engine/privacy.hpp"

#include <algorithm>
#include <cctype>
#include <array>
#include <span>

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

void masked_elements(const x12::SegmentView& s, std::string_view loop, std::vector<bool>& masked) {
  std::array<std::string_view, x12::SegmentView::max_elements> values{};
  const std::size_t n = s.element_count();
  for (std::size_t i = 1; i <= n; ++i) values[i - 1] = s.element(i);
  core::phi_elements(s.id(), std::span<const std::string_view>(values.data(), n), loop, masked);
  // A segment cut at max_elements: its last element may hold the rest of the segment.
  if (n == x12::SegmentView::max_elements && !masked.empty()) masked.back() = !values[n - 1].empty();
}

bool plain_segment_id(std::string_view id) noexcept {
  if (id.size() < 2 || id.size() > 3 || id[0] < 'A' || id[0] > 'Z') return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

std::string printable_segment_id(std::string_view id) {
  if (plain_segment_id(id)) return std::string(id);
  // Not an id: the segment did not split on the interchange's element separator (a changed or lost
  // delimiter), so the "id" is the segment's text, values and all. Its first three characters say
  // what it was; the rest is masked whatever it holds.
  std::string out(id.substr(0, std::min<std::size_t>(id.size(), 3)));
  out.append(id.size() > 3 ? id.size() - 3 : 0, '*');
  return out;
}

std::string redact_segment(const x12::SegmentView& s, std::string_view loop) {
  if (!plain_segment_id(s.id())) {
    std::string out = printable_segment_id(s.text());
    return out;
  }
  thread_local std::vector<bool> masked;
  masked_elements(s, loop, masked);
  if (std::find(masked.begin(), masked.end(), true) == masked.end()) return std::string(s.text());
  std::string out(s.id());
  for (std::size_t i = 1; i <= s.element_count(); ++i) {
    out += s.delimiters().element;
    const std::string_view v = s.element(i);
    out += masked[i - 1] ? mask_identifier(v) : std::string(v);
  }
  return out;
}

namespace {

// Whether a value quoted in a message ('...') may be a person's: masked when it is a date, holds a
// segment boundary, or the finding is about an identity carrier and the value is not a code.
bool quoted_phi(const core::Diagnostic& d, std::string_view v) {
  std::string_view t = v;
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  if (t.empty()) return false;
  // Text where a segment id was expected (a changed or lost delimiter): values and all.
  if (d.code == core::DiagCode::x12_segment_id_invalid || (!d.segment().empty() && !plain_segment_id(d.segment()))) return t.size() > 3;
  if (core::date_shaped(t)) return true;
  for (const std::string_view c : {"NM1", "N3", "N4", "DMG", "REF"}) {  // a segment boundary inside a value
    if (t.size() > c.size() && t.ends_with(c)) return true;
    // ... or a whole segment run into it (a changed terminator): "... NM1 IL 1 DOE ..."
    for (std::size_t at = t.find(c); at != std::string_view::npos; at = t.find(c, at + 1)) {
      const bool starts = at == 0 || !std::isalnum(static_cast<unsigned char>(t[at - 1]));
      const bool ends = at + c.size() < t.size() && !std::isalnum(static_cast<unsigned char>(t[at + c.size()]));
      if (starts && ends) return true;
    }
  }
  // A word of four letters or more where a code was expected reads like a name: codes of the guide
  // are 1-3 characters or hold digits (HCPCS, ICD-10, qualifiers).
  if (t.size() >= 4 && std::all_of(t.begin(), t.end(), [](char c) {
        return std::isalpha(static_cast<unsigned char>(c)) || c == ' ' || c == '\'' || c == '-' || c == '.';
      }))
    return true;
  const bool person_context = core::identity_carrier(d.segment()) || d.loop_id == "2010C" || d.loop_id == "2010D";
  if (!person_context) return false;
  if (t.size() > 3) return true;  // a code of the guide is 1..3 characters
  for (char c : t)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return true;
  return false;
}

}  // namespace

std::string finding_message(const core::Diagnostic& d, bool show_phi) {
  if (show_phi) return d.message;
  std::string out = d.message;
  // A finding about text that is not a segment (an invalid id, a segment that did not split on the
  // element separator): what it quotes is text, values and all, masked past its first characters.
  if (!d.found_value.empty() && (!plain_segment_id(d.segment()) || !plain_segment_id(d.found_value.substr(0, std::min<std::size_t>(3, d.found_value.size()))) ||
                                 d.code == core::DiagCode::x12_segment_id_invalid) &&
      d.found_value.size() > 3 && d.at.element == 0) {
    const std::string masked = printable_segment_id(d.found_value);
    for (std::size_t at = out.find(d.found_value); at != std::string::npos; at = out.find(d.found_value, at + masked.size()))
      out.replace(at, d.found_value.size(), masked);
  }
  // The value the finding is about, wherever the message quotes it.
  if (!d.found_value.empty() && core::phi_value(d.segment(), {}, d.loop_id, d.at.element, d.found_value)) {
    const std::string masked = mask_identifier(d.found_value);
    for (std::size_t at = out.find(d.found_value); at != std::string::npos; at = out.find(d.found_value, at + masked.size()))
      out.replace(at, d.found_value.size(), masked);
  }
  // Any other value it quotes, by what it looks like.
  for (std::size_t open = out.find('\''); open != std::string::npos;) {
    const std::size_t close = out.find('\'', open + 1);
    if (close == std::string::npos) break;
    const std::string_view quoted = std::string_view(out).substr(open + 1, close - open - 1);
    if (quoted_phi(d, quoted)) {
      const std::string masked = mask_identifier(quoted);
      out.replace(open + 1, quoted.size(), masked);
    }
    open = out.find('\'', close + 1);
  }
  return out;
}

void PhiValues::add(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.size() < 2) return;  // an initial or a one-letter code: masking it in every text would hide the text
  if (std::find(values_.begin(), values_.end(), value) == values_.end()) values_.emplace_back(value);
}

void PhiValues::collect(const ig::TransactionResult& r) { collect(r, r.root); }

void PhiValues::collect(const ig::TransactionResult& r, const ig::LoopNode& loop) {
  thread_local std::vector<bool> masked;
  for (const ig::SegmentNode& n : loop.segments) {
    const x12::SegmentView s = r.view(n);
    masked_elements(s, loop.id(), masked);
    for (std::size_t e = 1; e <= s.element_count(); ++e) {
      if (!masked[e - 1]) continue;
      add_value(s.element(e));
    }
  }
  for (const ig::LoopNode& c : loop.children) collect(r, c);
}

void PhiValues::add_value(std::string_view v) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  add(v);
  if (v.size() == 8 && core::date_shaped(v)) {  // CCYYMMDD, also as the CCYY-MM-DD texts quote it
    std::string iso(v.substr(0, 4));
    iso += '-';
    iso += v.substr(4, 2);
    iso += '-';
    iso += v.substr(6, 2);
    add(iso);
  }
}

void PhiValues::scrub_in_place(std::string& text) const {
  for (const std::string& v : values_) {
    for (std::size_t at = text.find(v); at != std::string::npos; at = text.find(v, at + 1)) {
      const bool starts = at == 0 || !alnum(text[at - 1]);
      const bool ends = at + v.size() == text.size() || !alnum(text[at + v.size()]);
      if (starts && ends) text.replace(at, v.size(), mask_identifier(v));
    }
  }
  // A birth date the set did not carry where the rule looks (a reason computed from another copy).
  for (std::size_t at = text.find("birth date "); at != std::string::npos; at = text.find("birth date ", at + 1)) {
    const std::size_t from = at + 11;
    std::size_t to = from;
    while (to < text.size() && ((text[to] >= '0' && text[to] <= '9') || text[to] == '-')) ++to;
    if (core::date_shaped(std::string_view(text).substr(from, to - from)))
      text.replace(from, to - from, mask_identifier(std::string_view(text).substr(from, to - from)));
  }
}

std::string PhiValues::scrub(std::string_view text) const {
  std::string out(text);
  scrub_in_place(out);
  return out;
}

}  // namespace soc278::engine

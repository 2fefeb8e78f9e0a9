// Private to the evaluator: included by src/soc/evaluate*.cpp alone. The small pieces the
// evaluator's sentences and facts are made of: appending pieces, ISO dates, UM04 and ICD-10 text,
// and what a UM02 means.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "core/text.hpp"
#include "soc/line_writer.hpp"
#include "soc278/core/bytes.hpp"
#include "soc278/core/icd10.hpp"

namespace soc278::soc::evaluation {

// ---- small helpers ---------------------------------------------------------------------------

// Appends the pieces to `out` (core::append, with one resize for all of them and the short pieces
// copied inline).
inline void add(std::string& out, std::initializer_list<core::Piece> pieces) {
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
inline void put(std::string& out, std::initializer_list<core::Piece> pieces) {
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

inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

inline char qualifier_char(model::SiteQualifier q) noexcept {
  switch (q) {
    case model::SiteQualifier::bill_type: return 'A';
    case model::SiteQualifier::place_of_service: return 'B';
    case model::SiteQualifier::none: return '?';
  }
  return '?';
}

inline void um04_text(const SiteRequest& s, std::string& out) {
  out = s.code;
  if (s.qualifier != model::SiteQualifier::none) {
    out += ':';
    out += qualifier_char(s.qualifier);
  }
}

// Appends the items separated by `sep`, the last two by `last_sep`: "a, b and c".
template <typename Items>
inline void append_joined(std::string& out, const Items& items, std::string_view sep, std::string_view last_sep) {
  const std::size_t n = std::size(items);
  std::size_t i = 0;
  for (const auto& item : items) {
    if (i) out += i + 1 == n ? last_sep : sep;
    out += item;
    ++i;
  }
}

inline void append_site_phrase(std::string& out, std::span<const SiteClass> sites) {
  for (std::size_t i = 0; i < sites.size(); ++i) {
    if (i) out += i + 1 == sites.size() ? " or " : ", ";
    out += mapping::describe(sites[i]);
  }
}

// "T88.6XXA": Icd10Code::dotted() without the temporaries.
inline void append_dotted(std::string& out, const model::Icd10Code& code) {
  const std::string_view v = code.view();
  if (v.size() <= 3) {
    out += v;
    return;
  }
  out += v.substr(0, 3);
  out += '.';
  out += v.substr(3);
}

// ICD-10 qualifiers of an HI composite (x12-278-reference.md 2.6; the one list is core::icd10_qualifier,
// which the validator reads too); ICD-9 (BK/BF/...) is not evidence.
using core::icd10_qualifier;

// UM02 (x12-278-reference.md 2.4): R renewal and 4 extension continue a certification (GA.PMN.34 II);
// appeals (1, 2) and reconsideration (N) are not decided automatically; I initial, S revised and anything
// else go through the initial criteria (GA.PMN.34 I). A cancellation (3) is answered as one before any
// rule (is_cancel).
enum class ReviewKind { initial, continued, not_automated };
inline ReviewKind review_kind(std::string_view um02) noexcept {
  um02 = trim(um02);
  if (um02 == "R" || um02 == "4") return ReviewKind::continued;
  if (um02 == "1" || um02 == "2" || um02 == "N") return ReviewKind::not_automated;
  return ReviewKind::initial;
}

inline bool is_cancel(std::string_view um02) noexcept { return trim(um02) == "3"; }

inline std::string_view um02_meaning(std::string_view um02) noexcept {
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
inline constexpr std::array<SiteClass, 1> kInfusionSuiteOnly = {SiteClass::infusion_suite_or_office};

}  // namespace soc278::soc::evaluation

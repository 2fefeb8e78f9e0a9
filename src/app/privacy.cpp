#include "app/privacy.hpp"

#include <vector>

namespace soc278::app {

std::string mask_identifier(std::string_view value) {
  if (value.size() <= 4) return std::string(value.size(), '*');
  std::string out(value.size(), '*');
  out[0] = value[0];
  out[out.size() - 2] = value[value.size() - 2];
  out[out.size() - 1] = value[value.size() - 1];
  return out;
}

std::string redact_segment(const x12::SegmentView& s) {
  std::vector<int> masked;  // element positions to mask
  if (s.is("NM1") && (s.element(1) == "IL" || s.element(1) == "QC")) masked = {3, 4, 5, 9};
  else if (s.is("DMG")) masked = {2};
  else if (s.is("N3")) masked = {1, 2};
  else if (s.is("INS")) masked = {};
  if (masked.empty()) return std::string(s.text());
  std::string out(s.id());
  for (std::size_t i = 1; i <= s.element_count(); ++i) {
    out += s.delimiters().element;
    const std::string_view v = s.element(i);
    bool mask = false;
    for (int m : masked) mask = mask || static_cast<std::size_t>(m) == i;
    out += mask && !v.empty() ? mask_identifier(v) : std::string(v);
  }
  return out;
}

}  // namespace soc278::app

#include "soc278/core/icd10.hpp"

namespace soc278::core {
namespace {

bool digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool letter(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
char upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

Icd10Reading read_icd10(std::string_view sent) noexcept {
  Icd10Reading r;
  std::size_t points = 0;
  std::size_t point_at = 0;
  for (std::size_t i = 0; i < sent.size(); ++i) {
    if (sent[i] == '.') {
      ++points;
      point_at = i;
    }
  }
  r.decimal_point = points != 0;
  // The one decimal point ICD-10-CM prints stands after the category; anywhere else it is not a code.
  if (points > 1 || (points == 1 && point_at != 3)) {
    r.problem = Icd10Problem::not_icd10;
    return r;
  }
  for (char c : sent) {
    if (c == '.') continue;
    if (r.size == 7 || !(digit(c) || letter(c))) {
      r.problem = Icd10Problem::not_icd10;
      r.size = 0;
      return r;
    }
    r.text[r.size++] = upper(c);
  }
  const std::string_view v = r.code();
  if (v.size() < 3 || !letter(v[0]) || !digit(v[1]) || !(digit(v[2]) || letter(v[2]))) {
    r.problem = Icd10Problem::not_icd10;
    return r;
  }
  const bool burns_by_extent = v[0] == 'T' && v[1] == '3' && (v[2] == '0' || v[2] == '1' || v[2] == '2');
  if ((v[0] == 'S' || v[0] == 'T') && !burns_by_extent && v.size() != 7) r.problem = Icd10Problem::missing_seventh;
  return r;
}

bool icd10_qualifier(std::string_view q) noexcept { return q == "ABK" || q == "ABF" || q == "ABJ" || q == "APR"; }

}  // namespace soc278::core

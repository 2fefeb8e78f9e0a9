#include "soc278/core/privacy.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace soc278::core {

bool identifies_person(std::string_view id, std::string_view nm101, std::string_view loop, std::size_t e) noexcept {
  const bool person_loop = loop == "2010C" || loop == "2010D";
  if (id == "NM1") {
    const bool person = nm101.empty() ? person_loop : nm101 == "IL" || nm101 == "QC";
    return person && (e == 3 || e == 4 || e == 5 || e == 9);
  }
  if (id == "DMG") return e == 2;
  if (id == "N3") return e == 1 || e == 2;
  if (id == "REF") return person_loop && e == 2;
  return false;
}

namespace {

std::string_view trim(std::string_view v) noexcept {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  return v;
}

// The base standard's element count of every segment soc278 reads (grammars/segments.yaml).
constexpr std::array<std::pair<std::string_view, std::size_t>, 43> element_counts{{
    {"AAA", 4}, {"AK1", 3}, {"AK2", 3},  {"AK9", 9},  {"BHT", 6},  {"CL1", 4}, {"CR1", 10}, {"CR2", 12}, {"CR5", 18}, {"CR6", 21}, {"CRC", 7},
    {"CTX", 6}, {"DMG", 11}, {"DTP", 3}, {"GE", 2},   {"GS", 8},   {"HCR", 4}, {"HI", 12},  {"HL", 4},   {"HSD", 8},  {"IEA", 2},  {"IK3", 4},
    {"IK4", 4}, {"IK5", 6}, {"INS", 17}, {"ISA", 16}, {"MSG", 3},  {"N3", 2},  {"N4", 7},   {"NM1", 12}, {"PER", 9},  {"PRV", 6},  {"PWK", 9},
    {"REF", 4}, {"SE", 2},  {"ST", 3},   {"SV1", 21}, {"SV2", 10}, {"SV3", 11}, {"TA1", 5}, {"TOO", 3},  {"TRN", 4},  {"UM", 10},
}};

// 0 for a segment id soc278 does not know: all of its values are masked.
std::size_t element_count(std::string_view id) noexcept {
  for (const auto& [s, n] : element_counts)
    if (s == id) return n;
  return 0;
}

// NM101 codes of the payer, requester, provider, facility, other-UMO and transport-location loops:
// an NM1 with any other NM101 (IL, QC, or something unknown) is read as a person's.
bool known_entity(std::string_view nm101) noexcept {
  static constexpr std::array<std::string_view, 30> codes = {"2B", "36", "PR", "X3", "1P", "FA", "71", "72", "73", "77",
                                                             "AAJ", "DD", "DK", "DN", "G3", "P3", "QB", "QV", "SJ", "1T",
                                                             "DQ", "00", "CA", "GG", "45", "FS", "ND", "PW", "R3", "FA"};
  return std::find(codes.begin(), codes.end(), nm101) != codes.end();
}

// REF01 qualifiers of references that are not a person's: authorization, referral and
// administrator's reference numbers, provider ids and licences. A REF with any other qualifier (SY,
// 1W, 0F, EJ, something unknown...) or in a patient loop is read as a person's.
bool known_reference(std::string_view ref01) noexcept {
  static constexpr std::array<std::string_view, 14> codes = {"BB", "NT", "9F", "G1", "EI", "1G", "1J", "N5", "N7", "ZH", "G5", "LU", "0B", "1C"};
  return std::find(codes.begin(), codes.end(), ref01) != codes.end();
}

constexpr std::array<std::string_view, 5> carriers = {"NM1", "N3", "N4", "DMG", "REF"};

// The carrier whose id `v` ends with (a segment boundary inside an element), or "".
std::string_view boundary_in(std::string_view v) noexcept {
  v = trim(v);
  for (std::string_view c : carriers)
    if (v.size() >= c.size() && v.substr(v.size() - c.size()) == c) return c;
  return {};
}

// Element `e` (1-based, relative to the carrier) of a segment `id`; `person` says whether an NM1
// or a REF is a person's (by its NM101 / REF01).
bool code_shaped(std::string_view v) noexcept {
  v = trim(v);
  if (v.empty() || v.size() > 3) return false;
  return std::all_of(v.begin(), v.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

bool masked_by_class(std::string_view id, bool person, bool person_loop, std::size_t e, std::string_view v) {
  const std::size_t count = element_count(id);
  if (count == 0 || e > count) return true;  // unknown content
  if (id == "NM1" && person && e != 1 && e != 2 && e != 8) return true;
  if (id == "N3") return true;
  if (id == "N4" && (e == 1 || e == 3 || e == 6)) return true;
  if (id == "DMG" && e != 1 && e != 3) return true;
  if (id == "REF" && (person || person_loop) && e != 1) return true;
  // What stays visible of a person's carrier is its qualifiers (NM101/102/108, DMG01/03, REF01, N4
  // state/country), and a qualifier is a code of 1-3 letters or digits: anything else
  // there is a value shifted into the slot (a lost element separator), masked like the rest.
  const bool persons = (id == "NM1" && person) || (id == "REF" && (person || person_loop)) || id == "DMG" || id == "N4";
  if (persons && !code_shaped(v)) return true;
  if (date_shaped(v)) {
    const bool service_date = (id == "DTP" && e == 3 && !person_loop) || (id == "BHT" && e == 4) || (id == "GS" && e == 4);
    if (!service_date) return true;
  }
  return false;
}

bool person_nm101(std::string_view nm101) noexcept { return !known_entity(trim(nm101)); }

// Whether the NM1 or REF whose first element is `first` is a person's (empty: not known, so yes).
bool person_carrier(std::string_view id, std::string_view first) noexcept {
  if (id == "NM1") return first.empty() || person_nm101(first);
  if (id == "REF") return first.empty() || !known_reference(trim(first));
  return false;
}

}  // namespace

bool identity_carrier(std::string_view id) noexcept { return std::find(carriers.begin(), carriers.end(), id) != carriers.end(); }

bool date_shaped(std::string_view v) noexcept {
  v = trim(v);
  const auto digits = [&](std::size_t from, std::size_t n) {
    for (std::size_t i = from; i < from + n; ++i)
      if (v[i] < '0' || v[i] > '9') return false;
    return true;
  };
  std::size_t month_at = 0, day_at = 0;
  if (v.size() == 8 && digits(0, 8)) {
    month_at = 4, day_at = 6;
  } else if (v.size() == 10 && v[4] == '-' && v[7] == '-' && digits(0, 4) && digits(5, 2) && digits(8, 2)) {
    month_at = 5, day_at = 8;
  } else {
    return false;
  }
  const int month = (v[month_at] - '0') * 10 + (v[month_at + 1] - '0');
  const int day = (v[day_at] - '0') * 10 + (v[day_at + 1] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

void phi_elements(std::string_view id, std::span<const std::string_view> values, std::string_view loop, std::vector<bool>& masked) {
  masked.assign(values.size(), false);
  const bool person_loop = loop == "2010C" || loop == "2010D";
  std::string_view carrier = id;
  std::size_t start = 0;  // values[start] is the carrier's element 1
  bool person = person_carrier(id, values.empty() ? std::string_view() : values[0]);
  for (std::size_t k = 0; k < values.size(); ++k) {
    const std::string_view v = values[k];
    masked[k] = !v.empty() && masked_by_class(carrier, person, person_loop, k - start + 1, v);
    if (const std::string_view next = boundary_in(v); !next.empty()) {  // a lost terminator: another segment follows
      masked[k] = true;
      carrier = next;
      start = k + 1;
      person = person_carrier(next, start < values.size() ? values[start] : std::string_view());
    }
  }
}

bool phi_value(std::string_view id, std::string_view nm101, std::string_view loop, std::size_t element, std::string_view value) noexcept {
  if (value.empty()) return false;
  if (!boundary_in(value).empty()) return true;
  const bool person_loop = loop == "2010C" || loop == "2010D";
  const bool person = person_carrier(id, id == "NM1" ? nm101 : std::string_view());
  if (element == 0) return (identity_carrier(id) && trim(value) != id) || date_shaped(value);
  return masked_by_class(id, person, person_loop, element, value);
}

}  // namespace soc278::core

#include "soc278/soc/answerable.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace soc278::soc {

bool npi_check_digit_valid(std::string_view npi) noexcept {
  if (npi.size() != 10 || !std::all_of(npi.begin(), npi.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  // Luhn over the 80840 prefix and the first nine digits: the prefix contributes a constant 24.
  int sum = 24;
  for (int i = 8; i >= 0; --i) {
    int d = npi[static_cast<std::size_t>(i)] - '0';
    if ((8 - i) % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  const int check = (10 - sum % 10) % 10;
  return check == npi[9] - '0';
}

std::vector<Rejection> check_answerable(const model::AuthorizationRequest& r, const core::Date& today) {
  std::vector<Rejection> out;
  // 2010B: the requester must be identifiable. With NM108 = XX the id is an NPI and must pass its
  // check digit (AAA03 43 invalid/missing provider identification, AAA04 C correct and resubmit).
  if (r.requester.id.value.empty()) {
    out.push_back({"2010B", "N", "43", "C", "the requester has no identifier (2010B NM109)", r.requester.at});
  } else if (r.requester.id_qualifier == "XX" && !npi_check_digit_valid(r.requester.id.value)) {
    out.push_back({"2010B", "N", "43", "C",
                   fmt::format("the requester NPI (2010B NM109, {} digits) fails the NPI check digit", r.requester.id.value.size()),
                   r.requester.id.at});
  }
  // 2010C: the member id is what the UMO looks the member up by (AAA03 72 invalid/missing subscriber id).
  const std::string& member = r.subscriber.name.id.value;
  if (member.empty() || std::all_of(member.begin(), member.end(), [](char c) { return c == '0' || c == ' '; })) {
    out.push_back({"2010C", "N", "72", "C", "the subscriber has no usable member id (2010C NM109)", r.subscriber.name.at});
  }
  // The patient's birth date cannot follow the request (AAA03 58 invalid date of birth; 60 birth
  // date follows service date). Checked where the patient is: 2010D for a dependent, else 2010C.
  const model::Person& patient = r.patient();
  const char* patient_loop = r.dependent ? "2010D" : "2010C";
  if (patient.birth_date) {
    const core::Date birth = patient.birth_date->value;
    if (birth > today) {
      out.push_back({patient_loop, "N", "58", "C", fmt::format("the patient's birth date {} is after the decision date", birth.iso()),
                     patient.birth_date->at});
    } else {
      for (const auto& line : r.lines) {
        if (line.service_dates && line.service_dates->first < birth) {
          out.push_back({patient_loop, "N", "60", "C",
                         fmt::format("the patient's birth date {} follows the service date {} (line {})", birth.iso(),
                                     line.service_dates->first.iso(), line.line_number),
                         patient.birth_date->at});
          break;
        }
      }
    }
  }
  // 2000E: a site-of-care review decides service lines; without any there is nothing to decide
  // (AAA03 15 required application data missing, AAA04 C).
  if (r.lines.empty()) {
    out.push_back({"2000E", "N", "15", "C", "the patient event has no service line (2000F) naming a drug to review", r.event.at});
  }
  return out;
}

}  // namespace soc278::soc

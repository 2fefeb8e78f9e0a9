// soc278/soc/answerable.hpp
//
// Provides check_answerable(): the business checks that decide whether a well-formed 278 request
// can be answered on its merits at all. A request that fails one gets a 278 response whose AAA
// segment, at the loop concerned, carries the reject reason (AAA03) and follow-up action (AAA04)
// instead of a decision (reference 3.1-3.2: "AAA = could not process"; a pend is an HCR A4, not an
// AAA). The 999 has already said the syntax is fine; these are the checks a UMO makes next.
//
// Pure: no I/O, the decision date comes in with the call.
#pragma once

#include <string>
#include <vector>

#include "soc278/core/date.hpp"
#include "soc278/core/source_position.hpp"
#include "soc278/model/authorization_request.hpp"

namespace soc278::soc {

struct Rejection {
  std::string loop;         // where the AAA goes: "2010B", "2010C", "2010D", "2000E"
  std::string aaa01;        // Y valid request but cannot answer (written at 2000A only); N invalid request or element
  std::string aaa03;        // reject reason (grammars/codes/aaa03_reject_reason.yaml)
  std::string aaa04;        // follow-up action (grammars/codes/aaa04_followup_action.yaml)
  std::string message;      // for the report: what was checked and what was found
  core::SourcePosition at;  // the segment the check read
};

// True when `npi` is 10 digits whose last is the Luhn check digit over "80840" + the first nine
// (the CMS NPI check-digit rule).
[[nodiscard]] bool npi_check_digit_valid(std::string_view npi) noexcept;

// Every reason the request cannot be answered; empty when it can be decided.
[[nodiscard]] std::vector<Rejection> check_answerable(const model::AuthorizationRequest& request, const core::Date& today);

}  // namespace soc278::soc

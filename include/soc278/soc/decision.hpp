// soc278/soc/decision.hpp
//
// Provides LineDecision, the evaluator's verdict on one 2000F service line: the outcome (approve,
// redirect, pend), the HCR01/HCR03 codes the response carries (from decision-codes.yaml and the
// policy), the site requested and the site(s) certified instead, the approved span, what a pend
// asks for, and the Explanation. The respond stage turns it into 278 segments; it never chooses a
// code itself. The certification number (HCR02) is NOT made here: the response writer assigns it.
//
// Plain owned data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "soc278/core/date.hpp"
#include "soc278/core/source_position.hpp"
#include "soc278/mapping/place_of_service.hpp"
#include "soc278/model/authorization_request.hpp"
#include "soc278/soc/explanation.hpp"

namespace soc278::soc {

enum class Outcome : std::uint8_t {
  approve,   // HCR01 A1: certified at the requested site
  redirect,  // HCR01 A6 (or the policy's redirect_hcr01): certified at a lower-cost site instead
  pend,      // HCR01 A4: no decision; documentation or clinical review needed
  cancel,    // HCR01 C: the cancellation the request asked for (UM02 3) is confirmed; nothing is certified
};
[[nodiscard]] std::string_view to_string(Outcome o) noexcept;  // "approve", "redirect", "pend", "cancel"
// Whether the outcome certifies the service (approve, redirect): it then gets a certification number.
[[nodiscard]] constexpr bool certifies(Outcome o) noexcept { return o == Outcome::approve || o == Outcome::redirect; }

struct SiteRequest {                           // the UM04 the decision read
  std::string code;                            // UM04-1 as sent ("" when no UM04 anywhere)
  model::SiteQualifier qualifier = model::SiteQualifier::none;   // UM04-2
  std::optional<mapping::SiteClass> site_class;                  // nullopt: missing or not a listed code
  std::string name;                            // the table's name for the code ("On campus-outpatient hospital")
  std::string loop;                            // "2000F" or "2000E": where UM04 was found; "" when missing
  core::SourcePosition at;                     // the UM segment
  friend bool operator==(const SiteRequest&, const SiteRequest&) = default;
};

struct AuthorizedSite {                        // UM04 for the response when the site changes
  std::string code;                            // "11", "12", "01" (place-of-service.yaml redirect_site_codes)
  model::SiteQualifier qualifier = model::SiteQualifier::place_of_service;   // always B
  friend bool operator==(const AuthorizedSite&, const AuthorizedSite&) = default;
};

struct DateRange {
  core::Date first;
  core::Date last;
  friend bool operator==(const DateRange&, const DateRange&) = default;
};

struct LineDecision {
  std::uint32_t line_number = 0;               // 1-based position of the 2000F loop in the transaction
  std::string hcpcs;                           // SV101-2 / SV202-2 as sent
  SiteRequest requested_site;
  Outcome outcome = Outcome::pend;
  std::string hcr01;                           // HCR01 action code
  std::string hcr03;                           // HCR03 decision reason (code source 886); "" = none
  std::string policy_id;
  std::string section;                         // the policy section the decision cites
  std::string rule_id;                         // e.g. "R4.documented_exception"
  std::vector<mapping::SiteClass> redirect_to; // redirect: the lower-cost site classes, in preference order
  bool certified_facility = false;             // redirect: the site must be a certified facility (natalizumab)
  std::optional<AuthorizedSite> authorized_site;  // redirect: UM04 to return (first of redirect_to)
  std::optional<DateRange> approved_span;      // approve and redirect: the certified span
  std::optional<core::Date> requested_end;     // approve and redirect: the end asked for, when the certified span
                                               // ends earlier (cut to the policy's approval duration); else nullopt
  std::vector<std::string> documents_needed;   // pend: what to send, each naming its criterion
  std::vector<std::string> non_qualifying;     // reasons found that the policy says do not qualify
                                               // ("trypanophobia (F40.231)", "pediatrics (age 9)")
  Explanation explanation;
  friend bool operator==(const LineDecision&, const LineDecision&) = default;
};

// MSG01 text for the response (AN 1-264): upper case, no characters that commonly serve as X12
// delimiters (* ~ : ^ |), at most 264 characters. Names the outcome, the site classes and the section.
[[nodiscard]] std::string response_message(const LineDecision& d);
// The same into `out` (replaced), so a writer can reuse one buffer for every line.
void response_message(const LineDecision& d, std::string& out);
// Whether response_message gives `a` and `b` the same text because they agree on every field it
// reads (false may also mean "not known to be the same"). An administration-code line follows its
// drug line's decision, so a writer holding the drug line's message can write it again instead of
// building it twice; a review pend (its own sentence) is built anew.
[[nodiscard]] bool same_response_message(const LineDecision& a, const LineDecision& b) noexcept;

}  // namespace soc278::soc

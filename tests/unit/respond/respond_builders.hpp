// tests/unit/respond/respond_builders.hpp — the received interchange and group the respond tests
// answer (a provider to a health plan, usage T), shared so each test builds only what it varies.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "soc278/model/authorization_request.hpp"
#include "soc278/soc/decision.hpp"
#include "soc278/x12/delimiters.hpp"
#include "soc278/x12/envelope.hpp"

namespace soc278::test {

// ISA ZZ:SOCPROVIDER01 -> ZZ:SOCHEALTHPLAN, 00501, ISA13 000004711, usage T; delimiters as given,
// else the InterchangeInfo default.
inline x12::InterchangeInfo received_interchange(std::optional<x12::Delimiters> delimiters = std::nullopt) {
  x12::InterchangeInfo i;
  i.isa.sender_qualifier = "ZZ";
  i.isa.sender_id = "SOCPROVIDER01  ";
  i.isa.receiver_qualifier = "ZZ";
  i.isa.receiver_id = "SOCHEALTHPLAN  ";
  i.isa.version = "00501";
  i.isa.control_number = "000004711";
  i.isa.usage = "T";
  if (delimiters) i.isa.delimiters = *delimiters;
  return i;
}

// GS HI SOCPROVIDER01 -> SOCHEALTHPLAN, 005010X217, GS06 `control`.
inline x12::GroupInfo received_group(const std::string& control = "4711") {
  x12::GroupInfo g;
  g.functional_id = "HI";
  g.sender = "SOCPROVIDER01";
  g.receiver = "SOCHEALTHPLAN";
  g.control_number = control;
  g.version = "005010X217";
  return g;
}

// A request of two service lines at 22:B for 2026-12-01..2027-05-31, member DOE JANE (MI XYZ1): J1745 and
// 96365, each with a trace; the UMO and requester names as given (letters and digits only when the test
// writes under any delimiter set).
inline model::AuthorizationRequest two_line_request(const std::string& umo_name, const std::string& requester_name) {
  model::AuthorizationRequest r;
  r.envelope.isa_sender = "SOCPROVIDER01";
  r.envelope.isa_control = "000004711";
  r.envelope.gs_control = "4711";
  r.envelope.st_control = "0001";
  r.bht_reference = "REQ1";
  r.umo.entity_code = "X3";
  r.umo.last_or_org_name.value = umo_name;
  r.umo.id_qualifier = "PI";
  r.umo.id.value = "99999";
  r.requester.entity_code = "1P";
  r.requester.last_or_org_name.value = requester_name;
  r.requester.id_qualifier = "XX";
  r.requester.id.value = "1234567893";
  r.subscriber.name.last_or_org_name.value = "DOE";
  r.subscriber.name.first_name = "JANE";
  r.subscriber.name.id_qualifier = "MI";
  r.subscriber.name.id.value = "XYZ1";
  r.event.traces.push_back({"1", "EV1", "1123456789", "", {}});
  r.event.review = {"HS", "I", "1", model::RequestedSite{"22", model::SiteQualifier::place_of_service, {}}, {}};
  for (std::uint32_t k = 1; k <= 2; ++k) {
    model::ServiceLine l;
    l.line_number = k;
    l.traces.push_back({"1", "L" + std::to_string(k), "1123456789", "", {}});
    l.service_dates = model::DateSpan{"472", core::Date{2026, 12, 1}, core::Date{2027, 5, 31}, {}};
    l.service_segment = "SV1";
    l.procedure_qualifier = "HC";
    l.procedure_text = k == 1 ? "J1745" : "96365";
    l.unit_basis = "UN";
    l.units = 4.0;
    r.lines.push_back(l);
  }
  return r;
}

// Its decisions: line 1 approved for the span (A1), line 2 pended for documents (A4 / 0U).
inline std::vector<soc::LineDecision> approve_and_pend() {
  std::vector<soc::LineDecision> out(2);
  out[0].line_number = 1;
  out[0].outcome = soc::Outcome::approve;
  out[0].hcr01 = "A1";
  out[0].policy_id = "GA.PMN.34";
  out[0].section = "I.A.1.d";
  out[0].approved_span = soc::DateRange{{2026, 12, 1}, {2027, 5, 31}};
  out[1].line_number = 2;
  out[1].outcome = soc::Outcome::pend;
  out[1].hcr01 = "A4";
  out[1].hcr03 = "0U";
  out[1].policy_id = "GA.PMN.34";
  out[1].section = "I.A.1.d";
  out[1].documents_needed = {"I.A.1.d: infusion records (send as PWK with PWK02 BM, EL, EM or FX)"};
  return out;
}

}  // namespace soc278::test

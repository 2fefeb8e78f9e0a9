// soc278/model/authorization_request.hpp
//
// Provides AuthorizationRequest: one 278 request transaction (BHT02 = 13) as typed values, built
// by the binder (model/bind.hpp) from the validated loop tree. Every field remembers where it came
// from (Sourced<T>::at), so a decision can cite the exact segment it used.
//
// Owned, plain data; a request is dropped (or, with RequestBinder::bind_into, reused) once it has
// been decided and its response written. Loop and element references in comments follow the
// 005010X217 guide. A new member must also be reset by src/model/bind.cpp's finish() functions when a
// transaction does not write it (bind_into reuses requests without clearing them first);
// tests/unit/model/bind_test.cpp compares a reused request with a fresh one through the operator==
// every type here has.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "soc278/core/date.hpp"
#include "soc278/core/source_position.hpp"
#include "soc278/model/codes.hpp"

namespace soc278::model {

template <typename T>
struct Sourced {
  T value{};
  core::SourcePosition at;
  friend bool operator==(const Sourced&, const Sourced&) = default;
};

struct Party {                                   // an NM1 loop: 2010A, 2010B, 2010C, 2010D, 2010EA, 2010F
  std::string entity_code;                       // NM101 (X3, 1P, FA, IL, QC, SJ, ...)
  std::string entity_type;                       // NM102: 1 person, 2 non-person
  Sourced<std::string> last_or_org_name;         // NM103
  std::string first_name;                        // NM104
  std::string id_qualifier;                      // NM108 (PI, XX, MI, ...)
  Sourced<std::string> id;                       // NM109
  std::string zip;                               // N403
  std::string state;                             // N402
  core::SourcePosition at;                       // the NM1 segment
  friend bool operator==(const Party&, const Party&) = default;
};

struct Person {                                  // 2000C/2010C subscriber or 2000D/2010D dependent
  Party name;
  std::optional<Sourced<core::Date>> birth_date; // DMG02 with DMG01 = D8
  std::string gender;                            // DMG03: F, M, U
  friend bool operator==(const Person&, const Person&) = default;
};

enum class SiteQualifier : std::uint8_t { none, bill_type /*UM04-2 A*/, place_of_service /*UM04-2 B*/ };

struct RequestedSite {                           // UM04 (C023)
  std::string code;                              // UM04-1 as sent
  SiteQualifier qualifier = SiteQualifier::none; // UM04-2
  core::SourcePosition at;                       // element 4 of the UM segment
  friend bool operator==(const RequestedSite&, const RequestedSite&) = default;
};

struct Review {                                  // UM at 2000E or 2000F
  std::string request_category;                  // UM01: AR, HS, SC, IN
  std::string certification_type;                // UM02: I initial, R renewal, S revised, 4 extension, 3 cancel, 1/2 appeal, N
  std::string service_type;                      // UM03
  std::optional<RequestedSite> site;             // UM04
  core::SourcePosition at;                       // the UM segment
  friend bool operator==(const Review&, const Review&) = default;
};

struct Diagnosis {                               // one HI composite
  std::string qualifier;                         // HIxx-1: ABK principal, ABF other, ABJ, APR (ICD-10); BK/BF legacy ICD-9
  std::string code_text;                         // HIxx-2 as sent
  std::optional<Icd10Code> icd10;                // set when the qualifier is an ICD-10 one and the code parses
  core::SourcePosition at;                       // element and component of the composite
  friend bool operator==(const Diagnosis&, const Diagnosis&) = default;
};

struct Attachment {                              // PWK
  std::string report_type;                       // PWK01 (09 progress report, M1 medical record, OB operative note...)
  std::string transmission;                      // PWK02 (BM, EL, EM, FX sent; AA available on request, VO voice)
  std::string control_number;                    // PWK06 with PWK05 = AC
  std::string description;                       // PWK07
  core::SourcePosition at;
  friend bool operator==(const Attachment&, const Attachment&) = default;
};

struct DateSpan {                                // DTP with D8 or RD8
  std::string qualifier;                         // DTP01 (AAH event date, 472 service date, 435 admission ...)
  core::Date first;
  core::Date last;                               // == first for D8
  core::SourcePosition at;
  friend bool operator==(const DateSpan&, const DateSpan&) = default;
};

struct Trace {                                   // TRN
  std::string type;                              // TRN01 (1 current, 2 referenced)
  std::string number;                            // TRN02
  std::string originator;                        // TRN03
  std::string supplemental;                      // TRN04
  core::SourcePosition at;
  friend bool operator==(const Trace&, const Trace&) = default;
};

struct ServiceLine {                             // 2000F
  std::uint32_t line_number = 0;                 // 1-based position of the 2000F loop in its transaction
  std::string hl_id;                             // HL01
  std::vector<Trace> traces;
  std::optional<Review> review;                  // 2000F UM
  std::string previous_authorization;            // REF*BB
  std::optional<DateSpan> service_dates;         // DTP*472
  std::string procedure_qualifier;               // SV101-1 / SV202-1 (HC)
  std::optional<Sourced<Hcpcs>> procedure;       // SV101-2 / SV202-2 when it parses as a HCPCS/CPT code
  std::string procedure_text;                    // as sent, even when it did not parse
  std::vector<std::string> modifiers;            // SV101-3..6
  std::string revenue_code;                      // SV201 (institutional lines)
  std::optional<double> amount;                  // SV102 / SV203
  std::string unit_basis;                        // SV103 / SV204
  std::optional<double> units;                   // SV104 / SV205
  std::string service_segment;                   // "SV1", "SV2", "SV3" or ""
  std::vector<Attachment> attachments;           // PWK
  std::string message;                           // MSG01
  std::vector<Party> providers;                  // 2010F
  core::SourcePosition at;                       // the HL segment
  friend bool operator==(const ServiceLine&, const ServiceLine&) = default;
};

struct PatientEvent {                            // 2000E
  std::string hl_id;
  std::vector<Trace> traces;                     // TRN (TRN02 is the trace a response echoes)
  Review review;                                 // UM (required)
  std::string previous_authorization;            // REF*BB
  std::string administrative_reference;          // REF*NT
  std::vector<DateSpan> dates;                   // DTP (AAH, 435, 439 ...)
  std::vector<Diagnosis> diagnoses;              // HI
  std::vector<Attachment> attachments;           // PWK
  std::string message;                           // MSG01
  std::vector<Party> providers;                  // 2010EA
  core::SourcePosition at;
  friend bool operator==(const PatientEvent&, const PatientEvent&) = default;
};

struct Envelope {                                // where the transaction came from
  std::string isa_sender_qualifier, isa_sender, isa_receiver_qualifier, isa_receiver;  // trimmed
  std::string isa_control;                       // ISA13
  std::string isa_date, isa_time;                // ISA09, ISA10
  std::string usage;                             // ISA15
  std::string gs_sender, gs_receiver, gs_control, gs_version;  // GS02, GS03, GS06, GS08
  std::string st_control;                        // ST02
  std::string st_convention;                     // ST03
  friend bool operator==(const Envelope&, const Envelope&) = default;
};

struct AuthorizationRequest {
  Envelope envelope;
  std::string bht_reference;                     // BHT03 (echoed in the response)
  std::optional<core::Date> bht_date;            // BHT04
  std::string bht_time;                          // BHT05
  std::string bht_type;                          // BHT06
  Party umo;                                     // 2010A
  Party requester;                               // 2010B
  std::string requester_phone;                   // 2010B PER (TE)
  Person subscriber;                             // 2010C
  std::optional<Person> dependent;               // 2010D (the patient when present)
  PatientEvent event;                            // 2000E
  std::vector<ServiceLine> lines;                // 2000F, in transmission order

  // The patient: the dependent when there is one, else the subscriber.
  [[nodiscard]] const Person& patient() const noexcept { return dependent ? *dependent : subscriber; }
  // The 2000E trace number (TRN02 of the first TRN01 = 1), or "" when none was sent.
  [[nodiscard]] std::string event_trace() const;
  friend bool operator==(const AuthorizationRequest&, const AuthorizationRequest&) = default;
};

}  // namespace soc278::model

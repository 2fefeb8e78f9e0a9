// tests/unit/soc/request_builder.hpp — builds model::AuthorizationRequest values in C++ for evaluator
// tests, without X12 text. Every segment it adds gets the next segment_in_set, so a test can check
// which segment an explanation cites.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "soc278/mapping/load.hpp"
#include "soc278/model/authorization_request.hpp"
#include "support/shipped_guides.hpp"
#include "support/test_support.hpp"

namespace soc278::test {

inline core::Date date(int y, int m, int d) { return *core::Date::make(y, m, d); }

inline const mapping::MappingSet& shipped_mappings() {
  static const mapping::MappingSet set = [] {
    auto r = mapping::load_mappings(source_dir() / "mappings", shipped_guides());
    if (!r) throw std::runtime_error(r.error().message);
    return std::move(r).value();
  }();
  return set;
}

class RequestBuilder {
 public:
  // A GA.PMN.34 request (ISA08/GS03 SOCHEALTHPLAN, UMO GAHIM01) for an adult subscriber, initial review,
  // event UM04 22:B, event DTP*AAH 2026-12-01..2027-05-31, no diagnoses, no PWK, no lines.
  RequestBuilder() {
    r_.envelope.isa_receiver = "SOCHEALTHPLAN";
    r_.envelope.gs_receiver = "SOCHEALTHPLAN";
    r_.umo.id.value = "GAHIM01";
    r_.subscriber.name.id.value = "XYZ123456789";
    r_.subscriber.name.last_or_org_name.value = "DOE";
    r_.subscriber.name.first_name = "JANE";
    r_.subscriber.birth_date = model::Sourced<core::Date>{date(1980, 1, 15), pos()};
    r_.event.review = review("I", "22", model::SiteQualifier::place_of_service);
    r_.event.dates.push_back({"AAH", date(2026, 12, 1), date(2027, 5, 31), pos()});
  }

  RequestBuilder& payer(const std::string& isa08, const std::string& gs03, const std::string& umo) {
    r_.envelope.isa_receiver = isa08;
    r_.envelope.gs_receiver = gs03;
    r_.umo.id.value = umo;
    return *this;
  }
  // Event UM04: code + qualifier 'A' (bill type), 'B' (POS) or ' ' (none).
  RequestBuilder& site(const std::string& code, char qualifier = 'B') {
    r_.event.review.site = model::RequestedSite{code, qual(qualifier), pos(4)};
    return *this;
  }
  RequestBuilder& no_site() {
    r_.event.review.site.reset();
    return *this;
  }
  RequestBuilder& um02(const std::string& type) {
    r_.event.review.certification_type = type;
    return *this;
  }
  RequestBuilder& event_dates(core::Date first, core::Date last) {
    r_.event.dates = {{"AAH", first, last, pos()}};
    return *this;
  }
  RequestBuilder& no_event_dates() {
    r_.event.dates.clear();
    return *this;
  }
  // 2000E HI composite, e.g. dx("ABF", "T886XXA").
  RequestBuilder& dx(const std::string& qualifier, const std::string& code) {
    model::Diagnosis d;
    d.qualifier = qualifier;
    d.code_text = code;
    const bool icd10 = qualifier == "ABK" || qualifier == "ABF" || qualifier == "ABJ" || qualifier == "APR";
    if (icd10) d.icd10 = model::Icd10Code::parse(code);
    d.at = pos();
    r_.event.diagnoses.push_back(d);
    return *this;
  }
  // 2000E PWK.
  RequestBuilder& pwk(const std::string& report_type, const std::string& transmission) {
    r_.event.attachments.push_back({report_type, transmission, "CTL1", "", pos()});
    return *this;
  }
  // The patient is a dependent born on `birth` (2010D DMG).
  RequestBuilder& dependent(core::Date birth) {
    model::Person p;
    p.name.last_or_org_name.value = "DOE";
    p.name.first_name = "JIMMY";
    p.birth_date = model::Sourced<core::Date>{birth, pos()};
    r_.dependent = p;
    return *this;
  }
  // A 2000F line with SV1*HC:<code>; no UM of its own unless line_site() follows.
  RequestBuilder& line(const std::string& code) {
    model::ServiceLine l;
    l.line_number = static_cast<std::uint32_t>(r_.lines.size() + 1);
    l.hl_id = std::to_string(5 + r_.lines.size());
    l.at = pos();
    l.procedure_qualifier = "HC";
    l.procedure_text = code;
    if (auto h = model::Hcpcs::parse(code)) l.procedure = model::Sourced<model::Hcpcs>{*h, pos(1)};
    l.service_segment = "SV1";
    r_.lines.push_back(l);
    return *this;
  }
  // UM on the last line (UM02 inherited from the event unless given).
  RequestBuilder& line_site(const std::string& code, char qualifier = 'B', const std::string& um02 = "") {
    auto& l = r_.lines.back();
    l.review = review(um02, code, qual(qualifier));
    return *this;
  }
  RequestBuilder& line_dates(core::Date first, core::Date last) {
    r_.lines.back().service_dates = model::DateSpan{"472", first, last, pos()};
    return *this;
  }
  RequestBuilder& line_pwk(const std::string& report_type, const std::string& transmission) {
    r_.lines.back().attachments.push_back({report_type, transmission, "CTL2", "", pos()});
    return *this;
  }

  [[nodiscard]] const model::AuthorizationRequest& get() const { return r_; }
  [[nodiscard]] std::uint32_t last_segment() const { return seg_; }

 private:
  model::AuthorizationRequest r_;
  std::uint32_t seg_ = 0;

  core::SourcePosition pos(std::uint16_t element = 0) {
    core::SourcePosition p;
    p.segment_in_set = ++seg_;
    p.segment_in_file = seg_ + 3;
    p.byte_offset = seg_ * 40;
    p.element = element;
    return p;
  }
  static model::SiteQualifier qual(char q) {
    return q == 'A' ? model::SiteQualifier::bill_type : q == 'B' ? model::SiteQualifier::place_of_service : model::SiteQualifier::none;
  }
  model::Review review(const std::string& um02, const std::string& site, model::SiteQualifier q) {
    model::Review rv;
    rv.request_category = "HS";
    rv.certification_type = um02;
    rv.service_type = "1";
    rv.at = pos();
    rv.site = model::RequestedSite{site, q, rv.at};
    rv.site->at.element = 4;
    return rv;
  }
};

}  // namespace soc278::test

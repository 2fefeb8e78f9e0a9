#include "soc278/respond/response_278.hpp"

#include <fmt/core.h>

#include "respond/reply_envelope.hpp"

namespace soc278::respond {
namespace {

std::uint64_t mix(std::uint64_t h, std::string_view s) {
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  h ^= 0xff;
  return h * 1099511628211ULL;
}

std::string_view qualifier_code(model::SiteQualifier q) {
  switch (q) {
    case model::SiteQualifier::bill_type: return "A";
    case model::SiteQualifier::place_of_service: return "B";
    case model::SiteQualifier::none: return "";
  }
  return "";
}

// Free text (MSG01) must not contain a delimiter of the interchange it goes into: X12 has no escape.
std::string clean_text(std::string_view text, const x12::Delimiters& d) {
  std::string out(text.substr(0, 264));
  for (char& c : out) {
    if (c == d.element || c == d.component || c == d.segment || (d.repetition != '\0' && c == d.repetition) || c == '\r' ||
        c == '\n')
      c = ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

std::string CertificationNumbers::hash36(const model::AuthorizationRequest& r, std::uint32_t line) const {
  std::uint64_t h = 1469598103934665603ULL ^ seed_;
  h = mix(h, r.envelope.isa_sender);
  h = mix(h, r.envelope.isa_control);
  h = mix(h, r.envelope.gs_control);
  h = mix(h, r.envelope.st_control);
  h = mix(h, r.bht_reference);
  h = mix(h, std::to_string(line));
  static constexpr char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string out(10, '0');
  for (int i = 9; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = digits[h % 36];
    h /= 36;
  }
  return out;
}

std::string CertificationNumbers::for_line(const model::AuthorizationRequest& r, std::uint32_t line) const {
  return fmt::format("SOC{}-{:02}", hash36(r, line), line);
}

std::string CertificationNumbers::tracking(const model::AuthorizationRequest& r, std::uint32_t line) const {
  return fmt::format("PND{}-{:02}", hash36(r, line), line);
}

Response278Writer::Response278Writer(std::ostream& out, ControlNumberSequence& numbers, core::DateTime now,
                                     std::string_view line_break)
    : out_(out), envelope_writer_(out, x12::Delimiters{}, line_break), writer_(group_buffer_, x12::Delimiters{}, line_break),
      numbers_(numbers), now_(now) {
  date8_ = now.date.ccyymmdd();
  date6_ = now.date.yymmdd();
  time4_ = now.time.hhmm();
}

void Response278Writer::begin_interchange(const x12::InterchangeInfo& received) {
  received_isa_ = received.isa;
  interchange_open_ = true;
  isa_written_ = false;
  groups_written_ = 0;
  // Answer with the delimiters the sender used (reference 1.1; what a trading partner parses).
  x12::Delimiters d = received_isa_.delimiters;
  if (d.repetition == '\0') d.repetition = '^';
  envelope_writer_.set_delimiters(d);
  writer_.set_delimiters(d);
}

void Response278Writer::begin_group(const x12::GroupInfo& received) {
  received_group_ = received;
  group_open_ = true;
  st_in_group_ = 0;
  group_buffer_.str(std::string());
  group_buffer_.clear();
}


void Response278Writer::end_group(bool keep) {
  if (!group_open_) return;
  group_open_ = false;
  if (!keep || st_in_group_ == 0) {
    transactions_ -= keep ? 0 : st_in_group_;
    group_buffer_.str(std::string());
    return;
  }
  if (!isa_written_) {
    isa13_ = ControlNumberSequence::isa13(numbers_.next());
    envelope_writer_.write_isa(detail::reply_isa(received_isa_, date6_, time4_, isa13_));
    isa_written_ = true;
  }
  gs06_ = ControlNumberSequence::gs06(numbers_.next());
  const std::string_view sender =
      received_group_.receiver.empty() ? detail::trim_right(received_isa_.receiver_id) : std::string_view(received_group_.receiver);
  const std::string_view receiver =
      received_group_.sender.empty() ? detail::trim_right(received_isa_.sender_id) : std::string_view(received_group_.sender);
  envelope_writer_.begin("GS").element("HI").element(sender).element(receiver).element(date8_).element(time4_).element(gs06_).element("X").element(
      "005010X217");
  envelope_writer_.end();
  envelope_writer_.flush();
  const std::string sets = group_buffer_.str();
  out_.write(sets.data(), static_cast<std::streamsize>(sets.size()));
  group_buffer_.str(std::string());
  // GE01 counts the sets written into this group (they went through the other writer).
  envelope_writer_.begin("GE").element(static_cast<std::uint64_t>(st_in_group_)).element(gs06_);
  envelope_writer_.end();
  ++groups_written_;
}

void Response278Writer::write_traces(const std::vector<model::Trace>& traces) {
  // Each request TRN comes back as TRN01 = 2 with TRN02-TRN04 unchanged (reference 3.6).
  for (const auto& t : traces) {
    writer_.begin("TRN").element("2").element(t.number).element(t.originator).element(t.supplemental);
    writer_.end();
  }
}

void Response278Writer::write_aaa(const std::vector<soc::Rejection>* rejections, std::string_view loop) {
  if (rejections == nullptr) return;
  for (const auto& r : *rejections) {
    if (r.loop != loop) continue;
    writer_.begin("AAA").element(r.aaa01).element("").element(r.aaa03).element(r.aaa04);
    writer_.end();
  }
}

void Response278Writer::write_um(const model::Review& review, const std::optional<soc::AuthorizedSite>& site) {
  writer_.begin("UM").element(review.request_category).element(review.certification_type).element(review.service_type);
  if (site) {
    writer_.element(site->code).component(qualifier_code(site->qualifier));
  } else if (review.site) {
    writer_.element(review.site->code).component(qualifier_code(review.site->qualifier));
  }
  writer_.end();
}

void Response278Writer::write_parties(const model::AuthorizationRequest& r, const std::vector<soc::Rejection>* rejections,
                                      bool event_follows, std::uint32_t& hl, std::uint32_t& event_parent) {
  // 2000A / 2010A: the UMO as the request named it.
  writer_.begin("HL").element("1").element("").element("20").element("1");
  writer_.end();
  writer_.begin("NM1").element(r.umo.entity_code.empty() ? "X3" : r.umo.entity_code).element(r.umo.entity_type.empty() ? "2" : r.umo.entity_type)
      .element(r.umo.last_or_org_name.value).element("").element("").element("").element("").element(r.umo.id_qualifier).element(r.umo.id.value);
  writer_.end();
  // 2000B / 2010B
  writer_.begin("HL").element("2").element("1").element("21").element("1");
  writer_.end();
  writer_.begin("NM1").element(r.requester.entity_code.empty() ? "1P" : r.requester.entity_code)
      .element(r.requester.entity_type.empty() ? "2" : r.requester.entity_type).element(r.requester.last_or_org_name.value)
      .element(r.requester.first_name).element("").element("").element("").element(r.requester.id_qualifier).element(r.requester.id.value);
  writer_.end();
  write_aaa(rejections, "2010B");
  // 2000C / 2010C
  // HL04 says whether a child HL follows (reference 5.11): the dependent, else the event.
  writer_.begin("HL").element("3").element("2").element("22").element(r.dependent || event_follows ? "1" : "0");
  writer_.end();
  const model::Party& s = r.subscriber.name;
  writer_.begin("NM1").element("IL").element(s.entity_type.empty() ? "1" : s.entity_type).element(s.last_or_org_name.value)
      .element(s.first_name).element("").element("").element("").element(s.id_qualifier.empty() ? "MI" : s.id_qualifier).element(s.id.value);
  writer_.end();
  write_aaa(rejections, "2010C");
  hl = 3;
  event_parent = 3;
  if (r.dependent) {
    // 2000D / 2010D
    writer_.begin("HL").element("4").element("3").element("23").element(event_follows ? "1" : "0");
    writer_.end();
    const model::Party& d = r.dependent->name;
    writer_.begin("NM1").element("QC").element("1").element(d.last_or_org_name.value).element(d.first_name);
    writer_.end();
    write_aaa(rejections, "2010D");
    hl = 4;
    event_parent = 4;
  }
}

void Response278Writer::add_rejected(const model::AuthorizationRequest& r, const std::vector<soc::Rejection>& rejections) {
  ++st_in_group_;
  ++transactions_;
  const std::string st02 = ControlNumberSequence::st02(st_in_group_);
  writer_.begin("ST").element("278").element(st02).element("005010X217");
  writer_.end();
  writer_.begin("BHT").element("0007").element("11").element(r.bht_reference).element(date8_).element(time4_).element("18");
  writer_.end();
  // 2000E comes back with its AAA (and its UM, which the response requires) when the problem is
  // the event's own; otherwise it is not returned (RFI 2445: lower loops are not sent when a
  // higher level cannot be processed).
  bool event_level = false;
  for (const auto& x : rejections) event_level = event_level || x.loop == "2000E";
  std::uint32_t hl = 0;
  std::uint32_t parent = 0;
  write_parties(r, &rejections, event_level, hl, parent);
  if (event_level) {
    writer_.begin("HL").element(std::to_string(hl + 1)).element(std::to_string(parent)).element("EV").element("0");
    writer_.end();
    write_traces(r.event.traces);
    write_aaa(&rejections, "2000E");
    write_um(r.event.review, std::nullopt);
  }
  writer_.write_se(st02);
}

void Response278Writer::add_decided(const model::AuthorizationRequest& r, const std::vector<LineAnswer>& lines) {
  ++st_in_group_;
  ++transactions_;
  const std::string st02 = ControlNumberSequence::st02(st_in_group_);
  writer_.begin("ST").element("278").element(st02).element("005010X217");
  writer_.end();
  writer_.begin("BHT").element("0007").element("11").element(r.bht_reference).element(date8_).element(time4_).element("18");
  writer_.end();
  std::uint32_t hl = 0;
  std::uint32_t parent = 0;
  write_parties(r, nullptr, true, hl, parent);

  // 2000E: the summary of the lines (docs/decisions.md): every line approved -> A1; every line
  // certified, some at another site -> the redirect code; every line pended -> A4; some certified
  // and some pended -> A2 (certified in part).
  std::size_t approved = 0, redirected = 0, pended = 0;
  const soc::LineDecision* first_redirect = nullptr;
  const soc::LineDecision* first_pend = nullptr;
  std::optional<soc::DateRange> span;
  for (const auto& a : lines) {
    const auto& d = *a.decision;
    if (d.outcome == soc::Outcome::approve) ++approved;
    if (d.outcome == soc::Outcome::redirect) {
      ++redirected;
      if (first_redirect == nullptr) first_redirect = &d;
    }
    if (d.outcome == soc::Outcome::pend) {
      ++pended;
      if (first_pend == nullptr) first_pend = &d;
    }
    if (d.approved_span) {
      if (!span) {
        span = d.approved_span;
      } else {
        span->first = std::min(span->first, d.approved_span->first);
        span->last = std::max(span->last, d.approved_span->last);
      }
    }
  }
  std::string hcr01, hcr03, message;
  std::optional<soc::AuthorizedSite> event_site;
  if (pended == lines.size()) {
    hcr01 = first_pend->hcr01;
    hcr03 = first_pend->hcr03;
    message = "PENDED - SEE SERVICE LINES FOR THE DOCUMENTATION NEEDED";
  } else if (pended > 0) {
    hcr01 = "A2";
    hcr03 = first_pend->hcr03;
    message = fmt::format("CERTIFIED IN PART - {} OF {} SERVICE LINES CERTIFIED, {} PENDED", approved + redirected, lines.size(), pended);
  } else if (redirected > 0) {
    hcr01 = first_redirect->hcr01;
    hcr03 = first_redirect->hcr03;
    message = soc::response_message(*first_redirect);
    // UM04 at 2000E changes only when every line moved to the same site.
    bool same = approved == 0;
    for (const auto& a : lines)
      same = same && a.decision->authorized_site && first_redirect->authorized_site &&
             a.decision->authorized_site->code == first_redirect->authorized_site->code;
    if (same) event_site = first_redirect->authorized_site;
  } else {
    hcr01 = lines.front().decision->hcr01;
    hcr03 = "";
  }
  writer_.begin("HL").element(std::to_string(hl + 1)).element(std::to_string(parent)).element("EV").element(lines.empty() ? "0" : "1");
  writer_.end();
  const std::uint32_t event_hl = hl + 1;
  write_traces(r.event.traces);
  write_um(r.event.review, event_site);
  // The event's certification number: the first certified line's (providers quote one number per event).
  std::string event_certification;
  std::string event_tracking;
  for (const auto& a : lines) {
    if (event_certification.empty() && !a.certification.empty()) event_certification = a.certification;
    if (event_tracking.empty() && !a.tracking.empty()) event_tracking = a.tracking;
  }
  writer_.begin("HCR").element(hcr01).element(event_certification).element(hcr03);
  writer_.end();
  if (event_certification.empty() && !event_tracking.empty()) {
    writer_.begin("REF").element("NT").element(event_tracking);
    writer_.end();
  }
  if (!r.event.previous_authorization.empty()) {
    writer_.begin("REF").element("BB").element(r.event.previous_authorization);
    writer_.end();
  }
  if (span) {
    writer_.begin("DTP").element("AAH").element("RD8").element(span->first.ccyymmdd() + "-" + span->last.ccyymmdd());
    writer_.end();
  }
  if (!message.empty()) {
    writer_.begin("MSG").element(clean_text(message, writer_.delimiters()));
    writer_.end();
  }

  std::uint32_t next_hl = event_hl + 1;
  for (const auto& a : lines) {
    const auto& d = *a.decision;
    const model::ServiceLine* line = nullptr;
    for (const auto& l : r.lines)
      if (l.line_number == d.line_number) line = &l;
    if (line == nullptr) continue;
    writer_.begin("HL").element(std::to_string(next_hl++)).element(std::to_string(event_hl)).element("SS").element("0");
    writer_.end();
    write_traces(line->traces);
    // UM is echoed from the line (or, when the line had none, from the event), with UM04 set to
    // the authorized site on a redirect.
    const model::Review& review = line->review ? *line->review : r.event.review;
    std::optional<soc::AuthorizedSite> site;
    if (d.outcome == soc::Outcome::redirect) site = d.authorized_site;
    write_um(review, site);
    writer_.begin("HCR").element(d.hcr01).element(a.certification).element(d.hcr03);
    writer_.end();
    if (a.certification.empty() && !a.tracking.empty()) {
      writer_.begin("REF").element("NT").element(a.tracking);
      writer_.end();
    }
    if (!line->previous_authorization.empty()) {
      writer_.begin("REF").element("BB").element(line->previous_authorization);
      writer_.end();
    }
    if (line->service_dates) {
      const auto& sd = *line->service_dates;
      writer_.begin("DTP").element("472");
      if (sd.first == sd.last) {
        writer_.element("D8").element(sd.first.ccyymmdd());
      } else {
        writer_.element("RD8").element(sd.first.ccyymmdd() + "-" + sd.last.ccyymmdd());
      }
      writer_.end();
    }
    if (d.approved_span) {
      writer_.begin("DTP").element("AAH").element("RD8").element(d.approved_span->first.ccyymmdd() + "-" +
                                                                   d.approved_span->last.ccyymmdd());
      writer_.end();
    }
    // The service the HCR applies to, as requested (reference 3.5).
    if (!line->service_segment.empty()) {
      if (line->service_segment == "SV2") {
        writer_.begin("SV2").element(line->revenue_code).element(line->procedure_qualifier).component(line->procedure_text);
      } else {
        writer_.begin("SV1").element(line->procedure_qualifier).component(line->procedure_text);
      }
      for (const auto& m : line->modifiers) writer_.component(m);
      writer_.element(line->amount ? fmt::format("{}", *line->amount) : std::string());
      writer_.element(line->unit_basis).element(line->units ? fmt::format("{}", *line->units) : std::string());
      writer_.end();
    }
    writer_.begin("MSG").element(clean_text(soc::response_message(d), writer_.delimiters()));
    writer_.end();
  }
  writer_.write_se(st02);
}

bool Response278Writer::end_interchange() {
  if (group_open_) end_group(true);
  const bool wrote = isa_written_;
  if (isa_written_) {
    envelope_writer_.begin("IEA").element(static_cast<std::uint64_t>(groups_written_)).element(isa13_);
    envelope_writer_.end();
    envelope_writer_.flush();
  }
  interchange_open_ = false;
  isa_written_ = false;
  return wrote;
}

}  // namespace soc278::respond

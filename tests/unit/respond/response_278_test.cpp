// Response278Writer writes each set through a reused buffer straight to its stream: a group dropped
// by end_group(false) asks to be cut off the stream and gives its control numbers back, so that what
// follows is byte for byte what it would have been without it, and a long transaction must not leak
// into a shorter one written after it. MSG01 is cleaned on its way into that buffer.
#include "soc278/respond/response_278.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "respond_builders.hpp"

using namespace soc278;

namespace {

// Component separator ',' so that the messages' commas must be cleaned out of MSG01.
const x12::Delimiters delimiters{'*', ',', '^', '~'};

x12::InterchangeInfo received_interchange() { return test::received_interchange(delimiters); }
using test::received_group;

model::AuthorizationRequest request(const std::string& tag, std::uint32_t lines) {
  model::AuthorizationRequest r;
  r.envelope.isa_sender = "SOCPROVIDER01";
  r.envelope.isa_control = "000004711";
  r.envelope.gs_control = "4711";
  r.envelope.st_control = "0001";
  r.bht_reference = "REQ" + tag;
  r.umo.last_or_org_name.value = "EXAMPLE HEALTH PLAN " + tag;
  r.umo.id_qualifier = "PI";
  r.umo.id.value = "99999";
  r.requester.last_or_org_name.value = "EXAMPLE RHEUMATOLOGY GROUP";
  r.requester.id_qualifier = "XX";
  r.requester.id.value = "1234567893";
  r.subscriber.name.last_or_org_name.value = "DOE";
  r.subscriber.name.first_name = "JANE";
  r.subscriber.name.id.value = "XYZ" + tag;
  if (lines > 2) {
    r.dependent.emplace();
    r.dependent->name.last_or_org_name.value = "DOE";
    r.dependent->name.first_name = "JUNIOR";
  }
  r.event.traces.push_back({"1", "EV" + tag, "1123456789", "", {}});
  r.event.review = {"HS", "I", "1", model::RequestedSite{"22", model::SiteQualifier::place_of_service, {}}, {}};
  r.event.previous_authorization = "PREV" + tag;
  for (std::uint32_t k = 1; k <= lines; ++k) {
    model::ServiceLine l;
    l.line_number = k;
    l.traces.push_back({"1", "L" + std::to_string(k) + tag, "1123456789", "SUPPLEMENTAL", {}});
    if (k % 2 == 0) l.review = model::Review{"HS", "I", "1", model::RequestedSite{"19", model::SiteQualifier::place_of_service, {}}, {}};
    l.previous_authorization = k == 1 ? "AUTH" + tag : "";
    const core::Date first{2026, 12, 1};
    l.service_dates = model::DateSpan{"472", first, k % 2 == 0 ? first : core::Date{2027, 5, 31}, {}};
    l.procedure_qualifier = "HC";
    l.procedure_text = k == 1 ? "J1745" : "96365";
    if (k == 3) l.modifiers = {"JW", "", "KX"};
    if (k == 3) {
      l.service_segment = "SV2";
      l.revenue_code = "0260";
    } else {
      l.service_segment = "SV1";
    }
    l.amount = k == 2 ? 1200.25 : 9600.0;
    l.unit_basis = "UN";
    if (k != 3) l.units = 4.0 * k;
    r.lines.push_back(l);
  }
  return r;
}

std::vector<soc::LineDecision> decisions(std::uint32_t lines) {
  std::vector<soc::LineDecision> out;
  for (std::uint32_t k = 1; k <= lines; ++k) {
    soc::LineDecision d;
    d.line_number = k;
    d.policy_id = "GA.PMN.34";
    d.section = "I.A.1.d";
    if (k % 3 == 1) {
      d.outcome = soc::Outcome::approve;
      d.hcr01 = "A1";
      d.approved_span = soc::DateRange{{2026, 12, 1}, {2027, 5, 31}};
    } else if (k % 3 == 2) {
      d.outcome = soc::Outcome::redirect;
      d.hcr01 = "A6";
      d.hcr03 = "16";
      d.redirect_to = {mapping::SiteClass::home};
      d.authorized_site = soc::AuthorizedSite{"12", model::SiteQualifier::place_of_service};
      d.approved_span = soc::DateRange{{2026, 12, 15}, {2027, 6, 30}};
    } else {
      d.outcome = soc::Outcome::pend;
      d.hcr01 = "A4";
      d.hcr03 = "0U";
      // Long enough to be cut at 264 characters, with commas (the component separator) throughout.
      d.documents_needed = {"I.A.1.d: records, notes, and infusion logs, each dated, signed, complete",
                            std::string(120, 'X') + ", " + std::string(120, 'Y') + ", , , , , , , , , ,"};
    }
    out.push_back(d);
  }
  return out;
}

std::vector<respond::LineAnswer> answers(const model::AuthorizationRequest& r, const std::vector<soc::LineDecision>& ds) {
  const respond::CertificationNumbers numbers(278);
  std::vector<respond::LineAnswer> out;
  for (const auto& d : ds) {
    respond::LineAnswer a;
    a.decision = &d;
    if (!soc::certifies(d.outcome)) {
      a.tracking = numbers.tracking(r, d.line_number);
    } else {
      a.certification = numbers.for_line(r, d.line_number);
    }
    out.push_back(a);
  }
  return out;
}

// MSG01 as the writer must clean it (reference implementation: per character, then cut and trim).
std::string cleaned(std::string text) {
  if (text.size() > 264) text.resize(264);
  for (char& c : text)
    if (c == delimiters.element || c == delimiters.component || c == delimiters.repetition || c == delimiters.segment ||
        c == '\r' || c == '\n')
      c = ' ';
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

const core::DateTime now{{2026, 11, 20}, {9, 30, 0}};

}  // namespace

TEST_CASE("a dropped group and a longer transaction before leave nothing in what follows", "[respond]") {
  const auto big = request("LONGER-FIRST-REQUEST", 3);
  const auto big_decisions = decisions(3);
  const auto small = request("B", 2);
  const auto small_decisions = decisions(2);
  const auto rejected = request("C", 1);
  const std::vector<soc::Rejection> rejections = {{"2010C", "Y", "75", "C", "subscriber not found", {}},
                                                  {"2000E", "N", "AG", "C", "invalid event", {}}};

  std::ostringstream reused_out;
  {
    respond::ControlNumberSequence numbers(5001);
    respond::Response278Writer w(reused_out, numbers, now);
    w.begin_interchange(received_interchange());
    const auto mark = reused_out.tellp();
    w.begin_group(received_group("1"));
    w.add_decided(big, answers(big, big_decisions));
    w.add_decided(small, answers(small, small_decisions));
    CHECK(reused_out.tellp() > mark);  // streamed as written, not held until GE
    CHECK_FALSE(w.end_group(false));   // a GE error: none of it may be answered; cut it off the stream
    std::string kept = reused_out.str();
    kept.resize(static_cast<std::size_t>(mark));
    reused_out.str(kept);
    reused_out.seekp(0, std::ios::end);
    w.begin_group(received_group("2"));
    w.add_decided(small, answers(small, small_decisions));
    w.add_rejected(rejected, rejections);
    CHECK(w.end_group(true));
    CHECK(w.end_interchange());
    CHECK(w.transactions_written() == 2);
  }
  std::ostringstream fresh_out;
  {
    respond::ControlNumberSequence numbers(5001);
    respond::Response278Writer w(fresh_out, numbers, now);
    w.begin_interchange(received_interchange());
    w.begin_group(received_group("2"));
    w.add_decided(small, answers(small, small_decisions));
    w.add_rejected(rejected, rejections);
    CHECK(w.end_group(true));
    CHECK(w.end_interchange());
  }
  CHECK(reused_out.str() == fresh_out.str());

  // The same sets in one group and in two: each set's bytes are its own.
  std::ostringstream two_groups;
  {
    respond::ControlNumberSequence numbers(5001);
    respond::Response278Writer w(two_groups, numbers, now);
    w.begin_interchange(received_interchange());
    w.begin_group(received_group("1"));
    w.add_decided(big, answers(big, big_decisions));
    CHECK(w.end_group(true));
    w.begin_group(received_group("2"));
    w.add_decided(small, answers(small, small_decisions));
    CHECK(w.end_group(true));
    CHECK(w.end_interchange());
  }
  const std::string text = two_groups.str();
  const std::string fresh = fresh_out.str();
  const auto set_of = [](const std::string& s, std::size_t which) {
    std::size_t at = 0;
    for (std::size_t k = 0; k <= which; ++k) at = s.find("ST*278*", at + 1);
    return s.substr(at, s.find("SE*", at) - at);
  };
  CHECK(set_of(text, 1) == set_of(fresh, 0));
  CHECK(set_of(text, 0).find("LONGER-FIRST-REQUEST") != std::string::npos);
  CHECK(set_of(text, 1).find("LONGER") == std::string::npos);
}

TEST_CASE("MSG01 is cut at 264 characters and cleaned of the delimiters in force", "[respond]") {
  const auto r = request("M", 3);
  const auto ds = decisions(3);
  std::ostringstream out;
  respond::ControlNumberSequence numbers(1);
  respond::Response278Writer w(out, numbers, now);
  w.begin_interchange(received_interchange());
  w.begin_group(received_group("1"));
  w.add_decided(r, answers(r, ds));
  CHECK(w.end_group(true));
  CHECK(w.end_interchange());
  const std::string text = out.str();
  // The event's summary (one of three lines pended) and every line's own message.
  std::vector<std::string> expected = {cleaned("CERTIFIED IN PART - 2 OF 3 SERVICE LINES CERTIFIED, 1 PENDED")};
  for (const auto& d : ds) expected.push_back(cleaned(soc::response_message(d)));
  std::vector<std::string> found;
  for (std::size_t at = text.find("MSG*"); at != std::string::npos; at = text.find("MSG*", at + 1))
    found.push_back(text.substr(at + 4, text.find('~', at) - at - 4));
  CHECK(found == expected);
  CHECK(std::any_of(found.begin(), found.end(), [](const std::string& m) { return m.size() > 200; }));
  for (const auto& m : found) {
    CHECK(m.size() <= 264);
    CHECK(m.find(',') == std::string::npos);
  }
  // SV1/SV2 amounts as fmt writes doubles, modifiers as composite components.
  CHECK(text.find("SV1*HC,96365*1200.25*UN*8~") != std::string::npos);
  CHECK(text.find("SV2*0260*HC,96365,JW,,KX*9600*UN~") != std::string::npos);
  CHECK(text.find("DTP*472*D8*20261201~") != std::string::npos);
  CHECK(text.find("DTP*007*RD8*20261215-20270630~") != std::string::npos);
}

TEST_CASE("ST02 written into a caller's buffer equals the returned string", "[respond]") {
  for (const std::uint32_t n : {0U, 1U, 9U, 999U, 1000U, 9999U, 10000U, 123456789U, 4294967295U}) {
    char buffer[10];
    CHECK(respond::ControlNumberSequence::st02(n, buffer) == respond::ControlNumberSequence::st02(n));
  }
  char buffer[10];
  CHECK(respond::ControlNumberSequence::st02(7, buffer) == "0007");
}

TEST_CASE("MSG01 under delimiters the messages cannot hold is the message as written, redirect summary included", "[respond]") {
  // '*' ':' '^' '~': none of them is a character soc::response_message writes, so no cleaning.
  x12::InterchangeInfo received = received_interchange();
  received.isa.delimiters = x12::Delimiters{'*', ':', '^', '~'};
  const auto r = request("S", 2);
  // Line 1 approved, line 2 redirected: the event's MSG is the redirected line's message.
  const auto ds = decisions(2);
  REQUIRE(ds[1].outcome == soc::Outcome::redirect);
  std::ostringstream out;
  respond::ControlNumberSequence numbers(1);
  respond::Response278Writer w(out, numbers, now);
  w.begin_interchange(received);
  w.begin_group(received_group("1"));
  w.add_decided(r, answers(r, ds));
  CHECK(w.end_group(true));
  CHECK(w.end_interchange());
  const std::string text = out.str();
  const std::vector<std::string> expected = {soc::response_message(ds[1]), soc::response_message(ds[0]),
                                             soc::response_message(ds[1])};
  std::vector<std::string> found;
  for (std::size_t at = text.find("MSG*"); at != std::string::npos; at = text.find("MSG*", at + 1))
    found.push_back(text.substr(at + 4, text.find('~', at) - at - 4));
  CHECK(found == expected);
  CHECK(text.find("HCR*A6*") != std::string::npos);
}

TEST_CASE("a span written before leaves nothing in a different span written after", "[respond]") {
  // The writer keeps the last RD8 it formatted: a request with other dates must not get it.
  const auto a = request("A", 3);
  const auto a_decisions = decisions(3);
  auto b = request("B", 2);
  for (auto& l : b.lines) l.service_dates = model::DateSpan{"472", core::Date{2027, 1, 1}, core::Date{2027, 2, 2}, {}};
  auto b_decisions = decisions(2);
  b_decisions[0].approved_span = soc::DateRange{{2027, 1, 1}, {2027, 1, 31}};
  b_decisions[1].approved_span = soc::DateRange{{2027, 1, 1}, {2027, 2, 2}};
  const auto written = [&](bool a_first) {
    std::ostringstream out;
    respond::ControlNumberSequence numbers(5001);
    respond::Response278Writer w(out, numbers, now);
    w.begin_interchange(received_interchange());
    const auto mark = out.tellp();
    w.begin_group(received_group("1"));
    if (a_first) w.add_decided(a, answers(a, a_decisions));
    if (!w.end_group(false)) {  // cut the dropped group off the stream
      std::string kept = out.str();
      kept.resize(static_cast<std::size_t>(mark));
      out.str(kept);
      out.seekp(0, std::ios::end);
    }
    w.begin_group(received_group("2"));
    w.add_decided(b, answers(b, b_decisions));
    CHECK(w.end_group(true));
    CHECK(w.end_interchange());
    return out.str();
  };
  const std::string after_a = written(true);
  CHECK(after_a == written(false));
  CHECK(after_a.find("DTP*472*RD8*20270101-20270202~") != std::string::npos);
  CHECK(after_a.find("DTP*007*RD8*20270101-20270131~") != std::string::npos);
  CHECK(after_a.find("DTP*007*RD8*20270101-20270202~") != std::string::npos);
  CHECK(after_a.find("20261201") == std::string::npos);
}

TEST_CASE("a MSG01 reused from an earlier line or set is the one a fresh writer builds", "[respond]") {
  // The writer writes a line's text again for a later line of the set with the same text (an
  // administration code after its drug line): lines that differ only in the section or the policy,
  // set after set, must each get their own text, and nothing may be kept from one set to the next.
  // Each set written after others must equal the same set written first.
  const auto one_set = [](respond::Response278Writer& w, const model::AuthorizationRequest& r, const std::vector<soc::LineDecision>& ds) {
    w.begin_group(received_group("4711"));
    w.add_decided(r, answers(r, ds));
    CHECK(w.end_group(true));
  };
  const auto variant = [](int which) {
    std::vector<soc::LineDecision> ds = decisions(4);   // approve, redirect, pend, approve
    for (auto& d : ds) {
      if (which % 2 == 1 && d.outcome == soc::Outcome::approve) d.section = "II.A";
      if (which == 2 && d.line_number == 4) d.section = "III.A";
      if (which == 3) d.policy_id = d.line_number == 1 ? "GA.PMN.34" : "GA.PMN.35";
    }
    return ds;
  };
  const model::AuthorizationRequest r = request("A", 4);
  const auto sets_of = [&](const std::vector<int>& order) {
    std::ostringstream out;
    respond::ControlNumberSequence numbers(1);
    respond::Response278Writer w(out, numbers, now);
    w.begin_interchange(received_interchange());
    std::vector<std::vector<soc::LineDecision>> kept;
    for (int which : order) kept.push_back(variant(which));
    for (const auto& ds : kept) one_set(w, r, ds);
    (void)w.end_interchange();
    return out.str();
  };
  for (int last = 0; last < 4; ++last) {
    const std::string fresh = sets_of({last});
    const std::string after = sets_of({0, 1, 2, 3, last});
    // The last set of `after` (from its ST to its SE) equals the only set of `fresh`.
    const auto set_of = [](const std::string& text) {
      const std::size_t st = text.rfind("ST*278*");
      return text.substr(st, text.find("\nSE*", st) - st);
    };
    INFO("variant " << last);
    CHECK(set_of(after) == set_of(fresh));
    // And each line's MSG01 is its own decision's text (the last four MSGs of the set, in order).
    const std::string set = set_of(fresh);
    std::vector<std::string> msgs;
    for (std::size_t at = set.find("\nMSG*"); at != std::string::npos; at = set.find("\nMSG*", at + 1))
      msgs.push_back(set.substr(at + 5, set.find('~', at) - at - 5));
    const std::vector<soc::LineDecision> ds = variant(last);
    REQUIRE(msgs.size() >= ds.size());
    for (std::size_t k = 0; k < ds.size(); ++k) CHECK(msgs[msgs.size() - ds.size() + k] == cleaned(soc::response_message(ds[k])));
  }
}

namespace {

// The 278 written for `ds` over request("E", n); the 2000E HCR and MSG are the first of each.
std::string written(const std::vector<soc::LineDecision>& ds) {
  const auto r = request("E", static_cast<std::uint32_t>(ds.size()));
  std::ostringstream out;
  respond::ControlNumberSequence numbers(1);
  respond::Response278Writer w(out, numbers, now);
  const x12::InterchangeInfo received = received_interchange();
  w.begin_interchange(received);
  w.begin_group(received_group("1"));
  w.add_decided(r, answers(r, ds));
  CHECK(w.end_group(true));
  (void)w.end_interchange();
  return out.str();
}

std::string first_segment(const std::string& text, const std::string& id) {
  const auto at = text.find(id + "*");
  return at == std::string::npos ? std::string() : text.substr(at, text.find('~', at) - at);
}

}  // namespace

TEST_CASE("the 2000E HCR and MSG say what happened to the lines", "[respond][hcr]") {
  SECTION("all pended for review: the MSG asks for no documents") {
    auto ds = decisions(3);
    for (auto& d : ds) {
      d.outcome = soc::Outcome::pend;
      d.hcr01 = "A4";
      d.hcr03 = "0V";
      d.approved_span.reset();
      d.redirect_to.clear();
      d.authorized_site.reset();
      d.documents_needed.clear();
      d.explanation.sentence = "Pended for clinical review: documentation was submitted";
    }
    const std::string text = written(ds);
    CHECK(first_segment(text, "HCR") == "HCR*A4**0V");
    CHECK(first_segment(text, "MSG").find("DOCUMENTATION NEEDED") == std::string::npos);
    // One line that needs documents: then the 2000E says so.
    ds[1].hcr03 = "0U";
    ds[1].documents_needed = {"I.A.1.d records"};
    CHECK(first_segment(written(ds), "MSG").find("DOCUMENTATION NEEDED") != std::string::npos);
  }
  SECTION("approved, one line for a shorter span than asked: not A1, and the MSG says why") {
    auto ds = decisions(1);
    ds.push_back(ds[0]);
    ds[1].line_number = 2;
    ds[1].hcr01 = "A6";
    ds[1].hcr03 = "0L";
    ds[1].requested_end = core::Date{2028, 5, 31};
    const std::string text = written(ds);
    CHECK(first_segment(text, "HCR").rfind("HCR*A6*", 0) == 0);
    CHECK(first_segment(text, "HCR").find("*0L") != std::string::npos);
    CHECK(first_segment(text, "MSG").find("AS REQUESTED PER") == std::string::npos);
    CHECK(first_segment(text, "MSG").find("2028-05-31") != std::string::npos);
  }
  SECTION("every line cancelled: HCR01 C, not a pend") {
    auto ds = decisions(2);
    for (auto& d : ds) {
      d.outcome = soc::Outcome::cancel;
      d.hcr01 = "C";
      d.hcr03.clear();
      d.approved_span.reset();
      d.redirect_to.clear();
      d.authorized_site.reset();
    }
    const std::string text = written(ds);
    CHECK(first_segment(text, "HCR") == "HCR*C");
    CHECK(first_segment(text, "MSG").find("CANCELLATION CONFIRMED") != std::string::npos);
    CHECK(text.find("HCR*A4") == std::string::npos);
  }
}

TEST_CASE("the 2000E summary of lines certified in part takes its HCR01 from the decision codes", "[respond]") {
  // decision-codes.yaml hcr01.partial, not a code of the writer's own: a file that changes it changes
  // the response.
  const model::AuthorizationRequest r = request("A", 4);
  const std::vector<soc::LineDecision> ds = decisions(4);   // approve, redirect, pend, approve: certified in part
  const auto written = [&](const mapping::DecisionCodes* codes) {
    std::ostringstream out;
    respond::ControlNumberSequence numbers(1);
    std::optional<respond::Response278Writer> w;
    if (codes != nullptr) {
      w.emplace(out, numbers, now, *codes);
    } else {
      w.emplace(out, numbers, now);
    }
    w->begin_interchange(received_interchange());
    w->begin_group(received_group("4711"));
    w->add_decided(r, answers(r, ds));
    CHECK(w->end_group(true));
    (void)w->end_interchange();
    return out.str();
  };
  mapping::DecisionCodes codes;
  CHECK(written(nullptr).find("HCR*A2*") != std::string::npos);
  CHECK(written(&codes).find("HCR*A2*") != std::string::npos);
  codes.hcr01_partial = "A4";
  const std::string changed = written(&codes);
  CHECK(changed.find("HCR*A2*") == std::string::npos);
  CHECK(changed.find("CERTIFIED IN PART") != std::string::npos);
  const auto msg = changed.find("CERTIFIED IN PART");
  const auto event_hcr = changed.rfind("HCR*", msg);
  REQUIRE(event_hcr != std::string::npos);
  CHECK(changed.compare(event_hcr, 7, "HCR*A4*") == 0);
}

TEST_CASE("the 2000E summary MSG01 wording is the decision codes' summary_msg", "[respond]") {
  const model::AuthorizationRequest r = request("A", 4);
  const auto written = [&](const mapping::DecisionCodes& codes, const std::vector<soc::LineDecision>& ds) {
    std::ostringstream out;
    respond::ControlNumberSequence numbers(1);
    respond::Response278Writer w(out, numbers, now, codes);
    w.begin_interchange(received_interchange());
    w.begin_group(received_group("4711"));
    w.add_decided(r, answers(r, ds));
    CHECK(w.end_group(true));
    (void)w.end_interchange();
    return out.str();
  };
  mapping::DecisionCodes codes;
  const std::vector<soc::LineDecision> partial = decisions(4);   // approve, redirect, pend, approve
  // (The received interchange's component separator here is ',', which the writer turns into a space.)
  CHECK(written(codes, partial).find("MSG*CERTIFIED IN PART - 3 OF 4 SERVICE LINES CERTIFIED") != std::string::npos);
  codes.msg_partial = "{pended} OF {decided} PENDED; {certified} CERTIFIED ({pended})";
  CHECK(written(codes, partial).find("MSG*1 OF 4 PENDED; 3 CERTIFIED (1)~") != std::string::npos);
  std::vector<soc::LineDecision> pended = decisions(4);
  for (auto& d : pended) {
    if (d.outcome == soc::Outcome::pend) continue;
    d = pended[2];
  }
  codes.msg_pended_no_documents = "NOTHING CERTIFIED YET";
  codes.msg_pended_documents_needed = "SEND THE DOCUMENTS";
  const std::string all_pended = written(codes, pended);
  CHECK((all_pended.find("MSG*NOTHING CERTIFIED YET~") != std::string::npos ||
         all_pended.find("MSG*SEND THE DOCUMENTS~") != std::string::npos));
  CHECK(all_pended.find("PENDED - SEE SERVICE LINES") == std::string::npos);
}

// response_message() makes its text MSG-safe 16 bytes at a time; these tests hold it to the rule as
// first written, one character at a time over the pieces as they come (kept here as the reference):
// upper case, anything outside letters, digits and ' ' . , ; ( ) / - ' becomes a space, runs of
// spaces collapse, no leading or trailing space, and above 264 characters a cut at a word boundary.
#include "soc278/soc/decision.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace soc278;

namespace {

class ReferenceMsg {
 public:
  ReferenceMsg& operator<<(std::string_view text) {
    for (char c : text) {
      char m = ' ';
      if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) m = c;
      if (c >= 'a' && c <= 'z') m = static_cast<char>(c - 'a' + 'A');
      if (std::string_view(" .,;()/-'").find(c) != std::string_view::npos) m = c;
      if (m == ' ' && (out_.empty() || out_.back() == ' ')) continue;
      out_ += m;
    }
    return *this;
  }
  std::string finish() {
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();
    if (out_.size() > 264) {
      out_.resize(264);
      if (const auto space = out_.rfind(' '); space != std::string::npos && space > 200) out_.resize(space);
      while (!out_.empty() && (out_.back() == ' ' || out_.back() == ',' || out_.back() == ';' || out_.back() == '('))
        out_.pop_back();
    }
    return out_;
  }

 private:
  std::string out_;
};

std::string reference_message(const soc::LineDecision& d) {
  ReferenceMsg m;
  auto cite = [&] {
    if (d.policy_id.empty()) {
      m << "ROUTING";
    } else {
      m << d.policy_id << " " << d.section;
    }
  };
  auto sites = [&] {
    for (std::size_t i = 0; i < d.redirect_to.size(); ++i) {
      if (i) m << (i + 1 == d.redirect_to.size() ? " OR " : ", ");
      m << mapping::describe(d.redirect_to[i]);
    }
  };
  auto shortened = [&] {
    if (d.requested_end && d.approved_span)
      m << ". CERTIFIED " << d.approved_span->first.iso() << " TO " << d.approved_span->last.iso() << ", NOT TO "
        << d.requested_end->iso() << " AS REQUESTED - BEYOND THE POLICY APPROVAL DURATION";
  };
  switch (d.outcome) {
    case soc::Outcome::approve:
      m << (d.requested_end ? "SITE OF CARE APPROVED FOR A SHORTER SPAN PER " : "SITE OF CARE APPROVED AS REQUESTED PER ");
      cite();
      shortened();
      break;
    case soc::Outcome::cancel:
      m << "CANCELLATION CONFIRMED AS REQUESTED (UM02 3). NOTHING IS CERTIFIED FOR THIS SERVICE";
      break;
    case soc::Outcome::redirect:
      m << "SITE OF CARE REDIRECT PER ";
      cite();
      m << ". APPROVED AT ";
      sites();
      if (d.certified_facility) m << " (CERTIFIED FACILITY ONLY)";
      if (d.requested_site.site_class) m << ". REQUESTED " << mapping::describe(*d.requested_site.site_class) << " NOT APPROVED";
      if (!d.non_qualifying.empty()) {
        m << ". NOT QUALIFYING: ";
        for (std::size_t i = 0; i < d.non_qualifying.size(); ++i) m << (i ? ", " : "") << d.non_qualifying[i];
      }
      shortened();
      break;
    case soc::Outcome::pend:
      if (d.policy_id.empty()) {
        m << d.explanation.sentence;
        break;
      }
      if (!d.documents_needed.empty()) {
        m << "PENDED PER ";
        cite();
        m << ". SEND: ";
        for (std::size_t i = 0; i < d.documents_needed.size(); ++i) m << (i ? "; " : "") << d.documents_needed[i];
      } else {
        m << d.explanation.sentence;
        if (d.explanation.sentence.find(d.policy_id) == std::string::npos) {
          m << " PER ";
          cite();
        }
      }
      break;
  }
  return m.finish();
}

// Text that exercises every class of byte: words, delimiters, runs of blanks and delimiters (which
// collapse), non-ASCII bytes, and now and then a very long run.
std::string random_text(std::mt19937& rng, std::size_t max_len) {
  static constexpr std::string_view words[] = {"medical", "Records", "PWK*M1*FX", "(send as PWK)", "I.A.1.d", "member's",
                                               "22:B", "a/b-c", "T88.6XXA;", "~", "^|>", "  ", "\t\r\n", "\xc3\xa9t\xc3\xa9"};
  std::string s;
  const std::size_t len = std::uniform_int_distribution<std::size_t>(0, max_len)(rng);
  while (s.size() < len) {
    switch (std::uniform_int_distribution<int>(0, 9)(rng)) {
      case 0: s += static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng)); break;
      case 1: s.append(std::uniform_int_distribution<std::size_t>(1, 40)(rng), "* :"[rng() % 3]); break;
      default: s += words[rng() % std::size(words)]; s += ' '; break;
    }
  }
  return s;
}

}  // namespace

TEST_CASE("response_message equals the character-by-character rule", "[soc][message]") {
  std::mt19937 rng(278);
  constexpr std::array outcomes = {soc::Outcome::approve, soc::Outcome::redirect, soc::Outcome::pend, soc::Outcome::cancel};
  constexpr std::array sites = {mapping::SiteClass::home, mapping::SiteClass::infusion_suite_or_office,
                                mapping::SiteClass::hospital_outpatient};
  std::string reused;
  for (int round = 0; round < 4000; ++round) {
    soc::LineDecision d;
    d.outcome = outcomes[rng() % outcomes.size()];
    d.policy_id = rng() % 5 == 0 ? "" : random_text(rng, 12);
    d.section = random_text(rng, 20);
    for (std::size_t i = rng() % 4; i > 0; --i) d.redirect_to.push_back(sites[rng() % sites.size()]);
    d.certified_facility = rng() % 2 == 0;
    if (rng() % 2 == 0) d.requested_site.site_class = sites[rng() % sites.size()];
    for (std::size_t i = rng() % 3; i > 0; --i) d.non_qualifying.push_back(random_text(rng, 60));
    for (std::size_t i = rng() % 4; i > 0; --i) d.documents_needed.push_back(random_text(rng, round % 10 == 0 ? 900 : 200));
    d.explanation.sentence = random_text(rng, round % 10 == 1 ? 1200 : 300);
    if (rng() % 3 == 0) {   // a span cut to the approval duration
      d.approved_span = soc::DateRange{{2026, 12, 1}, {2027, 11, 30}};
      d.requested_end = core::Date{2028, static_cast<std::uint8_t>(1 + rng() % 12), 1};
    }
    if (rng() % 3 == 0) d.explanation.sentence += d.policy_id;
    const std::string expected = reference_message(d);
    INFO("round " << round);
    CHECK(soc::response_message(d) == expected);
    soc::response_message(d, reused);   // a buffer holding the previous message
    CHECK(reused == expected);
  }
}

TEST_CASE("response_message cuts at 264 on a word boundary, whatever the blanks before", "[soc][message]") {
  soc::LineDecision d;
  d.outcome = soc::Outcome::pend;
  d.policy_id = "GA.PMN.34";
  d.section = "II.A";
  // 600 delimiters collapse to one space, so the words after them still fill the message.
  std::string doc(600, '*');
  for (int i = 0; i < 60; ++i) doc += "word" + std::to_string(i) + " ";
  d.documents_needed = {doc};
  const std::string m = soc::response_message(d);
  CHECK(m == reference_message(d));
  CHECK(m.size() <= 264);
  CHECK(m.size() > 200);
  CHECK(m.rfind("PENDED PER GA.PMN.34 II.A. SEND WORD0 WORD1 ", 0) == 0);
  CHECK(m.back() != ' ');
}

TEST_CASE("same_response_message: only when both texts are the same", "[soc][message]") {
  // Decisions drawn from few values, so that pairs agree on most fields and differ in one or two:
  // every pair said to be the same must give the same text, and a decision and its copy must be.
  std::mt19937 rng(2780);
  constexpr std::array outcomes = {soc::Outcome::approve, soc::Outcome::redirect, soc::Outcome::pend, soc::Outcome::cancel};
  constexpr std::array sites = {mapping::SiteClass::home, mapping::SiteClass::hospital_outpatient};
  const auto draw = [&] {
    soc::LineDecision d;
    d.outcome = outcomes[rng() % outcomes.size()];
    d.policy_id = rng() % 4 == 0 ? "" : rng() % 2 == 0 ? "GA.PMN.34" : "GA.PMN.35";
    d.section = rng() % 2 == 0 ? "I.A.1" : "II.A";
    if (rng() % 2 == 0) d.redirect_to.push_back(sites[rng() % sites.size()]);
    d.certified_facility = rng() % 2 == 0;
    if (rng() % 2 == 0) d.requested_site.site_class = sites[rng() % sites.size()];
    if (rng() % 2 == 0) d.non_qualifying.push_back(rng() % 2 == 0 ? "trypanophobia (F40.231)" : "pediatrics (age 9)");
    if (rng() % 2 == 0) d.documents_needed.push_back(rng() % 2 == 0 ? "I.A.1.c office notes" : "II.A records");
    d.explanation.sentence = rng() % 2 == 0 ? "Pended for review." : "Pended per GA.PMN.34 review.";
    d.hcpcs = rng() % 2 == 0 ? "J1745" : "96365";   // not part of the message
    if (rng() % 3 == 0) {
      d.approved_span = soc::DateRange{{2026, 12, 1}, {2027, static_cast<std::uint8_t>(rng() % 2 == 0 ? 11 : 10), 30}};
      d.requested_end = core::Date{2028, static_cast<std::uint8_t>(rng() % 2 == 0 ? 5 : 6), 30};
    }
    return d;
  };
  int same = 0;
  for (int round = 0; round < 20000; ++round) {
    const soc::LineDecision a = draw();
    const soc::LineDecision b = draw();
    INFO("round " << round);
    CHECK(soc::same_response_message(a, a));
    if (soc::same_response_message(a, b)) {
      ++same;
      CHECK(soc::response_message(a) == soc::response_message(b));
    }
  }
  CHECK(same > 100);   // the pairs above do exercise the reuse
}

// What the 278 response writer may put where, by the TR3-derived sources (x217-crosscheck):
// the certified span is DTP*007*RD8 at 2000F and 2000E (no AAH at 2000F, no 472 at 2000E),
// AAA01 is N below 2000A, and every response written validates against the response guide.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "soc278/ig/guide.hpp"
#include "soc278/ig/walker.hpp"
#include "soc278/respond/response_278.hpp"
#include "respond_builders.hpp"
#include "support/shipped_guides.hpp"
#include "support/test_support.hpp"

using namespace soc278;

namespace {

const core::DateTime now{{2026, 11, 20}, {9, 30, 0}};

using test::received_group;
using test::received_interchange;

model::AuthorizationRequest request() { return test::two_line_request("EXAMPLE HEALTH PLAN", "EXAMPLE RHEUMATOLOGY GROUP"); }
std::vector<soc::LineDecision> decisions() { return test::approve_and_pend(); }

std::string written(const std::vector<soc::LineDecision>* decided, const std::vector<soc::Rejection>* rejected,
                    const model::AuthorizationRequest& r = request()) {
  std::ostringstream out;
  respond::ControlNumberSequence numbers(5001);
  respond::Response278Writer w(out, numbers, now, "\n");
  w.begin_interchange(received_interchange());
  w.begin_group(received_group());
  if (decided != nullptr) {
    const respond::CertificationNumbers certifications(278);
    std::vector<respond::LineAnswer> answers;
    for (const auto& d : *decided) {
      respond::LineAnswer a;
      a.decision = &d;
      if (d.outcome == soc::Outcome::pend) {
        a.tracking = certifications.tracking(r, d.line_number);
      } else {
        a.certification = certifications.for_line(r, d.line_number);
      }
      answers.push_back(a);
    }
    w.add_decided(r, answers);
  }
  if (rejected != nullptr) w.add_rejected(r, *rejected);
  CHECK(w.end_group(true));
  CHECK(w.end_interchange());
  return out.str();
}

// The segments of `text` from the first `from` up to the next `to` (or the end).
std::string between(const std::string& text, const std::string& from, const std::string& to) {
  const auto a = text.find(from);
  if (a == std::string::npos) return "";
  const auto b = text.find(to, a + from.size());
  return text.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

const ig::GuideSet& guides() { return test::shipped_guides(); }

class Collect final : public core::DiagnosticSink {
 public:
  void report(core::Diagnostic d) override { all.push_back(std::move(d)); }
  std::vector<core::Diagnostic> all;
};

// Every finding the response guide has on `text` (envelope and set), as "code segment: message".
std::vector<std::string> findings(const std::string& text) {
  Collect sink;
  std::vector<std::string> out;
  x12::MemorySource source(text);
  (void)ig::validate_stream(source, guides(), {}, sink,
                            [&](const x12::InterchangeInfo&, const x12::GroupInfo&, const x12::TransactionInfo&, ig::TransactionResult& r) {
                              CHECK(r.guide != nullptr);
                              if (r.guide != nullptr) CHECK(r.guide->purpose == "response");
                              for (const auto& d : r.findings) sink.all.push_back(d);
                            });
  for (const auto& d : sink.all) out.push_back(std::string(core::name(d.code)) + " " + std::string(d.segment()) + ": " + d.message);
  return out;
}

}  // namespace

TEST_CASE("the certified span is DTP*007*RD8 at 2000F and 2000E, never AAH - no 472 at 2000E", "[respond][conformance]") {
  const auto ds = decisions();
  const std::string text = written(&ds, nullptr);
  INFO(text);
  CHECK(text.find("*AAH*") == std::string::npos);
  // 2000E: from its HL to the first 2000F HL.
  const std::string event = between(text, "*EV*", "*SS*");
  CHECK(event.find("DTP*007*RD8*20261201-20270531~") != std::string::npos);
  CHECK(event.find("DTP*472") == std::string::npos);
  // The approved line: service date echoed, then the certified span; the pended line has no span.
  const std::string line1 = between(text, "HCR*A1*", "HL*");
  CHECK(line1.find("DTP*472*RD8*20261201-20270531~\nDTP*007*RD8*20261201-20270531~") != std::string::npos);
  const std::string line2 = between(text, "HCR*A4*", "HL*");
  CHECK(line2.find("DTP*007") == std::string::npos);
  CHECK(findings(text).empty());
}

TEST_CASE("AAA01 is N at every loop below 2000A, whatever the rejection says", "[respond][conformance]") {
  const std::vector<soc::Rejection> rejections = {{"2010C", "Y", "75", "C", "subscriber not found", {}},
                                                  {"2000E", "Y", "15", "C", "no service line", {}}};
  const std::string text = written(nullptr, &rejections);
  INFO(text);
  CHECK(text.find("AAA*Y") == std::string::npos);
  CHECK(text.find("AAA*N**75*C~") != std::string::npos);
  CHECK(text.find("AAA*N**15*C~") != std::string::npos);
  CHECK(findings(text).empty());
}

TEST_CASE("the response guide refuses what the X217 response does not allow", "[respond][conformance]") {
  // The grammar the writer is checked against must itself say no to what the sources say no to, or
  // the test above proves nothing: AAH at 2000F, A2 at 2000F, AAA01 Y below 2000A, PWK02 FT or AA.
  const auto ds = decisions();
  const std::string good = written(&ds, nullptr);
  REQUIRE(findings(good).empty());
  const auto mutated = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    const auto at = t.find(from);
    REQUIRE(at != std::string::npos);
    t.replace(at, from.size(), to);
    return findings(t);
  };
  // A code the element's list lacks: ig.element_invalid_code, or ig.code_not_used when the base list
  // has it (IK403 7 / I6).
  const auto refused_code = [](const std::vector<std::string>& f) {
    for (const auto& s : f)
      if (s.rfind("ig.element_invalid_code", 0) == 0 || s.rfind("ig.code_not_used", 0) == 0) return true;
    for (const auto& s : f) UNSCOPED_INFO(s);
    return false;
  };
  CHECK_FALSE(mutated("DTP*007*RD8*20261201-20270531~\nSV1", "DTP*AAH*RD8*20261201-20270531~\nSV1").empty());
  CHECK(refused_code(mutated("HCR*A1*", "HCR*A2*")));
  CHECK_FALSE(mutated("DTP*007*RD8*20261201-20270531~\nMSG", "DTP*472*RD8*20261201-20270531~\nMSG").empty());
  CHECK(refused_code(mutated("MSG*PENDED", "PWK*M1*FT~\nMSG*PENDED")));
  CHECK(refused_code(mutated("MSG*PENDED", "PWK*M1*AA~\nMSG*PENDED")));
  CHECK(refused_code(mutated("HL*4*3*EV*", "AAA*Y**75*C~\nHL*4*3*EV*")));  // 2010C
}

TEST_CASE("a requester the response cannot name (2B, 36, PR) is answered as 1P - 1P and FA are echoed", "[respond][conformance]") {
  // Request 2010B NM101 allows 1P, 2B, 36, FA and PR; response 2010B only 1P and FA (x217-tr3-codes.tsv).
  for (const char* code : {"2B", "36", "PR", "1P", "FA"}) {
    auto r = request();
    r.requester.entity_code = code;
    const auto ds = decisions();
    const std::string text = written(&ds, nullptr, r);
    INFO(code << "\n" << text);
    const std::string expected = std::string(code) == "FA" ? "NM1*FA*" : "NM1*1P*";
    CHECK(text.find(expected + "2*EXAMPLE RHEUMATOLOGY GROUP") != std::string::npos);
    CHECK(findings(text).empty());
  }
}

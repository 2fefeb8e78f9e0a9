// A 2000F line without its own UM is answered with the event's, whose UM01 may be AR or IN: the
// response's 2000F takes HS and SC only, so the line's UM says HS and the response validates
// (found by fuzz_process on ../shared/corpus/stupidedi__request-for-medical-services-reservation.edi,
// an event UM*IN and a line without UM).
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "respond_builders.hpp"
#include "soc278/ig/guide.hpp"
#include "soc278/ig/walker.hpp"
#include "soc278/respond/response_278.hpp"
#include "support/test_support.hpp"

using namespace soc278;

namespace {

// One line (J1745, no UM of its own: its review is empty) under an event whose UM01 is `event_um01`.
model::AuthorizationRequest request(const std::string& event_um01) {
  model::AuthorizationRequest r = test::two_line_request("EXAMPLE HEALTH PLAN", "EXAMPLE CLINIC");
  r.event.review.request_category = event_um01;
  r.lines.resize(1);
  return r;
}

std::string written(const model::AuthorizationRequest& r) {
  soc::LineDecision d;
  d.line_number = 1;
  d.outcome = soc::Outcome::pend;
  d.hcr01 = "A4";
  d.hcr03 = "0U";
  d.policy_id = "GA.PMN.34";
  d.section = "I.A.1.d";
  d.documents_needed = {"I.A.1.d: infusion records (send as PWK with PWK02 BM, EL, EM or FX)"};
  const respond::CertificationNumbers certifications(278);
  respond::LineAnswer a;
  a.decision = &d;
  a.tracking = certifications.tracking(r, 1);
  std::ostringstream out;
  respond::ControlNumberSequence numbers(5001);
  respond::Response278Writer w(out, numbers, core::DateTime{{2026, 11, 20}, {9, 30, 0}}, "\n");
  w.begin_interchange(test::received_interchange());
  w.begin_group(test::received_group());
  w.add_decided(r, std::vector<respond::LineAnswer>{a});
  CHECK(w.end_group(true));
  CHECK(w.end_interchange());
  return out.str();
}

std::vector<std::string> errors(const std::string& text) {
  static const ig::GuideSet guides = [] {
    auto g = ig::load_guides(test::source_dir() / "grammars");
    REQUIRE(g.ok());
    return std::move(g).value();
  }();
  core::DiagnosticList sink;
  std::vector<std::string> out;
  x12::MemorySource source(text);
  (void)ig::validate_stream(source, guides, {}, sink,
                            [&](const x12::InterchangeInfo&, const x12::GroupInfo&, const x12::TransactionInfo&, ig::TransactionResult& r) {
                              for (const auto& f : r.findings)
                                if (f.severity == core::Severity::error) out.push_back(std::string(core::name(f.code)) + ": " + f.message);
                            });
  for (const auto& f : sink.items())
    if (f.severity == core::Severity::error) out.push_back(std::string(core::name(f.code)) + ": " + f.message);
  return out;
}

}  // namespace

TEST_CASE("a line answered with the event's UM says UM01 HS when the event's is AR or IN", "[respond][conformance][regression]") {
  for (const std::string um01 : {"IN", "AR", "HS", "SC"}) {
    const std::string text = written(request(um01));
    INFO("event UM01 " << um01 << "\n" << text);
    const std::string expected_line_um01 = um01 == "SC" ? "SC" : "HS";
    // The event's UM is echoed as received; the line's (the second UM) takes a 2000F code.
    const auto first = text.find("\nUM*");
    REQUIRE(first != std::string::npos);
    CHECK(text.compare(first + 4, um01.size() + 1, um01 + "*") == 0);
    const auto second = text.find("\nUM*", first + 1);
    REQUIRE(second != std::string::npos);
    CHECK(text.compare(second + 4, 3, expected_line_um01 + "*") == 0);
    const auto found = errors(text);
    for (const auto& e : found) UNSCOPED_INFO(e);
    CHECK(found.empty());
  }
}

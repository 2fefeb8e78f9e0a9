// What a pend tells the provider about sending documents: only PWK02 codes the 278 request has.
// FT (file transfer) is not one (x217-crosscheck row 27), so no text may ask for it, and a PWK that
// names it does not count as documentation sent.
#include "soc278/soc/evaluate.hpp"

#include <catch2/catch.hpp>

#include <string>

#include "request_builder.hpp"

using namespace soc278;
using test::date;
using test::RequestBuilder;

namespace {

std::vector<soc::LineDecision> run(const RequestBuilder& b) {
  const auto& maps = test::shipped_mappings();
  return soc::evaluate(b.get(), *maps.policy("GA.PMN.34"), maps, soc::NoHistory{}, soc::EvaluationContext{date(2026, 11, 15)});
}

}  // namespace

TEST_CASE("a pend asks for documents by the 278 request's PWK02 codes only, never FT", "[soc]") {
  RequestBuilder b;
  b.dx("ABF", "T886XXA").line("J1745");  // an I.A.1.d exception without documents: pended for them
  const auto d = run(b)[0];
  REQUIRE(d.rule_id == "R4.exception_needs_documentation");
  REQUIRE_FALSE(d.documents_needed.empty());
  for (const std::string& text : d.documents_needed) {
    INFO(text);
    CHECK(text.find("(send as PWK with PWK02 BM, EL, EM or FX)") != std::string::npos);
    CHECK(text.find("FT") == std::string::npos);
  }
  const std::string msg = soc::response_message(d);
  INFO(msg);
  CHECK(msg.find(" FT") == std::string::npos);
  CHECK(msg.find("PWK02 BM, EL, EM OR FX") != std::string::npos);
}

TEST_CASE("a PWK sent with PWK02 FT is not documentation the payer can count", "[soc]") {
  RequestBuilder b;
  b.dx("ABF", "T886XXA").pwk("M1", "FT").line("J1745");
  const auto d = run(b)[0];
  CHECK(d.outcome == soc::Outcome::pend);
  CHECK(d.rule_id == "R4.exception_needs_documentation");
}

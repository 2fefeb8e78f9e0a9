// Rules checked beyond the decision table: bill types and places of service agree for every site class,
// documentation counts for the whole event and is not asked for again, documentation_counts_when,
// administration lines and the span / cancellation answers.
#include "soc278/soc/evaluate.hpp"

#include <catch2/catch.hpp>
#include <fmt/core.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "request_builder.hpp"

namespace fs = std::filesystem;
using namespace soc278;
using mapping::SiteClass;
using soc::Outcome;
using test::date;
using test::RequestBuilder;

namespace {

const soc::EvaluationContext kContext{date(2026, 11, 15)};

soc::Decisions decide(const RequestBuilder& b, const mapping::MappingSet& maps = test::shipped_mappings(),
                      const soc::History& history = soc::NoHistory{}) {
  return soc::decide(b.get(), maps, history, kContext);
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The shipped mappings with GA.PMN.34's documentation_counts_when set to `value`.
const mapping::MappingSet& mappings_counting(const std::string& value) {
  static std::map<std::string, mapping::MappingSet> cache;
  if (auto it = cache.find(value); it != cache.end()) return it->second;
  static std::atomic<int> counter{0};
  const fs::path dir = fs::temp_directory_path() / fmt::format("soc278-soc-mappings-{}-{}", ::getpid(), counter++);
  fs::remove_all(dir);
  fs::copy(test::source_dir() / "mappings", dir, fs::copy_options::recursive);
  const fs::path policy = dir / "policies" / "GA.PMN.34.yaml";
  std::string text = test::read_file(policy);
  const std::string from = "documentation_counts_when: received";
  REQUIRE(text.find(from) != std::string::npos);
  text.replace(text.find(from), from.size(), "documentation_counts_when: " + value);
  std::ofstream(policy, std::ios::binary | std::ios::trunc) << text;
  auto r = mapping::load_mappings(dir, test::shipped_guides());
  fs::remove_all(dir);
  if (!r) FAIL(r.error().message);
  return cache.emplace(value, std::move(r).value()).first->second;
}

// A History that knows which attachment control numbers were received.
class Received final : public soc::History {
 public:
  explicit Received(std::string control) : control_(std::move(control)) {}
  [[nodiscard]] std::optional<std::vector<soc::PriorAdministration>> prior_administrations(const soc::MemberRef&, const model::Hcpcs&,
                                                                                         const core::Date&) const override {
    return std::nullopt;
  }
  [[nodiscard]] std::optional<bool> attachment_received(const soc::MemberRef&, std::string_view control) const override {
    return control == control_;
  }

 private:
  std::string control_;
};

}  // namespace

TEST_CASE("a bill type and its place of service get the same decision, for every site class", "[soc][sites]") {
  const mapping::MappingSet& maps = test::shipped_mappings();
  std::map<SiteClass, int> pairs;
  for (const mapping::SiteCode& bill : maps.sites.bill_types()) {
    for (const std::string& pos : bill.pos) {
      INFO("bill type " << bill.code << " vs POS " << pos);
      for (const char* drug : {"J1745", "J2323", "J9312"}) {
        RequestBuilder by_bill, by_pos;
        by_bill.site(bill.code, 'A').line(drug);
        by_pos.site(pos, 'B').line(drug);
        const soc::LineDecision a = decide(by_bill).lines.at(0);
        const soc::LineDecision b = decide(by_pos).lines.at(0);
        CHECK(a.outcome == b.outcome);
        CHECK(a.rule_id == b.rule_id);
        CHECK(a.hcr01 == b.hcr01);
        CHECK(a.hcr03 == b.hcr03);
        CHECK(a.redirect_to == b.redirect_to);
        CHECK(a.requested_site.site_class == b.requested_site.site_class);
      }
      ++pairs[bill.site_class];
    }
  }
  // Every class a bill type can name is covered; a pharmacy (POS 01) bills no type of bill.
  for (const SiteClass c : mapping::all_site_classes) {
    INFO(mapping::to_string(c));
    if (c == SiteClass::pharmacy) CHECK(pairs[c] == 0);
    else CHECK(pairs[c] > 0);
  }
}

TEST_CASE("documentation is about the member: a PWK on one line counts for every line", "[soc][documentation]") {
  RequestBuilder b;
  b.dx("ABF", "T886XXA").line("J1745").line_pwk("M1", "EL").line("J3380");
  const soc::Decisions out = decide(b);
  REQUIRE(out.lines.size() == 2);
  for (const soc::LineDecision& d : out.lines) {
    INFO(d.explanation.sentence);
    CHECK(d.rule_id == "R4.documented_exception");
    CHECK(d.documents_needed.empty());
    // The PWK's own line stays in the explanation.
    bool named = false;
    for (const soc::EvidenceItem& f : d.explanation.facts) named = named || (f.segment == "PWK" && has(f.text, "(line 1)"));
    CHECK(named);
  }
  CHECK(has(out.lines[1].explanation.sentence, "PWK M1 by EL on line 1"));
}

TEST_CASE("documentation_counts_when: a fax counts once received, or at once with sent", "[soc][documentation]") {
  RequestBuilder b;
  b.dx("ABF", "T886XXA").pwk("M1", "FX").line("J1745");
  // received (GA.PMN.34 default): waiting for the fax, not asking for it again.
  const soc::LineDecision awaited = decide(b).lines.at(0);
  CHECK(awaited.rule_id == "R4.documentation_awaited");
  CHECK(awaited.outcome == Outcome::pend);
  CHECK(awaited.documents_needed.empty());
  const std::string msg = soc::response_message(awaited);
  INFO(msg);
  CHECK_FALSE(has(msg, "SEND"));
  CHECK(has(msg, "NOT YET RECEIVED"));
  // received, and the ledger says the fax (PWK06 CTL1) arrived.
  CHECK(decide(b, test::shipped_mappings(), Received("CTL1")).lines.at(0).rule_id == "R4.documented_exception");
  CHECK(decide(b, test::shipped_mappings(), Received("OTHER")).lines.at(0).rule_id == "R4.documentation_awaited");
  // sent: the announcement is enough.
  CHECK(decide(b, mappings_counting("sent")).lines.at(0).rule_id == "R4.documented_exception");
  // Electronic documentation counts at once either way.
  RequestBuilder e;
  e.dx("ABF", "T886XXA").pwk("M1", "EL").line("J1745");
  CHECK(decide(e).lines.at(0).rule_id == "R4.documented_exception");
  // A fax with no coded exception still goes to review, never to the III.A redirect.
  RequestBuilder r;
  r.pwk("M1", "FX").line("J1745");
  CHECK(decide(r).lines.at(0).rule_id == "R5.documentation_review");
}

TEST_CASE("an administration line explains which drug line it follows", "[soc][administration]") {
  RequestBuilder b;
  b.line("J1745").line_site("12").line("J3380").line_site("22").line("96365").line_site("22");
  const soc::Decisions out = decide(b);
  REQUIRE(out.lines.size() == 3);
  const soc::LineDecision& admin = out.lines[2];
  INFO(admin.explanation.sentence);
  CHECK(has(admin.explanation.sentence, "follows the decision on line 2 (J3380"));
  CHECK(admin.authorized_site == out.lines[1].authorized_site);
}

TEST_CASE("a span cut to the approval duration says so, and a cancel is confirmed", "[soc][hcr]") {
  RequestBuilder b;
  b.site("12").event_dates(date(2026, 12, 1), date(2028, 5, 31)).line("J1745").line("96365");
  const soc::Decisions out = decide(b);
  const soc::LineDecision& d = out.lines.at(0);
  REQUIRE(d.approved_span);
  CHECK(d.approved_span->last == date(2027, 11, 30));
  REQUIRE(d.requested_end);
  CHECK(*d.requested_end == date(2028, 5, 31));
  CHECK(d.hcr01 == "A6");
  CHECK(has(d.explanation.sentence, "before the end asked for (2028-05-31)"));
  const std::string msg = soc::response_message(d);
  INFO(msg);
  CHECK_FALSE(has(msg, "AS REQUESTED PER"));
  CHECK(has(msg, "NOT TO 2028-05-31 AS REQUESTED"));
  // The administration line follows it, shortened span included.
  CHECK(out.lines.at(1).hcr01 == "A6");
  CHECK(out.lines.at(1).requested_end == d.requested_end);

  RequestBuilder c;
  c.um02("3").line("J1745");
  const soc::LineDecision cancel = decide(c).lines.at(0);
  CHECK(cancel.outcome == Outcome::cancel);
  CHECK_FALSE(cancel.approved_span);
  CHECK(has(soc::response_message(cancel), "CANCELLATION CONFIRMED"));
  CHECK_FALSE(has(soc::response_message(cancel), "CLINICAL REVIEW"));
}

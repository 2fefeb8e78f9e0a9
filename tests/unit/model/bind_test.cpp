#include "soc278/model/bind.hpp"

#include <catch2/catch.hpp>

#include "support/test_support.hpp"

using namespace soc278;

namespace {

const ig::GuideSet& guides() {
  static const ig::GuideSet g = [] {
    auto r = ig::load_guides(test::source_dir() / "grammars");
    if (!r.ok()) FAIL(r.error().message);
    return r.value();
  }();
  return g;
}

std::vector<model::AuthorizationRequest> bind_file(const std::string& sample) {
  const std::string text = test::read_file(test::source_dir() / "samples" / sample);
  x12::MemorySource src(text);
  core::DiagnosticList diags;
  std::vector<model::AuthorizationRequest> out;
  ig::validate_stream(src, guides(), {}, diags,
                      [&](const x12::InterchangeInfo& i, const x12::GroupInfo& g, const x12::TransactionInfo& t,
                          ig::TransactionResult& r) {
                        REQUIRE_FALSE(r.rejected);
                        out.push_back(model::bind_request(r, i, g, t));
                      });
  CHECK(diags.count(core::Severity::error) == 0);
  return out;
}

}  // namespace

TEST_CASE("bind: every field of a request with four service lines", "[model]") {
  const auto requests = bind_file("multi-line.x12");
  REQUIRE(requests.size() == 1);
  const auto& r = requests[0];
  CHECK(r.envelope.isa_receiver == "SOCHEALTHPLAN");
  CHECK(r.envelope.isa_control == "000005101");
  CHECK(r.envelope.st_control == "0001");
  CHECK(r.umo.id.value == "GAHIM01");
  CHECK(r.umo.id_qualifier == "PI");
  CHECK(r.requester.id_qualifier == "XX");
  CHECK(r.requester.id.value.size() == 10);
  CHECK_FALSE(r.subscriber.name.id.value.empty());
  CHECK(r.subscriber.birth_date.has_value());
  CHECK_FALSE(r.bht_reference.empty());
  CHECK(r.event.review.request_category == "HS");
  CHECK(r.event.review.certification_type == "I");
  REQUIRE(r.event.review.site.has_value());
  CHECK(r.event.review.site->code == "22");
  CHECK(r.event.review.site->qualifier == model::SiteQualifier::place_of_service);
  CHECK(r.event.review.site->at.element == 4);
  CHECK_FALSE(r.event.diagnoses.empty());
  CHECK(r.event.diagnoses[0].qualifier == "ABK");
  CHECK(r.event.diagnoses[0].icd10.has_value());
  CHECK_FALSE(r.event_trace().empty());
  REQUIRE(r.lines.size() == 4);
  CHECK(r.lines[0].line_number == 1);
  REQUIRE(r.lines[0].procedure.has_value());
  CHECK(r.lines[0].procedure->value.view() == "J1745");
  CHECK(r.lines[0].procedure_qualifier == "HC");
  CHECK(r.lines[0].service_segment == "SV1");
  CHECK(r.lines[0].units.has_value());
  CHECK(r.lines[0].service_dates.has_value());
  CHECK_FALSE(r.lines[0].traces.empty());
  CHECK(r.lines[1].procedure_text == "J3490");
  REQUIRE(r.lines[3].review.has_value());
  REQUIRE(r.lines[3].review->site.has_value());
  CHECK(r.lines[3].review->site->code == "11");
}

TEST_CASE("bind: a dependent patient, attachments and a bill-type site", "[model]") {
  const auto requests = bind_file("batch-mixed.x12");
  REQUIRE(requests.size() == 6);
  CHECK(requests[0].dependent.has_value());
  CHECK(requests[0].patient().name.entity_code == "QC");
  REQUIRE_FALSE(requests[0].event.attachments.empty());
  CHECK(requests[0].event.attachments[0].report_type == "M1");
  CHECK(requests[0].event.attachments[0].transmission == "EL");
  CHECK(requests[1].event.attachments[0].transmission == "AA");
  const auto& bill = requests[5].event.review.site;
  REQUIRE(bill.has_value());
  CHECK(bill->code == "13");
  CHECK(bill->qualifier == model::SiteQualifier::bill_type);
}

TEST_CASE("bind: every sample binds, with at least one service line", "[model]") {
  for (const auto& f : test::sample_files()) {
    for (const auto& r : bind_file(f.filename().string())) {
      INFO(f.filename().string() << " " << r.envelope.st_control);
      CHECK_FALSE(r.lines.empty());
      CHECK(r.event.review.site.has_value());
      for (const auto& l : r.lines) CHECK(l.procedure.has_value());
    }
  }
}

namespace {

// Most of what a request holds, as text, to compare two bindings.
std::string summary(const model::AuthorizationRequest& r) {
  std::string s;
  auto add = [&](std::string_view v) {
    s += v;
    s += '|';
  };
  auto party = [&](const model::Party& p) {
    for (std::string_view v : {std::string_view(p.entity_code), std::string_view(p.entity_type), std::string_view(p.last_or_org_name.value),
                               std::string_view(p.first_name), std::string_view(p.id_qualifier), std::string_view(p.id.value),
                               std::string_view(p.zip), std::string_view(p.state)})
      add(v);
    add(std::to_string(p.at.segment_in_set) + "/" + std::to_string(p.id.at.element));
  };
  auto review = [&](const model::Review& v) {
    add(v.request_category), add(v.certification_type), add(v.service_type);
    if (v.site) add(v.site->code + ":" + std::to_string(static_cast<int>(v.site->qualifier)) + "@" + std::to_string(v.site->at.element));
  };
  add(r.envelope.isa_control), add(r.envelope.gs_control), add(r.envelope.st_control), add(r.bht_reference), add(r.bht_time);
  party(r.umo), party(r.requester), party(r.subscriber.name);
  if (r.subscriber.birth_date) add(r.subscriber.birth_date->value.iso());
  if (r.dependent) party(r.dependent->name), add(r.dependent->gender);
  review(r.event.review);
  for (const auto& t : r.event.traces) add(t.type + t.number + t.originator);
  for (const auto& d : r.event.diagnoses) add(d.qualifier + d.code_text + (d.icd10 ? "+" : "-") + std::to_string(d.at.component));
  for (const auto& a : r.event.attachments) add(a.report_type + a.transmission + a.control_number);
  for (const auto& d : r.event.dates) add(d.qualifier + d.first.iso() + d.last.iso());
  for (const auto& p : r.event.providers) party(p);
  add(r.event.message), add(r.event.previous_authorization);
  for (const auto& l : r.lines) {
    add(std::to_string(l.line_number)), add(l.procedure_qualifier), add(l.procedure_text), add(l.service_segment), add(l.revenue_code);
    add(l.unit_basis), add(l.message), add(l.previous_authorization);
    add(l.amount ? std::to_string(*l.amount) : "-"), add(l.units ? std::to_string(*l.units) : "-");
    for (const auto& m : l.modifiers) add(m);
    if (l.review) review(*l.review);
    if (l.service_dates) add(l.service_dates->qualifier + l.service_dates->first.iso() + l.service_dates->last.iso());
    for (const auto& t : l.traces) add(t.number);
    for (const auto& a : l.attachments) add(a.report_type + a.transmission);
    for (const auto& p : l.providers) party(p);
  }
  return s;
}

}  // namespace

TEST_CASE("bind: one RequestBinder reused over many transactions binds each as bind_request does", "[model]") {
  model::RequestBinder binder;  // remembers the guide's segment plans across files and transactions
  std::size_t bound = 0;
  for (const auto& f : test::sample_files()) {
    const std::string text = test::read_file(f);
    x12::MemorySource src(text);
    core::DiagnosticList diags;
    ig::validate_stream(src, guides(), {}, diags,
                        [&](const x12::InterchangeInfo& i, const x12::GroupInfo& g, const x12::TransactionInfo& t,
                            ig::TransactionResult& r) {
                          if (r.rejected) return;
                          INFO(f.filename().string() << " " << t.control_number);
                          CHECK(summary(binder.bind(r, i, g, t)) == summary(model::bind_request(r, i, g, t)));
                          ++bound;
                        });
  }
  CHECK(bound > 10);
}

namespace {

// One accepted transaction of a file, kept with its envelope so it can be bound again later.
struct KeptTransaction {
  std::string name;
  x12::InterchangeInfo interchange;
  x12::GroupInfo group;
  x12::TransactionInfo info;
  ig::TransactionResult result;
};

std::vector<KeptTransaction> every_sample_request() {
  std::vector<KeptTransaction> kept;
  for (const auto& f : test::sample_files()) {
    const std::string text = test::read_file(f);
    x12::MemorySource src(text);
    core::DiagnosticList diags;
    ig::validate_stream(src, guides(), {}, diags,
                        [&](const x12::InterchangeInfo& i, const x12::GroupInfo& g, const x12::TransactionInfo& t,
                            ig::TransactionResult& r) {
                          if (r.rejected || r.guide == nullptr || r.guide->purpose != "request") return;
                          kept.push_back(KeptTransaction{f.filename().string() + " " + t.control_number, i, g, t, std::move(r)});
                        });
  }
  return kept;
}

}  // namespace

TEST_CASE("bind: binding into a reused request leaves nothing of the previous transaction", "[model]") {
  const std::vector<KeptTransaction> kept = every_sample_request();
  REQUIRE(kept.size() > 10);
  std::vector<model::AuthorizationRequest> fresh;
  for (const auto& k : kept) fresh.push_back(model::bind_request(k.result, k.interchange, k.group, k.info));

  // The samples must differ in what reuse could leave behind, or this test proves little.
  bool some_dependent = false, some_without = false, line_counts_differ = false;
  for (const auto& r : fresh) {
    (r.dependent ? some_dependent : some_without) = true;
    line_counts_differ |= r.lines.size() != fresh.front().lines.size();
  }
  CHECK(some_dependent);
  CHECK(some_without);
  CHECK(line_counts_differ);

  // Forwards, backwards, then each transaction after every other one: the request (and the
  // binder's spare lines) go from many lines to few and back, from a dependent to none, and so on.
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < kept.size(); ++i) order.push_back(i);
  for (std::size_t i = kept.size(); i-- > 0;) order.push_back(i);
  for (std::size_t i = 0; i < kept.size(); ++i) {
    for (std::size_t j = 0; j < kept.size(); j += 3) {
      order.push_back(j);
      order.push_back(i);
    }
  }
  model::RequestBinder binder;
  model::AuthorizationRequest reused;
  std::size_t previous = kept.size();
  for (const std::size_t i : order) {
    const KeptTransaction& k = kept[i];
    binder.bind_into(reused, k.result, k.interchange, k.group, k.info);
    INFO(k.name << " after " << (previous < kept.size() ? kept[previous].name : std::string("nothing")));
    REQUIRE(reused == fresh[i]);
    previous = i;
  }
  CHECK(binder.bind(kept.front().result, kept.front().interchange, kept.front().group, kept.front().info) == fresh.front());
}

TEST_CASE("bind: requests compare unequal when one field differs", "[model]") {
  // The reuse test above relies on operator== seeing every member.
  const std::vector<KeptTransaction> kept = every_sample_request();
  REQUIRE_FALSE(kept.empty());
  const model::AuthorizationRequest r = model::bind_request(kept[0].result, kept[0].interchange, kept[0].group, kept[0].info);
  REQUIRE_FALSE(r.lines.empty());
  model::AuthorizationRequest changed = r;
  CHECK(changed == r);
  changed.lines.back().providers.emplace_back();
  CHECK_FALSE(changed == r);
  changed = r;
  changed.event.at.segment_in_set += 1;
  CHECK_FALSE(changed == r);
  changed = r;
  changed.lines.front().amount = changed.lines.front().amount.value_or(0) + 1;
  CHECK_FALSE(changed == r);
}

namespace {

// The one request of `text`, validated and kept for binding.
KeptTransaction only_request(const std::string& text) {
  x12::MemorySource src(text);
  core::DiagnosticList diags;
  std::vector<KeptTransaction> kept;
  ig::validate_stream(src, guides(), {}, diags,
                      [&](const x12::InterchangeInfo& i, const x12::GroupInfo& g, const x12::TransactionInfo& t,
                          ig::TransactionResult& r) { kept.push_back(KeptTransaction{t.control_number, i, g, t, std::move(r)}); });
  REQUIRE(kept.size() == 1);
  REQUIRE_FALSE(kept[0].result.rejected);
  return std::move(kept[0]);
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("bind: a record reused in place keeps no field the next transaction leaves out", "[model]") {
  // bind_into overwrites last transaction's strings in place and resets only what the new one does
  // not write: a rich request and a sparse one, bound after each other, must each equal a fresh bind.
  const std::string base = test::read_file(test::source_dir() / "samples" / "multi-line.x12");
  std::string rich = replaced(base, "TRN*1*REQ0016EV*1800000017~", "TRN*1*REQ0016EV*1800000017*RESEARCH~");
  rich = replaced(rich, "HI*ABK:M0579~", "HI*ABK:M0579*ABF:E119*ABF:I10~");
  rich = replaced(rich, "SV1*HC:J1745*2400*UN*40~", "SV1*HC:J1745:JW:GA*2400*UN*40~");
  std::string sparse = replaced(base, "NM1*IL*1*TESTPATIENT*QUEBEC****MI*SOC000000116~", "NM1*IL*1*TP*****MI*SOC7~");
  sparse = replaced(sparse, "DMG*D8*19730614*F~", "DMG*D8*19730614~");
  sparse = replaced(sparse, "HI*ABK:M0579~", "HI*BK:7140~");  // ICD-9: no icd10 where the rich one has one
  const KeptTransaction a = only_request(rich);
  const KeptTransaction b = only_request(sparse);
  const model::AuthorizationRequest fresh_a = model::bind_request(a.result, a.interchange, a.group, a.info);
  const model::AuthorizationRequest fresh_b = model::bind_request(b.result, b.interchange, b.group, b.info);

  // What reuse could leave behind differs between the two.
  REQUIRE(fresh_a.event.diagnoses.size() == 3);
  REQUIRE(fresh_b.event.diagnoses.size() == 1);
  CHECK(fresh_a.event.diagnoses[0].icd10.has_value());
  CHECK_FALSE(fresh_b.event.diagnoses[0].icd10.has_value());
  REQUIRE_FALSE(fresh_a.event.traces.empty());
  CHECK(fresh_a.event.traces[0].supplemental == "RESEARCH");
  CHECK(fresh_b.event.traces[0].supplemental.empty());
  REQUIRE_FALSE(fresh_a.lines.empty());
  CHECK(fresh_a.lines[0].modifiers.size() == 2);
  CHECK(fresh_b.lines[0].modifiers.empty());
  CHECK(fresh_a.subscriber.name.first_name == "QUEBEC");
  CHECK(fresh_b.subscriber.name.first_name.empty());
  CHECK(fresh_b.subscriber.name.last_or_org_name.value == "TP");
  CHECK(fresh_a.subscriber.gender == "F");
  CHECK(fresh_b.subscriber.gender.empty());

  model::RequestBinder binder;
  model::AuthorizationRequest reused;
  for (const KeptTransaction* k : {&a, &b, &a, &a, &b, &b, &a}) {
    binder.bind_into(reused, k->result, k->interchange, k->group, k->info);
    REQUIRE(reused == (k == &a ? fresh_a : fresh_b));
  }
}

TEST_CASE("bind: a segment remembered from an earlier set is read again under other delimiters", "[model]") {
  // The binder remembers the last segment of each guide occurrence with its values and reuses
  // them for a segment of the same bytes. The same bytes under another component separator are
  // other values: here ISA16 becomes '>', so "HI*ABK:M0579" no longer splits into qualifier and
  // code, nor UM04 into site code and qualifier.
  const std::string colon = test::read_file(test::source_dir() / "samples" / "multi-line.x12");
  const std::string angle = replaced(colon, "*T*:~", "*T*>~");
  // Kept whatever the validator found: the binder must read the tree it is given as it is.
  const auto kept = [](const std::string& text) {
    x12::MemorySource src(text);
    core::DiagnosticList diags;
    std::vector<KeptTransaction> all;
    ig::validate_stream(src, guides(), {}, diags,
                        [&](const x12::InterchangeInfo& i, const x12::GroupInfo& g, const x12::TransactionInfo& t,
                            ig::TransactionResult& r) { all.push_back(KeptTransaction{t.control_number, i, g, t, std::move(r)}); });
    REQUIRE(all.size() == 1);
    REQUIRE(all[0].result.guide != nullptr);
    return std::move(all[0]);
  };
  const KeptTransaction a = kept(colon);
  const KeptTransaction b = kept(angle);
  REQUIRE(b.result.delimiters.component == '>');
  const model::AuthorizationRequest fresh_a = model::bind_request(a.result, a.interchange, a.group, a.info);
  const model::AuthorizationRequest fresh_b = model::bind_request(b.result, b.interchange, b.group, b.info);
  REQUIRE(fresh_a.event.diagnoses.size() == 1);
  CHECK(fresh_a.event.diagnoses[0].code_text == "M0579");
  CHECK(fresh_b.event.diagnoses.empty());
  CHECK_FALSE(fresh_a == fresh_b);

  model::RequestBinder binder;
  model::AuthorizationRequest reused;
  for (const KeptTransaction* k : {&a, &b, &b, &a, &a, &b}) {
    binder.bind_into(reused, k->result, k->interchange, k->group, k->info);
    REQUIRE(reused == (k == &a ? fresh_a : fresh_b));
  }
}

TEST_CASE("bind: a long run of transactions binds each as a fresh bind does", "[model]") {
  // Long enough for the binder to stop remembering the segments that keep changing (it tries
  // again every thousand or so) and to keep remembering those that repeat: every request bound
  // on that way must still equal a fresh bind.
  const std::vector<KeptTransaction> kept = every_sample_request();
  REQUIRE(kept.size() > 10);
  std::vector<model::AuthorizationRequest> fresh;
  for (const auto& k : kept) fresh.push_back(model::bind_request(k.result, k.interchange, k.group, k.info));
  model::RequestBinder binder;
  model::AuthorizationRequest reused;
  for (std::size_t n = 0; n < 3000; ++n) {
    // Mostly the first transaction (its segments are remembered), now and then another one.
    const std::size_t i = n % 7 == 6 ? (n / 7) % kept.size() : 0;
    binder.bind_into(reused, kept[i].result, kept[i].interchange, kept[i].group, kept[i].info);
    INFO(kept[i].name << " at " << n);
    REQUIRE(reused == fresh[i]);
  }
}

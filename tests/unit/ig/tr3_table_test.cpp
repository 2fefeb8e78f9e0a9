// grammars/ held to the TR3-derived code table (tests/conformance/x217-tr3-codes.tsv): every coded
// element of the 278 request, the 278 response and the 999 has a row, our codes equal the row's
// our_codes, and the verdict says how they relate to the source's codes. A later edit of grammars/
// that drifts (UM06 losing E, DTP*AAH back in response 2000F) fails here.
#include <catch2/catch.hpp>
#include <algorithm>
#include <optional>
#include <set>

#include "ig_support.hpp"
#include "tr3_table.hpp"

using namespace soc278;

namespace {

const ig::Guide* guide_of(const std::string& g) {
  return test::guides().guide(g == "request" ? "278-request" : g == "response" ? "278-response" : g);
}

// The occurrences of a loop of the table: "header" / "trailer" are the root's heading and trailer.
std::vector<const ig::SegmentRule*> occurrences(const ig::Guide& guide, const std::string& loop) {
  std::vector<const ig::SegmentRule*> out;
  if (loop == "header" || loop == "trailer") {
    for (const auto& s : loop == "header" ? guide.root.segments : guide.root.trailer)
      if (s.id != "ST" && s.id != "SE") out.push_back(&s);
    return out;
  }
  const auto* l = guide.loop(loop);
  if (l == nullptr) return out;
  for (const auto& s : l->segments) out.push_back(&s);
  for (const auto& s : l->trailer) out.push_back(&s);
  return out;
}

std::vector<std::string> qualifier_codes(const ig::SegmentRule& s) {
  const auto* e = s.element(1);
  if (e == nullptr) return {};
  const ig::ValueRule& v = e->components.empty() ? static_cast<const ig::ValueRule&>(*e) : e->components[0];
  return v.codes.values();
}

// "DTP(007)", "CTX(segment)" or "NM1", as the table names occurrences.
std::string label(const ig::Guide& g, const ig::SegmentRule& s, const std::vector<const ig::SegmentRule*>& loop) {
  const auto same = std::count_if(loop.begin(), loop.end(), [&](const auto* o) { return o->id == s.id; });
  if (same < 2) return s.id;
  auto q = qualifier_codes(s);
  if (g.id == "999" && s.id == "CTX")
    return std::find(q.begin(), q.end(), "SITUATIONAL TRIGGER") != q.end() ? "CTX(segment)" : "CTX(business-unit)";
  std::string out = s.id + "(";
  for (std::size_t i = 0; i < q.size(); ++i) out += (i ? "," : "") + q[i];
  return out + ")";
}

// Our codes for one value: inline codes, else the codes_from list; nullopt when it takes any value.
std::optional<std::vector<std::string>> our_codes(const ig::ValueRule& v) {
  if (!v.codes.empty()) return v.codes.values();
  if (v.codes_from != nullptr) return v.codes_from->codes.values();
  return std::nullopt;
}

const ig::ValueRule* value_rule(const ig::SegmentRule& s, int position, int component) {
  const auto* e = s.element(static_cast<std::size_t>(position));
  if (e == nullptr) return nullptr;
  if (component == 0) return e;
  return static_cast<std::size_t>(component) <= e->components.size() ? &e->components[static_cast<std::size_t>(component) - 1] : nullptr;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("grammars/ code lists equal the TR3-derived table", "[ig][tr3]") {
  const auto table = test::tr3::load_table(test::tr3::table_path());
  REQUIRE(table.size() > 500);
  for (const auto& row : table) {
    INFO("x217-tr3-codes.tsv:" << row.line << " " << row.where());
    const auto* g = guide_of(row.guide);
    REQUIRE(g != nullptr);
    const auto occ = occurrences(*g, row.loop);
    const ig::SegmentRule* rule = nullptr;
    for (const auto* s : occ)
      if (label(*g, *s, occ) == row.segment) rule = s;
    if (row.verdict == "absent") {
      CHECK(rule == nullptr);
      continue;
    }
    REQUIRE(rule != nullptr);
    const auto* v = value_rule(*rule, row.position(), row.component());
    REQUIRE(v != nullptr);
    CHECK((v->usage != ig::Usage::not_used || v->tolerate));  // SV105: N, tolerated with a quirk switch
    const auto ours = our_codes(*v);
    if (row.our_any) {
      CHECK_FALSE(ours.has_value());
    } else {
      REQUIRE(ours.has_value());
      CHECK(sorted(*ours) == sorted(row.our_codes));
    }
    // The verdict states how the decision relates to the source.
    if (row.verdict == "same" || row.verdict == "src") {
      CHECK(sorted(row.our_codes) == sorted(row.source_codes));
    } else if (row.verdict == "tol") {
      REQUIRE_FALSE(row.source_codes.empty());
      for (const auto& c : row.source_codes) CHECK(std::find(row.our_codes.begin(), row.our_codes.end(), c) != row.our_codes.end());
    } else {
      CHECK(row.verdict == "open");
    }
  }
}

TEST_CASE("every coded element of grammars/ has a row in the TR3-derived table", "[ig][tr3]") {
  const auto table = test::tr3::load_table(test::tr3::table_path());
  std::set<std::string> rows;
  for (const auto& r : table) rows.insert(r.where());
  std::size_t checked = 0;
  for (const std::string g : {"request", "response", "999"}) {
    const auto* guide = guide_of(g);
    REQUIRE(guide != nullptr);
    std::vector<std::string> loops{"header", "trailer"};
    for (const auto& l : guide->loops) loops.push_back(l->id);
    for (const auto& loop : loops) {
      const auto occ = occurrences(*guide, loop);
      for (const auto* s : occ)
        for (const auto& e : s->elements) {
          std::vector<const ig::ValueRule*> values{&e};
          for (const auto& c : e.components) values.push_back(&c);
          for (const auto* v : values) {
            if ((v->usage == ig::Usage::not_used && !v->tolerate) || !our_codes(*v)) continue;
            const auto where = g + " " + loop + " " + label(*guide, *s, occ) + " " + v->label;
            INFO(where);
            CHECK(rows.count(where) == 1);
            ++checked;
          }
        }
    }
  }
  CHECK(checked > 400);
}

TEST_CASE("the TR3 table pins the corrections the sources call for", "[ig][tr3]") {
  // Spot checks on the table itself, so that regenerating it cannot silently drop them.
  const auto table = test::tr3::load_table(test::tr3::table_path());
  auto find = [&](const std::string& where) -> const test::tr3::Row* {
    for (const auto& r : table)
      if (r.where() == where) return &r;
    return nullptr;
  };
  for (const std::string g : {"request", "response"})
    for (const std::string l : {"2000E", "2000F"}) {
      const auto* r = find(g + " " + l + " UM UM06");
      REQUIRE(r != nullptr);
      CHECK(sorted(r->our_codes) == std::vector<std::string>{"03", "E", "U"});
    }
  REQUIRE(find("response 2000F DTP(AAH) -") != nullptr);
  CHECK(find("response 2000F DTP(AAH) -")->verdict == "absent");
  REQUIRE(find("response 2000E DTP(472) -") != nullptr);
  CHECK(find("response 2000E DTP(472) -")->verdict == "absent");
  const auto* hcr = find("response 2000F HCR HCR01");
  REQUIRE(hcr != nullptr);
  CHECK(std::find(hcr->our_codes.begin(), hcr->our_codes.end(), "A2") == hcr->our_codes.end());
  for (const std::string l : {"2010EB", "2010FB"}) {
    const auto* nm1 = find("response " + l + " NM1 NM101");
    REQUIRE(nm1 != nullptr);
    CHECK(nm1->our_codes == std::vector<std::string>{"L5"});
  }
}

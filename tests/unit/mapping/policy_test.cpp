// DrugTable and Policy built in C++ (no YAML): index by HCPCS, flag union, shared tables.
#include "soc278/mapping/policy.hpp"

#include <catch2/catch.hpp>

using namespace soc278;
using mapping::DrugFlag;

namespace {
mapping::Drug row(const char* code, const char* brand, std::initializer_list<DrugFlag> flags = {}) {
  mapping::Drug d;
  d.hcpcs = *model::Hcpcs::parse(code);
  d.generic = "g";
  d.brand = brand;
  for (DrugFlag f : flags) d.flags.set(f);
  return d;
}
}  // namespace

TEST_CASE("DrugTable finds every row of a code and unions their flags", "[mapping]") {
  const mapping::DrugTable t({row("J2000", "B"), row("J1000", "A"), row("J2000", "C", {DrugFlag::certified_facility_required})});
  CHECK(t.size() == 3);
  CHECK(t.rows()[0].brand == "B");   // source order kept
  const auto j2000 = *model::Hcpcs::parse("J2000");
  REQUIRE(t.find(j2000));
  CHECK(t.find(j2000)->brand == "B");
  CHECK(t.find_all(j2000).size() == 2);
  CHECK(t.flags(j2000).has(DrugFlag::certified_facility_required));
  CHECK(t.flags(*model::Hcpcs::parse("J1000")).empty());
  CHECK_FALSE(t.contains(*model::Hcpcs::parse("J3000")));
  CHECK(t.find_all(*model::Hcpcs::parse("J3000")).empty());
  // listing(): find() and flags() in one lookup.
  for (const char* code : {"J2000", "J1000", "J3000"}) {
    const auto c = *model::Hcpcs::parse(code);
    const mapping::DrugTable::Listing l = t.listing(c);
    CHECK(l.first == t.find(c));
    CHECK(l.flags == t.flags(c));
  }
}

TEST_CASE("drug flag names round-trip", "[mapping]") {
  for (std::size_t i = 0; i < mapping::drug_flag_count; ++i) {
    const auto f = static_cast<DrugFlag>(i);
    CHECK(mapping::drug_flag_from_string(mapping::to_string(f)) == f);
  }
  CHECK_FALSE(mapping::drug_flag_from_string("certified_facility"));
}

TEST_CASE("a default Policy has empty tables and answers lookups", "[mapping]") {
  const mapping::Policy p;
  CHECK(p.criteria().empty());
  CHECK(p.drugs().size() == 0);
  CHECK(p.criterion("I.A.1") == nullptr);
  CHECK(p.first_of_kind(mapping::CriterionKind::redirect) == nullptr);
}

#include "soc278/mapping/place_of_service.hpp"

#include <catch2/catch.hpp>

using namespace soc278::mapping;

TEST_CASE("site class names round-trip", "[mapping]") {
  for (SiteClass c : all_site_classes) CHECK(site_class_from_string(to_string(c)) == c);
  CHECK_FALSE(site_class_from_string("clinic"));
  CHECK(describe(SiteClass::infusion_suite_or_office) == "infusion suite/office");
}

TEST_CASE("SiteTable built in C++", "[mapping]") {
  std::array<std::string, all_site_classes.size()> redirect{};
  redirect[static_cast<std::size_t>(SiteClass::home)] = "12";
  const SiteTable t({{"12", "Home", SiteClass::home, 1, {}}, {"22", "On campus", SiteClass::hospital_outpatient, 2, {}}},
                    {{"13", "Hospital outpatient", SiteClass::hospital_outpatient, 3, {"19", "22"}}}, redirect);
  CHECK(t.place_of_service("12")->site_class == SiteClass::home);
  CHECK(t.place_of_service(" 22 ")->name == "On campus");
  CHECK(t.place_of_service("99") == nullptr);
  CHECK(t.place_of_service("abc") == nullptr);
  CHECK(t.bill_type("137")->site_class == SiteClass::hospital_outpatient);
  CHECK(t.bill_type("1") == nullptr);
  CHECK(t.redirect_code(SiteClass::home) == "12");
  CHECK(t.redirect_code(SiteClass::pharmacy).empty());
}

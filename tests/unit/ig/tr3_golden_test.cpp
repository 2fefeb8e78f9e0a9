// Acceptance: every 278 and 999 the golden tests expect soc278 to write passes a second check against
// the TR3-derived table (tests/conformance/x217-tr3-codes.tsv), placed by an independent HL / NM101 /
// qualifier locator instead of soc278's walker. Each violation is listed with file, segment position,
// element, the value found and the codes allowed.
#include <catch2/catch.hpp>

#include "support/test_support.hpp"
#include "tr3_table.hpp"

using namespace soc278;

namespace {

std::vector<std::filesystem::path> written(const std::string& name) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(test::source_dir() / "tests" / "golden"))
    if (e.is_regular_file() && e.path().filename() == name) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("the TR3 check finds what the sources forbid", "[ig][tr3]") {
  const auto table = test::tr3::load_table(test::tr3::table_path());
  const std::string isa =
      "ISA*00*          *00*          *ZZ*A              *ZZ*B              *260101*1200*^*00501*000000001*0*T*:~";
  auto check = [&](const std::string& body) {
    return test::tr3::check_written(table, isa + "GS*HI*A*B*20260101*1200*1*X*005010X217~ST*278*0001*005010X217~" + body +
                                               "SE*9*0001~GE*1*1~IEA*1*000000001~",
                                    "t");
  };
  const std::string head = "BHT*0007*11*R1*20260101*1200~HL*1**20*1~NM1*X3*2*UMO*****PI*1~HL*2*1*21*1~HL*3*2*22*1~"
                           "HL*4*3*EV*1~HL*5*4*SS*0~";
  CHECK(check(head + "UM*HS*I*1*11:B**E~HCR*A1*X1~DTP*007*RD8*20260101-20260301~").empty());
  const auto bad = check(head + "UM*HS*I*1*11:B**E~HCR*A2*X1~DTP*AAH*RD8*20260101-20260301~NM1*1P*2*X~");
  REQUIRE(bad.size() == 3);
  CHECK(bad[0].find("HCR01 'A2' not allowed in response 2000F") != std::string::npos);
  CHECK(bad[1].find("DTP(AAH) is not allowed in response 2000F") != std::string::npos);
  CHECK(bad[2].find("NM101 '1P' starts no loop under response 2000F") != std::string::npos);
  const auto um06 = check(head + "UM*HS*I*1*11:B**X~");
  REQUIRE(um06.size() == 1);
  CHECK(um06[0].find("UM06 'X' not allowed") != std::string::npos);
}

TEST_CASE("every golden 278 and 999 passes the TR3 check", "[ig][tr3][golden]") {
  const auto table = test::tr3::load_table(test::tr3::table_path());
  std::size_t files = 0;
  std::size_t checked = 0;
  std::vector<std::string> violations;
  for (const std::string name : {"expected.278", "expected.999"})
    for (const auto& p : written(name)) {
      ++files;
      const auto v = test::tr3::check_written(table, test::read_file(p),
                                              std::filesystem::relative(p, test::source_dir()).string(), &checked);
      violations.insert(violations.end(), v.begin(), v.end());
    }
  CHECK(files >= 30);
  CHECK(checked > 1000);  // the locator placed the segments: values were really compared
  std::string report;
  for (const auto& v : violations) report += v + "\n";
  INFO(violations.size() << " violation(s):\n" << report);
  CHECK(violations.empty());
}

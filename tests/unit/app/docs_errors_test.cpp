// docs/errors.md stays true: its table is what `soc278 codes` prints, and every code has an example.
#include <catch2/catch.hpp>

#include "soc278/core/diagnostic.hpp"
#include "support/test_support.hpp"

TEST_CASE("docs/errors.md holds the generated code table and an example for every code", "[app][docs]") {
  const std::string doc = soc278::test::read_file(soc278::test::source_dir() / "docs/errors.md");
  std::string table;
  REQUIRE(soc278::test::run_cli("codes", &table) == 0);
  const auto begin = doc.find("<!-- codes:begin -->\n");
  const auto end = doc.find("<!-- codes:end -->");
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  CHECK(doc.substr(begin + 21, end - begin - 21) == table);
  const std::string examples = doc.substr(doc.find("## Examples"));
  for (const auto& i : soc278::core::all_codes()) {
    INFO(i.name);
    CHECK(examples.find("`" + std::string(i.name) + "`") != std::string::npos);
  }
}

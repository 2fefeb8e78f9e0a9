// The process summary table counts every kind of line answer, cancellations included: the
// decision-rules sample cancels two lines (UM02 3), which the table once left out of every column.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_support.hpp"

using soc278::test::run_cli;

TEST_CASE("process: the summary table has a cancel column that counts UM02 3 lines", "[app]") {
  const auto out = soc278::test::scratch_dir("soc278-process-table");
  const auto input = soc278::test::source_dir() / "samples" / "decision-rules.x12";
  std::string stdout_text;
  const int rc = run_cli("process " + input.string() + " --out " + out.string() +
                             " --now 2026-11-20T10:00 --seed 278 --control-start 9001 --quiet",
                         &stdout_text);
  INFO(stdout_text);
  CHECK(rc == 0);
  std::istringstream lines(stdout_text);
  std::string header, row;
  bool found = false;
  for (std::string l; std::getline(lines, l);) {
    if (l.rfind("file ", 0) == 0) header = l;
    if (l.find("decision-rules.x12") != std::string::npos) row = l, found = true;
  }
  REQUIRE(found);
  std::istringstream h(header), r(row);
  std::string col, name;
  std::vector<std::string> cols, vals;
  while (h >> col) cols.push_back(col);
  r >> name;  // the file name
  while (r >> col) vals.push_back(col);
  REQUIRE(cols.size() == vals.size() + 1);
  std::size_t lines_counted = 0;
  for (std::size_t i = 1; i < cols.size(); ++i) {
    if (cols[i] == "cancel") CHECK(vals[i - 1] == "2");
    if (cols[i] == "approve" || cols[i] == "redirect" || cols[i] == "pend" || cols[i] == "cancel")
      lines_counted += std::stoul(vals[i - 1]);
  }
  // 6 + 3 + 2 + 2 service lines in its four sets.
  CHECK(lines_counted == 13);
  std::filesystem::remove_all(out);
}

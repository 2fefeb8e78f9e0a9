// Golden files: input interchange -> expected 278, 999, TA1 and decision report, byte for byte,
// with the clock, the seed and the control numbers injected (the same arguments as
// scripts/update-goldens.sh; the report with --report full, the standard one is checked against it
// below). Every response and acknowledgment written also validates clean with
// soc278's own validator (the round trip of the 278 response and 999 grammars).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/test_support.hpp"

namespace fs = std::filesystem;
using soc278::test::read_file;
using soc278::test::run_cli;

namespace {

struct Case {
  std::string input;     // relative to the source tree, as the decision report names it
  fs::path expected;     // folder of expected.* files
};

std::vector<Case> cases() {
  std::vector<Case> out;
  const fs::path root = soc278::test::source_dir();
  for (const auto& f : soc278::test::sample_files())
    out.push_back({"samples/" + f.filename().string(), root / "tests/golden/samples" / f.stem()});
  for (const auto& d : fs::directory_iterator(root / "tests/golden/cases"))
    if (d.is_directory()) out.push_back({fs::relative(d.path() / "input.x12", root).string(), d.path()});
  return out;
}

}  // namespace

TEST_CASE("golden: every sample and case gives its expected outputs byte for byte", "[golden]") {
  const auto all = cases();
  REQUIRE(all.size() >= 19);
  const fs::path tmp = fs::temp_directory_path() / ("soc278-golden-" + std::to_string(::getpid()));
  for (const auto& c : all) {
    DYNAMIC_SECTION(c.input) {
      fs::remove_all(tmp);
      fs::create_directories(tmp);
      const std::string stem = fs::path(c.input).stem().string();
      run_cli("process '" + c.input + "' --out '" + tmp.string() +
              "' --now 2026-11-20T10:00 --seed 278 --control-start 9001 --quiet --report full");
      for (const std::string ext : {"278", "999", "ta1", "decisions.jsonl"}) {
        const fs::path expected = c.expected / ("expected." + ext);
        const fs::path got = tmp / (stem + "." + ext);
        INFO(c.input << " ." << ext);
        REQUIRE(fs::exists(expected) == fs::exists(got));
        if (!fs::exists(expected)) continue;
        CHECK(read_file(got) == read_file(expected));
        if (ext == "278" || ext == "999" || ext == "ta1") {
          std::string out;
          const int rc = run_cli("validate '" + got.string() + "'", &out);
          INFO(out);
          CHECK(rc == 0);
          CHECK(out.find(" 0 error(s), 0 warning(s)") != std::string::npos);
        }
      }
    }
  }
  fs::remove_all(tmp);
}

TEST_CASE("golden: the standard decision report is the full one without criteria and facts", "[golden]") {
  const fs::path tmp = fs::temp_directory_path() / ("soc278-standard-" + std::to_string(::getpid()));
  std::size_t compared = 0, decided_lines = 0;
  for (const auto& c : cases()) {
    const fs::path full_path = c.expected / "expected.decisions.jsonl";
    if (!fs::exists(full_path)) continue;
    INFO(c.input);
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    run_cli("process '" + c.input + "' --out '" + tmp.string() + "' --now 2026-11-20T10:00 --seed 278 --control-start 9001 --quiet");
    const std::string standard = read_file(tmp / (fs::path(c.input).stem().string() + ".decisions.jsonl"));
    const std::string full = read_file(full_path);
    std::istringstream s(standard), f(full);
    std::string sl, fl;
    while (std::getline(f, fl)) {
      REQUIRE(std::getline(s, sl));
      auto expected = nlohmann::ordered_json::parse(fl);
      const bool decided = expected["line"].get<int>() != 0;
      CHECK(expected.contains("criteria") == decided);
      CHECK(expected.contains("facts") == decided);
      expected.erase("criteria");
      expected.erase("facts");
      // Same keys in the same order, same values: the standard line is a prefix-preserving subset.
      CHECK(nlohmann::ordered_json::parse(sl).dump() == expected.dump());
      ++compared;
      decided_lines += decided;
    }
    CHECK_FALSE(std::getline(s, sl));
  }
  CHECK(compared >= 40);
  CHECK(decided_lines >= 30);
  fs::remove_all(tmp);
}

TEST_CASE("golden: a decision report line per service line, rejected sets as line 0", "[golden]") {
  const std::string report = read_file(soc278::test::source_dir() / "tests/golden/samples/batch-mixed/expected.decisions.jsonl");
  std::size_t lines = 0;
  for (char ch : report) lines += ch == '\n';
  CHECK(lines == 12);  // six requests, each a drug line and its administration line
  CHECK(report.find("\"schema\":\"soc278.decision/1\"") == 1);
  const std::string rejected = read_file(soc278::test::source_dir() / "tests/golden/cases/set-rejected/expected.decisions.jsonl");
  CHECK(rejected.find("\"line\":0,") != std::string::npos);
  CHECK(rejected.find("\"decision\":\"rejected\",\"rejected_by\":\"999\"") != std::string::npos);
}

TEST_CASE("process: an existing output is never overwritten without --force", "[golden][app]") {
  const fs::path tmp = fs::temp_directory_path() / ("soc278-force-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  // Pinned numbers: without them the --force run gets new ISA13s and certification numbers (the ledger).
  const std::string args = "process samples/pharmacy.x12 --out '" + tmp.string() + "' --now 2026-11-20 --quiet --seed 278 --control-start 9001";
  CHECK(run_cli(args) == 0);
  const std::string first = read_file(tmp / "pharmacy.278");
  {
    std::ofstream(tmp / "pharmacy.278") << "keep me";
  }
  CHECK(run_cli(args) == 2);
  CHECK(read_file(tmp / "pharmacy.278") == "keep me");
  CHECK(run_cli(args + " --force") == 0);
  CHECK(read_file(tmp / "pharmacy.278") == first);
  // No temporary file is left behind.
  for (const auto& e : fs::directory_iterator(tmp)) CHECK(e.path().filename().string().front() != '.');
  fs::remove_all(tmp);
}

TEST_CASE("process: usage errors exit 2, rejections exit 1", "[golden][app]") {
  CHECK(run_cli("process samples/pharmacy.x12") == 2);  // --out is required
  CHECK(run_cli("process samples/pharmacy.x12 --out /tmp/soc278-x --policy NO.SUCH.POLICY") == 2);
  CHECK(run_cli("process samples/pharmacy.x12 --out /tmp/soc278-x --now 2026-13-45") == 2);
  const fs::path tmp = fs::temp_directory_path() / ("soc278-exit-" + std::to_string(::getpid()));
  CHECK(run_cli("process tests/golden/cases/set-rejected/input.x12 --out '" + tmp.string() + "' --now 2026-11-20 --quiet") == 1);
  CHECK(run_cli("process samples/pharmacy.x12 samples/pharmacy.x12 --out '" + tmp.string() + "' --quiet") == 2);
  fs::remove_all(tmp);
}

// The console stays short whatever the input: at most --max-findings findings per file (20 by
// default) and then their count; --json streams every one; decision lines only for small inputs
// or with --verbose.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "support/test_support.hpp"
#include "unit/engine/engine_support.hpp"

namespace soc278 {
namespace {

std::size_t lines_with(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) n += line.find(what) != std::string::npos;
  return n;
}

// A file of one group whose odd sets carry an error and even sets a warning, of about `bytes`.
std::filesystem::path many_findings(const std::filesystem::path& dir, std::uint64_t bytes) {
  test::GeneratedGroup g(test::read_file(test::source_dir() / "samples" / "infliximab-hopd.x12"), bytes);
  std::string text;
  char block[65536];
  for (std::ptrdiff_t n; (n = g.read(block, sizeof block)) > 0;) text.append(block, static_cast<std::size_t>(n));
  const auto path = dir / "many.x12";
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace

TEST_CASE("the console prints at most 20 findings per file, then how many more", "[app][console]") {
  const auto dir = test::scratch_dir("soc278-console");
  const auto file = many_findings(dir, 100 * 1024).string();
  std::string out;
  CHECK(test::run_cli("validate " + file, &out) == 1);
  CHECK(lines_with(out, file + ":") == 20);
  REQUIRE(lines_with(out, "... and ") == 1);
  CHECK(out.find("more findings (see --json or the 999)") != std::string::npos);

  std::string all;
  CHECK(test::run_cli("validate --max-findings 0 " + file, &all) == 1);
  const std::size_t every = lines_with(all, file + ":");
  CHECK(every > 40);
  CHECK(lines_with(all, "... and ") == 0);
  // The count names exactly what was left out.
  CHECK(out.find("... and " + std::to_string(every - 20) + " more findings") != std::string::npos);

  std::string json;
  CHECK(test::run_cli("validate --json " + file, &json) == 1);
  CHECK(lines_with(json, "\"type\":\"finding\"") == every);

  std::string five;
  CHECK(test::run_cli("validate --max-findings 5 " + file, &five) == 1);
  CHECK(lines_with(five, file + ":") == 5);
  std::filesystem::remove_all(dir);
}

TEST_CASE("process prints decision lines for small inputs and with --verbose only", "[app][console]") {
  const auto dir = test::scratch_dir("soc278-console-process");
  const auto small = many_findings(dir, 64 * 1024).string();
  std::string out;
  CHECK(test::run_cli("process " + small + " --out " + (dir / "a").string() + " --seed 1 --control-start 1 --now 2026-12-01", &out) == 1);
  CHECK(lines_with(out, " line 1: ") > 0);

  const auto large = many_findings(dir, 400 * 1024).string();  // over the 256 KiB threshold
  CHECK(test::run_cli("process " + large + " --out " + (dir / "b").string() + " --seed 1 --control-start 1 --now 2026-12-01", &out) == 1);
  CHECK(lines_with(out, " line 1: ") == 0);
  CHECK(lines_with(out, "total (1 files)") == 1);
  CHECK(lines_with(out, large + ":") == 20);
  CHECK(test::run_cli("process " + large + " --out " + (dir / "c").string() + " --seed 1 --control-start 1 --now 2026-12-01 --verbose", &out) == 1);
  CHECK(lines_with(out, " line 1: ") > 0);
  std::filesystem::remove_all(dir);
}

}  // namespace soc278

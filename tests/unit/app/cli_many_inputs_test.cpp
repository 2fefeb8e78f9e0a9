// `soc278 process` with more inputs than a command line holds: --from-list, --from-list0, folders
// as inputs, and a summary table that lists the first files and counts the rest.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_child.hpp"
#include "support/test_support.hpp"

namespace soc278 {
namespace {

namespace fs = std::filesystem;
using test::ChildRun;
using test::names_in;
using test::run_child;

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

std::vector<std::string> args(std::vector<std::string> a, const fs::path& out) {
  a.insert(a.begin(), "process");
  a.insert(a.end(), {"--out", out.string(), "--seed", "1", "--control-start", "1", "--now", "2026-12-01T09:00", "--quiet"});
  return a;
}

// Three requests (a.x12, b.x12, c.x12) in `dir`.
void three_requests(const fs::path& dir) {
  const std::string r = test::read_file(test::source_dir() / "samples" / "infliximab-hopd.x12");
  for (const char* n : {"c.x12", "a.x12", "b.x12"}) write(dir / n, r);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("process --from-list reads one path a line, skipping empty lines and comments", "[app][many-inputs]") {
  const fs::path dir = test::scratch_dir("soc278-from-list");
  fs::create_directories(dir / "in");
  three_requests(dir / "in");
  write(dir / "list.txt", "# today's files\n" + (dir / "in" / "b.x12").string() + "\r\n\n" + (dir / "in" / "a.x12").string() + "\n");
  ChildRun r = run_child(args({"--from-list", (dir / "list.txt").string()}, dir / "out"), dir);
  CHECK(r.code == 0);
  CHECK(names_in(dir / "out") == std::vector<std::string>{"a.278", "a.999", "a.decisions.jsonl", "a.ta1", "b.278", "b.999",
                                                          "b.decisions.jsonl", "b.ta1"});
  CHECK(r.out.find("total (2 files)") != std::string::npos);

  SECTION("the list on standard input") {
    r = run_child(args({"--from-list", "-"}, dir / "out2"), dir, {}, (dir / "list.txt").string());
    CHECK(r.code == 0);
    CHECK(names_in(dir / "out2").size() == 8);
  }
  SECTION("NUL-separated, a path holding a newline") {
    const fs::path odd = dir / "in" / "odd\nname.x12";
    fs::copy_file(dir / "in" / "c.x12", odd);
    write(dir / "list0", odd.string() + std::string(1, '\0') + (dir / "in" / "a.x12").string() + std::string(1, '\0'));
    r = run_child(args({"--from-list0", (dir / "list0").string()}, dir / "out3"), dir);
    CHECK(r.code == 0);
    CHECK(fs::exists(dir / "out3" / "odd\nname.decisions.jsonl"));
    CHECK(r.out.find("total (2 files)") != std::string::npos);
  }
  SECTION("a list that does not exist") {
    r = run_child(args({"--from-list", (dir / "nope.txt").string()}, dir / "out4"), dir);
    CHECK(r.code == 2);
  }
  fs::remove_all(dir);
}

TEST_CASE("process reads a folder's regular files in name order, skipping hidden files and subfolders", "[app][many-inputs]") {
  const fs::path dir = test::scratch_dir("soc278-folder-input");
  fs::create_directories(dir / "in" / "sub");
  three_requests(dir / "in");
  three_requests(dir / "in" / "sub");
  write(dir / "in" / ".hidden.x12", "not read");
  write(dir / "in" / ".c.278.tmp-12345-0123456789ab", "a temporary of some run");
  fs::create_symlink(dir / "nowhere", dir / "in" / "dangling.x12");  // skipped, not an error
  REQUIRE(::mkfifo((dir / "in" / "pipe.x12").c_str(), 0600) == 0);   // skipped, never opened
  std::vector<std::string> a = args({(dir / "in").string()}, dir / "out");
  a.erase(std::find(a.begin(), a.end(), "--quiet"));
  const ChildRun r = run_child(a, dir);
  CHECK(r.code == 0);
  // Console: each file's name as it is read, in name order.
  const auto at_a = r.out.find((dir / "in" / "a.x12").string()), at_b = r.out.find((dir / "in" / "b.x12").string()),
             at_c = r.out.find((dir / "in" / "c.x12").string());
  REQUIRE(at_a != std::string::npos);
  REQUIRE(at_b != std::string::npos);
  REQUIRE(at_c != std::string::npos);
  CHECK(at_a < at_b);
  CHECK(at_b < at_c);
  CHECK(r.out.find("total (3 files)") != std::string::npos);
  CHECK(names_in(dir / "out").size() == 12);
  fs::remove_all(dir);
}

TEST_CASE("process lists at most --max-rows files in its summary table and counts every file in the totals", "[app][many-inputs]") {
  const fs::path dir = test::scratch_dir("soc278-max-rows");
  fs::create_directories(dir / "in");
  three_requests(dir / "in");
  ChildRun r = run_child(args({(dir / "in").string(), "--max-rows", "1"}, dir / "out"), dir);
  CHECK(r.code == 0);
  CHECK(r.out.find("... and 2 more files") != std::string::npos);
  CHECK(r.out.find("total (3 files)") != std::string::npos);
  CHECK(count(r.out, ".x12 ") == 1);  // one row
  r = run_child(args({(dir / "in").string(), "--max-rows", "0", "--force"}, dir / "out"), dir);
  CHECK(r.code == 0);
  CHECK(count(r.out, ".x12 ") == 3);
  CHECK(r.out.find("more files") == std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("process without any input is a usage error", "[app][many-inputs]") {
  const fs::path dir = test::scratch_dir("soc278-no-input");
  fs::create_directories(dir / "empty");
  ChildRun r = run_child(args({(dir / "empty").string()}, dir / "out"), dir);
  CHECK(r.code == 2);
  CHECK(r.err.find("no input") != std::string::npos);
  fs::remove_all(dir);
}

}  // namespace soc278

// The outputs of one input delivered as a unit (output_set.hpp), the output folder opened without
// following links, and the temporaries' names.
#include "soc278/engine/output_set.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "support/test_support.hpp"

namespace fs = std::filesystem;
using soc278::engine::OutputDir;
using soc278::engine::OutputFile;
using soc278::engine::SetMember;

namespace {

fs::path scratch(const std::string& name) { return soc278::test::scratch_dir("soc278-" + name); }
std::string slurp(const fs::path& p) { return soc278::test::read_file(p); }

void put(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

std::vector<std::string> names(const fs::path& dir) {
  std::vector<std::string> v;
  for (const auto& e : fs::directory_iterator(dir)) v.push_back(e.path().filename().string());
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("commit_together replaces a unit, removes what was not written, and undoes a failed rename", "[engine][output]") {
  const fs::path dir = scratch("output-set");
  put(dir / "x.a", "old a");
  put(dir / "x.b", "old b");
  put(dir / "x.c", "old c");
  OutputDir d;
  REQUIRE(d.open(dir));
  OutputFile a, b, c;
  REQUIRE(a.open(d, "x.a"));
  REQUIRE(b.open(d, "x.b"));
  REQUIRE(c.open(d, "x.c"));
  a.stream() << "new a";
  c.stream() << "new c";  // b stays empty: not written this time

  SECTION("without replace nothing changes") {
    const SetMember m[] = {{&a, false}, {&b, false}, {&c, true}};
    const auto r = soc278::engine::commit_together(m, false);
    CHECK_FALSE(r.ok);
    CHECK(r.error.find("exists") != std::string::npos);
    CHECK(r.not_restored.empty());
    CHECK(names(dir) == std::vector<std::string>{"x.a", "x.b", "x.c"});
    CHECK(slurp(dir / "x.a") == "old a");
  }
  SECTION("with replace all of it is the new run's") {
    const SetMember m[] = {{&a, false}, {&b, false}, {&c, true}};
    const auto r = soc278::engine::commit_together(m, true);
    REQUIRE(r.ok);
    CHECK(r.delivered == std::vector<std::string>{"x.a", "x.c"});
    CHECK(r.removed == std::vector<std::string>{"x.b"});
    CHECK(names(dir) == std::vector<std::string>{"x.a", "x.c"});
    CHECK(slurp(dir / "x.a") == "new a");
    CHECK(slurp(dir / "x.c") == "new c");
  }
  SECTION("a rename refused by the kernel puts everything back") {
    fs::remove(dir / "x.c");
    fs::create_directories(dir / "x.c" / "inside");
    const SetMember m[] = {{&a, false}, {&b, false}, {&c, true}};
    const auto r = soc278::engine::commit_together(m, true);
    CHECK_FALSE(r.ok);
    CHECK(r.error.find("x.c") != std::string::npos);
    CHECK(r.not_restored.empty());
    CHECK(names(dir) == std::vector<std::string>{"x.a", "x.b", "x.c"});
    CHECK(slurp(dir / "x.a") == "old a");
    CHECK(slurp(dir / "x.b") == "old b");
  }
  fs::remove_all(dir);
}

TEST_CASE("a link at a final name is replaced, never followed", "[engine][output]") {
  const fs::path dir = scratch("output-set-link");
  put(dir / "victim", "precious");
  fs::create_symlink(dir / "victim", dir / "x.a");
  OutputDir d;
  REQUIRE(d.open(dir));
  OutputFile a;
  REQUIRE(a.open(d, "x.a"));
  a.stream() << "new";
  REQUIRE(a.commit(true));
  CHECK(slurp(dir / "victim") == "precious");
  CHECK(fs::is_regular_file(fs::symlink_status(dir / "x.a")));
  CHECK(slurp(dir / "x.a") == "new");
  fs::remove_all(dir);
}

TEST_CASE("temporaries have unpredictable names, mode 0600, and a folder that is a link is refused", "[engine][output]") {
  const fs::path dir = scratch("output-temp");
  OutputDir d;
  REQUIRE(d.open(dir / "out"));  // created
  OutputFile a, b;
  REQUIRE(a.open(d, "x.a"));
  REQUIRE(b.open(d, "x.a"));  // two temporaries for one name never collide
  CHECK(a.temp_name() != b.temp_name());
  pid_t pid = 0;
  CHECK(soc278::engine::is_temporary_name(a.temp_name(), &pid));
  CHECK(pid == ::getpid());
  struct stat st {};
  REQUIRE(::stat((dir / "out" / a.temp_name()).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  a.stream() << "x";
  REQUIRE(a.commit(false));
  REQUIRE(::stat((dir / "out" / "x.a").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
  b.discard();

  fs::create_directory_symlink(dir / "out", dir / "link");
  OutputDir l;
  CHECK_FALSE(l.open(dir / "link"));
  CHECK(l.error().find("symbolic link") != std::string::npos);
  CHECK_FALSE(l.open((dir / "link").string() + "//"));  // a trailing slash would make open() follow it
  fs::remove_all(dir);
}

TEST_CASE("stale temporaries of dead runs are removed in both name forms but never links or a live run temporaries", "[engine][output]") {
  const fs::path dir = scratch("output-stale");
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  int status = 0;
  ::waitpid(dead, &status, 0);
  const std::string d = std::to_string(dead), me = std::to_string(::getpid());
  put(dir / (".x.278.tmp-" + d), "1");
  put(dir / (".x.999.tmp-" + d + "-00112233aabb"), "2");
  put(dir / (".x.ta1.tmp-" + me + "-00112233aabb"), "3");
  put(dir / ".x.ta1.tmp-notapid", "4");
  put(dir / "target", "5");
  fs::create_symlink(dir / "target", dir / (".x.jsonl.tmp-" + d + "-ffffffffffff"));
  const auto removed = soc278::engine::remove_stale_temporaries(dir);
  CHECK(removed == std::vector<std::string>{".x.278.tmp-" + d, ".x.999.tmp-" + d + "-00112233aabb"});
  CHECK(fs::exists(dir / (".x.ta1.tmp-" + me + "-00112233aabb")));
  CHECK(fs::is_symlink(dir / (".x.jsonl.tmp-" + d + "-ffffffffffff")));
  CHECK(slurp(dir / "target") == "5");
  fs::remove_all(dir);
}

TEST_CASE("a folder swapped for a link during a run does not redirect the outputs", "[engine][output]") {
  const fs::path dir = scratch("output-swap");
  fs::create_directories(dir / "out");
  fs::create_directories(dir / "attacker");
  OutputDir d;
  REQUIRE(d.open(dir / "out"));
  OutputFile a;
  REQUIRE(a.open(d, "x.278"));
  a.stream() << "phi";
  // Mid-run: the output folder is moved away and a link to another folder takes its name.
  fs::rename(dir / "out", dir / "moved");
  fs::create_directory_symlink(dir / "attacker", dir / "out");
  REQUIRE(a.commit(false));
  CHECK(names(dir / "attacker").empty());
  CHECK(slurp(dir / "moved" / "x.278") == "phi");
  fs::remove_all(dir);
}

// The ledger from the command line: outbound ISA13 / GS06 and certification numbers never repeat
// across runs unless the test options (--control-start, --seed) pin them.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <vector>

#include "support/test_support.hpp"

namespace fs = std::filesystem;
using soc278::test::read_file;
using soc278::test::run_cli;

namespace {

fs::path scratch(const std::string& name) { return soc278::test::scratch_dir(name); }

// Every match of group 1 of `pattern` in `text`, in order.
std::vector<std::string> all(const std::string& text, const std::string& pattern) {
  std::vector<std::string> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) out.push_back((*it)[1].str());
  return out;
}

struct Run {
  std::string isa13_278, gs06_278, isa13_999, gs06_999;
  std::vector<std::string> hcr02;  // every certification number of the 278, in order
};

Run process(const fs::path& dir, const std::string& name, const std::string& extra) {
  const fs::path out = dir / name;
  const std::string cmd = "process samples/batch-mixed.x12 --out '" + out.string() + "' --now 2026-11-20T10:00 --quiet --db '" +
                          (dir / "ledger.db").string() + "' " + extra;
  REQUIRE(run_cli(cmd) == 0);
  const std::string r278 = read_file(out / "batch-mixed.278");
  const std::string r999 = read_file(out / "batch-mixed.999");
  Run r;
  r.isa13_278 = all(r278, R"(ISA\*(?:[^*]*\*){12}([0-9]{9})\*)").at(0);
  r.gs06_278 = all(r278, R"(~\s*GS\*(?:[^*]*\*){5}([0-9]+)\*)").at(0);
  r.isa13_999 = all(r999, R"(ISA\*(?:[^*]*\*){12}([0-9]{9})\*)").at(0);
  r.gs06_999 = all(r999, R"(~\s*GS\*(?:[^*]*\*){5}([0-9]+)\*)").at(0);
  r.hcr02 = all(r278, R"(HCR\*A[0-9]\*([^*~]+))");
  return r;
}

}  // namespace

TEST_CASE("two process runs of the same input never repeat an ISA13 or GS06 or certification number", "[app][ledger]") {
  const fs::path dir = scratch("soc278-ledger-cli");
  const Run first = process(dir, "one", "");
  const Run second = process(dir, "two", "");
  REQUIRE_FALSE(first.hcr02.empty());
  CHECK(first.isa13_278 != second.isa13_278);
  CHECK(first.gs06_278 != second.gs06_278);
  CHECK(first.isa13_999 != second.isa13_999);
  CHECK(first.gs06_999 != second.gs06_999);
  // Within a run the 999 and the 278 do not share one either.
  CHECK(first.isa13_999 != first.isa13_278);
  std::set<std::string> numbers(first.hcr02.begin(), first.hcr02.end());
  const std::size_t per_run = numbers.size();
  numbers.insert(second.hcr02.begin(), second.hcr02.end());
  CHECK(numbers.size() == 2 * per_run);
  // Numbers that were claimed but not written went back: the partner's next run follows on.
  CHECK(std::stoul(second.isa13_999) > std::stoul(first.isa13_278));
  for (const auto& n : numbers) CHECK(std::regex_match(n, std::regex("SOC[0-9A-Z]{6}-[0-9A-Z]{7}-[0-9]{2}")));
  fs::remove_all(dir);
}

TEST_CASE("the seed option keeps certification numbers deterministic while control numbers still move on", "[app][ledger]") {
  const fs::path dir = scratch("soc278-ledger-seed");
  const Run first = process(dir, "one", "--seed 7");
  const Run second = process(dir, "two", "--seed 7");
  REQUIRE_FALSE(first.hcr02.empty());
  CHECK(first.hcr02 == second.hcr02);
  CHECK(first.isa13_278 != second.isa13_278);
  fs::remove_all(dir);
}

TEST_CASE("pinned control-start and seed leave the ledger alone and repeat byte for byte", "[app][ledger]") {
  const fs::path dir = scratch("soc278-ledger-pinned");
  const Run first = process(dir, "one", "--seed 278 --control-start 9001");
  const Run second = process(dir, "two", "--seed 278 --control-start 9001");
  CHECK(first.isa13_278 == second.isa13_278);
  CHECK(first.hcr02 == second.hcr02);
  CHECK(read_file(dir / "one/batch-mixed.278") == read_file(dir / "two/batch-mixed.278"));
  CHECK_FALSE(fs::exists(dir / "ledger.db"));
  fs::remove_all(dir);
}

TEST_CASE("validate --ack draws its 999 control numbers from the ledger", "[app][ledger]") {
  const fs::path dir = scratch("soc278-ledger-validate");
  const std::string db = " --db '" + (dir / "ledger.db").string() + "'";
  REQUIRE(run_cli("validate samples/infliximab-hopd.x12 --now 2026-11-20T10:00 --ack '" + (dir / "one").string() + "'" + db) == 0);
  REQUIRE(run_cli("validate samples/infliximab-hopd.x12 --now 2026-11-20T10:00 --ack '" + (dir / "two").string() + "'" + db) == 0);
  const auto one = all(read_file(dir / "one/infliximab-hopd.999"), R"(ISA\*(?:[^*]*\*){12}([0-9]{9})\*)");
  const auto two = all(read_file(dir / "two/infliximab-hopd.999"), R"(ISA\*(?:[^*]*\*){12}([0-9]{9})\*)");
  REQUIRE(one.size() == 1);
  REQUIRE(two.size() == 1);
  CHECK(one != two);
  // Without --ack nothing is written, so no ledger is needed.
  CHECK(run_cli("validate samples/infliximab-hopd.x12 --db '" + (dir / "none" / "ledger.db").string() + "'") == 0);
  CHECK_FALSE(fs::exists(dir / "none"));
  fs::remove_all(dir);
}

TEST_CASE("a ledger that cannot be opened stops the run before anything is written", "[app][ledger]") {
  const fs::path dir = scratch("soc278-ledger-broken");
  {
    std::ofstream(dir / "file") << "x";
  }
  CHECK(run_cli("process samples/batch-mixed.x12 --out '" + (dir / "out").string() + "' --quiet --db '" + (dir / "file" / "ledger.db").string() +
                "'") == 2);
  CHECK_FALSE(fs::exists(dir / "out" / "batch-mixed.278"));
  fs::remove_all(dir);
}

TEST_CASE("a process run killed mid-file never has its numbers handed out again", "[app][ledger][slow]") {
  const fs::path dir = scratch("soc278-ledger-kill");
  // 20,000 interchanges (120 MB) from one partner: long enough, even in a Release build, to be
  // killed in the middle.
  {
    const std::string one = read_file(soc278::test::source_dir() / "samples/batch-mixed.x12");
    std::ofstream big(dir / "big.x12", std::ios::binary);
    for (int i = 0; i < 20000; ++i) big << one;
  }
  const std::string db = (dir / "ledger.db").string();
  const std::string out = (dir / "out").string();
  const std::string input = (dir / "big.x12").string();
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execl(SOC278_BINARY, SOC278_BINARY, "process", input.c_str(), "--out", out.c_str(), "--db", db.c_str(), "--quiet", "--now",
            "2026-11-20T10:00", "--data", soc278::test::source_dir().c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait until the run has written a few responses into its temporary 278, then kill it.
  fs::path partial;
  std::string written;
  for (int i = 0; i < 6000 && partial.empty(); ++i) {
    ::usleep(10'000);
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(out, ec)) {
      const std::string name = e.path().filename().string();
      if (name.rfind(".big.278.tmp-", 0) == 0 && fs::file_size(e.path(), ec) > 200'000) partial = e.path();
    }
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE_FALSE(partial.empty());  // it was writing when it died
  REQUIRE(WIFSIGNALED(status));
  written = read_file(partial);
  const auto killed_isa13 = all(written, R"(ISA\*(?:[^*]*\*){12}([0-9]{9})\*)");
  const auto killed_hcr02 = all(written, R"(HCR\*A[0-9]\*([^*~]+))");
  REQUIRE(killed_isa13.size() > 5);
  CHECK_FALSE(fs::exists(fs::path(out) / "big.278"));  // never delivered
  // The next run numbers after everything the killed run claimed, and repeats none of its HCR02.
  const Run next = process(dir, "next", "");
  std::uint64_t highest = 0;
  for (const auto& n : killed_isa13) highest = std::max<std::uint64_t>(highest, std::stoull(n));
  CHECK(std::stoull(next.isa13_999) > highest);
  CHECK(std::stoull(next.isa13_278) > highest);
  std::set<std::string> seen(killed_hcr02.begin(), killed_hcr02.end());
  for (const auto& n : next.hcr02) CHECK(seen.count(n) == 0);
  fs::remove_all(dir);
}

// SqliteLedger: migrations, WAL, claims that never overlap (two processes and two threads on one
// file, really at once), claims that survive a crash, the ISA13 wrap.
#include "soc278/store/sqlite_ledger.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <vector>

namespace {

using soc278::store::NumberBlock;
using soc278::store::SqliteLedger;
using soc278::store::SqliteOptions;

// A fresh folder per test, removed afterwards.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static int n = 0;
    path = std::filesystem::temp_directory_path() / ("soc278-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::filesystem::path operator/(const char* name) const { return path / name; }
};

std::unique_ptr<SqliteLedger> open_ok(const std::filesystem::path& file, SqliteOptions options = {}) {
  auto r = SqliteLedger::open(file, options);
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return std::move(r).value();
}

NumberBlock claim_control(SqliteLedger& l, std::string_view partner, std::uint32_t count) {
  auto r = l.claim_control_numbers(partner, count);
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return r.value();
}

NumberBlock claim_certification(SqliteLedger& l, std::uint32_t count) {
  auto r = l.claim_certification_numbers(count);
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return r.value();
}

// Every block disjoint from every other, and together exactly 1..total.
void check_partition(std::vector<NumberBlock> blocks) {
  std::sort(blocks.begin(), blocks.end(), [](const NumberBlock& a, const NumberBlock& b) { return a.first < b.first; });
  std::uint64_t expect = 1;
  for (const auto& b : blocks) {
    INFO("block " << b.first << "+" << b.count);
    REQUIRE(b.count > 0);
    REQUIRE(b.first == expect);  // neither overlapping the one before nor leaving a gap
    expect = b.end();
  }
}

}  // namespace

TEST_CASE("a new ledger is created and migrated to the latest schema in WAL mode", "[store]") {
  TempDir dir;
  auto ledger = open_ok(dir / "state/sub/ledger.db");  // the folders are created too
  CHECK(ledger->schema_version() == SqliteLedger::latest_schema_version());
  CHECK(SqliteLedger::latest_schema_version() >= 2);
  CHECK(ledger->journal_mode() == "wal");
  CHECK(std::filesystem::exists(dir / "state/sub/ledger.db-wal"));
  const std::string id(ledger->instance_id());
  CHECK(id.size() == 6);
  CHECK(std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }));
  CHECK(claim_control(*ledger, "ZZ:A", 3) == NumberBlock{1, 3});
  CHECK(claim_control(*ledger, "ZZ:A", 2) == NumberBlock{4, 2});
  CHECK(claim_control(*ledger, "ZZ:B", 1) == NumberBlock{1, 1});  // per partner
  CHECK(claim_certification(*ledger, 10) == NumberBlock{1, 10});
  CHECK(claim_certification(*ledger, 1) == NumberBlock{11, 1});
  ledger.reset();
  // Reopened: the same identity, the counters where they were, still WAL.
  auto again = open_ok(dir / "state/sub/ledger.db");
  CHECK(again->instance_id() == id);
  CHECK(again->journal_mode() == "wal");
  CHECK(claim_control(*again, "ZZ:A", 1) == NumberBlock{6, 1});
  CHECK(claim_certification(*again, 1) == NumberBlock{12, 1});
}

TEST_CASE("a ledger left at the previous schema version is migrated and keeps its counters", "[store]") {
  TempDir dir;
  const int previous = SqliteLedger::latest_schema_version() - 1;
  std::string id;
  {
    SqliteOptions old;
    old.migrate_to = previous;  // as the previous soc278 left it
    auto ledger = open_ok(dir / "ledger.db", old);
    REQUIRE(ledger->schema_version() == previous);
    id = ledger->instance_id();
    CHECK(claim_control(*ledger, "ZZ:SOCPROVIDER01", 41) == NumberBlock{1, 41});
  }
  auto ledger = open_ok(dir / "ledger.db");
  CHECK(ledger->schema_version() == SqliteLedger::latest_schema_version());
  CHECK(ledger->instance_id() == id);
  auto last = ledger->last_control_number("ZZ:SOCPROVIDER01");
  REQUIRE(last.ok());
  CHECK(last.value() == 41U);
  CHECK(claim_control(*ledger, "ZZ:SOCPROVIDER01", 1) == NumberBlock{42, 1});
  CHECK(claim_certification(*ledger, 5) == NumberBlock{1, 5});
}

TEST_CASE("a ledger from a newer soc278 is refused and not guessed at", "[store]") {
  TempDir dir;
  open_ok(dir / "ledger.db").reset();
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir / "ledger.db").c_str(), &db) == SQLITE_OK);
    const std::string sql = "PRAGMA user_version = " + std::to_string(SqliteLedger::latest_schema_version() + 1);
    REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  auto r = SqliteLedger::open(dir / "ledger.db");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == soc278::core::DiagCode::store_schema_newer);
  CHECK(r.error().message.find("newer soc278") != std::string::npos);
}

TEST_CASE("a ledger that cannot be created is a store.ledger_error and not a crash", "[store]") {
  TempDir dir;
  std::ofstream(dir / "plain-file") << "x";
  auto r = SqliteLedger::open(dir / "plain-file" / "ledger.db");  // a folder under a regular file
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == soc278::core::DiagCode::store_ledger_error);
  std::ofstream(dir / "not-a-db") << std::string(4096, 'x');
  auto garbage = SqliteLedger::open(dir / "not-a-db");
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.error().code == soc278::core::DiagCode::store_ledger_error);
}

TEST_CASE("control numbers wrap from 999999999 to 1 and a block never crosses the wrap", "[store]") {
  TempDir dir;
  auto ledger = open_ok(dir / "ledger.db");
  CHECK(claim_control(*ledger, "ZZ:A", 999'999'990) == NumberBlock{1, 999'999'990});
  CHECK(claim_control(*ledger, "ZZ:A", 20) == NumberBlock{999'999'991, 9});  // cut at the top
  CHECK(claim_control(*ledger, "ZZ:A", 2) == NumberBlock{1, 2});
}

TEST_CASE("an unused tail goes back only when nobody claimed after it", "[store]") {
  TempDir dir;
  auto ledger = open_ok(dir / "ledger.db");
  CHECK(claim_control(*ledger, "ZZ:A", 10) == NumberBlock{1, 10});
  auto back = ledger->release_control_numbers("ZZ:A", {4, 7});  // used 1..3
  REQUIRE(back.ok());
  CHECK(back.value());
  CHECK(claim_control(*ledger, "ZZ:A", 10) == NumberBlock{4, 10});  // 4..13
  auto second = open_ok(dir / "ledger.db");
  CHECK(claim_control(*second, "ZZ:A", 1) == NumberBlock{14, 1});  // someone else claimed after 4..13
  auto refused = ledger->release_control_numbers("ZZ:A", {8, 6});
  REQUIRE(refused.ok());
  CHECK_FALSE(refused.value());  // 14 is out: 8..13 stay claimed
  CHECK(claim_control(*ledger, "ZZ:A", 1) == NumberBlock{15, 1});

  CHECK(claim_certification(*ledger, 100) == NumberBlock{1, 100});
  auto cert_back = ledger->release_certification_numbers({51, 50});
  REQUIRE(cert_back.ok());
  CHECK(cert_back.value());
  CHECK(claim_certification(*second, 1) == NumberBlock{51, 1});
  auto cert_refused = ledger->release_certification_numbers({40, 11});  // 51 was handed out since
  REQUIRE(cert_refused.ok());
  CHECK_FALSE(cert_refused.value());
}

TEST_CASE("two processes claiming at once on one ledger never get the same number", "[store][slow]") {
  TempDir dir;
  open_ok(dir / "ledger.db").reset();  // created once, so both children only claim
  constexpr int processes = 3;
  constexpr int rounds = 60;
  std::vector<pid_t> children;
  for (int p = 0; p < processes; ++p) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      // The child: its own connection, claims of random sizes, each block written down as it
      // is granted. Catch2 is not used here; any failure is the exit code.
      int code = 0;
      {
        auto opened = SqliteLedger::open(dir.path / "ledger.db");
        if (!opened) ::_exit(10);
        auto& ledger = *opened.value();
        std::ofstream out(dir.path / ("claims-" + std::to_string(p)));
        std::mt19937 rng(static_cast<unsigned>(p) + 1);
        for (int i = 0; i < rounds && code == 0; ++i) {
          const auto n = static_cast<std::uint32_t>(1 + rng() % 7);
          auto c = ledger.claim_control_numbers("ZZ:SHARED", n);
          auto r = ledger.claim_certification_numbers(n);
          if (!c || !r) {
            code = 11;
            break;
          }
          out << "c " << c.value().first << ' ' << c.value().count << '\n' << "r " << r.value().first << ' ' << r.value().count << '\n';
        }
      }
      ::_exit(code);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  std::vector<NumberBlock> control, certification;
  for (int p = 0; p < processes; ++p) {
    std::ifstream in(dir.path / ("claims-" + std::to_string(p)));
    char kind = 0;
    NumberBlock b;
    while (in >> kind >> b.first >> b.count) (kind == 'c' ? control : certification).push_back(b);
  }
  CHECK(control.size() == static_cast<std::size_t>(processes * rounds));
  CHECK(certification.size() == static_cast<std::size_t>(processes * rounds));
  check_partition(control);
  check_partition(certification);
}

TEST_CASE("two threads with a connection each claiming at once never get the same number", "[store]") {
  TempDir dir;
  open_ok(dir / "ledger.db").reset();
  constexpr int threads = 2;
  constexpr int rounds = 100;
  std::vector<std::vector<NumberBlock>> got(threads);
  std::vector<int> failures(threads, 0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto opened = SqliteLedger::open(dir.path / "ledger.db");
      if (!opened) {
        failures[static_cast<std::size_t>(t)] = -1;
        return;
      }
      for (int i = 0; i < rounds; ++i) {
        auto c = opened.value()->claim_control_numbers("ZZ:SHARED", 3);
        if (!c) {
          ++failures[static_cast<std::size_t>(t)];
          continue;
        }
        got[static_cast<std::size_t>(t)].push_back(c.value());
      }
    });
  }
  for (auto& th : pool) th.join();
  std::vector<NumberBlock> all;
  for (int t = 0; t < threads; ++t) {
    CHECK(failures[static_cast<std::size_t>(t)] == 0);
    all.insert(all.end(), got[static_cast<std::size_t>(t)].begin(), got[static_cast<std::size_t>(t)].end());
  }
  CHECK(all.size() == static_cast<std::size_t>(threads * rounds));
  check_partition(all);
}

TEST_CASE("a run killed after its claim never sees its numbers handed out again", "[store]") {
  TempDir dir;
  open_ok(dir / "ledger.db").reset();
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    auto opened = SqliteLedger::open(dir.path / "ledger.db");
    if (!opened) ::_exit(10);
    auto c = opened.value()->claim_control_numbers("ZZ:A", 50);
    auto r = opened.value()->claim_certification_numbers(500);
    if (!c || !r) ::_exit(11);
    const std::uint64_t report[4] = {c.value().first, c.value().count, r.value().first, r.value().count};
    if (::write(fds[1], report, sizeof report) != static_cast<ssize_t>(sizeof report)) ::_exit(12);
    // Dies mid-run: no release, no close, no destructor.
    ::raise(SIGKILL);
    ::_exit(13);
  }
  ::close(fds[1]);
  std::uint64_t report[4] = {};
  const auto n = ::read(fds[0], report, sizeof report);
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(n == static_cast<ssize_t>(sizeof report));
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  CHECK(report[0] == 1U);
  CHECK(report[1] == 50U);
  auto ledger = open_ok(dir / "ledger.db");
  // The killed run's numbers stay claimed: the next run starts after them.
  CHECK(claim_control(*ledger, "ZZ:A", 1) == NumberBlock{51, 1});
  CHECK(claim_certification(*ledger, 1) == NumberBlock{501, 1});
}

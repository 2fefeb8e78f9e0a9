// Ctrl-C and SIGTERM during `soc278 process`, for real: the binary is started reading a pipe that
// the test feeds half an interchange and then leaves silent, the signal is sent, and the folder is
// inspected: exit 130 / 143, no output delivered, no temporary file of the run left, another live
// process's temporary file untouched, a dead one's removed; then the same input runs to its end.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "support/test_support.hpp"

namespace soc278 {
namespace {

namespace fs = std::filesystem;

// A pid that no process has now: a child that exited and was reaped.
pid_t dead_pid() {
  const pid_t p = ::fork();
  if (p == 0) ::_exit(0);
  int status = 0;
  ::waitpid(p, &status, 0);
  return p;
}

void touch(const fs::path& p) { std::ofstream(p) << "left behind"; }

// A temporary of process `pid` for `name` in `dir` (".<name>.tmp-<pid>-<random>"), or "" when none.
fs::path temporary_of(const fs::path& dir, const std::string& name, pid_t pid) {
  const std::string prefix = "." + name + ".tmp-" + std::to_string(pid) + "-";
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind(prefix, 0) == 0) return e.path();
  return {};
}

bool temporary_within(const fs::path& dir, const std::string& name, pid_t pid, std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (!temporary_of(dir, name, pid).empty()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool exists_within(const fs::path& p, bool want, std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (fs::exists(p) == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return fs::exists(p) == want;
}

struct Child {
  pid_t pid = -1;
  int stdin_fd = -1;
};

// `soc278 process - --out DIR` with its standard input a pipe the test writes, stderr to `err`.
Child start_process(const fs::path& out, const fs::path& err) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t p = ::fork();
  REQUIRE(p >= 0);
  if (p == 0) {
    ::dup2(fds[0], 0);
    ::close(fds[0]);
    ::close(fds[1]);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(e, 2);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::execl(SOC278_BINARY, SOC278_BINARY, "process", "-", "--out", out.c_str(), "--seed", "1", "--control-start", "1", "--now",
            "2026-12-01T09:00", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[0]);
  return Child{p, fds[1]};
}

int wait_exit(pid_t p, std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (std::chrono::steady_clock::now() < until) {
    if (::waitpid(p, &status, WNOHANG) == p) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(p, SIGKILL);
  ::waitpid(p, &status, 0);
  return -1;  // hung
}

void interrupted_by(int sig, int expected_exit) {
  const fs::path dir = test::scratch_dir("soc278-signal-" + std::to_string(sig));
  const fs::path out = dir / "out";
  fs::create_directories(out);
  // Temporary outputs a killed run left (the names of this version and of earlier ones), and one
  // of a run still alive (this test process).
  const pid_t dead = dead_pid();
  const fs::path stale = out / (".stdin.278.tmp-" + std::to_string(dead));
  const fs::path stale_new = out / (".stdin.decisions.jsonl.tmp-" + std::to_string(dead) + "-0123456789ab");
  const fs::path live = out / (".stdin.999.tmp-" + std::to_string(::getpid()) + "-a1b2c3d4e5f6");
  touch(stale);
  touch(stale_new);
  touch(live);

  const std::string input = test::read_file(test::source_dir() / "samples" / "two-groups.x12");
  const std::string first_half = input.substr(0, input.find("SE*"));  // stops inside the first set
  const Child c = start_process(out, dir / "stderr.txt");
  REQUIRE(::write(c.stdin_fd, first_half.data(), first_half.size()) == static_cast<ssize_t>(first_half.size()));
  // Started: it removed the dead run's file and opened its own.
  REQUIRE(exists_within(stale, false, std::chrono::seconds(20)));
  REQUIRE(exists_within(stale_new, false, std::chrono::seconds(20)));
  REQUIRE(temporary_within(out, "stdin.278", c.pid, std::chrono::seconds(20)));
  // Now it waits on the silent pipe.
  REQUIRE(::kill(c.pid, sig) == 0);
  CHECK(wait_exit(c.pid, std::chrono::seconds(20)) == expected_exit);
  ::close(c.stdin_fd);

  for (const char* name : {"stdin.278", "stdin.999", "stdin.ta1", "stdin.decisions.jsonl"}) CHECK_FALSE(fs::exists(out / name));
  for (const auto& e : fs::directory_iterator(out))
    CHECK(e.path().filename().string().find(".tmp-" + std::to_string(c.pid)) == std::string::npos);
  CHECK(fs::exists(live));  // never another live run's
  const std::string err = test::read_file(dir / "stderr.txt");
  CHECK(err.find(sig == SIGINT ? "interrupted by SIGINT" : "interrupted by SIGTERM") != std::string::npos);
  CHECK(err.find("(left by an interrupted run)") != std::string::npos);

  // The same input, whole: delivered as if nothing had happened.
  fs::remove(live);
  const Child again = start_process(out, dir / "stderr2.txt");
  REQUIRE(::write(again.stdin_fd, input.data(), input.size()) == static_cast<ssize_t>(input.size()));
  ::close(again.stdin_fd);
  CHECK(wait_exit(again.pid, std::chrono::seconds(60)) == 0);
  CHECK(fs::exists(out / "stdin.278"));
  CHECK(fs::exists(out / "stdin.decisions.jsonl"));
  fs::remove_all(dir);
}

}  // namespace

TEST_CASE("process stopped by Ctrl-C removes its temporary outputs and exits 130", "[app][signals]") { interrupted_by(SIGINT, 130); }

TEST_CASE("process stopped by SIGTERM removes its temporary outputs and exits 143", "[app][signals]") { interrupted_by(SIGTERM, 143); }

}  // namespace soc278

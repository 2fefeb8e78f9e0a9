// tests/unit/app/cli_child.hpp — runs the built soc278 binary in a child process the test controls:
// what the child does before exec (plant a link under its own pid, lower a resource limit), its
// standard input, and a time limit after which a hung child is killed (reported as -1, so that a
// test checking the exit code fails instead of waiting forever).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "support/test_support.hpp"

namespace soc278::test {

struct ChildRun {
  int code = -1;  // exit code, 128 + signal, or -1 when killed for running past the limit
  std::string out, err;
};

inline ChildRun run_child(const std::vector<std::string>& args, const std::filesystem::path& scratch,
                          const std::function<void()>& before_exec = {}, const std::string& stdin_path = "/dev/null",
                          std::chrono::seconds limit = std::chrono::seconds(60)) {
  const auto out_file = scratch / ".child-stdout", err_file = scratch / ".child-stderr";
  const pid_t p = ::fork();
  if (p == 0) {
    const int in = ::open(stdin_path.c_str(), O_RDONLY);
    const int o = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || o < 0 || e < 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(o, 1);
    ::dup2(e, 2);
    if (::chdir(source_dir().c_str()) != 0) ::_exit(126);
    const std::string state = (std::filesystem::temp_directory_path() / "soc278-test-state").string();
    ::setenv("SOC278_STATE_DIR", state.c_str(), 0);
    if (before_exec) before_exec();
    // SOC278_TEST_BINARY runs these tests against another build (e.g. an older one, to see them fail).
    const char* binary = std::getenv("SOC278_TEST_BINARY") != nullptr ? std::getenv("SOC278_TEST_BINARY") : SOC278_BINARY;
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(binary, argv.data());
    ::_exit(127);
  }
  ChildRun r;
  const auto until = std::chrono::steady_clock::now() + limit;
  int status = 0;
  for (;;) {
    if (::waitpid(p, &status, WNOHANG) == p) {
      r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() >= until) {
      ::kill(p, SIGKILL);
      ::waitpid(p, &status, 0);
      r.code = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  r.out = read_file(out_file);
  r.err = read_file(err_file);
  std::filesystem::remove(out_file);
  std::filesystem::remove(err_file);
  return r;
}

// The names in `dir`, sorted ("" entries never).
inline std::vector<std::string> names_in(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace soc278::test

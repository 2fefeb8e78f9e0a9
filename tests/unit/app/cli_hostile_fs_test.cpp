// `soc278 process` in hostile folders, for real: the binary runs on temporary folders in which
// links are planted, folders swapped for links, an output name made a folder, the file size limited
// (a full disk as the kernel reports it: EFBIG), and FIFOs and devices given as inputs.
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

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

const std::vector<std::string> fixed = {"--seed", "1", "--control-start", "1", "--now", "2026-12-01T09:00"};

std::vector<std::string> process_args(std::vector<std::string> inputs, const fs::path& out, std::vector<std::string> more = {},
                                      const std::vector<std::string>& fix = fixed) {
  std::vector<std::string> a{"process"};
  for (auto& i : inputs) a.push_back(std::move(i));
  a.insert(a.end(), {"--out", out.string()});
  a.insert(a.end(), fix.begin(), fix.end());
  for (auto& m : more) a.push_back(std::move(m));
  return a;
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

std::string sample(const std::string& name) { return test::read_file(test::source_dir() / "samples" / name); }

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

bool no_temporaries(const fs::path& dir) {
  for (const auto& n : names_in(dir))
    if (n.find(".tmp-") != std::string::npos) return false;
  return true;
}

}  // namespace

TEST_CASE("process never follows a link planted at a temporary output's name", "[app][hostile-fs]") {
  const fs::path dir = test::scratch_dir("soc278-plant");
  const fs::path out = dir / "out", victim = dir / "victim.txt";
  fs::create_directories(out);
  write(dir / "req.x12", sample("multi-line.x12"));
  write(victim, "precious");
  // The child plants, under its own pid (the pid soc278 will have), a link at every temporary name
  // earlier versions used, all pointing at the victim.
  const auto plant = [&] {
    for (const char* ext : {"278", "999", "ta1", "decisions.jsonl"}) {
      const std::string name = (out / (std::string(".req.") + ext + ".tmp-" + std::to_string(::getpid()))).string();
      if (::symlink(victim.c_str(), name.c_str()) != 0) ::_exit(125);
    }
  };
  const ChildRun r = run_child(process_args({(dir / "req.x12").string()}, out), dir, plant);
  CHECK(r.code == 0);
  CHECK(test::read_file(victim) == "precious");
  for (const char* name : {"req.278", "req.999", "req.ta1", "req.decisions.jsonl"}) {
    CHECK(fs::is_regular_file(fs::symlink_status(out / name)));
  }
  fs::remove_all(dir);
}

TEST_CASE("process writes outputs 0640 unless --mode says otherwise, whatever the umask", "[app][hostile-fs]") {
  const fs::path dir = test::scratch_dir("soc278-mode");
  write(dir / "req.x12", sample("infliximab-hopd.x12"));
  const auto umask022 = [] { ::umask(022); };
  ChildRun r = run_child(process_args({(dir / "req.x12").string()}, dir / "a"), dir, umask022);
  REQUIRE(r.code == 0);
  CHECK(mode_of(dir / "a" / "req.278") == 0640);
  CHECK(mode_of(dir / "a" / "req.decisions.jsonl") == 0640);
  r = run_child(process_args({(dir / "req.x12").string()}, dir / "b", {"--mode", "0600"}), dir, umask022);
  REQUIRE(r.code == 0);
  CHECK(mode_of(dir / "b" / "req.999") == 0600);
  r = run_child(process_args({(dir / "req.x12").string()}, dir / "c", {"--mode", "4755"}), dir);
  CHECK(r.code == 2);
  CHECK(r.err.find("--mode") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("process refuses an --out folder that is a symbolic link", "[app][hostile-fs]") {
  const fs::path dir = test::scratch_dir("soc278-outlink");
  fs::create_directories(dir / "elsewhere");
  fs::create_directory_symlink(dir / "elsewhere", dir / "out");
  write(dir / "req.x12", sample("infliximab-hopd.x12"));
  const ChildRun r = run_child(process_args({(dir / "req.x12").string()}, dir / "out"), dir);
  CHECK(r.code == 2);
  CHECK(r.err.find("symbolic link") != std::string::npos);
  CHECK(names_in(dir / "elsewhere").empty());
  fs::remove_all(dir);
}

TEST_CASE("process refuses to write an output over one of its inputs", "[app][hostile-fs]") {
  const fs::path dir = test::scratch_dir("soc278-self");
  const std::string request = sample("infliximab-hopd.x12");
  SECTION("the input named like the response, --out its own folder") {
    // stem "req" + ".278" is the input itself.
    write(dir / "req.278", request);
    const ChildRun r = run_child(process_args({(dir / "req.278").string()}, dir, {"--force"}), dir);
    CHECK(r.code == 2);
    CHECK(r.err.find("is the input") != std::string::npos);
    CHECK(test::read_file(dir / "req.278") == request);
    CHECK(names_in(dir) == std::vector<std::string>{"req.278"});
  }
  SECTION("a hard link to another input at an output's name") {
    fs::create_directories(dir / "out");
    write(dir / "a.x12", request);
    write(dir / "b.x12", request);
    fs::create_hard_link(dir / "b.x12", dir / "out" / "a.999");
    const ChildRun r = run_child(process_args({(dir / "a.x12").string(), (dir / "b.x12").string()}, dir / "out", {"--force"}), dir);
    CHECK(r.code == 2);
    CHECK(r.err.find("is the input") != std::string::npos);
    CHECK(test::read_file(dir / "b.x12") == request);
    CHECK(names_in(dir / "out") == std::vector<std::string>{"a.999"});
  }
  fs::remove_all(dir);
}

TEST_CASE("process --force replaces an input's outputs as one unit and removes those it no longer writes", "[app][hostile-fs]") {
  const fs::path dir = test::scratch_dir("soc278-force-unit");
  const fs::path out = dir / "out";
  const fs::path regressions = test::source_dir() / "tests" / "regressions" / "x12";
  write(dir / "req.x12", sample("infliximab-hopd.x12"));
  ChildRun r = run_child(process_args({(dir / "req.x12").string()}, out), dir);
  REQUIRE(r.code == 0);
  REQUIRE(names_in(out) == std::vector<std::string>{"req.278", "req.999", "req.decisions.jsonl", "req.ta1"});

  SECTION("no TA1 due now: the earlier .ta1 goes") {
    fs::copy_file(regressions / "fs-no-ta1-due.x12", dir / "req.x12", fs::copy_options::overwrite_existing);
    r = run_child(process_args({(dir / "req.x12").string()}, out, {"--force"}), dir);
    CHECK(r.code == 0);
    CHECK(names_in(out) == std::vector<std::string>{"req.278", "req.999", "req.decisions.jsonl"});
    CHECK(r.out.find("removed the earlier") != std::string::npos);
  }
  SECTION("the file is rejected now: the earlier approving .278 goes") {
    fs::copy_file(regressions / "fs-all-rejected.x12", dir / "req.x12", fs::copy_options::overwrite_existing);
    r = run_child(process_args({(dir / "req.x12").string()}, out, {"--force"}), dir);
    CHECK(r.code == 1);
    CHECK_FALSE(fs::exists(out / "req.278"));
    CHECK(test::read_file(out / "req.decisions.jsonl").find("\"rejected\"") != std::string::npos);
  }
  CHECK(no_temporaries(out));
  fs::remove_all(dir);
}

TEST_CASE("process delivers nothing of an input when the disk is full, and the next run processes it", "[app][hostile-fs]") {
  const fs::path dir = test::scratch_dir("soc278-full");
  write(dir / "req.x12", sample("multi-line.x12"));
  // Sizes of the outputs, from a run with room.
  ChildRun r = run_child(process_args({(dir / "req.x12").string()}, dir / "reference"), dir);
  REQUIRE(r.code == 0);
  const auto size = [&](const char* name) { return fs::file_size(dir / "reference" / name); };
  // Room for the 278 and the 999, not for the decision report: the first outputs would be
  // complete, the last one not (a file system filling up, as write() reports it: EFBIG).
  const auto limit = std::max({size("req.278"), size("req.999"), size("req.ta1")}) + 1;
  REQUIRE(size("req.decisions.jsonl") > limit);
  const auto full_disk = [limit] {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit rl{static_cast<rlim_t>(limit), static_cast<rlim_t>(limit)};
    if (::setrlimit(RLIMIT_FSIZE, &rl) != 0) ::_exit(125);
  };
  const fs::path out = dir / "out";
  r = run_child(process_args({(dir / "req.x12").string()}, out), dir, full_disk);
  CHECK(r.code == 2);
  CHECK(names_in(out).empty());  // no output, no temporary
  CHECK(r.err.find("outputs not delivered") != std::string::npos);
  CHECK(r.err.find("none of its outputs was written") != std::string::npos);

  // The next run, with room and without --force, processes the input as if nothing had happened.
  r = run_child(process_args({(dir / "req.x12").string()}, out), dir);
  CHECK(r.code == 0);
  for (const char* name : {"req.278", "req.999", "req.ta1", "req.decisions.jsonl"})
    CHECK(test::read_file(out / name) == test::read_file(dir / "reference" / name));
  fs::remove_all(dir);
}

TEST_CASE("process --force puts the earlier outputs back when one rename fails", "[app][hostile-fs]") {
  const fs::path dir = test::scratch_dir("soc278-undo");
  const fs::path out = dir / "out";
  write(dir / "req.x12", sample("multi-line.x12"));
  ChildRun r = run_child(process_args({(dir / "req.x12").string()}, out), dir);
  REQUIRE(r.code == 0);
  const std::string old278 = test::read_file(out / "req.278"), old999 = test::read_file(out / "req.999");
  // The decision report's name is now a folder: the last rename of the unit fails (the kernel's
  // refusal, not a simulation), after the 278, the 999 and the TA1 took their places.
  fs::remove(out / "req.decisions.jsonl");
  fs::create_directories(out / "req.decisions.jsonl" / "inside");
  r = run_child(process_args({(dir / "req.x12").string()}, out, {"--force"},
                             {"--seed", "2", "--control-start", "500", "--now", "2026-12-02T10:00"}),
                dir);
  CHECK(r.code == 2);
  CHECK(test::read_file(out / "req.278") == old278);
  CHECK(test::read_file(out / "req.999") == old999);
  CHECK(fs::is_directory(out / "req.decisions.jsonl" / "inside"));
  CHECK(no_temporaries(out));
  CHECK(r.err.find("outputs not delivered") != std::string::npos);
  CHECK(r.err.find("the earlier ones are as they were") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("process refuses a FIFO or a device as input at once, without waiting for a writer", "[app][hostile-fs]") {
  const fs::path dir = test::scratch_dir("soc278-fifo");
  REQUIRE(::mkfifo((dir / "in.fifo").c_str(), 0600) == 0);
  // Nobody ever opens the FIFO for writing: an open that waits would hang until the harness kills
  // the child (code -1).
  ChildRun r = run_child(process_args({(dir / "in.fifo").string()}, dir / "out"), dir, {}, "/dev/null", std::chrono::seconds(30));
  CHECK(r.code == 2);
  CHECK(r.err.find("not a regular file (a FIFO)") != std::string::npos);
  r = run_child(process_args({"/dev/null"}, dir / "out2"), dir);
  CHECK(r.code == 2);
  CHECK(r.err.find("not a regular file (a character device)") != std::string::npos);
  // validate reads its inputs the same way.
  r = run_child({"validate", (dir / "in.fifo").string()}, dir, {}, "/dev/null", std::chrono::seconds(30));
  CHECK(r.code == 2);
  fs::remove_all(dir);
}

}  // namespace soc278

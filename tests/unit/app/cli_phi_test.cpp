// No member id, name, birth date or street in any output of any command, unless --show-phi.
//
// The values are read from each input independently of soc278 (a plain split on the ISA's
// delimiters): NM1*IL / NM1*QC NM103, NM104, NM109; DMG02 as sent and as CCYY-MM-DD; N301 / N302.
// Every command is run on every sample and on two mutations that quote the member in findings
// and reasons (a malformed and a future birth date); stdout, stderr and every file written are
// scanned, except the 278 responses, which name the member by design.
#include <catch2/catch.hpp>
#include <fmt/core.h>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "support/phi_values.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
using soc278::test::leak;
using soc278::test::phi_of;
using soc278::test::read_file;

namespace {

// stdout and stderr together.
std::string run_all(const std::string& args) {
  const std::string cmd = fmt::format("cd '{}' && '{}' {} 2>&1", soc278::test::source_dir().string(), SOC278_BINARY, args);
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf{};
  std::string text;
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) text.append(buf.data(), n);
  (void)::pclose(p);
  return text;
}

fs::path scratch(const std::string& name) { return soc278::test::scratch_dir(name); }

std::vector<fs::path> inputs(const fs::path& dir) {
  std::vector<fs::path> files = soc278::test::sample_files();
  const std::string pediatric = read_file(soc278::test::source_dir() / "samples" / "pediatric.x12");
  const auto mutate = [&](const std::string& from, const std::string& to, const std::string& name) {
    std::string text = pediatric;
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    std::ofstream(dir / name) << text;
    files.push_back(dir / name);
  };
  mutate("DMG*D8*20180309", "DMG*D8*2018039", "malformed-dob.x12");    // a finding quotes DMG02
  mutate("DMG*D8*20180309", "DMG*D8*20300309", "future-dob.x12");      // AAA 58 quotes the date
  // A member's NM1, N3, DMG and REF misplaced into the patient event loop (tests/regressions/x12).
  files.push_back(soc278::test::source_dir() / "tests/regressions/x12/misplaced-member.x12");
  return files;
}

}  // namespace

TEST_CASE("privacy: no output of any command quotes a member id, name, birth date or street", "[app][phi]") {
  const fs::path dir = scratch("soc278-phi");
  for (const fs::path& input : inputs(dir)) {
    const std::vector<soc278::test::PhiValue> phi = phi_of(read_file(input));
    REQUIRE(phi.size() >= 4);
    const std::string f = "'" + input.string() + "'";
    const std::string out = "'" + (dir / "out").string() + "'";
    const std::string full = "'" + (dir / "full").string() + "'";
    const std::string acks = "'" + (dir / "acks").string() + "'";
    const std::vector<std::string> commands = {
        "process " + f + " --out " + out + " --force --now 2026-11-20",
        "process " + f + " --out " + full + " --force --now 2026-11-20 --report full --verbose",
        "validate " + f + " --ack " + acks + " --force --now 2026-11-20",
        "validate --json --verbose " + f,
        "explain " + f + " --now 2026-11-20",
        "explain " + f + " --now 2026-11-20 --verbose",
        "explain " + f + " --json --now 2026-11-20",
        "segments " + f,
        "segments --dump " + f,
        "segments --json --dump " + f,
    };
    for (const std::string& c : commands) {
      INFO(c);
      const std::string text = run_all(c);
      CHECK(leak(text, phi).empty());
      if (!leak(text, phi).empty()) FAIL_CHECK("leaked '" << leak(text, phi) << "' in:\n" << text.substr(0, 4000));
    }
    // Every file written but the 278 responses (which name the member by design).
    for (const fs::path& d : {dir / "out", dir / "full", dir / "acks"}) {
      for (const auto& file : soc278::test::files_in(d)) {
        if (file.extension() == ".278") continue;
        INFO(file.string());
        CHECK(leak(read_file(file), phi).empty());
      }
    }
    // The scan can find what it looks for: --show-phi prints the values.
    CHECK_FALSE(leak(run_all("explain " + f + " --now 2026-11-20 --show-phi"), phi).empty());
  }
  fs::remove_all(dir);
}

// The property test: seeded random mutants of every sample (byte, element, segment, delimiter,
// truncation and splice mutations, tests/support/mutate.hpp) through the real binary.
//
// For every mutant:
//   - `process` ends with exit 0, 1 or 2: never a signal, never a sanitizer report;
//   - every acknowledgment and response it writes (.278, .999, .ta1) passes `soc278 validate`;
//   - every line of its decision report and of `validate --json` / `explain --json` /
//     `segments --json` output parses as JSON;
//   - no member id, name, birth date or street of the sample it came from appears in any console
//     line (stdout and stderr of every command) or in any file written but the 278 responses, which
//     name the member by design.
//
// SOC278_MUTANTS (mutants per sample, default 150) and SOC278_MUTANT_SEED (default 278) change the
// run; a failure names the seed, the mutant and the mutations, and keeps the mutant on disk.
#include <catch2/catch.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/mutate.hpp"
#include "support/phi_values.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
using soc278::test::read_file;

namespace {

struct Run {
  int status = -1;     // exit code, or -1 when the process did not exit (a signal)
  std::string out;     // stdout
  std::string err;     // stderr
  std::string output;  // both, for the console checks
};

Run run(const std::string& args) {
  const fs::path err = fs::temp_directory_path() / fmt::format("soc278-mutants-{}.stderr", ::getpid());
  const std::string cmd = fmt::format("cd '{}' && SOC278_STATE_DIR='{}' '{}' {} 2>'{}'", soc278::test::source_dir().string(),
                                      (fs::temp_directory_path() / "soc278-test-state").string(), SOC278_BINARY, args, err.string());
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  Run r;
  std::array<char, 1 << 14> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = read_file(err);
  fs::remove(err);
  r.output = r.out + r.err;
  return r;
}

std::size_t env_number(const char* name, std::size_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? static_cast<std::size_t>(std::strtoull(v, nullptr, 10)) : fallback;
}

bool sanitizer_report(const std::string& text) {
  return text.find("AddressSanitizer") != std::string::npos || text.find("runtime error:") != std::string::npos ||
         text.find("LeakSanitizer") != std::string::npos || text.find("terminate called") != std::string::npos;
}

// The first line of `text` that does not parse as JSON, or "" when all do.
std::string bad_json_line(const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    if (!nlohmann::json::accept(line)) return line;
  }
  return {};
}

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// "" when no value of `phi` is in `text`; else the value and the line it is in (what a failure shows).
std::string leaked(const std::string& text, const std::vector<soc278::test::PhiValue>& phi) {
  const std::string value = soc278::test::leak(text, phi);
  if (value.empty()) return {};
  const std::size_t at = text.find(value);
  const std::size_t from = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
  const std::size_t to = text.find('\n', at);
  return "'" + value + "' in: " + text.substr(from, std::min<std::size_t>(to - from, 600));
}

struct Mutant {
  fs::path file;
  std::string what;
};

// What a failure prints: enough to rerun the one mutant by hand.
std::string describe(const std::vector<Mutant>& mutants, std::uint64_t seed) {
  std::string s = fmt::format("seed {}; mutants:\n", seed);
  for (const Mutant& m : mutants) s += fmt::format("  {}: {}\n", m.file.string(), m.what);
  return s;
}

}  // namespace

TEST_CASE("property: mutants of every sample exit 0/1/2, write outputs that validate, JSON that parses, no PHI", "[app][property]") {
  const std::size_t per_sample = env_number("SOC278_MUTANTS", 150);
  const std::uint64_t seed = env_number("SOC278_MUTANT_SEED", 278);
  const fs::path dir = soc278::test::scratch_dir("soc278-mutants");  // emptied first
  const std::vector<fs::path> samples = soc278::test::sample_files();
  REQUIRE(samples.size() >= 10);
  soc278::test::Mutator mutator(seed);
  std::size_t total = 0, exit_counts[3] = {0, 0, 0}, outputs_validated = 0;

  for (std::size_t si = 0; si < samples.size(); ++si) {
    const std::string text = read_file(samples[si]);
    const std::string other = read_file(samples[(si + 1) % samples.size()]);
    const std::vector<soc278::test::PhiValue> phi = soc278::test::phi_of(text);
    REQUIRE(!phi.empty());
    const fs::path in = dir / "in" / samples[si].stem(), out = dir / "out" / samples[si].stem();
    fs::create_directories(in);
    std::vector<Mutant> mutants;
    std::string files;
    for (std::size_t i = 0; i < per_sample; ++i) {
      Mutant m;
      m.file = in / fmt::format("m{:04}.x12", i);
      const std::string body = mutator.mutant(text, other, &m.what);
      std::ofstream(m.file, std::ios::binary) << body;
      files += " " + quoted(m.file);
      mutants.push_back(std::move(m));
    }
    total += mutants.size();
    INFO(describe(mutants, seed));

    // process: every mutant of the sample in one run.
    const Run p = run(fmt::format("process{} --out {} --force --now 2026-11-20 --seed 1 --control-start 1", files, quoted(out)));
    INFO("process output:\n" << p.output.substr(0, 6000));
    REQUIRE(p.status >= 0);
    REQUIRE(p.status <= 2);
    ++exit_counts[p.status];
    CHECK_FALSE(sanitizer_report(p.output));
    CHECK(leaked(p.output, phi) == "");

    // Its outputs: acknowledgments and responses validate clean; the report parses and names no one.
    std::string written;
    for (const fs::path& f : soc278::test::files_in(out)) {
      const std::string ext = f.extension().string();
      if (ext == ".jsonl") {
        const std::string report = read_file(f);
        INFO(f.string());
        CHECK(bad_json_line(report).empty());
        CHECK(leaked(report, phi) == "");
        continue;
      }
      if (ext != ".278" && ext != ".999" && ext != ".ta1") continue;
      if (ext != ".278") CHECK(leaked(read_file(f), phi) == "");
      written += " " + quoted(f);
      ++outputs_validated;
    }
    if (!written.empty()) {
      const Run v = run("validate --json --max-findings 0" + written + " --now 2026-11-20");
      INFO("validate of the outputs:\n" << v.output.substr(0, 6000));
      CHECK(v.status == 0);
      CHECK(bad_json_line(v.out).empty());
    }

    // validate --json on the mutants themselves: JSON lines that parse, no PHI.
    const Run vj = run("validate --json --max-findings 0" + files + " --now 2026-11-20");
    INFO("validate --json of the mutants:\n" << vj.output.substr(0, 6000));
    CHECK((vj.status >= 0 && vj.status <= 2));
    CHECK_FALSE(sanitizer_report(vj.output));
    CHECK(bad_json_line(vj.out).empty());
    CHECK(leaked(vj.output, phi) == "");

    // explain and segments take one file: every tenth mutant, text and JSON.
    for (std::size_t i = 0; i < mutants.size(); i += 10) {
      const std::string f = quoted(mutants[i].file);
      for (const std::string& c : {"explain --json --now 2026-11-20 " + f, "explain --now 2026-11-20 " + f, "segments --json --dump " + f,
                                   "segments --dump " + f}) {
        const Run e = run(c);
        INFO(c << "\n" << e.output.substr(0, 4000));
        CHECK((e.status >= 0 && e.status <= 2));
        CHECK_FALSE(sanitizer_report(e.output));
        // explain --json prints one document; segments --json one object per line.
        if (c.rfind("explain --json", 0) == 0 && !e.out.empty()) CHECK(nlohmann::json::accept(e.out));
        if (c.rfind("segments --json", 0) == 0) CHECK(bad_json_line(e.out).empty());
        CHECK(leaked(e.output, phi) == "");
      }
    }
  }
  // The run did what it says: mutants were processed and their outputs checked.
  CHECK(total == per_sample * samples.size());
  CHECK(outputs_validated > total / 2);
  WARN(fmt::format("{} mutants (seed {}): process exits 0/1/2 = {}/{}/{} runs; {} outputs validated", total, seed, exit_counts[0],
                   exit_counts[1], exit_counts[2], outputs_validated));
  // The mutants stay in $TMPDIR (a failure names them); the next run of this test empties the folder.
}

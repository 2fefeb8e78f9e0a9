// What leaves soc278 as text is valid, inert, bounded and free of member data, whatever it reads
// (docs/operations.md "What soc278 prints"):
//   - every JSON output (each --json stream, the decision report) parses, with values and file
//     names holding bytes that are not UTF-8 (tests/regressions/x12/invalid-utf8-values.x12);
//   - console and stderr lines hold no control character and cannot be forged by a file name
//     ("a\nFAKE: approved") or a value (ESC[2J, C1 CSI, a newline in MSG);
//   - console output per file is capped (findings, segment dumps, explain's lines);
//   - member names, ids, birth dates and streets appear in no line of any command's stdout, stderr
//     or decision report when the member is misplaced, misframed or quoted in a finding or an AAA
//     reason, and do appear with --show-phi.
#include <catch2/catch.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "soc278/core/output_text.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
using soc278::test::read_file;

namespace {

struct Run {
  int rc = -1;
  std::string out, err;
};

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs soc278 with `args` (already quoted) from the source folder; stdout and stderr apart.
Run run(const std::string& args, const fs::path& scratch) {
  const fs::path out = scratch / "stdout.txt", err = scratch / "stderr.txt";
  const std::string cmd = fmt::format("cd {} && SOC278_STATE_DIR={} {} {} > {} 2> {}", quoted(soc278::test::source_dir().string()),
                                      quoted((scratch / "state").string()), quoted(SOC278_BINARY), args, quoted(out.string()),
                                      quoted(err.string()));
  const int status = std::system(cmd.c_str());
  Run r;
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Percent-decoding ("file_bytes" holds the name with '%' and bytes that are not UTF-8 as %HH).
std::string percent_decoded(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

fs::path regression(const std::string& name) { return soc278::test::source_dir() / "tests/regressions/x12" / name; }

// A copy of a regression input under a name that tries to forge a console line and to reset the
// terminal, with a byte that is not UTF-8.
fs::path hostile_copy(const fs::path& dir, const std::string& from, const std::string& tag) {
  const fs::path to = dir / ("a\nFAKE: approved " + tag + " \xFF\xC0\xAF\x80\x1B[2J.x12");  // 0xFF, overlong '/', lone continuation
  fs::copy_file(regression(from), to, fs::copy_options::overwrite_existing);
  return to;
}

// No byte that could add a line (other than the line ends), drive a terminal or break UTF-8.
void check_inert(const std::string& text, const std::string& what) {
  INFO(what);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool control = (c < 0x20 && c != '\n') || c == 0x7F;
    if (control) FAIL_CHECK("control byte " << int(c) << " in:\n" << soc278::core::printable(text.substr(0, 3000)));
    if (control) return;
  }
  CHECK(soc278::core::valid_utf8(text));
  CHECK(text.find("\xC2\x9B") == std::string::npos);  // C1 CSI
  for (const std::string& line : lines_of(text)) CHECK(line.rfind("FAKE", 0) == std::string::npos);
}

void check_json_lines(const std::string& text, const std::string& what) {
  INFO(what);
  const auto lines = lines_of(text);
  CHECK_FALSE(lines.empty());
  for (const std::string& line : lines) {
    if (line.empty()) continue;
    try {
      const auto parsed = nlohmann::json::parse(line);
      (void)parsed;
    } catch (const std::exception& e) {
      FAIL_CHECK(e.what() << " in: " << soc278::core::printable(line.substr(0, 400)));
    }
  }
}

}  // namespace

TEST_CASE("every JSON output is valid UTF-8 JSON, whatever the bytes of values and file names", "[app][utf8]") {
  const fs::path dir = soc278::test::scratch_dir("soc278-json-utf8");
  for (const std::string input : {"invalid-utf8-values.x12", "control-characters-values.x12", "misframed-member.x12"}) {
    const fs::path f = hostile_copy(dir, input, "j");
    const std::string q = quoted(f.string());
    INFO(input);
    for (const std::string& args : {"validate --json " + q, "validate --json --verbose " + q, "segments --json " + q,
                                   "segments --json --dump --show-phi " + q, "segments --json --dump " + q}) {
      const Run r = run(args, dir);
      INFO(args);
      CHECK((r.rc == 0 || r.rc == 1));  // never an abort (134)
      check_json_lines(r.out, args);
      check_inert(r.out + r.err, args);
      for (const std::string& line : lines_of(r.out)) {  // every line naming the file gives its bytes back
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_object() && j.contains("file")) CHECK(percent_decoded(j.value("file_bytes", std::string())) == f.string());
      }
    }
    for (const std::string& args : {"explain --json --now 2026-11-20 " + q, "explain --json --show-phi --now 2026-11-20 " + q}) {
      const Run r = run(args, dir);
      INFO(args);
      CHECK((r.rc == 0 || r.rc == 1));
      nlohmann::json doc;
      CHECK_NOTHROW(doc = nlohmann::json::parse(r.out));
      if (doc.is_object()) {
        CHECK(doc["file"] == soc278::core::to_valid_utf8(f.string()));
        CHECK(percent_decoded(doc["file_bytes"].get<std::string>()) == f.string());  // the name round-trips
      }
      check_inert(r.out + r.err, args);
    }
    const fs::path out = dir / "out";
    const Run r = run(fmt::format("process {} --out {} --force --now 2026-11-20 --seed 278 --control-start 1 --report full", q,
                                  quoted(out.string())),
                      dir);
    CHECK((r.rc == 0 || r.rc == 1));
    check_inert(r.out + r.err, "process " + input);
    bool report = false;
    for (const auto& file : soc278::test::files_in(out)) {
      if (file.string().find(".decisions.jsonl") == std::string::npos) continue;
      report = true;
      check_json_lines(read_file(file), file.string());
      for (const std::string& line : lines_of(read_file(file))) {
        const auto j = nlohmann::json::parse(line);
        CHECK(j["file"] == soc278::core::to_valid_utf8(f.string()));
        CHECK(percent_decoded(j["file_bytes"].get<std::string>()) == f.string());
      }
    }
    CHECK(report);
    fs::remove_all(out);
  }
  fs::remove_all(dir);
}

TEST_CASE("console and stderr lines cannot be forged or drive the terminal", "[app][console]") {
  const fs::path dir = soc278::test::scratch_dir("soc278-console-inert");
  for (const std::string input : {"control-characters-values.x12", "invalid-utf8-values.x12"}) {
    const fs::path f = hostile_copy(dir, input, "t");
    const std::string q = quoted(f.string());
    const std::string out = quoted((dir / "out").string());
    for (const std::string& args : {
             "validate " + q, "validate --verbose --max-findings 0 " + q, "segments " + q, "segments --dump " + q,
             "segments --dump --show-phi " + q, "explain --now 2026-11-20 " + q, "explain --verbose --show-phi --now 2026-11-20 " + q,
             "process " + q + " --out " + out + " --force --now 2026-11-20 --seed 278 --control-start 1 --verbose",
             "process " + q + " --out " + out + " --now 2026-11-20 --seed 278 --control-start 1",  // outputs exist: stderr names them
             "validate " + q + ".missing",                                                           // cannot open: stderr names it
             "explain " + q + ".missing", "segments " + q + ".missing", "process " + q + ".missing --out " + out,
         }) {
      const Run r = run(args, dir);
      INFO(args);
      CHECK((r.rc == 0 || r.rc == 1 || r.rc == 2));
      check_inert(r.out, "stdout of " + args);
      check_inert(r.err, "stderr of " + args);
      // The name is shown, escaped: \n and \x1B as text.
      CHECK((r.out + r.err).find("a\\nFAKE: approved t \\xFF\\xC0\\xAF\\x80\\x1B[2J.x12") != std::string::npos);
    }
  }
  fs::remove_all(dir);
}

TEST_CASE("console output per file is capped", "[app][console]") {
  const fs::path dir = soc278::test::scratch_dir("soc278-console-caps");
  // One set with 6000 service lines that each carry a bad value: thousands of segments and findings.
  std::string text = read_file(soc278::test::source_dir() / "samples/pediatric.x12");
  const std::size_t se = text.find("SE*");
  REQUIRE(se != std::string::npos);
  std::string extra;
  for (int k = 0; k < 6000; ++k) extra += "MSG*BAD VALUE \x1B[2J " + std::to_string(k) + "~\n";
  text.insert(se, extra);
  const fs::path f = dir / "big.x12";
  std::ofstream(f, std::ios::binary) << text;
  const std::string q = quoted(f.string());
  const auto count = [](const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); };
  {
    const Run r = run("validate " + q, dir);
    CHECK(count(r.out) < 40);
    CHECK(r.out.find("more finding") != std::string::npos);
  }
  {
    const Run r = run("segments --dump " + q, dir);
    CHECK(count(r.out) < 1050);
    CHECK(r.out.find("more line") != std::string::npos);
    const Run all = run("segments --dump --max-lines 0 " + q, dir);
    CHECK(count(all.out) > 6000);
  }
  {
    const Run r = run("explain --now 2026-11-20 " + q, dir);
    CHECK(count(r.out) < 5100);
    CHECK(r.out.find("more lines") != std::string::npos);
    check_inert(r.out, "explain big");
  }
  fs::remove_all(dir);
}

namespace {

// The member values of the regression inputs (tests/regressions/x12): names, ids, birth dates in
// both spellings, streets.
const std::vector<std::string> member_values = {
    "TESTPATIENT", "UNIFORM",       "VICTOR",     "SOC000000120", "220 TEST STREET", "19860402",  "1986-04-02",
    "20180309",    "2018-03-09",    "20300309",   "2030-03-09",   "MISPLACEDNAME",   "ROVER",     "SOC000000777",
    "77 HIDDEN LANE", "19710203",   "1971-02-03", "987654321"};

std::string leaked(const std::string& text) {
  for (const std::string& v : member_values)
    if (text.find(v) != std::string::npos) return v;
  return {};
}

}  // namespace

TEST_CASE("privacy: misplaced, misframed and quoted members leave no trace in any output", "[app][phi]") {
  const fs::path dir = soc278::test::scratch_dir("soc278-phi-content");
  for (const std::string input :
       {"misplaced-member.x12", "misframed-member.x12", "phi-quoted-in-findings.x12", "aaa-future-birth-date.x12"}) {
    const std::string q = quoted(regression(input).string());
    const fs::path out = dir / "out", full = dir / "full";
    INFO(input);
    for (const std::string& args : {
             "process " + q + " --out " + quoted(out.string()) + " --force --now 2026-11-20 --seed 278 --control-start 1",
             "process " + q + " --out " + quoted(full.string()) +
                 " --force --now 2026-11-20 --seed 278 --control-start 1 --report full --verbose --max-findings 0",
             "validate --max-findings 0 " + q, "validate --json --verbose " + q, "explain --now 2026-11-20 " + q,
             "explain --verbose --now 2026-11-20 " + q, "explain --json --now 2026-11-20 " + q, "segments " + q,
             "segments --dump " + q, "segments --json --dump " + q}) {
      const Run r = run(args, dir);
      INFO(args);
      CHECK(leaked(r.out) == "");
      CHECK(leaked(r.err) == "");
    }
    for (const fs::path& d : {out, full})
      for (const auto& file : soc278::test::files_in(d))
        if (file.string().find(".decisions.jsonl") != std::string::npos) {
          INFO(file.string());
          CHECK(leaked(read_file(file)) == "");
        }
    fs::remove_all(out);
    fs::remove_all(full);
    // The scan finds what it looks for: --show-phi prints the values.
    CHECK(leaked(run("explain --show-phi --now 2026-11-20 " + q, dir).out) != "");
    CHECK(leaked(run("segments --dump --show-phi " + q, dir).out) != "");
  }
  fs::remove_all(dir);
}

TEST_CASE("no exception leaves a command: it ends in exit 2 with one clear line, never an abort", "[app][console]") {
  const fs::path dir = soc278::test::scratch_dir("soc278-no-abort");
  // An output name past NAME_MAX: the file system refuses to look it up (std::filesystem throws).
  const std::string input = (dir / (std::string(250, 'x') + ".x12")).string();
  const Run r = run(fmt::format("process {} --out {} --now 2026-11-20 --seed 278 --control-start 1", quoted(input), quoted((dir / "out").string())),
                    dir);
  CHECK(r.rc == 2);  // was 134: std::terminate
  CHECK(r.err.rfind("soc278: ", 0) == 0);
  CHECK(r.err.find("terminate called") == std::string::npos);
  check_inert(r.err, "stderr");
  fs::remove_all(dir);
}

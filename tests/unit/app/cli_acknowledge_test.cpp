// What soc278 answers, from the command line: never an acknowledgment of an acknowledgment, always
// an 00501 envelope, a TA1 (R, 003) for a 4010 interchange, and `process` on input that holds no 278
// request says so per file and exits 1 (docs/conformance.md §2).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/test_support.hpp"

namespace fs = std::filesystem;
using soc278::test::read_file;
using soc278::test::run_cli;

namespace {

fs::path scratch(const std::string& name) { return soc278::test::scratch_dir(name); }

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

// samples/infliximab-hopd.x12 with the first `from` replaced by `to`.
std::string sample_with(const std::string& from, const std::string& to) {
  std::string text = read_file(soc278::test::source_dir() / "samples/infliximab-hopd.x12");
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return text;
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

const std::string now = " --now 2026-11-20T10:00";

}  // namespace

TEST_CASE("process: a 278 response, a 999 and a TA1 are not requests: named per file, nothing written back, exit 1",
          "[app][ack]") {
  const fs::path dir = scratch("soc278-not-requests");
  // A request first: its answers are the inputs below (ISA14 = 1, so there is a TA1 too).
  REQUIRE(run_cli("process samples/infliximab-hopd.x12 --quiet --out " + q(dir / "first") + now) == 0);
  fs::create_directories(dir / "in");
  fs::copy_file(dir / "first/infliximab-hopd.278", dir / "in/answer.x12");
  fs::copy_file(dir / "first/infliximab-hopd.999", dir / "in/ack.x12");
  fs::copy_file(dir / "first/infliximab-hopd.ta1", dir / "in/interchange-ack.x12");

  std::string out;
  CHECK(run_cli("process " + q(dir / "in/answer.x12") + " --out " + q(dir / "out") + now, &out) == 1);
  CHECK(out.find("answer.x12: not a 278 request: 1 set, 278 response") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out/answer.278"));
  const std::string report = read_file(dir / "out/answer.decisions.jsonl");
  CHECK(report.find("\"decision\":\"rejected\",\"rejected_by\":\"not_request\"") != std::string::npos);
  CHECK(report.find("\"explanation\":\"not a 278 request: 278 response\"") != std::string::npos);

  // A 999: validated and reported, never acknowledged (no 999 back, and no TA1 although its ISA14 is 0 anyway).
  CHECK(run_cli("process " + q(dir / "in/ack.x12") + " --out " + q(dir / "out") + now, &out) == 1);
  CHECK(out.find("ack.x12: not a 278 request: 1 set, 999") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out/ack.999"));
  CHECK_FALSE(fs::exists(dir / "out/ack.ta1"));
  CHECK(read_file(dir / "out/ack.decisions.jsonl").find("\"explanation\":\"not a 278 request: 999\"") != std::string::npos);

  // An interchange holding only a TA1: no TA1 back, even with ISA14 = 1.
  std::string ta1 = read_file(dir / "in/interchange-ack.x12");
  const auto isa14 = ta1.find("*0*T*:~");
  REQUIRE(isa14 != std::string::npos);
  ta1.replace(isa14, 3, "*1*");
  write(dir / "in/interchange-ack.x12", ta1);
  CHECK(run_cli("process " + q(dir / "in/interchange-ack.x12") + " --out " + q(dir / "out") + now, &out) == 1);
  CHECK(out.find("interchange-ack.x12: not a 278 request: 1 interchange holding only TA1s") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out/interchange-ack.ta1"));
  CHECK_FALSE(fs::exists(dir / "out/interchange-ack.999"));
  CHECK(read_file(dir / "out/interchange-ack.decisions.jsonl").find("\"rejected_by\":\"not_request\"") != std::string::npos);

  // --quiet still names them (the table is the whole output of a nightly job).
  CHECK(run_cli("process " + q(dir / "in/answer.x12") + " --quiet --force --out " + q(dir / "out") + now, &out) == 1);
  CHECK(out.find("not a 278 request: 1 set, 278 response") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("validate --ack: no 999 and no TA1 for acknowledgments", "[app][ack]") {
  const fs::path dir = scratch("soc278-ack-of-ack");
  REQUIRE(run_cli("validate samples/infliximab-hopd.x12 --ack " + q(dir / "first") + now) == 0);
  std::string ta1 = read_file(dir / "first/infliximab-hopd.ta1");
  ta1.replace(ta1.find("*0*T*:~"), 3, "*1*");  // a TA1 that asks for a TA1
  write(dir / "ta1.x12", ta1);
  std::string ack = read_file(dir / "first/infliximab-hopd.999");
  ack.replace(ack.find("*0*T*:~"), 3, "*1*");
  write(dir / "ack.x12", ack);
  CHECK(run_cli("validate " + q(dir / "ta1.x12") + " " + q(dir / "ack.x12") + " --ack " + q(dir / "out") + now) == 0);
  CHECK_FALSE(fs::exists(dir / "out/ta1.ta1"));
  CHECK_FALSE(fs::exists(dir / "out/ta1.999"));
  CHECK_FALSE(fs::exists(dir / "out/ack.ta1"));
  CHECK_FALSE(fs::exists(dir / "out/ack.999"));
  fs::remove_all(dir);
}

TEST_CASE("a 4010 interchange is answered by TA1 R 003 in an 00501 envelope, with no 999 and no 278", "[app][ack]") {
  const fs::path dir = scratch("soc278-4010");
  const std::string v4010 = sample_with("*^*00501*", "*U*00401*");
  std::string text = v4010;
  text.replace(text.find("*X*005010X217~"), 14, "*X*004010X094A1~");
  write(dir / "old.x12", text);
  std::string out;
  CHECK(run_cli("validate " + q(dir / "old.x12") + " --ack " + q(dir / "ack") + now, &out) == 1);
  CHECK(out.find("envelope.interchange_4010") != std::string::npos);
  const std::string ta1 = read_file(dir / "ack/old.ta1");
  CHECK(ta1.find("*^*00501*") != std::string::npos);
  CHECK(ta1.find("TA1*000004711*261115*0930*R*003~") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "ack/old.999"));
  CHECK(run_cli("process " + q(dir / "old.x12") + " --quiet --out " + q(dir / "out") + now) == 1);
  CHECK_FALSE(fs::exists(dir / "out/old.278"));
  CHECK_FALSE(fs::exists(dir / "out/old.999"));
  CHECK(read_file(dir / "out/old.ta1").find("*R*003~") != std::string::npos);

  // An 00401 envelope around the 5010 group: read, and its 999 and TA1 are 00501 interchanges.
  write(dir / "envelope.x12", v4010);
  (void)run_cli("validate " + q(dir / "envelope.x12") + " --ack " + q(dir / "ack") + now, &out);
  CHECK(out.find("envelope.interchange_4010") == std::string::npos);
  const std::string ack = read_file(dir / "ack/envelope.999");
  CHECK(ack.find("ISA*00*          *00*          *ZZ*SOCHEALTHPLAN  *ZZ*SOCPROVIDER01  *") == 0);
  CHECK(ack.find("*^*00501*") != std::string::npos);
  CHECK(ack.find("00401") == std::string::npos);
  CHECK(read_file(dir / "ack/envelope.ta1").find("*^*00501*") != std::string::npos);
  fs::remove_all(dir);
}

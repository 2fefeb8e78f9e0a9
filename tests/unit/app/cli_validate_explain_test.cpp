// validate and explain from the command line: exit codes, acknowledgment files, output shapes.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/test_support.hpp"

namespace fs = std::filesystem;
using soc278::test::read_file;
using soc278::test::run_cli;

namespace {
fs::path scratch(const std::string& name) { return soc278::test::scratch_dir(name); }
}  // namespace

TEST_CASE("validate: samples are accepted - --ack writes a 999 and a TA1 when ISA14 asks for one", "[app]") {
  const fs::path dir = scratch("soc278-validate");
  std::string out;
  CHECK(run_cli("validate samples/infliximab-hopd.x12 --ack '" + dir.string() + "' --now 2026-11-20T10:00", &out) == 0);
  CHECK(out.find("1 accepted, 0 rejected") != std::string::npos);
  CHECK(read_file(dir / "infliximab-hopd.999").find("IK5*A~") != std::string::npos);
  CHECK(read_file(dir / "infliximab-hopd.ta1").find("TA1*000004711*261115*0930*A*000~") != std::string::npos);
  // An existing acknowledgment is never replaced without --force.
  CHECK(run_cli("validate samples/infliximab-hopd.x12 --ack '" + dir.string() + "'") == 2);
  CHECK(run_cli("validate samples/infliximab-hopd.x12 --ack '" + dir.string() + "' --force") == 0);
  fs::remove_all(dir);
}

TEST_CASE("validate: a rejected set exits 1 and names the place: loop, segment, element", "[app]") {
  std::string out;
  CHECK(run_cli("validate tests/golden/cases/set-rejected/input.x12", &out) == 1);
  CHECK(out.find("loop 2000F, UM02): error ig.element_required_missing") != std::string::npos);
  CHECK(out.find("5 accepted, 1 rejected") != std::string::npos);
  CHECK(run_cli("validate --json tests/golden/cases/set-rejected/input.x12", &out) == 1);
  bool found = false;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line);
    if (j["type"] == "finding" && j["code"] == "ig.element_required_missing") {
      found = true;
      CHECK(j["loop"] == "2000F");
      CHECK(j["segment_id"] == "UM");
      CHECK(j["element"] == 2);
      CHECK(j["x12_code"] == "1");
    }
  }
  CHECK(found);
  CHECK(run_cli("validate /no/such/file.x12") == 2);
}

TEST_CASE("explain: the loop tree with guide names, findings inline, then the decisions", "[app]") {
  std::string out;
  CHECK(run_cli("explain samples/multi-line.x12 --now 2026-11-20", &out) == 0);
  CHECK(out.find("2000E Patient Event Level") != std::string::npos);
  CHECK(out.find("UM04-2") != std::string::npos);
  CHECK(out.find("line 2: J3490") != std::string::npos);
  CHECK(out.find("I.A.1.b") != std::string::npos);
  CHECK(out.find("could not be assessed") != std::string::npos);
  // Names and member ids are masked unless --show-phi.
  CHECK(out.find("SOC000000116") == std::string::npos);
  CHECK(run_cli("explain samples/multi-line.x12 --now 2026-11-20 --show-phi", &out) == 0);
  CHECK(out.find("SOC000000116") != std::string::npos);

  CHECK(run_cli("explain tests/golden/cases/set-rejected/input.x12 --st 1", &out) == 1);
  CHECK(out.find("! error ig.element_required_missing") != std::string::npos);
  CHECK(out.find("REJECTED") != std::string::npos);
  CHECK(run_cli("explain samples/batch-mixed.x12 --st 9") == 2);
}

TEST_CASE("explain --json: a tree keyed by guide ids, each value with its position", "[app]") {
  std::string out;
  REQUIRE(run_cli("explain samples/infliximab-hopd.x12 --json --now 2026-11-20", &out) == 0);
  const auto doc = nlohmann::json::parse(out);
  REQUIRE(doc["transactions"].size() == 1);
  const auto& j = doc["transactions"][0];
  const auto& event = j["tree"]["loops"]["2000A"][0]["loops"];
  CHECK(event.contains("2000B"));
  CHECK(j["decisions"].size() == 2);
  CHECK(j["decisions"][0]["decision"] == "redirect");
  CHECK(j["decisions"][0]["section"] == "III.A");
  // Find UM04 somewhere under 2000E with its position.
  const std::string text = out;
  CHECK(text.find("\"UM04\"") != std::string::npos);
  CHECK(text.find("\"set_position\"") != std::string::npos);
}

TEST_CASE("explain takes the --quirks of the process run it replays - bad --now and --quirks are usage errors", "[app]") {
  // Regression: explain validated with the default switches only, so a file processed with a
  // partner's quirks was shown rejected where process had decided it.
  const auto dir = scratch("soc278-explain-quirks");
  std::string text = read_file("samples/infliximab-hopd.x12");
  const auto at = text.find("NM1*IL*1*TESTPATIENT*");
  REQUIRE(at != std::string::npos);
  text.insert(at + std::string("NM1*IL*1*TESTPATIENT").size(), " ");  // NM103 space-padded
  std::ofstream(dir / "padded.x12") << text;
  std::ofstream(dir / "partner.yaml") << "accept_space_padding: true\n";
  const std::string input = "'" + (dir / "padded.x12").string() + "'";
  CHECK(run_cli("explain " + input + " --now 2026-11-20") == 1);
  CHECK(run_cli("process " + input + " --out '" + (dir / "out").string() + "' --quiet --now 2026-11-20 --quirks '" +
                (dir / "partner.yaml").string() + "'") == 0);
  std::string out;
  CHECK(run_cli("explain " + input + " --now 2026-11-20 --quirks '" + (dir / "partner.yaml").string() + "'", &out) == 0);
  CHECK(out.find("Redirected from hospital outpatient") != std::string::npos);  // decided, not rejected
  CHECK(run_cli("explain " + input + " --quirks /no/such/partner.yaml") == 2);
  CHECK(run_cli("explain " + input + " --now 2026-13-45") == 2);
  CHECK(run_cli("validate " + input + " --now tomorrow") == 2);
  CHECK(run_cli("process " + input + " --out '" + (dir / "out2").string() + "' --now 2026-11-20 --quirks /no/such/partner.yaml") == 2);
}

TEST_CASE("validate: a set accepted inside a rejected group is counted as such, as the 999's AK904 does", "[app]") {
  // Regression: the console said "0 accepted, 1 rejected" while AK904 counted the set accepted,
  // with nothing telling why the two differ.
  const auto dir = scratch("soc278-ge02");
  std::string text = read_file("samples/infliximab-hopd.x12");
  const auto ge = text.find("GE*1*");
  REQUIRE(ge != std::string::npos);
  text.replace(ge, text.find('~', ge) - ge, "GE*1*999");  // GE02 differs from GS06
  std::ofstream(dir / "ge02.x12") << text;
  std::string out;
  CHECK(run_cli("validate '" + (dir / "ge02.x12").string() + "' --ack '" + dir.string() + "' --now 2026-11-20", &out) == 1);
  CHECK(out.find("0 accepted, 1 rejected (1 only because their group or interchange was rejected)") != std::string::npos);
  const std::string ack = read_file(dir / "ge02.999");
  CHECK(ack.find("IK5*A~") != std::string::npos);
  CHECK(ack.find("AK9*R*1*1*1*4~") != std::string::npos);
  CHECK(run_cli("validate --json '" + (dir / "ge02.x12").string() + "'", &out) == 1);
  CHECK(out.find("\"rejected\":1,\"rejected_with_envelope\":1") != std::string::npos);
}

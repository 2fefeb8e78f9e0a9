// What an analyst reads: a rejected set's real cause, FILE:LINE:COL locations, one JSON document
// from explain --json, and explain --st by group and set, trace or certification number.
#include <catch2/catch.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "support/test_support.hpp"

namespace fs = std::filesystem;
using soc278::test::read_file;
using soc278::test::run_cli;

namespace {

fs::path scratch(const std::string& name) { return soc278::test::scratch_dir(name); }

// samples/infliximab-hopd.x12 with one text replaced, written to dir/name; returns its quoted path.
std::string mutated(const fs::path& dir, const std::string& name, const std::string& from, const std::string& to) {
  std::string text = read_file("samples/infliximab-hopd.x12");
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  std::ofstream(dir / name) << text;
  return "'" + (dir / name).string() + "'";
}

}  // namespace

TEST_CASE("a rejected set says its real cause first, and no line only counts element findings", "[app][analyst]") {
  // Regression: the decision report's explanation of a rejected set was "NM1 at set position 9 has 1
  // element finding(s)", and every element finding was printed with such a line before it.
  const fs::path dir = scratch("soc278-cause");
  const std::string f = mutated(dir, "mx.x12", "****MI*SOC000000101", "****MX*SOC000000101");
  std::string out;
  CHECK(run_cli("validate " + f + " --ack '" + dir.string() + "' --force --now 2026-11-20", &out) == 1);
  CHECK(out.find("error ig.element_invalid_code: NM108 'MX' is not a valid code here") != std::string::npos);
  CHECK(out.find("element finding(s)") == std::string::npos);
  CHECK(out.find("1 error(s)") != std::string::npos);  // the element finding, not it and its IK3
  CHECK(read_file(dir / "mx.999").find("IK3*NM1*9*2010C*8~") != std::string::npos);  // the IK3 stays in the 999
  CHECK(run_cli("validate --json " + f, &out) == 1);
  CHECK(out.find("ig.segment_has_element_errors") == std::string::npos);

  CHECK(run_cli("process " + f + " --out '" + (dir / "out").string() + "' --now 2026-11-20 --quiet", &out) == 1);
  const std::string report = read_file(dir / "out" / "mx.decisions.jsonl");
  const auto line = nlohmann::json::parse(report.substr(0, report.find('\n')));
  CHECK(line["decision"] == "rejected");
  CHECK(line["explanation"].get<std::string>().rfind("ig.element_invalid_code: segment 9 NM1: NM108 'MX' is not a valid code here", 0) == 0);
  CHECK(report.find("element finding(s)") == std::string::npos);

  CHECK(run_cli("explain " + f + " --now 2026-11-20", &out) == 1);
  CHECK(out.find("  cause: NM108 'MX' is not a valid code here") != std::string::npos);
  CHECK(out.find("verdict: REJECTED (999 IK501 R) (1 error(s), 0 warning(s))") != std::string::npos);
  CHECK(out.find("element finding(s)") == std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("findings are located as FILE:LINE:COL, the byte offset with --verbose and in JSON", "[app][analyst]") {
  // Regression: "file:731:" printed a byte offset where editors read a line number.
  const fs::path dir = scratch("soc278-lines");
  const std::string f = mutated(dir, "um.x12", "UM*HS*I*1*22:B", "UM*HS*Z*1*22:B");  // 17th line, UM02 at column 7
  std::string out;
  CHECK(run_cli("validate " + f, &out) == 1);
  const std::string where = (dir / "um.x12").string() + ":17:7: segment 17 (set position 15, loop 2000E, UM02): error ig.element_invalid_code";
  CHECK(out.find(where) != std::string::npos);
  const std::string text = read_file(dir / "um.x12");
  const std::size_t byte = text.find("UM*HS*Z");
  CHECK(run_cli("validate --verbose " + f, &out) == 1);
  CHECK(out.find(fmt::format(":17:7: byte {}, segment 17", byte)) != std::string::npos);
  CHECK(run_cli("validate --json " + f, &out) == 1);
  bool seen = false;
  std::istringstream lines(out);
  for (std::string l; std::getline(lines, l);) {
    const auto j = nlohmann::json::parse(l);
    if (j["type"] != "finding") continue;
    seen = true;
    CHECK(j["line"] == 17);
    CHECK(j["column"] == 7);
    CHECK(j["byte"] == byte);
  }
  CHECK(seen);

  // The same file on one line: LINE is the segment's ordinal, COL counts from the segment start.
  std::string one_line;
  for (char c : text)
    if (c != '\n') one_line += c;
  std::ofstream(dir / "one-line.x12") << one_line;
  CHECK(run_cli("validate '" + (dir / "one-line.x12").string() + "'", &out) == 1);
  CHECK(out.find((dir / "one-line.x12").string() + ":17:7: segment 17") != std::string::npos);
  // A line break inside the file counts: the 2nd interchange of two-interchanges.x12 is on one line.
  CHECK(run_cli("explain samples/two-interchanges.x12 --now 2026-11-20 --st 2", &out) == 0);
  CHECK(std::regex_search(out, std::regex("BHT Beginning of Hierarchical Transaction \\(samples/two-interchanges\\.x12:41:[0-9]{3,}, segment")));
  fs::remove_all(dir);
}

TEST_CASE("explain --json prints one JSON document, whatever the number of sets", "[app][analyst]") {
  // Regression: one pretty document per set, concatenated: no JSON parser reads that.
  std::string out;
  REQUIRE(run_cli("explain samples/batch-mixed.x12 --json --now 2026-11-20", &out) == 0);
  const auto doc = nlohmann::json::parse(out);  // throws on concatenated documents
  CHECK(doc["schema"] == "soc278.explain/1");
  REQUIRE(doc["transactions"].size() == 6);
  CHECK(doc["transactions"][5]["transaction"]["st02"] == "0006");
  CHECK(doc["envelope_findings"].is_array());
  CHECK(doc["transactions"][0]["tree"]["segments"][0]["at"].contains("line"));
  CHECK(doc["transactions"][0]["tree"]["segments"][0]["at"].contains("byte"));
}

TEST_CASE("explain --st takes GS06:ST02, a TRN02 trace or a certification number", "[app][analyst]") {
  std::string out;
  const auto headers = [](const std::string& text) {
    std::vector<std::string> h;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
      if (l.rfind("transaction ", 0) == 0) h.push_back(l.substr(0, l.find(" - ")));
    return h;
  };
  // two-groups.x12: groups 1001 and 1002, each with sets 0001 and 0002.
  CHECK(run_cli("explain samples/two-groups.x12 --now 2026-11-20 --st 1002:0001", &out) == 0);
  CHECK(headers(out) == std::vector<std::string>{"transaction 3 of samples/two-groups.x12: ISA13 000004901, GS06 1002, ST02 0001"});
  CHECK(run_cli("explain samples/two-groups.x12 --now 2026-11-20 --st 1002:1", &out) == 0);  // as numbers
  CHECK(headers(out).size() == 1);
  CHECK(run_cli("explain samples/two-groups.x12 --now 2026-11-20 --st REQ0007EV", &out) == 0);  // a TRN02
  CHECK(headers(out) == std::vector<std::string>{"transaction 2 of samples/two-groups.x12: ISA13 000004901, GS06 1001, ST02 0002"});
  CHECK(run_cli("explain samples/two-groups.x12 --now 2026-11-20 --st trace:REQ0007L1", &out) == 0);  // a line's TRN02
  CHECK(headers(out).size() == 1);

  // A certification number, as the process run's decision report recorded it.
  const fs::path dir = scratch("soc278-st-cert");
  REQUIRE(run_cli("process samples/two-groups.x12 --out '" + dir.string() + "' --now 2026-11-20 --quiet") == 0);
  const std::string report = read_file(dir / "two-groups.decisions.jsonl");
  std::string cert, gs06, st02;
  std::istringstream lines(report);
  for (std::string l; std::getline(lines, l);) {
    const auto j = nlohmann::json::parse(l);
    const std::string number = j["certification"].is_string() ? j["certification"].get<std::string>()
                               : j["tracking"].is_string()     ? j["tracking"].get<std::string>()
                                                               : std::string();
    if (!number.empty() && j["gs06"] == "1002") {
      cert = number;
      gs06 = j["gs06"];
      st02 = j["st02"];
      break;
    }
  }
  REQUIRE_FALSE(cert.empty());
  const std::string decisions = " --decisions '" + (dir / "two-groups.decisions.jsonl").string() + "'";
  CHECK(run_cli("explain samples/two-groups.x12 --now 2026-11-20 --st cert:" + cert + decisions, &out) == 0);
  REQUIRE(headers(out).size() == 1);
  CHECK(headers(out)[0].find("GS06 " + gs06 + ", ST02 " + st02) != std::string::npos);
  CHECK(run_cli("explain samples/two-groups.x12 --now 2026-11-20 --st " + cert + decisions, &out) == 0);  // unprefixed
  CHECK(headers(out).size() == 1);
  CHECK(run_cli("explain samples/two-groups.x12 --st cert:" + cert) == 2);  // needs --decisions
  CHECK(run_cli("explain samples/two-groups.x12 --st 1009:0001") == 2);       // matches nothing
  CHECK(run_cli("explain samples/two-groups.x12 --st 0") == 2);
  fs::remove_all(dir);
}

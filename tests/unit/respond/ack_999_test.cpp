#include "soc278/respond/ack_999.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "soc278/x12/byte_source.hpp"
#include "soc278/x12/chunk_reader.hpp"
#include "soc278/x12/envelope.hpp"

using namespace soc278;

namespace {

// Reference 6.1's request (synthetic data), one segment per line as printed there.
const std::string request_61 =
    "ISA*00*          *00*          *ZZ*SOCPROVIDER01  *ZZ*SOCHEALTHPLAN  *261115*0930*^*00501*000004711*1*T*:~\n"
    "GS*HI*SOCPROVIDER01*SOCHEALTHPLAN*20261115*0930*4711*X*005010X217~\n"
    "ST*278*0001*005010X217~\n"
    "BHT*0007*13*REQ20261115001*20261115*0930~\n"
    "HL*1**20*1~\n"
    "NM1*X3*2*EXAMPLE HEALTH PLAN*****PI*99999~\n"
    "HL*2*1*21*1~\n"
    "NM1*1P*2*EXAMPLE RHEUMATOLOGY GROUP*****XX*1234567893~\n"
    "PER*IC*PA DESK*TE*5555550100~\n"
    "HL*3*2*22*1~\n"
    "NM1*IL*1*DOE*JANE*Q***MI*XYZ123456789~\n"
    "DMG*D8*19800115*F~\n"
    "HL*4*3*EV*1~\n"
    "TRN*1*REQ0001EV*1123456789~\n"
    "UM*HS*I*1*22:B~\n"
    "DTP*AAH*RD8*20261201-20270531~\n"
    "HI*ABK:M0579~\n"
    "MSG*INFLIXIMAB 5 MG/KG Q8W MAINTENANCE, 4 DOSES~\n"
    "NM1*FA*2*EXAMPLE GENERAL HOSPITAL OP INFUSION*****XX*1987654328~\n"
    "N3*100 MAIN ST~\n"
    "N4*ATLANTA*GA*30303~\n"
    "HL*5*4*SS*0~\n"
    "TRN*1*REQ0001L1*1123456789~\n"
    "UM*HS*I*1*22:B~\n"
    "DTP*472*RD8*20261201-20270531~\n"
    "SV1*HC:J1745*9600*UN*160~\n"
    "HSD*VS*4~\n"
    "NM1*SJ*1*RHEUM*ALICE****XX*1555555550~\n"
    "HL*6*4*SS*0~\n"
    "TRN*1*REQ0001L2*1123456789~\n"
    "UM*HS*I*1*22:B~\n"
    "DTP*472*RD8*20261201-20270531~\n"
    "SV1*HC:96365*1200*UN*4~\n"
    "HSD*VS*4~\n"
    "NM1*SJ*1*RHEUM*ALICE****XX*1555555550~\n"
    "SE*34*0001~\n"
    "GE*1*4711~\n"
    "IEA*1*000004711~\n";

const std::string isa_61 =
    "ISA*00*          *00*          *ZZ*SOCPROVIDER01  *ZZ*SOCHEALTHPLAN  *261115*0930*^*00501*000004711*1*T*:~\n";

std::string set(const std::string& st02, int se01 = 5) {
  return "ST*278*" + st02 + "*005010X217~\nBHT*0007*13*REQ1*20261115*0930~\nHL*1**20*1~\nNM1*X3*2*PLAN*****PI*99999~\nSE*" +
         std::to_string(se01) + "*" + st02 + "~\n";
}

std::string group(const std::string& gs06, const std::string& body, int ge01, const std::string& ge02 = "") {
  return "GS*HI*SOCPROVIDER01*SOCHEALTHPLAN*20261115*0930*" + gs06 + "*X*005010X217~\n" + body + "GE*" +
         std::to_string(ge01) + "*" + (ge02.empty() ? gs06 : ge02) + "~\n";
}

const core::DateTime at_0931{core::Date{2026, 11, 15}, core::TimeOfDay{9, 31, 0}};

// Drives an Ack999Writer from the envelope reader, the way the app does; the validator's findings
// and trace numbers are injected per "GS06/ST02".
struct Driver final : x12::EnvelopeObserver {
  respond::Ack999Writer& writer;
  std::map<std::string, std::vector<core::Diagnostic>> findings;
  std::map<std::string, std::string> traces;
  std::vector<respond::AckCode> set_codes;
  std::vector<respond::AckCode> group_codes;
  std::string gs06;

  explicit Driver(respond::Ack999Writer& w) : writer(w) {}
  void on_interchange_begin(const x12::InterchangeInfo& i) override { writer.begin_interchange(i); }
  void on_group_begin(const x12::InterchangeInfo&, const x12::GroupInfo& g) override {
    gs06 = g.control_number;
    writer.begin_group(g);
  }
  void on_transaction_end(const x12::GroupInfo&, const x12::TransactionInfo& t) override {
    respond::AckTransaction a = respond::AckTransaction::from(t);
    const std::string key = gs06 + "/" + t.control_number;
    if (auto it = findings.find(key); it != findings.end()) a.findings = it->second;
    if (auto it = traces.find(key); it != traces.end()) a.trace = it->second;
    set_codes.push_back(writer.add_transaction(a));
  }
  void on_group_end(const x12::InterchangeInfo&, const x12::GroupInfo& g) override {
    group_codes.push_back(writer.end_group(g));
  }
  void on_interchange_end(const x12::InterchangeInfo&) override { (void)writer.end_interchange(); }
};

struct Run {
  std::string out;
  std::vector<respond::AckCode> sets, groups;
};

Run acknowledge(const std::string& input, std::uint32_t first_control,
                std::map<std::string, std::vector<core::Diagnostic>> findings = {},
                std::map<std::string, std::string> traces = {}) {
  std::ostringstream out;
  respond::ControlNumberSequence numbers(first_control);
  respond::Ack999Writer writer(out, numbers, at_0931, "\n");
  Driver driver(writer);
  driver.findings = std::move(findings);
  driver.traces = std::move(traces);
  x12::MemorySource src(input);
  core::DiagnosticList diags;
  x12::ChunkReader reader(src);
  x12::EnvelopeReader env(reader, diags, driver);
  env.run();
  return {out.str(), driver.set_codes, driver.group_codes};
}

// The ST..SE of the n-th (1-based) 999 in `text`.
std::string nth_999(const std::string& text, int n) {
  std::size_t from = 0;
  for (int i = 0; i < n; ++i) {
    from = text.find("ST*999*", i == 0 ? 0 : from + 1);
    if (from == std::string::npos) return {};
  }
  const std::size_t se = text.find("SE*", from);
  return text.substr(from, text.find('\n', se) + 1 - from);
}

core::Diagnostic finding(core::DiagCode code, std::uint32_t in_set, std::string_view segment, std::string loop,
                         std::uint16_t element = 0, std::uint16_t component = 0) {
  core::SourcePosition p;
  p.segment_in_set = in_set;
  p.element = element;
  p.component = component;
  core::Diagnostic d = core::make_diagnostic(code, p, segment, "test finding");
  d.loop_id = std::move(loop);
  return d;
}

// The element-level code whose IK403 is "1" (required element missing). The ig validator owns
// it; assumed name ig.element_required_missing, else any element-level code with X12 code 1.
std::optional<core::DiagCode> required_element_missing() {
  if (auto c = core::code_from_name("ig.element_required_missing")) return c;
  for (const auto& i : core::all_codes())
    if (i.level == core::AckLevel::element && i.x12_code == "1") return i.code;
  return std::nullopt;
}

std::optional<core::DiagCode> any_element_code() {
  for (const auto& i : core::all_codes())
    if (i.level == core::AckLevel::element && !i.x12_code.empty()) return i.code;
  return std::nullopt;
}

}  // namespace

TEST_CASE("999 for an accepted group equals reference 6.3 byte for byte", "[respond][999]") {
  const Run r = acknowledge(request_61, 9002);
  CHECK(r.out ==
        "ISA*00*          *00*          *ZZ*SOCHEALTHPLAN  *ZZ*SOCPROVIDER01  *261115*0931*^*00501*000009002*0*T*:~\n"
        "GS*FA*SOCHEALTHPLAN*SOCPROVIDER01*20261115*0931*9002*X*005010X231A1~\n"
        "ST*999*0001*005010X231A1~\n"
        "AK1*HI*4711*005010X217~\n"
        "AK2*278*0001*005010X217~\n"
        "IK5*A~\n"
        "AK9*A*1*1*1~\n"
        "SE*6*0001~\n"
        "GE*1*9002~\n"
        "IEA*1*000009002~\n");
  CHECK(r.sets == std::vector<respond::AckCode>{respond::AckCode::accepted});
  CHECK(r.groups == std::vector<respond::AckCode>{respond::AckCode::accepted});
}

TEST_CASE("999 for a set rejected by an envelope finding: IK5*R with its IK502 code", "[respond][999]") {
  // SE01 says 4, the set has 5 segments: envelope.se_count_mismatch, IK502 4 (reference 1.2).
  const std::string input = isa_61 + group("4711", set("0001", 4), 1) + "IEA*1*000004711~\n";
  const Run r = acknowledge(input, 9002);
  CHECK(nth_999(r.out, 1) ==
        "ST*999*0001*005010X231A1~\n"
        "AK1*HI*4711*005010X217~\n"
        "AK2*278*0001*005010X217~\n"
        "IK5*R*4~\n"
        "AK9*R*1*1*0~\n"
        "SE*6*0001~\n");
  CHECK(r.groups == std::vector<respond::AckCode>{respond::AckCode::rejected});
}

TEST_CASE("999 for a set rejected by a missing element equals reference 4's example", "[respond][999]") {
  const auto code = required_element_missing();
  if (!code) {
    WARN("no element-level code with IK403 1 in diag_codes.def yet (assumed ig.element_required_missing); skipped");
    return;
  }
  // Two received groups so that the rejected set is answered by the second 999 (ST02 0002), as in
  // the reference's example; the first UM of 2000F is segment 22 of the set and lacks UM02 (1322).
  const std::string input = isa_61 + group("4710", set("0001"), 1) + group("4711", set("0001"), 1) + "IEA*2*000004711~\n";
  core::Diagnostic d = finding(*code, 22, "UM", "2000F", 2);
  d.element_ref = "1322";
  const Run r = acknowledge(input, 9002, {{"4711/0001", {d}}}, {{"4711/0001", "REQ0001EV"}});
  CHECK(nth_999(r.out, 2) ==
        "ST*999*0002*005010X231A1~\n"
        "AK1*HI*4711*005010X217~\n"
        "AK2*278*0001*005010X217~\n"
        "IK3*UM*22*2000F*8~\n"
        "CTX*TRN02:REQ0001EV~\n"
        "IK4*2*1322*1~\n"
        "IK5*R*5~\n"
        "AK9*R*1*1*0~\n"
        "SE*9*0002~\n");
  CHECK(r.out.find("GE*2*9002~\n") != std::string::npos);
}

TEST_CASE("999 IK4 carries the component position and the bad value, cleaned and cut to 99", "[respond][999]") {
  const auto code = any_element_code();
  if (!code) {
    WARN("no element-level code in diag_codes.def yet; skipped");
    return;
  }
  const std::string x12 = std::string(core::info(*code).x12_code);
  const std::string input = isa_61 + group("4711", set("0001"), 1) + "IEA*1*000004711~\n";
  core::Diagnostic composite = finding(*code, 3, "HL", "2000A", 4, 2);
  composite.element_ref = "1332";
  composite.found_value = "22:B";  // a value holding the component separator: written with a space
  core::Diagnostic long_value = finding(*code, 3, "HL", "2000A", 1);
  long_value.element_ref = "628";
  long_value.found_value = std::string(120, 'X');
  const Run r = acknowledge(input, 9002, {{"4711/0001", {composite, long_value}}});
  CHECK(nth_999(r.out, 1) ==
        "ST*999*0001*005010X231A1~\n"
        "AK1*HI*4711*005010X217~\n"
        "AK2*278*0001*005010X217~\n"
        "IK3*HL*3*2000A*8~\n"
        "IK4*1*628*" + x12 + "*" + std::string(99, 'X') + "~\n"
        "IK4*4:2*1332*" + x12 + "*22 B~\n"
        "IK5*R*5~\n"
        "AK9*R*1*1*0~\n"
        "SE*9*0001~\n");
}

TEST_CASE("999 segment-level findings: one IK3 per code, ordered by position, warnings accept with E",
          "[respond][999]") {
  const std::string input = isa_61 + group("4711", set("0001") + set("0002"), 2) + "IEA*1*000004711~\n";
  // Segment findings from the x12 stage (IK304 1 and 8), given out of order.
  core::Diagnostic bad_id = finding(core::DiagCode::x12_segment_id_invalid, 4, "NM1", "2010A");
  core::Diagnostic too_many = finding(core::DiagCode::x12_too_many_elements, 2, "BHT", "");
  core::Diagnostic warning = finding(core::DiagCode::x12_segment_id_invalid, 3, "HL", "2000A");
  warning.severity = core::Severity::warning;
  core::Diagnostic operator_only = finding(core::DiagCode::input_io_error, 3, "HL", "");  // level none: not in a 999
  const Run r = acknowledge(input, 9002, {{"4711/0001", {bad_id, too_many, operator_only}}, {"4711/0002", {warning}}},
                            {{"4711/0001", "REQ0001EV"}});
  CHECK(nth_999(r.out, 1) ==
        "ST*999*0001*005010X231A1~\n"
        "AK1*HI*4711*005010X217~\n"
        "AK2*278*0001*005010X217~\n"
        "IK3*BHT*2**8~\n"
        "CTX*TRN02:REQ0001EV~\n"
        "IK3*NM1*4*2010A*1~\n"
        "CTX*TRN02:REQ0001EV~\n"
        "IK5*R*5~\n"
        "AK2*278*0002*005010X217~\n"
        "IK3*HL*3*2000A*1~\n"
        "IK5*E*5~\n"
        "AK9*P*2*2*1~\n"
        "SE*13*0001~\n");
  CHECK(r.sets == std::vector<respond::AckCode>{respond::AckCode::rejected, respond::AckCode::accepted_with_errors});
  CHECK(r.groups == std::vector<respond::AckCode>{respond::AckCode::partially_accepted});
}

TEST_CASE("999 for a partially accepted group: AK9*P", "[respond][999]") {
  const std::string input = isa_61 + group("4711", set("0001") + set("0002", 9), 2) + "IEA*1*000004711~\n";
  const Run r = acknowledge(input, 9002);
  CHECK(nth_999(r.out, 1) ==
        "ST*999*0001*005010X231A1~\n"
        "AK1*HI*4711*005010X217~\n"
        "AK2*278*0001*005010X217~\n"
        "IK5*A~\n"
        "AK2*278*0002*005010X217~\n"
        "IK5*R*4~\n"
        "AK9*P*2*2*1~\n"
        "SE*8*0001~\n");
}

TEST_CASE("999 for a group whose GE02 differs from GS06: AK905 4", "[respond][999]") {
  const std::string input = isa_61 + group("4711", set("0001"), 1, "4712") + "IEA*1*000004711~\n";
  const Run r = acknowledge(input, 9002);
  CHECK(nth_999(r.out, 1) ==
        "ST*999*0001*005010X231A1~\n"
        "AK1*HI*4711*005010X217~\n"
        "AK2*278*0001*005010X217~\n"
        "IK5*A~\n"
        "AK9*R*1*1*1*4~\n"
        "SE*6*0001~\n");
  CHECK(r.groups == std::vector<respond::AckCode>{respond::AckCode::rejected});
}

TEST_CASE("999 AK902 is GE01 as received - AK905 lists every group code once", "[respond][999]") {
  // GE01 says 3 for 1 set (AK905 5) and GE02 differs (AK905 4).
  const std::string input = isa_61 + group("4711", set("0001"), 3, "1") + "IEA*1*000004711~\n";
  const Run r = acknowledge(input, 9002);
  CHECK(r.out.find("AK9*R*3*1*1*5*4~\n") != std::string::npos);
}

TEST_CASE("999 writer: one interchange per received interchange, none for an interchange without groups",
          "[respond][999]") {
  const std::string two = request_61 + isa_61 + "IEA*0*000004711~\n";
  const Run r = acknowledge(two, 9002);
  CHECK(r.out.find("000009002") != std::string::npos);
  CHECK(r.out.find("000009003") == std::string::npos);  // the empty interchange used no number
  std::size_t isa_count = 0;
  for (std::size_t p = r.out.find("ISA*"); p != std::string::npos; p = r.out.find("ISA*", p + 1)) ++isa_count;
  CHECK(isa_count == 1);
}

TEST_CASE("999 keeps the received delimiters", "[respond][999]") {
  // Reference 6.1 with | } ! and a newline terminator (no reading breaks: the newline is the terminator).
  std::string rebuilt;
  for (std::size_t i = 0; i < request_61.size(); ++i) {
    char c = request_61[i];
    if (c == '\n') continue;
    if (c == '*') c = '|';
    else if (c == '~') c = '\n';
    else if (c == ':') c = '}';
    else if (c == '^' && i == 82) c = '!';
    rebuilt.push_back(c);
  }
  std::ostringstream out;
  respond::ControlNumberSequence numbers(9002);
  respond::Ack999Writer writer(out, numbers, at_0931);
  Driver driver(writer);
  x12::MemorySource src(rebuilt);
  core::DiagnosticList diags;
  x12::ChunkReader reader(src);
  x12::EnvelopeReader env(reader, diags, driver);
  env.run();
  CHECK(diags.total() == 0);
  CHECK(out.str() ==
        "ISA|00|          |00|          |ZZ|SOCHEALTHPLAN  |ZZ|SOCPROVIDER01  |261115|0931|!|00501|000009002|0|T|}\n"
        "GS|FA|SOCHEALTHPLAN|SOCPROVIDER01|20261115|0931|9002|X|005010X231A1\n"
        "ST|999|0001|005010X231A1\n"
        "AK1|HI|4711|005010X217\n"
        "AK2|278|0001|005010X217\n"
        "IK5|A\n"
        "AK9|A|1|1|1\n"
        "SE|6|0001\n"
        "GE|1|9002\n"
        "IEA|1|000009002\n");
}

TEST_CASE("999 writer: no 999 for a group of acknowledgments (GS01 FA), nor for an interchange of only those",
          "[respond][999]") {
  // X12 forbids acknowledging a 999 or a 997: their groups are passed over.
  const std::string ack_set = "ST*999*0001*005010X231A1~\nAK1*HI*4711*005010X217~\nAK9*A*1*1*1~\nSE*4*0001~\n";
  const std::string fa_group = "GS*FA*SOCPROVIDER01*SOCHEALTHPLAN*20261115*0930*77*X*005010X231A1~\n" + ack_set + "GE*1*77~\n";
  const Run only_acks = acknowledge(isa_61 + fa_group + "IEA*1*000004711~\n", 9002);
  CHECK(only_acks.out.empty());
  CHECK(only_acks.sets == std::vector<respond::AckCode>{respond::AckCode::accepted});
  // With a 278 group after it, only that group is acknowledged: one ST*999 with AK1*HI, no AK1*FA.
  const Run mixed = acknowledge(isa_61 + fa_group + group("4711", set("0001"), 1) + "IEA*2*000004711~\n", 9002);
  CHECK(mixed.out.find("AK1*FA") == std::string::npos);
  CHECK(mixed.out.find("AK1*HI*4711*005010X217~\n") != std::string::npos);
  CHECK(nth_999(mixed.out, 2).empty());
  CHECK(mixed.out.find("AK9*A*1*1*1~\n") != std::string::npos);
  CHECK(mixed.out.find("000009002") != std::string::npos);
}

TEST_CASE("999 envelope is ISA12 00501 with a repetition separator, also for an 00401 interchange", "[respond][999]") {
  // An 00401 ISA carries the standards identifier U in ISA11 (no repetition separator): the 999 is
  // still an 00501 interchange, whose ISA11 must be a separator.
  std::string isa_00401 = isa_61;
  isa_00401.replace(isa_00401.find("*^*00501*"), 9, "*U*00401*");
  const Run r = acknowledge(isa_00401 + group("4711", set("0001"), 1) + "IEA*1*000004711~\n", 9002);
  REQUIRE(r.out.rfind("ISA*", 0) == 0);
  CHECK(r.out.substr(0, 106) ==
        "ISA*00*          *00*          *ZZ*SOCHEALTHPLAN  *ZZ*SOCPROVIDER01  *261115*0931*^*00501*000009002*0*T*:~");
  CHECK(r.out.find("00401") == std::string::npos);
}

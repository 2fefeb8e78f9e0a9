#include "soc278/respond/ta1.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <sstream>
#include <string>

#include "soc278/x12/byte_source.hpp"
#include "soc278/x12/chunk_reader.hpp"
#include "soc278/x12/envelope.hpp"

using namespace soc278;

namespace {

const std::string isa_61 =
    "ISA*00*          *00*          *ZZ*SOCPROVIDER01  *ZZ*SOCHEALTHPLAN  *261115*0930*^*00501*000004711*1*T*:~\n";
const std::string body_61 =
    "GS*HI*SOCPROVIDER01*SOCHEALTHPLAN*20261115*0930*4711*X*005010X217~\n"
    "ST*278*0001*005010X217~\nBHT*0007*13*REQ1*20261115*0930~\nHL*1**20*1~\nNM1*X3*2*PLAN*****PI*99999~\nSE*5*0001~\n"
    "GE*1*4711~\n";

const core::DateTime at_0931{core::Date{2026, 11, 15}, core::TimeOfDay{9, 31, 0}};

// The InterchangeInfo the envelope reader hands over at the end of the (first) interchange.
struct Last final : x12::EnvelopeObserver {
  std::optional<x12::InterchangeInfo> info;
  void on_interchange_end(const x12::InterchangeInfo& i) override {
    if (!info) info = i;
  }
};

x12::InterchangeInfo read(const std::string& input, core::DiagnosticList& diags) {
  x12::MemorySource src(input);
  x12::ChunkReader reader(src);
  Last last;
  x12::EnvelopeReader env(reader, diags, last);
  env.run();
  REQUIRE(last.info.has_value());
  return *last.info;
}

}  // namespace

TEST_CASE("TA1 for a clean interchange that asked for one equals reference 6.3", "[respond][ta1]") {
  core::DiagnosticList diags;
  const x12::InterchangeInfo info = read(isa_61 + body_61 + "IEA*1*000004711~\n", diags);
  CHECK(diags.total() == 0);
  CHECK(respond::Ta1Writer::should_write_ta1(info));
  std::ostringstream out;
  respond::ControlNumberSequence numbers(9000);
  respond::Ta1Writer writer(out, numbers, at_0931, "\n");
  CHECK(writer.write_ta1(info) == respond::AckCode::accepted);
  CHECK(out.str() ==
        "ISA*00*          *00*          *ZZ*SOCHEALTHPLAN  *ZZ*SOCPROVIDER01  *261115*0931*^*00501*000009000*0*T*:~\n"
        "TA1*000004711*261115*0930*A*000~\n"
        "IEA*0*000009000~\n");
  CHECK(numbers.peek() == 9001);
}

TEST_CASE("TA1 for an IEA02 that differs from ISA13: R with note 001", "[respond][ta1]") {
  std::string isa = isa_61;
  isa[100] = '0';  // ISA14 = 0: the sender did not ask, the envelope finding still calls for a TA1
  core::DiagnosticList diags;
  const x12::InterchangeInfo info = read(isa + body_61 + "IEA*1*000004712~\n", diags);
  CHECK(diags.has(core::DiagCode::iea_control_mismatch));
  CHECK(respond::Ta1Writer::should_write_ta1(info));
  CHECK(respond::first_ta1_finding(info) == core::DiagCode::iea_control_mismatch);
  std::ostringstream out;
  respond::ControlNumberSequence numbers(9000);
  respond::Ta1Writer writer(out, numbers, at_0931);
  CHECK(writer.write_ta1(info) == respond::AckCode::rejected);
  CHECK(out.str() ==
        "ISA*00*          *00*          *ZZ*SOCHEALTHPLAN  *ZZ*SOCPROVIDER01  *261115*0931*^*00501*000009000*0*T*:~"
        "TA1*000004711*261115*0930*R*001~"
        "IEA*0*000009000~");
}

TEST_CASE("no TA1 for a clean interchange that did not ask for one", "[respond][ta1]") {
  std::string isa = isa_61;
  isa[100] = '0';
  core::DiagnosticList diags;
  const x12::InterchangeInfo info = read(isa + body_61 + "IEA*1*000004711~\n", diags);
  CHECK_FALSE(respond::Ta1Writer::should_write_ta1(info));
  CHECK_FALSE(respond::first_ta1_finding(info).has_value());
}

TEST_CASE("TA1 takes the first TA1-level finding, also from the reader's own findings", "[respond][ta1]") {
  std::string isa = isa_61;
  isa[100] = '0';
  core::DiagnosticList diags;
  const x12::InterchangeInfo info = read(isa + body_61 + "IEA*1*000004711~\n", diags);
  // Not on the InterchangeInfo: a reader finding (level ta1, TA105 023) passed alongside; a
  // finding of level none before it does not count.
  const core::Diagnostic findings[] = {
      core::make_diagnostic(core::DiagCode::input_not_x12, {}, "", "garbage before the ISA"),
      core::make_diagnostic(core::DiagCode::x12_isa_truncated, {}, "ISA", "the input ends inside the ISA")};
  CHECK(respond::Ta1Writer::should_write_ta1(info, findings));
  std::ostringstream out;
  respond::ControlNumberSequence numbers(1);
  respond::Ta1Writer writer(out, numbers, at_0931);
  CHECK(writer.write_ta1(info, findings) == respond::AckCode::rejected);
  CHECK(out.str().find("TA1*000004711*261115*0930*R*023~") != std::string::npos);
  CHECK(out.str().find("IEA*0*000000001~") != std::string::npos);
}

TEST_CASE("no TA1 for an interchange of acknowledgments only, whatever ISA14 and its envelope say", "[respond][ta1]") {
  // X12.5: a TA1 is not acknowledged; neither is a 999 or 997. ISA14 = 1 and an IEA02 mismatch
  // would each call for a TA1 on any other interchange.
  core::DiagnosticList diags;
  const x12::InterchangeInfo info = read(isa_61 + "TA1*000001234*261114*1200*A*000~\nIEA*0*000004712~\n", diags);
  CHECK(diags.has(core::DiagCode::iea_control_mismatch));
  CHECK(respond::Ta1Writer::should_write_ta1(info));
  CHECK_FALSE(respond::Ta1Writer::should_write_ta1(info, {}, /*only_acknowledgments=*/true));
}

TEST_CASE("a 4010 interchange (ISA12 00401, GS08 004010...) gets TA1 R 003 in an 00501 envelope", "[respond][ta1]") {
  std::string isa = isa_61;
  isa.replace(isa.find("*^*00501*"), 9, "*U*00401*");
  std::string body = body_61;
  body.replace(body.find("*X*005010X217~"), 14, "*X*004010X094A1~");
  core::DiagnosticList diags;
  const x12::InterchangeInfo info = read(isa + body + "IEA*1*000004711~\n", diags);
  CHECK(diags.has(core::DiagCode::interchange_4010));
  CHECK(respond::first_ta1_finding(info) == core::DiagCode::interchange_4010);
  std::ostringstream out;
  respond::ControlNumberSequence numbers(9000);
  respond::Ta1Writer writer(out, numbers, at_0931, "\n");
  CHECK(writer.write_ta1(info) == respond::AckCode::rejected);
  CHECK(out.str() ==
        "ISA*00*          *00*          *ZZ*SOCHEALTHPLAN  *ZZ*SOCPROVIDER01  *261115*0931*^*00501*000009000*0*T*:~\n"
        "TA1*000004711*261115*0930*R*003~\n"
        "IEA*0*000009000~\n");
}

TEST_CASE("an 00401 envelope around 5010 groups is read, not a 4010 interchange", "[respond][ta1]") {
  std::string isa = isa_61;
  isa.replace(isa.find("*^*00501*"), 9, "*U*00401*");
  core::DiagnosticList diags;
  const x12::InterchangeInfo info = read(isa + body_61 + "IEA*1*000004711~\n", diags);
  CHECK_FALSE(diags.has(core::DiagCode::interchange_4010));
  CHECK_FALSE(respond::first_ta1_finding(info).has_value());
}

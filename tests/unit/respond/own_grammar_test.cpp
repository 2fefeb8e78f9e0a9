// Every writer's output passes soc278's own validator against its own guide, whatever the received
// interchange sent (docs/conformance.md §2, "Values echoed"): the TA1, the 999 and the 278 response
// are written for every delimiter set the chunk reader accepts, re-read and validated; and each
// received value a writer echoes is replaced by its documented substitute when it breaks the rule
// of the element it goes into, the original kept in a respond.value_substituted finding.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "respond_builders.hpp"
#include "support/shipped_guides.hpp"
#include "soc278/ig/guide.hpp"
#include "soc278/ig/walker.hpp"
#include "soc278/respond/ack_999.hpp"
#include "soc278/respond/response_278.hpp"
#include "soc278/respond/ta1.hpp"
#include "soc278/x12/byte_source.hpp"
#include "soc278/x12/chunk_reader.hpp"
#include "support/test_support.hpp"

using namespace soc278;

namespace {

const core::DateTime now{{2026, 11, 20}, {9, 30, 0}};

const ig::GuideSet& guides() { return test::shipped_guides(); }

class Collect final : public core::DiagnosticSink {
 public:
  void report(core::Diagnostic d) override { all.push_back(std::move(d)); }
  std::vector<core::Diagnostic> all;
  [[nodiscard]] bool has(core::DiagCode c, std::string_view found) const {
    return std::any_of(all.begin(), all.end(), [&](const core::Diagnostic& d) { return d.code == c && d.found_value == found; });
  }
};

// What soc278's validator says of `text`: every finding of the reader, of envelope.yaml and of the
// set's guide, as "code segment: message"; `segments` gets the segment count.
std::vector<std::string> findings(const std::string& text, std::uint64_t* segments = nullptr) {
  Collect sink;
  x12::MemorySource source(text);
  const ig::FileSummary s = ig::validate_stream(
      source, guides(), {}, sink, [](const x12::InterchangeInfo&, const x12::GroupInfo&, const x12::TransactionInfo&, ig::TransactionResult&) {},
      {}, {}, true);
  if (segments != nullptr) *segments = s.stats.segments;
  std::vector<std::string> out;
  for (const auto& d : sink.all) out.push_back(fmt::format("{} {}: {}", core::name(d.code), d.segment(), d.message));
  return out;
}

std::string shown(const std::string& text) {  // control characters visible in failure messages
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\n";
    } else if (u < 0x20 || u > 0x7e) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

struct IsaValues {
  std::string isa05 = "ZZ", isa06 = "SOCPROVIDER01", isa07 = "ZZ", isa08 = "SOCHEALTHPLAN";
  std::string isa09 = "261120", isa10 = "0930", isa13 = "000004711", isa15 = "T";
};

std::string pad(std::string s, std::size_t n) {
  s.resize(n, ' ');
  return s;
}

// A fixed-width ISA declaring `d` (ISA11 'U' and ISA12 00401 when d has no repetition separator),
// ISA14 = 1, then an IEA: what a sender would put at the head of an interchange.
std::string interchange_text(const x12::Delimiters& d, const IsaValues& v = {}) {
  const char e = d.element;
  std::string s = "ISA";
  for (const std::string& f :
       {std::string("00"), pad("", 10), std::string("00"), pad("", 10), pad(v.isa05, 2), pad(v.isa06, 15), pad(v.isa07, 2),
        pad(v.isa08, 15), pad(v.isa09, 6), pad(v.isa10, 4), std::string(1, d.repetition != '\0' ? d.repetition : 'U'),
        std::string(d.repetition != '\0' ? "00501" : "00401"), pad(v.isa13, 9), std::string("1"), pad(v.isa15, 1),
        std::string(1, d.component)}) {
    s.push_back(e);
    s += f;
  }
  s.push_back(d.segment);
  s += fmt::format("IEA{}0{}{}", e, e, v.isa13);
  s.push_back(d.segment);
  return s;
}

// The received interchange as the reader reads it from interchange_text(d, v); false when the
// reader refuses the ISA (or reads other delimiters than `d`).
bool read_interchange(const x12::Delimiters& d, const IsaValues& v, x12::InterchangeInfo& out) {
  const std::string text = interchange_text(d, v);
  x12::MemorySource source(text);
  x12::ChunkReader reader(source);
  core::DiagnosticList sink(100);
  x12::SegmentView s;
  if (reader.next(s, sink) != x12::ReadStatus::segment || !s.is("ISA")) return false;
  for (const auto& f : sink.items())
    if (f.code == core::DiagCode::x12_delimiters_invalid || f.code == core::DiagCode::x12_isa_not_fixed_width) return false;
  if (!(reader.isa().delimiters == d)) return false;
  out = x12::InterchangeInfo{};
  out.isa = reader.isa();
  return true;
}

// Every delimiter set the chunk reader accepts, by role: each byte 0x00-0xff as the element
// separator, component separator, segment terminator and repetition separator, the other roles at
// * : ^ ~ (moved to another character when they collide), each kept only when the reader reads an
// ISA declaring it. Then the combinations the issue names: a space terminator, CR / LF as a
// separator, no repetition separator (ISA12 00401).
std::vector<x12::Delimiters> accepted_sets() {
  std::vector<x12::Delimiters> candidates;
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    for (int role = 0; role < 4; ++role) {
      x12::Delimiters d;
      char* roles[] = {&d.element, &d.component, &d.segment, &d.repetition};
      *roles[role] = c;
      for (int other = 0; other < 4; ++other) {
        if (other == role || *roles[other] != c) continue;
        for (char alt : {'|', '!', '{', '}'}) {
          if (alt != d.element && alt != d.component && alt != d.segment && alt != d.repetition) {
            *roles[other] = alt;
            break;
          }
        }
      }
      candidates.push_back(d);
    }
  }
  candidates.push_back({'*', ':', '\0', '~'});
  candidates.push_back({'*', ':', '^', ' '});
  candidates.push_back({'*', ' ', '^', '\n'});
  candidates.push_back({'\n', ':', '^', '~'});
  candidates.push_back({'*', '\r', '^', '\n'});
  candidates.push_back({'-', '.', ' ', '/'});
  candidates.push_back({'|', '-', '\0', ' '});
  std::vector<x12::Delimiters> out;
  x12::InterchangeInfo ignored;
  for (const auto& d : candidates) {
    if (d.repetition == '\0' && d.element == '*' && d.segment == '~') {  // no repetition separator
      if (read_interchange(d, {}, ignored)) out.push_back(d);
      continue;
    }
    if (d.repetition != '\0' && read_interchange(d, {}, ignored) &&
        std::find(out.begin(), out.end(), d) == out.end())
      out.push_back(d);
  }
  return out;
}

std::string describe(const x12::Delimiters& d) {
  return fmt::format("element 0x{:02x} component 0x{:02x} repetition 0x{:02x} segment 0x{:02x}", static_cast<unsigned char>(d.element),
                     static_cast<unsigned char>(d.component), static_cast<unsigned char>(d.repetition),
                     static_cast<unsigned char>(d.segment));
}

std::string write_ta1(const x12::InterchangeInfo& received, Collect* substituted = nullptr) {
  std::ostringstream out;
  respond::ControlNumberSequence numbers(9001);
  respond::Ta1Writer w(out, numbers, now, "\n");
  w.check_against(&guides(), substituted);
  (void)w.write_ta1(received);
  return out.str();
}

// A received group, and a set with an element finding whose value holds every delimiter of `d`,
// outer spaces, characters outside the X12 character set and more than IK404's 99 characters, a
// segment finding on a segment whose id was unreadable, and a trace number with delimiters in it.
struct Hostile999 {
  x12::GroupInfo group = test::received_group();
  respond::AckTransaction set;
  explicit Hostile999(const x12::Delimiters& d) {
    set.st01 = "278";
    set.st02 = "0001";
    set.st03 = "005010X217";
    std::string value = " A";
    value += {d.element, 'B', d.component, 'C', d.segment, 'D', static_cast<char>(0xC3), static_cast<char>(0xA9), '\t', 'E'};
    if (d.repetition != '\0') value.push_back(d.repetition);
    value += std::string(120, 'F') + " ";
    core::SourcePosition at;
    at.segment_in_set = 6;
    at.element = 3;
    core::Diagnostic e = core::make_diagnostic(core::DiagCode::ig_element_too_long, at, "UM", "too long");
    e.loop_id = "2000E";
    e.element_ref = "1331";
    e.found_value = value;
    set.findings.push_back(e);
    core::SourcePosition at2;
    at2.segment_in_set = 8;
    core::Diagnostic s = core::make_diagnostic(core::DiagCode::ig_segment_unrecognized, at2, "", "unrecognized");
    s.loop_id = "2000E";
    set.findings.push_back(s);
    set.trace = std::string("TR") + d.element + "ACE" + d.segment + " X";
  }
};

std::string write_999(const x12::InterchangeInfo& received, const x12::GroupInfo& group, const respond::AckTransaction& set,
                      Collect* substituted = nullptr) {
  std::ostringstream out;
  respond::ControlNumberSequence numbers(7001);
  respond::Ack999Writer w(out, numbers, now, "\n");
  w.check_against(&guides(), substituted);
  w.begin_interchange(received);
  w.begin_group(group);
  (void)w.add_transaction(set);
  (void)w.end_group(group);
  (void)w.end_interchange();
  return out.str();
}

// A request whose echoed values are letters and digits (a sender could have sent them under any
// delimiter set), two lines: one approved for a span (RD8, a certification number with '-'),
// one pended (a tracking number, a MSG of words).
model::AuthorizationRequest plain_request() { return test::two_line_request("EXAMPLEPLAN", "EXAMPLEGROUP"); }
std::vector<soc::LineDecision> plain_decisions() { return test::approve_and_pend(); }

std::string write_278(const x12::InterchangeInfo& received, const x12::GroupInfo& group, Collect* substituted = nullptr) {
  std::ostringstream out;
  respond::ControlNumberSequence numbers(5001);
  respond::Response278Writer w(out, numbers, now, "\n");
  w.check_against(&guides(), substituted);
  w.begin_interchange(received);
  w.begin_group(group);
  const model::AuthorizationRequest r = plain_request();
  const auto ds = plain_decisions();
  const respond::CertificationNumbers certifications(278);
  std::vector<respond::LineAnswer> answers;
  for (const auto& d : ds) {
    respond::LineAnswer a;
    a.decision = &d;
    if (d.outcome == soc::Outcome::pend) {
      a.tracking = certifications.tracking(r, d.line_number);
    } else {
      a.certification = certifications.for_line(r, d.line_number);
    }
    answers.push_back(a);
  }
  w.add_decided(r, answers);
  const std::vector<soc::Rejection> rejections = {{"2000E", "N", "15", "C", "no service line", {}}};
  w.add_rejected(r, rejections);
  CHECK(w.end_group(true));
  CHECK(w.end_interchange());
  return out.str();
}

}  // namespace

TEST_CASE("the reader accepts a space terminator, control characters and punctuation as delimiters", "[respond][own-grammar]") {
  const auto sets = accepted_sets();
  const auto has = [&](x12::Delimiters d) { return std::find(sets.begin(), sets.end(), d) != sets.end(); };
  CHECK(has({'*', ':', '^', ' '}));
  CHECK(has({'*', ':', '^', '\n'}));
  CHECK(has({'*', ':', '^', '\x1d'}));
  CHECK(has({'*', '-', '^', '~'}));
  CHECK(has({'*', ':', '\0', '~'}));
  CHECK_FALSE(has({'*', ':', '^', 'A'}));  // letters and digits never
  CHECK_FALSE(has({' ', ':', '^', '~'}));  // nor a space between elements
  CHECK(sets.size() > 700);                // about 190 characters in each of the four roles
}

TEST_CASE("the TA1, the 999 and the 278 response validate clean under every delimiter set the reader accepts", "[respond][own-grammar]") {
  // The reference: the same outputs under * : ^ ~, and their segment counts (a delimiter that
  // collided with a value, or a MSG cut into segments, changes the count).
  x12::InterchangeInfo standard;
  REQUIRE(read_interchange({}, {}, standard));
  std::uint64_t ta1_segments = 0, ack_segments = 0, response_segments = 0;
  REQUIRE(findings(write_ta1(standard), &ta1_segments).empty());
  REQUIRE(findings(write_999(standard, test::received_group(), Hostile999({}).set), &ack_segments).empty());
  REQUIRE(findings(write_278(standard, test::received_group()), &response_segments).empty());
  CHECK(ta1_segments == 3);
  std::size_t checked = 0;
  for (const x12::Delimiters& d : accepted_sets()) {
    INFO(describe(d));
    x12::InterchangeInfo received;
    REQUIRE(read_interchange(d, {}, received));
    std::uint64_t n = 0;
    const std::string ta1 = write_ta1(received);
    INFO("TA1:\n" << shown(ta1));
    CHECK(findings(ta1, &n).empty());
    CHECK(n == ta1_segments);
    const Hostile999 hostile(d);
    const std::string ack = write_999(received, hostile.group, hostile.set);
    INFO("999:\n" << shown(ack));
    CHECK(findings(ack, &n).empty());
    CHECK(n == ack_segments);
    const std::string response = write_278(received, test::received_group());
    INFO("278:\n" << shown(response));
    CHECK(findings(response, &n).empty());
    CHECK(n == response_segments);
    ++checked;
  }
  CHECK(checked > 700);
}

TEST_CASE("a TA1 echoes no invalid ISA value: each is replaced by its documented substitute and kept in a finding",
          "[respond][own-grammar][regression]") {
  IsaValues v;
  v.isa05 = "Q1";
  v.isa06 = "";
  v.isa07 = "99";
  v.isa08 = "";
  v.isa09 = "26AB20";
  v.isa10 = "2561";
  v.isa13 = "00000471A";
  v.isa15 = "X";
  x12::InterchangeInfo received;
  REQUIRE(read_interchange({}, v, received));
  Collect substituted;
  const std::string ta1 = write_ta1(received, &substituted);
  INFO(ta1);
  CHECK(findings(ta1).empty());
  // Sender and receiver: placeholders (an unusable id takes its qualifier with it); ISA15 P.
  CHECK(ta1.find("*ZZ*UNKNOWN        *ZZ*UNKNOWN        *") != std::string::npos);
  CHECK(ta1.find("*00501*000009001*0*P*:~") != std::string::npos);
  // TA101 no usable control number; TA102/TA103 the TA1's own date and time.
  CHECK(ta1.find("TA1*000000000*261120*0930*A*000~") != std::string::npos);
  for (const std::string original : {"00000471A", "26AB20", "2561", "X", "               "}) {
    INFO(original);
    CHECK(substituted.has(core::DiagCode::respond_value_substituted, original));
  }
}

TEST_CASE("a 999 echoes no value its own guide rejects: GS parties, AK1, AK2, IK3, IK4, CTX", "[respond][own-grammar][regression]") {
  x12::InterchangeInfo received;
  REQUIRE(read_interchange({}, {}, received));
  x12::GroupInfo group = test::received_group();
  group.functional_id = "H?";
  group.sender = "   ";
  group.receiver = "   ";
  group.control_number = "ABC";
  group.version = "";
  respond::AckTransaction set;
  set.st01 = "";
  set.st02 = "1";
  set.st03 = std::string(40, 'X');
  core::SourcePosition at;
  at.segment_in_set = 4;
  core::Diagnostic unreadable = core::make_diagnostic(core::DiagCode::x12_segment_id_invalid, at, "", "bad id");
  set.findings.push_back(unreadable);
  at.segment_in_set = 7;
  at.element = 2;
  core::Diagnostic odd = core::make_diagnostic(core::DiagCode::ig_element_invalid_character, at, "PER", "odd characters");
  odd.loop_id = "2010B";
  odd.element_ref = "I12";  // not a number: IK402 (N0) cannot hold it
  odd.found_value = " PA DESK\t\xC3\xA9 ";
  set.findings.push_back(odd);
  set.trace = " ";  // nothing usable: no CTX
  Collect substituted;
  const std::string ack = write_999(received, group, set, &substituted);
  INFO(ack);
  CHECK(findings(ack).empty());
  CHECK(ack.find("GS*FA*SOCHEALTHPLAN*SOCPROVIDER01*") != std::string::npos);  // GS02/GS03 of spaces: the ISA ids
  CHECK(ack.find("AK1*HI*0*005010X217~") != std::string::npos);
  CHECK(ack.find("AK2*278*0000~") != std::string::npos);
  CHECK(ack.find("IK3*UNK*4**1~") != std::string::npos);
  CHECK(ack.find("IK4*2**6*PA DESK~") != std::string::npos);
  CHECK(ack.find("CTX") == std::string::npos);
  for (const std::string& original : std::vector<std::string>{"H?", "ABC", "1", std::string(40, 'X'), "   "}) {
    INFO(original);
    CHECK(substituted.has(core::DiagCode::respond_value_substituted, original));
  }
}

TEST_CASE("a 278 response's envelope echoes no invalid ISA or GS value", "[respond][own-grammar][regression]") {
  IsaValues v;
  v.isa15 = "X";
  x12::InterchangeInfo received;
  REQUIRE(read_interchange({}, v, received));
  x12::GroupInfo group = test::received_group();
  group.sender = "  ";
  group.receiver = std::string(20, 'R');  // longer than GS02's 15
  Collect substituted;
  const std::string response = write_278(received, group, &substituted);
  INFO(response);
  CHECK(findings(response).empty());
  CHECK(response.find("*0*P*:~") != std::string::npos);
  CHECK(response.find("GS*HI*SOCHEALTHPLAN*SOCPROVIDER01*") != std::string::npos);
  CHECK(substituted.has(core::DiagCode::respond_value_substituted, std::string(20, 'R')));
  CHECK(substituted.has(core::DiagCode::respond_value_substituted, "X"));
}

TEST_CASE("free text a writer cleans never holds a delimiter: a space terminator keeps a MSG in one segment", "[respond][own-grammar][regression]") {
  x12::InterchangeInfo received;
  REQUIRE(read_interchange({'*', ':', '^', ' '}, {}, received));
  const std::string response = write_278(received, test::received_group());
  INFO(shown(response));
  CHECK(findings(response).empty());
  // The pended line's MSG: its words joined by '.', the first replacement that is no delimiter.
  CHECK(response.find("MSG*PENDED.PER.GA.PMN.34") != std::string::npos);
  CHECK(response.find("MSG*PENDED PER") == std::string::npos);
}

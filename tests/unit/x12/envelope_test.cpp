#include "soc278/x12/envelope.hpp"

#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "support/test_support.hpp"

using namespace soc278;
using test::group;
using test::interchange;
using test::isa;
using test::transaction;

namespace {

struct Run {
  std::vector<core::Diagnostic> diagnostics;
  std::vector<std::string> transactions;  // "ST02:segments:trailer"
  std::vector<std::string> groups;        // "GS06:sets"
  std::vector<std::string> interchanges;  // "ISA13:groups"
};

class Collect final : public x12::EnvelopeObserver {
 public:
  explicit Collect(Run& r) : r_(r) {}
  void on_transaction_end(const x12::GroupInfo&, const x12::TransactionInfo& t) override {
    r_.transactions.push_back(t.control_number + ":" + std::to_string(t.segments) + (t.trailer_seen ? "" : ":open"));
  }
  void on_group_end(const x12::InterchangeInfo&, const x12::GroupInfo& g) override {
    r_.groups.push_back(g.control_number + ":" + std::to_string(g.transactions));
  }
  void on_interchange_end(const x12::InterchangeInfo& i) override {
    r_.interchanges.push_back(i.isa.control_number + ":" + std::to_string(i.groups));
  }

 private:
  Run& r_;
};

// The ISA code lists as ig reads them from grammars/envelope.yaml (sorted, as its code sets are);
// the reader has none of its own.
const x12::EnvelopeCodes& isa_codes() {
  static const x12::EnvelopeCodes codes = [] {
    x12::EnvelopeCodes c;
    c.isa01 = {"00", "01", "02", "03", "04", "05", "06"};
    c.isa03 = {"00", "01"};
    c.isa05 = c.isa07 = {"01", "14", "20", "27", "28", "29", "30", "33", "ZZ"};
    c.isa14 = {"0", "1"};
    c.isa15 = {"I", "P", "T"};
    return c;
  }();
  return codes;
}

Run run(const std::string& text, const x12::EnvelopeCodes* codes = &isa_codes()) {
  Run r;
  core::DiagnosticList diags;
  Collect c(r);
  x12::MemorySource src(text);
  x12::ChunkReader reader(src);
  x12::EnvelopeReader env(reader, diags, c, codes);
  env.run();
  r.diagnostics = diags.items();
  return r;
}

// The one finding a mutation is expected to cause, with everything STYLE.md section 5 asks for.
void expect_one(const Run& r, core::DiagCode code, std::uint64_t byte, std::uint64_t ordinal, std::uint32_t in_set,
                std::uint16_t element, const std::string& message) {
  REQUIRE(r.diagnostics.size() == 1);
  const auto& d = r.diagnostics[0];
  CHECK(core::name(d.code) == core::name(code));
  CHECK(d.at.byte_offset == byte);
  CHECK(d.at.segment_in_file == ordinal);
  CHECK(d.at.segment_in_set == in_set);
  CHECK(d.at.element == element);
  CHECK(d.message == message);
}

std::size_t at(const std::string& text, const std::string& what, std::size_t from = 0) { return text.find(what, from); }

}  // namespace

TEST_CASE("a clean interchange has no findings", "[x12][envelope]") {
  const auto r = run(interchange());
  CHECK(r.diagnostics.empty());
  CHECK(r.transactions == std::vector<std::string>{"0001:5"});
  CHECK(r.groups == std::vector<std::string>{"101:1"});
  CHECK(r.interchanges == std::vector<std::string>{"000000101:1"});
}

TEST_CASE("envelope.se_count_mismatch", "[x12][envelope][diag]") {
  std::string t = interchange();
  t.replace(at(t, "SE*5"), 4, "SE*4");
  expect_one(run(t), core::DiagCode::se_count_mismatch, at(t, "SE*4"), 7, 5, 1,
             "SE01 says '4', counted 5 segments from ST to SE in set 0001");
}

TEST_CASE("envelope.se_control_mismatch", "[x12][envelope][diag]") {
  std::string t = interchange();
  t.replace(at(t, "SE*5*0001"), 9, "SE*5*0002");
  expect_one(run(t), core::DiagCode::se_control_mismatch, at(t, "SE*5"), 7, 5, 2, "SE02 says '0002', expected ST02 '0001'");
}

TEST_CASE("envelope.se_missing: the next ST closes the open set, both sets delivered", "[x12][envelope][diag]") {
  std::string body = transaction("0001");
  body.erase(at(body, "SE*"));
  const std::string t = interchange("000000101", group("101", body + transaction("0002"), 2));
  const auto r = run(t);
  expect_one(r, core::DiagCode::se_missing, at(t, "ST*278*0002"), 7, 0, 0,
             "expected SE to close transaction set 0001 (ST at byte " + std::to_string(at(t, "ST*278*0001")) + "), found ST");
  CHECK(r.transactions == std::vector<std::string>{"0001:4:open", "0002:5"});
}

TEST_CASE("envelope.se_missing at the end of the input also closes GE and IEA", "[x12][envelope][diag]") {
  std::string t = isa() + "GS*HI*A*B*20261115*0930*101*X*005010X217~ST*278*0001*005010X217~BHT*0007*13~";
  const auto r = run(t);
  REQUIRE(r.diagnostics.size() == 3);
  CHECK(r.diagnostics[0].code == core::DiagCode::se_missing);
  CHECK(r.diagnostics[0].message == "expected SE to close transaction set 0001 (ST at byte " + std::to_string(at(t, "ST*")) +
                                        "), found the end of the input");
  CHECK(r.diagnostics[0].at.byte_offset == t.size());
  CHECK(r.diagnostics[1].code == core::DiagCode::ge_missing);
  CHECK(r.diagnostics[2].code == core::DiagCode::iea_missing);
}

TEST_CASE("envelope.se_without_st", "[x12][envelope][diag]") {
  const std::string t = interchange("000000101", group("101", transaction() + "SE*2*0009~", 1));
  expect_one(run(t), core::DiagCode::se_without_st, at(t, "SE*2*0009"), 8, 0, 0,
             "expected ST before SE, found SE outside any transaction set");
}

TEST_CASE("envelope.st_duplicate_control", "[x12][envelope][diag]") {
  const std::string t = interchange("000000101", group("101", transaction("0001") + transaction("0001"), 2));
  const auto r = run(t);
  expect_one(r, core::DiagCode::st_duplicate_control, at(t, "ST*278", 200), 8, 1, 2,
             "expected an ST02 unique in group 101, found '0001' again");
  CHECK(r.transactions.size() == 2);
}

TEST_CASE("envelope.st_outside_group: skipped to the next GS, later sets still delivered", "[x12][envelope][diag]") {
  const std::string t = isa() + transaction("0009") + group("101") + "IEA*1*000000101~";
  const auto r = run(t);
  expect_one(r, core::DiagCode::st_outside_group, 106, 2, 0, 0,
             "expected GS before ST, found ST outside any functional group; skipping to the next GS");
  CHECK(r.transactions == std::vector<std::string>{"0001:5"});
}

TEST_CASE("envelope.segment_outside_transaction: one finding per run", "[x12][envelope][diag]") {
  const std::string t = interchange("000000101", group("101", transaction() + "BHT*0007~HL*1~" + transaction("0002"), 2));
  const auto r = run(t);
  expect_one(r, core::DiagCode::segment_outside_transaction, at(t, "BHT*0007~HL"), 8, 0, 0,
             "expected ST, GS, GE or IEA, found BHT outside any transaction set; skipping to the next ST");
  CHECK(r.transactions.size() == 2);
}

TEST_CASE("envelope.ge_count_mismatch", "[x12][envelope][diag]") {
  std::string t = interchange();
  t.replace(at(t, "GE*1"), 4, "GE*2");
  expect_one(run(t), core::DiagCode::ge_count_mismatch, at(t, "GE*2"), 8, 0, 1,
             "GE01 says '2', counted 1 transaction set(s) in group 101");
}

TEST_CASE("envelope.ge_control_mismatch", "[x12][envelope][diag]") {
  std::string t = interchange();
  t.replace(at(t, "GE*1*101"), 8, "GE*1*102");
  expect_one(run(t), core::DiagCode::ge_control_mismatch, at(t, "GE*1"), 8, 0, 2, "GE02 says '102', expected GS06 '101'");
}

TEST_CASE("envelope.ge_missing: a GS before GE closes the group", "[x12][envelope][diag]") {
  std::string g1 = group("101");
  g1.erase(at(g1, "GE*"));
  const std::string t = interchange("000000101", g1 + group("102"), 2);
  const auto r = run(t);
  expect_one(r, core::DiagCode::ge_missing, at(t, "GS*", 10 + at(t, "GS*")), 8, 0, 0,
             "expected GE to close functional group 101 (GS at byte 106), found GS");
  CHECK(r.groups == std::vector<std::string>{"101:1", "102:1"});
}

TEST_CASE("envelope.ge_without_gs", "[x12][envelope][diag]") {
  const std::string t = interchange("000000101", group() + "GE*1*101~");
  expect_one(run(t), core::DiagCode::ge_without_gs, at(t, "GE*1*101~GE") + 9, 9, 0, 0,
             "expected GS before GE, found GE outside any functional group");
}

TEST_CASE("envelope.gs_duplicate_control", "[x12][envelope][diag]") {
  const std::string t = interchange("000000101", group("101") + group("101"), 2);
  const std::size_t second = at(t, "GS*", 110);
  expect_one(run(t), core::DiagCode::gs_duplicate_control, second, 9, 0, 6,
             "expected a GS06 unique in interchange 000000101, found '101' again");
}

TEST_CASE("envelope.gs_outside_interchange: skipped to the next ISA", "[x12][envelope][diag]") {
  const std::string t = interchange() + group("201") + interchange("000000102");
  const auto r = run(t);
  const std::size_t stray = at(t, "GS*", at(t, "IEA"));
  expect_one(r, core::DiagCode::gs_outside_interchange, stray, 10, 0, 0,
             "expected ISA before GS, found GS outside any interchange; skipping to the next ISA");
  CHECK(r.interchanges == std::vector<std::string>{"000000101:1", "000000102:1"});
  CHECK(r.transactions.size() == 2);
}

TEST_CASE("envelope.iea_count_mismatch", "[x12][envelope][diag]") {
  std::string t = interchange();
  t.replace(at(t, "IEA*1"), 5, "IEA*3");
  expect_one(run(t), core::DiagCode::iea_count_mismatch, at(t, "IEA"), 9, 0, 1,
             "IEA01 says '3', counted 1 functional group(s) in interchange 000000101");
}

TEST_CASE("envelope.iea_control_mismatch", "[x12][envelope][diag]") {
  std::string t = interchange();
  t.replace(at(t, "IEA*1*000000101"), 15, "IEA*1*000000999");
  expect_one(run(t), core::DiagCode::iea_control_mismatch, at(t, "IEA"), 9, 0, 2,
             "IEA02 says '000000999', expected ISA13 '000000101'");
}

TEST_CASE("envelope.iea_missing: a second ISA closes the first interchange", "[x12][envelope][diag]") {
  std::string first = interchange("000000101");
  first.erase(at(first, "IEA"));
  const std::string t = first + interchange("000000102");
  const auto r = run(t);
  expect_one(r, core::DiagCode::iea_missing, first.size(), 9, 0, 0,
             "expected IEA to close interchange 000000101 (ISA at byte 0), found ISA");
  CHECK(r.transactions.size() == 2);
}

TEST_CASE("envelope.iea_without_isa", "[x12][envelope][diag]") {
  const std::string t = interchange() + "IEA*1*000000101~";
  expect_one(run(t), core::DiagCode::iea_without_isa, at(t, "IEA", at(t, "IEA") + 3), 10, 0, 0,
             "expected ISA before IEA, found IEA outside any interchange");
}

TEST_CASE("envelope.ta1_misplaced", "[x12][envelope][diag]") {
  const std::string t = interchange("000000101", group("101", transaction() + "TA1*000000001*261115*0930*A*000~", 1));
  expect_one(run(t), core::DiagCode::ta1_misplaced, at(t, "TA1"), 8, 0, 0,
             "expected TA1 directly under ISA, found it inside a functional group");
}

TEST_CASE("a TA1 directly under ISA is fine", "[x12][envelope]") {
  const std::string t = isa() + "TA1*000000001*261115*0930*A*000~IEA*0*000000101~";
  CHECK(run(t).diagnostics.empty());
}

TEST_CASE("ISA field checks: each bad field gets its own TA105 code", "[x12][envelope][diag]") {
  struct Case {
    std::size_t offset;
    std::string value;
    core::DiagCode code;
    std::uint16_t element;
    std::string message;
  };
  const Case cases[] = {
      {4, "99", core::DiagCode::isa_authorization_qualifier_invalid, 1, "ISA01: expected 00-06, found '99'"},
      {18, "07", core::DiagCode::isa_security_qualifier_invalid, 3, "ISA03: expected 00 or 01, found '07'"},
      {32, "XX", core::DiagCode::isa_sender_qualifier_invalid, 5,
       "ISA05: expected an ISA05 id qualifier (01 14 20 27 28 29 30 33 ZZ), found 'XX'"},
      {35, "               ", core::DiagCode::isa_sender_invalid, 6, "ISA06: expected a sender id, found '               '"},
      {51, "XX", core::DiagCode::isa_receiver_qualifier_invalid, 7,
       "ISA07: expected an ISA07 id qualifier (01 14 20 27 28 29 30 33 ZZ), found 'XX'"},
      {54, "               ", core::DiagCode::isa_receiver_invalid, 8, "ISA08: expected a receiver id, found '               '"},
      {70, "261340", core::DiagCode::isa_date_invalid, 9, "ISA09: expected a YYMMDD date, found '261340'"},
      {77, "2561", core::DiagCode::isa_time_invalid, 10, "ISA10: expected an HHMM time, found '2561'"},
      {84, "00300", core::DiagCode::isa_version_unsupported, 12, "ISA12: expected 00501 (or 00401), found '00300'"},
      {90, "00000010A", core::DiagCode::isa_control_number_invalid, 13, "ISA13: expected 9 digits, found '00000010A'"},
      {100, "5", core::DiagCode::isa_ack_requested_invalid, 14, "ISA14: expected 0 or 1, found '5'"},
      {102, "X", core::DiagCode::isa_usage_invalid, 15, "ISA15: expected I, P or T, found 'X'"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(core::name(c.code)) {
      std::string t = interchange();
      t.replace(c.offset, c.value.size(), c.value);
      Run r = run(t);
      // A bad ISA13 also breaks the IEA02 comparison; only the ISA finding is under test here.
      if (c.code == core::DiagCode::isa_control_number_invalid) r.diagnostics.resize(1);
      expect_one(r, c.code, 0, 1, 0, c.element, c.message);
      CHECK(core::info(c.code).level == core::AckLevel::ta1);
    }
  }
}

TEST_CASE("ISA code lists come from the caller: a reader given none checks no ISA codes", "[x12][envelope]") {
  std::string t = interchange();
  t.replace(4, 2, "99");     // ISA01
  t.replace(102, 1, "X");    // ISA15
  CHECK(run(t, nullptr).diagnostics.empty());
  // A list without 03 rejects ISA01 03: the codes are the caller's, not the reader's.
  x12::EnvelopeCodes narrow = isa_codes();
  narrow.isa01 = {"00", "01", "02"};
  std::string u = interchange();
  u.replace(4, 2, "03");
  const Run r = run(u, &narrow);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].code == core::DiagCode::isa_authorization_qualifier_invalid);
  CHECK(r.diagnostics[0].message == "ISA01: expected 00-02, found '03'");
  CHECK(run(u).diagnostics.empty());
}

TEST_CASE("control numbers compare as numbers: IEA02 1 matches ISA13 000000001", "[x12][envelope]") {
  std::string t = interchange("000000001");
  t.replace(at(t, "IEA*1*000000001"), 15, "IEA*1*1");
  CHECK(run(t).diagnostics.empty());
}

TEST_CASE("duplicate control numbers are found whatever their order, width or kind", "[x12][envelope]") {
  // Numeric ST02s are kept as runs of consecutive values of one width; the rest as hashes.
  const auto duplicates = [](const std::vector<std::string>& st02s) {
    std::string body;
    for (const auto& c : st02s) body += transaction(c);
    const Run r = run(interchange("000000101", group("101", body, static_cast<int>(st02s.size()))));
    std::vector<std::string> found;
    for (const auto& d : r.diagnostics)
      if (d.code == core::DiagCode::st_duplicate_control) found.push_back(d.message);
    return found.size();
  };
  CHECK(duplicates({"0001", "0002", "0003", "0004"}) == 0);
  CHECK(duplicates({"0004", "0002", "0003", "0001", "0003"}) == 1);   // runs joined from both sides, then a repeat inside
  CHECK(duplicates({"0001", "0003", "0002", "0002"}) == 1);           // the gap filled, then repeated
  CHECK(duplicates({"1001", "01001", "001001"}) == 0);                // the same number in three widths: three texts
  CHECK(duplicates({"0009", "0010", "0011", "0010"}) == 1);           // across a decade, same width
  CHECK(duplicates({"A001", "A002", "A001", "0001", "1"}) == 1);      // non-numeric ones hashed
  CHECK(duplicates({"999999999", "999999998", "999999999"}) == 1);
  std::vector<std::string> many;
  for (int k = 1; k <= 3000; ++k) many.push_back(std::to_string(100000 + (k * 7919) % 3000));  // every value once, out of order
  CHECK(duplicates(many) == 0);
  many.push_back("101500");
  CHECK(duplicates(many) == 1);
}

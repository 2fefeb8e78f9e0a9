// LedgerNumbers / run_numbers_or_report: the numbers a run writes with, from the ledger by default
// and from --control-start / --seed when given.
#include "app/ledger_numbers.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <fstream>
#include <set>

#include "soc278/store/sqlite_ledger.hpp"

namespace {

using soc278::app::LedgerNumbers;
using soc278::app::run_numbers_or_report;
using soc278::core::Diagnostic;
using soc278::core::Result;
using soc278::store::NumberBlock;

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static int n = 0;
    path = std::filesystem::temp_directory_path() / ("soc278-ledger-numbers-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

// The same request every time: the envelope ids the seeded numbers hash.
soc278::model::AuthorizationRequest same_request() {
  soc278::model::AuthorizationRequest r;
  r.envelope.isa_sender_qualifier = "ZZ";
  r.envelope.isa_sender = "SOCPROVIDER01";
  r.envelope.isa_control = "000000101";
  r.envelope.gs_control = "101";
  r.envelope.st_control = "0001";
  r.bht_reference = "REQ0001";
  return r;
}

// An in-memory ledger that counts claims, and can be told to fail.
class MemoryLedger final : public soc278::store::Ledger {
 public:
  bool fail = false;
  int claims = 0, releases = 0;
  std::uint64_t control_last = 0, certification_last = 0;
  std::string_view instance_id() const noexcept override { return "TEST01"; }
  Result<NumberBlock> claim_control_numbers(std::string_view, std::uint32_t count) override {
    if (fail) return failure();
    ++claims;
    control_last += count;
    return NumberBlock{control_last - count + 1, count};
  }
  Result<bool> release_control_numbers(std::string_view, NumberBlock unused) override {
    ++releases;
    if (unused.end() - 1 != control_last) return false;
    control_last = unused.first - 1;
    return true;
  }
  Result<NumberBlock> claim_certification_numbers(std::uint32_t count) override {
    if (fail) return failure();
    ++claims;
    certification_last += count;
    return NumberBlock{certification_last - count + 1, count};
  }
  Result<bool> release_certification_numbers(NumberBlock unused) override {
    ++releases;
    if (unused.end() - 1 != certification_last) return false;
    certification_last = unused.first - 1;
    return true;
  }
  Result<std::uint64_t> last_control_number(std::string_view) override { return control_last; }

 private:
  static Diagnostic failure() {
    return soc278::core::make_diagnostic(soc278::core::DiagCode::store_ledger_error, {}, "", "ledger test: disk full");
  }
};

}  // namespace

TEST_CASE("1000 runs numbering the same request never repeat a certification number and the same seed always does", "[app][ledger][slow]") {
  TempDir dir;
  const auto db = (dir.path / "ledger.db").string();
  const auto request = same_request();
  constexpr int runs = 1000;
  constexpr std::uint32_t lines = 2;
  std::set<std::string> sequenced, seeded, isa13s;
  for (int run = 0; run < runs; ++run) {
    // A run of its own: its own connection, its own claims, its unused numbers given back at the end.
    auto numbers = run_numbers_or_report(std::nullopt, std::nullopt, db);
    REQUIRE(numbers.has_value());
    numbers->control->set_partner("ZZ", "SOCPROVIDER01  ");
    isa13s.insert(soc278::respond::ControlNumberSequence::isa13(numbers->control->next()));
    const auto h = numbers->certifications.next_request();
    for (std::uint32_t line = 1; line <= lines; ++line) {
      std::string text;
      numbers->certifications.for_line(h, line, text);
      CHECK(text.size() <= 50);  // HCR02 is AN 1-50
      sequenced.insert(text);
    }
    numbers->finish();
    REQUIRE_FALSE(numbers->from_ledger->failed());

    auto fixed = run_numbers_or_report(9001, 278, (dir.path / "never-created.db").string());
    REQUIRE(fixed.has_value());
    CHECK(fixed->ledger == nullptr);
    for (std::uint32_t line = 1; line <= lines; ++line) seeded.insert(fixed->certifications.for_line(request, line));
  }
  CHECK(sequenced.size() == runs * lines);
  CHECK(isa13s.size() == static_cast<std::size_t>(runs));
  // Given back at the end of each run, so the partner's numbers stay consecutive: 1..1000.
  CHECK(*isa13s.begin() == "000000001");
  CHECK(*isa13s.rbegin() == "000001000");
  CHECK(seeded.size() == lines);  // deterministic: the same numbers every run
  CHECK_FALSE(std::filesystem::exists(dir.path / "never-created.db"));
}

TEST_CASE("sequenced certification numbers read as SOC + ledger + request + line", "[app][ledger]") {
  MemoryLedger ledger;
  LedgerNumbers numbers(ledger);
  soc278::respond::CertificationNumbers certs(static_cast<soc278::respond::CertificationSource&>(numbers));
  REQUIRE(certs.sequenced());
  const auto first = certs.next_request();
  std::string text;
  certs.for_line(first, 1, text);
  CHECK(text == "SOCTEST01-0000001-01");
  certs.tracking(first, 12, text);
  CHECK(text == "PNDTEST01-0000001-12");
  for (int i = 0; i < 35; ++i) (void)certs.next_request();
  certs.for_line(certs.next_request(), 3, text);
  CHECK(text == "SOCTEST01-0000011-03");  // request 37 is 11 in base 36
}

TEST_CASE("ledger blocks grow so a long run costs few transactions and unused tails go back", "[app][ledger]") {
  MemoryLedger ledger;
  LedgerNumbers numbers(ledger);
  std::set<std::uint64_t> requests;
  for (int i = 0; i < 200'000; ++i) requests.insert(numbers.next());
  CHECK(requests.size() == 200'000U);
  CHECK(*requests.begin() == 1U);
  CHECK(ledger.claims < 20);
  std::set<std::uint32_t> a, b;
  for (int i = 0; i < 5000; ++i) {
    a.insert(numbers.next(std::string_view("ZZ:A")));
    b.insert(numbers.next(std::string_view("ZZ:B")));
  }
  CHECK(a.size() == 5000U);
  CHECK(b.size() == 5000U);  // each partner its own counter (the memory ledger shares one: still unique)
  const int before = ledger.claims;
  numbers.finish();
  CHECK(ledger.claims == before);
  CHECK(ledger.releases == 3);
  CHECK(ledger.certification_last == 200'000U);  // the tail went back
  CHECK_FALSE(numbers.failed());
}

TEST_CASE("a ledger failure is sticky: numbers are 0 and the run knows why", "[app][ledger]") {
  MemoryLedger ledger;
  LedgerNumbers numbers(ledger);
  CHECK(numbers.next(std::string_view("ZZ:A")) == 1U);
  ledger.fail = true;
  for (std::uint32_t i = 2; i <= LedgerNumbers::control_block_first; ++i) CHECK(numbers.next(std::string_view("ZZ:A")) == i);
  CHECK(numbers.next(std::string_view("ZZ:A")) == 0U);  // the block is used up and no new one can be had
  REQUIRE(numbers.failed());
  CHECK(numbers.error()->code == soc278::core::DiagCode::store_ledger_error);
  ledger.fail = false;
  CHECK(numbers.next() == 0U);  // stays failed
}

TEST_CASE("a run with control-start and seed never opens the ledger and one with neither needs one", "[app][ledger]") {
  TempDir dir;
  auto fixed = run_numbers_or_report(9001, 278, (dir.path / "x" / "ledger.db").string());
  REQUIRE(fixed.has_value());
  CHECK(fixed->ledger == nullptr);
  CHECK(fixed->control->next() == 9001U);
  CHECK_FALSE(fixed->certifications.sequenced());
  CHECK_FALSE(std::filesystem::exists(dir.path / "x"));
  // Only one of them given: the ledger supplies the other.
  auto half = run_numbers_or_report(9001, std::nullopt, (dir.path / "y.db").string());
  REQUIRE(half.has_value());
  CHECK(half->ledger != nullptr);
  CHECK(half->certifications.sequenced());
  CHECK(half->control->next() == 9001U);
  std::ofstream(dir.path / "file") << "x";
  CHECK_FALSE(run_numbers_or_report(std::nullopt, std::nullopt, (dir.path / "file" / "ledger.db").string()).has_value());
}

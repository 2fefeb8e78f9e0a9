#include "soc278/respond/control_numbers.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "soc278/respond/response_278.hpp"

using soc278::respond::ControlNumberSequence;

TEST_CASE("control numbers start where configured and format per element", "[respond]") {
  ControlNumberSequence seq(9000);
  CHECK(seq.peek() == 9000);
  CHECK(seq.next() == 9000);
  CHECK(seq.next() == 9001);
  CHECK(ControlNumberSequence::isa13(9002) == "000009002");
  CHECK(ControlNumberSequence::gs06(9002) == "9002");
  CHECK(ControlNumberSequence::st02(1) == "0001");
  CHECK(ControlNumberSequence::st02(12345) == "12345");
  CHECK(ControlNumberSequence::isa13(ControlNumberSequence::max_value) == "999999999");
}

TEST_CASE("control numbers wrap from 999999999 to 1 - 0 and out-of-range starts begin at 1", "[respond]") {
  ControlNumberSequence seq(ControlNumberSequence::max_value);
  CHECK(seq.next() == 999999999U);
  CHECK(seq.next() == 1U);
  CHECK(seq.next() == 2U);
  CHECK(ControlNumberSequence(0).peek() == 1U);
  CHECK(ControlNumberSequence(1'000'000'000U).peek() == 1U);
}

TEST_CASE("control numbers are never handed out twice, whatever the threads", "[respond]") {
  ControlNumberSequence seq(ControlNumberSequence::max_value - 5000);  // crosses the wrap too
  constexpr int threads = 4;
  constexpr int per_thread = 5000;
  std::vector<std::vector<std::uint32_t>> got(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) got[static_cast<std::size_t>(t)].push_back(seq.next());
    });
  }
  for (auto& th : pool) th.join();
  std::vector<std::uint32_t> all;
  for (const auto& g : got) all.insert(all.end(), g.begin(), g.end());
  std::sort(all.begin(), all.end());
  CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());
  CHECK(all.size() == static_cast<std::size_t>(threads * per_thread));
  CHECK(all.front() == 1U);
  CHECK(all.back() == ControlNumberSequence::max_value);
}

TEST_CASE("certification numbers written into a reused string match the returned ones", "[respond]") {
  soc278::respond::CertificationNumbers numbers(278);
  soc278::model::AuthorizationRequest r;
  r.envelope.isa_sender = "SOCPROVIDER01";
  r.envelope.isa_control = "000000001";
  r.bht_reference = "REQ1";
  std::string out = "something longer than the result, to be replaced";
  for (std::uint32_t line : {1U, 9U, 10U, 123U}) {
    numbers.for_line(r, line, out);
    CHECK(out == numbers.for_line(r, line));
    numbers.tracking(r, line, out);
    CHECK(out == numbers.tracking(r, line));
  }
  CHECK(numbers.for_line(r, 1).rfind("SOC", 0) == 0);
  CHECK(numbers.for_line(r, 1).substr(13) == "-01");
  CHECK(numbers.tracking(r, 123).substr(13) == "-123");
}

namespace {
// Two requests of one group (same sender, ISA13, GS06), different ST02 and BHT03.
std::pair<soc278::model::AuthorizationRequest, soc278::model::AuthorizationRequest> two_requests_of_one_group() {
  soc278::model::AuthorizationRequest first;
  first.envelope.isa_sender = "SOCPROVIDER01";
  first.envelope.isa_control = "000000001";
  first.envelope.gs_control = "1";
  first.envelope.st_control = "0001";
  first.bht_reference = "REQ1";
  soc278::model::AuthorizationRequest second = first;
  second.envelope.st_control = "0002";
  second.bht_reference = "REQ2-LONGER-REFERENCE";
  return {first, second};
}
}  // namespace

TEST_CASE("certification numbers from a request's hash equal those from the request, request after request", "[respond]") {
  const soc278::respond::CertificationNumbers numbers(278);
  const auto [first, second] = two_requests_of_one_group();
  std::string out;
  for (const auto* r : {&first, &second, &first}) {
    const auto hash = numbers.request_hash(*r);
    for (std::uint32_t line : {1U, 2U, 10U, 999U}) {
      numbers.for_line(hash, line, out);
      CHECK(out == numbers.for_line(*r, line));
      numbers.tracking(hash, line, out);
      CHECK(out == numbers.tracking(*r, line));
    }
  }
  CHECK(numbers.for_line(first, 1) != numbers.for_line(second, 1));
  CHECK(numbers.request_hash(first).state != soc278::respond::CertificationNumbers(279).request_hash(first).state);
}

TEST_CASE("a request's hash from its group's hash equals the hash from the request alone", "[respond]") {
  // One group hash serves every request of a group (same sender, ISA13, GS06); a request of another
  // group must not get it: each field of the group's part changes the hash.
  const soc278::respond::CertificationNumbers numbers(278);
  using Numbers = soc278::respond::CertificationNumbers;
  const auto [first, second] = two_requests_of_one_group();
  const auto group = numbers.group_hash(first);
  CHECK(numbers.group_hash(second).state == group.state);
  for (const auto* r : {&first, &second, &first}) CHECK(Numbers::request_hash(group, *r).state == numbers.request_hash(*r).state);
  CHECK(Numbers::request_hash(group, first).state != Numbers::request_hash(group, second).state);
  for (auto field : {&soc278::model::Envelope::isa_sender, &soc278::model::Envelope::isa_control, &soc278::model::Envelope::gs_control}) {
    soc278::model::AuthorizationRequest other = first;
    other.envelope.*field += "9";
    CHECK(numbers.group_hash(other).state != group.state);
    CHECK(Numbers::request_hash(numbers.group_hash(other), other).state == numbers.request_hash(other).state);
  }
  CHECK(Numbers(279).group_hash(first).state != group.state);
}

TEST_CASE("certification numbers keep their values: known numbers and the ten-division spelling", "[respond]") {
  // The numbers end up in partners' systems: they may never change. Two known values (the goldens
  // hold more), then the base-36 digits against their plain spelling: ten divisions by 36 of the
  // 64-bit hash of the request's hash and the line (FNV-1a, then a 0xff separator).
  const soc278::respond::CertificationNumbers numbers(278);
  for (std::uint64_t state : {0ULL, 1ULL, 0xffffffffffffffffULL, 0x0123456789abcdefULL, 1469598103934665603ULL}) {
    for (std::uint32_t line : {0U, 1U, 9U, 10U, 99U, 100U, 4294967295U}) {
      std::uint64_t h = state;
      for (char c : std::to_string(line)) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
      h = (h ^ 0xff) * 1099511628211ULL;
      std::string digits(10, '?');
      for (int i = 9; i >= 0; --i) {
        digits[static_cast<std::size_t>(i)] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[h % 36];
        h /= 36;
      }
      std::string out;
      numbers.for_line(soc278::respond::CertificationNumbers::RequestHash{state}, line, out);
      CHECK(out == "SOC" + digits + "-" + (line < 10 ? "0" : "") + std::to_string(line));
    }
  }
}

namespace {
// A durable source as the app builds one over the ledger: a counter per partner.
class PartnerCounters final : public soc278::respond::ControlNumberSource {
 public:
  std::map<std::string, std::uint32_t, std::less<>> last;
  std::vector<std::string> asked;
  std::uint32_t next(std::string_view partner) override {
    asked.emplace_back(partner);
    return ++last[std::string(partner)];
  }
};

class RequestCounter final : public soc278::respond::CertificationSource {
 public:
  std::uint64_t last = 0;
  std::string_view stem() const noexcept override { return "AB12CD"; }
  std::uint64_t next() override { return ++last; }
};
}  // namespace

TEST_CASE("with a source the control numbers come from the partner whose interchange is being answered", "[respond]") {
  PartnerCounters source;
  source.last["ZZ:SOCPROVIDER01"] = 41;  // as an earlier run left it
  ControlNumberSequence seq(source);
  seq.set_partner("ZZ", "SOCPROVIDER01  ");
  CHECK(seq.partner() == "ZZ:SOCPROVIDER01");
  CHECK(seq.next() == 42U);
  CHECK(seq.next() == 43U);
  seq.set_partner("01", "123456789      ");
  CHECK(seq.next() == 1U);  // another partner: its own series
  seq.set_partner("ZZ", "SOCPROVIDER01");
  CHECK(seq.next() == 44U);
  CHECK(source.asked == std::vector<std::string>{"ZZ:SOCPROVIDER01", "ZZ:SOCPROVIDER01", "01:123456789", "ZZ:SOCPROVIDER01"});
  // With a start, partners share the run's one counter (the pinned numbers of the goldens).
  ControlNumberSequence fixed(9001);
  fixed.set_partner("ZZ", "A");
  CHECK(fixed.next() == 9001U);
  fixed.set_partner("ZZ", "B");
  CHECK(fixed.next() == 9002U);
}

TEST_CASE("sequenced certification numbers never repeat for the same request and seeded ones always do", "[respond]") {
  RequestCounter source;
  const soc278::respond::CertificationNumbers sequenced(source);
  const soc278::respond::CertificationNumbers seeded(278);
  const auto [request, other] = two_requests_of_one_group();
  (void)other;
  std::set<std::string> unique, repeated;
  std::string out;
  for (int run = 0; run < 1000; ++run) {
    const auto h = sequenced.next_request();
    for (std::uint32_t line : {1U, 2U}) {
      sequenced.for_line(h, line, out);
      unique.insert(out);
      sequenced.tracking(h, line, out);
      unique.insert(out);
      repeated.insert(seeded.for_line(request, line));
    }
  }
  CHECK(unique.size() == 4000U);
  CHECK(repeated.size() == 2U);
  sequenced.for_line(soc278::respond::CertificationNumbers::RequestHash{~0ULL}, 123, out);
  CHECK(out == "SOCAB12CD-3W5E11264SGSF-123");  // the longest request number: 13 base-36 digits
  CHECK(out.size() <= 50U);  // HCR02 AN 1-50
}

// The walker's fast path (compiled FastChecks, the segment byte scan, the syntax memo) only ever
// concludes "no finding"; anything it cannot clear goes through the full checks. So the findings,
// their order, positions and messages must be the same with it on and off, whatever the input.
// Checked on the public corpus and on a few thousand seeded mutations of a sample.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ig_support.hpp"

using namespace soc278;

namespace {

std::vector<std::string> everything(const test::ValidationRun& run) {
  std::vector<std::string> out;
  for (const auto& d : run.envelope) out.push_back(test::brief(d) + " | " + d.message);
  for (const auto& t : run.transactions) {
    for (const auto& d : t.result.findings) out.push_back(test::brief(d) + " | " + d.message);
    out.push_back(fmt::format("set: {} errors, {} warnings, dropped {}, rejected {}", t.result.errors, t.result.warnings,
                              t.result.findings_dropped, t.result.rejected));
  }
  return out;
}

void same_with_and_without(const std::string& text) {
  ig::ValidationOptions fast;
  ig::ValidationOptions full;
  full.fast_path = false;
  const auto a = everything(test::validate_text(text, fast));
  const auto b = everything(test::validate_text(text, full));
  INFO(text);
  REQUIRE(a == b);
}

struct Rng {  // SplitMix64: the same mutations on every run
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

}  // namespace

TEST_CASE("the fast path finds the same as the full checks on the corpus", "[ig][fast]") {
  for (const auto& file : test::corpus_files()) {
    DYNAMIC_SECTION(file.filename().string()) { same_with_and_without(test::read_file(file)); }
  }
}

namespace {

void mutations(const std::string& sample, int rounds, std::uint64_t seed) {
  // Bytes that stress the value checks: separators, spaces, digits, letters, a control, a high byte.
  const std::string alphabet = "*:^>|~ 0123456789-.ABCDEFHIJKLMNRSTUXZabz\t\x01\xc3";
  Rng rng{seed};
  for (int round = 0; round < rounds; ++round) {
    std::string text = sample;
    const std::size_t edits = 1 + rng.below(3);
    for (std::size_t e = 0; e < edits; ++e) {
      // Keep the ISA (fixed width, delimiters) intact: mutate after it.
      const std::size_t at = 107 + rng.below(text.size() - 108);
      switch (rng.below(3)) {
        case 0: text[at] = alphabet[rng.below(alphabet.size())]; break;
        case 1: text.erase(at, 1 + rng.below(3)); break;
        default: text.insert(at, 1, alphabet[rng.below(alphabet.size())]); break;
      }
    }
    same_with_and_without(text);
  }
}

}  // namespace

TEST_CASE("the fast path finds the same as the full checks on seeded mutations", "[ig][fast]") {
  SECTION("a request sample") { mutations(test::infliximab(), 3000, 278); }
  SECTION("a request sample with control characters as delimiters") {
    // Element 0x1D, component 0x1F, repetition 0x1C, terminator 0x1E (some senders use them).
    std::string text = test::infliximab();
    for (char& c : text) {
      if (c == '*') c = '\x1d';
      else if (c == ':') c = '\x1f';
      else if (c == '^') c = '\x1c';
      else if (c == '~') c = '\x1e';
    }
    same_with_and_without(text);
    const auto run = test::validate_text(text);
    REQUIRE(run.transactions.size() == 1);
    CHECK(run.transactions[0].result.findings.empty());
    mutations(text, 1000, 281);
  }
  const auto corpus = test::shared_dir() / "corpus";
  SECTION("the guide's response example 3b") {
    mutations(test::read_file(corpus / "stupidedi__emergency-admission-response-to-request-for-review.edi"), 1000, 279);
  }
  SECTION("the X231A1 999 example") {
    mutations(test::read_file(corpus / "stupidedi__response-to-functional-group-containing-3-837s.edi"), 1000, 280);
  }
}

// The walker remembers segments whose checks found nothing (walker.cpp, Impl::clean_segments) for
// the rest of the run, so these files repeat one set many times in one interchange: later copies,
// some mutated, meet what earlier ones left there. Fast and full must still agree.
namespace {
// The infliximab sample cut around its one transaction set: what precedes ST, the set, and GE on.
struct SplitSample {
  std::string head, set, tail;
};
SplitSample split_sample() {
  const std::string sample = test::infliximab();
  const std::size_t st = sample.find("ST*");
  const std::size_t ge = sample.find("GE*");
  REQUIRE(st != std::string::npos);
  REQUIRE(ge != std::string::npos);
  return {sample.substr(0, st), sample.substr(st, ge - st), sample.substr(ge)};
}
}  // namespace

TEST_CASE("remembered clean segments give the same findings as the full checks", "[ig][fast]") {
  const auto [head, set, tail] = split_sample();
  const std::string alphabet = "*:^ 0123456789-.ABCDHIJMNRSTXZ";
  Rng rng{282};
  for (int round = 0; round < 200; ++round) {
    std::string text = head + set;
    for (int copy = 0; copy < 4; ++copy) {
      std::string body = set;
      if (copy % 2 == 1) {  // every other copy mutated once, after its ST
        const std::size_t at = 4 + rng.below(body.size() - 5);
        body[at] = alphabet[rng.below(alphabet.size())];
      }
      text += body;
    }
    text += set + tail;
    same_with_and_without(text);
  }
}

// The loop tree's text is staged and appended a few KB at a time: a set with far more text than
// one stage still reads back segment by segment, and the next set starts empty.
TEST_CASE("the loop tree text of a large set reads back segment by segment", "[ig][fast]") {
  const std::string sample = test::infliximab();
  const std::size_t dtp = sample.find("DTP*472*");
  REQUIRE(dtp != std::string::npos);
  const std::size_t end = sample.find('~', dtp);
  const std::string segment = sample.substr(dtp, end + 1 - dtp);
  std::string big = sample;
  std::string extra;
  for (int i = 0; i < 400; ++i) extra += segment;  // over max use: findings, but each one is in the tree
  big.insert(end + 1, extra);
  const std::string text = big + sample.substr(sample.find("ISA"));
  const auto run = test::validate_text(text);
  REQUIRE(run.transactions.size() == 2);
  for (const auto& t : run.transactions) {
    std::size_t total = 0;
    std::vector<const ig::LoopNode*> todo{&t.result.root};
    while (!todo.empty()) {
      const ig::LoopNode* node = todo.back();
      todo.pop_back();
      for (const auto& n : node->segments) {
        const std::string_view got = t.result.segment_text(n);
        REQUIRE(got.size() == n.text_length);
        REQUIRE(got == std::string_view(text).substr(n.at.byte_offset, n.text_length));
        total += n.text_length;
      }
      for (const auto& c : node->children) todo.push_back(&c);
    }
    CHECK(total == t.result.text.size());
  }
  CHECK(run.transactions[0].result.text.size() > 3 * 4096);
  CHECK(run.transactions[1].result.text.size() < 4096);
  same_with_and_without(text);
}

// The clean-segment memo (walker.cpp, Impl::clean_segments) is 2-way, least recently used out:
// a long run of sets whose trace numbers and patients never recur (newcomers in every set), whose
// payer alternates between two, with bad values now and then in recurring segments (twice in a
// row: a bad segment must not be remembered) and in one-off ones: fast and full agree, and
// exactly the mutated sets have findings.
TEST_CASE("the clean-segment memo: one-off and recurring segments give the same findings", "[ig][fast]") {
  const auto [head, set, tail] = split_sample();
  auto replace = [](std::string& text, std::string_view from, const std::string& to) {
    const std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  };
  constexpr int sets = 700;
  std::string text = head;
  std::vector<bool> mutated;
  for (int i = 0; i < sets; ++i) {
    std::string body = set;
    replace(body, "REQ0001EV", fmt::format("R{:06}EV", i));
    replace(body, "SOC000000101", fmt::format("SOC{:09}", i));
    if (i % 2 == 1) replace(body, "GEORGIA HEALTH PLAN DEMO", "GEORGIA HEALTH PLAN ALT");
    bool bad = false;
    if (i % 97 == 10 || i % 97 == 11) {  // a recurring segment, twice in a row
      replace(body, "HSD*VS*4", "HSD*VS*X");
      bad = true;
    }
    if (i == 100 || i == 101 || i == 600) {  // a one-off segment
      replace(body, fmt::format("TRN*1*R{:06}EV", i), fmt::format("TRN*9*R{:06}EV", i));
      bad = true;
    }
    mutated.push_back(bad);
    text += body;
  }
  text += fmt::format("GE*{}*4711~\nIEA*1*000004711~\n", sets);
  same_with_and_without(text);
  const auto run = test::validate_text(text);
  REQUIRE(run.transactions.size() == static_cast<std::size_t>(sets));
  for (int i = 0; i < sets; ++i) {
    INFO("set " << i);
    CHECK(run.transactions[static_cast<std::size_t>(i)].result.findings.empty() == !mutated[static_cast<std::size_t>(i)]);
  }
}

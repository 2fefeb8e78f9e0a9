// The speed fence (src/core/simd.hpp): every routine's SSE2 version must give what its scalar
// version gives, byte for byte, on random and edge-case input (lengths 0..100, a delimiter at every
// position, bytes >= 0x80, NUL). Both versions are compiled here where the build has SSE2; a
// SOC278_PORTABLE build has only the scalar ones, and this file then checks that it selected them.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/simd.hpp"

namespace simd = soc278::core::simd;

#if defined(SOC278_PORTABLE) && SOC278_PORTABLE
static_assert(!simd::enabled, "a SOC278_PORTABLE build must select the scalar versions");
#if SOC278_SIMD
#error "SOC278_PORTABLE=ON but core/simd.hpp selected SSE2"
#endif
#if defined(_MM_SHUFFLE) || defined(_INCLUDED_EMM)
#error "SOC278_PORTABLE=ON but an intrinsics header was included"
#endif
#endif

namespace {

// Byte strings to test with: every length 0..100 from a few alphabets (X12 text, delimiters at
// every position, high bytes, controls), padded with 64 readable bytes behind them so that the
// 16-byte routines may read a whole block wherever the text ends.
struct Corpus {
  std::vector<std::string> texts;
};

const std::array<char, 10> specials = {'*', ':', '^', '~', '\0', '\n', '\x7f', '\x80', '\xff', '"'};

Corpus make_corpus() {
  Corpus c;
  std::mt19937 rng(278);
  const std::string x12 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-/,()'&";
  for (std::size_t n = 0; n <= 100; ++n) {
    for (int variant = 0; variant < 6; ++variant) {
      std::string t(n, 'A');
      for (std::size_t i = 0; i < n; ++i) {
        switch (variant) {
          case 0: t[i] = x12[rng() % x12.size()]; break;                                  // clean text
          case 1: t[i] = (rng() % 4 == 0) ? specials[rng() % 4] : x12[rng() % x12.size()]; break;  // delimiters
          case 2: t[i] = static_cast<char>(rng() & 0xff); break;                          // any byte
          case 3: t[i] = static_cast<char>(0x80 | (rng() & 0x7f)); break;                 // high bytes only
          case 4: t[i] = specials[rng() % specials.size()]; break;                        // specials only
          default: t[i] = static_cast<char>(rng() % 0x20); break;                         // controls
        }
      }
      c.texts.push_back(t);
    }
    // One special byte at every position of a clean text.
    for (char sp : specials) {
      for (std::size_t at = 0; at < n; ++at) {
        std::string t(n, 'B');
        t[at] = sp;
        c.texts.push_back(t);
      }
    }
  }
  return c;
}

const Corpus& corpus() {
  static const Corpus c = make_corpus();
  return c;
}

// Where a 16-byte block is read in a text of n bytes (padded): its start, a few offsets, and the
// blocks that end at, or straddle, the text's end.
std::vector<std::size_t> block_starts(std::size_t n) {
  std::vector<std::size_t> at = {0, 1, 5};
  for (std::size_t back : {16, 15, 8, 1, 0})
    if (n >= back) at.push_back(n - back);
  return at;
}

// `t` followed by 64 bytes of `fill`: a buffer the 16-byte routines may read past t's end.
std::string padded(const std::string& t, char fill = 'Z') { return t + std::string(64, fill); }

}  // namespace

TEST_CASE("the fence selects SSE2 exactly when the build allows it", "[core][simd]") {
#if defined(SOC278_PORTABLE) && SOC278_PORTABLE
  CHECK_FALSE(simd::enabled);
#elif defined(__SSE2__) && defined(__x86_64__)
  CHECK(simd::enabled);
#else
  CHECK_FALSE(simd::enabled);
#endif
}

TEST_CASE("load_be32 / load_be16 / lowest_bit / find_last match their byte-by-byte meaning", "[core][simd]") {
  for (const std::string& t : corpus().texts) {
    const std::string p = padded(t);
    if (t.size() >= 4) {
      std::uint32_t want = 0;
      for (int i = 0; i < 4; ++i) want = (want << 8) | static_cast<unsigned char>(t[static_cast<std::size_t>(i)]);
      CHECK(simd::load_be32(t.data()) == want);
    }
    if (t.size() >= 2) {
      const auto want = static_cast<std::uint16_t>((static_cast<unsigned char>(t[0]) << 8) | static_cast<unsigned char>(t[1]));
      CHECK(simd::load_be16(t.data()) == want);
    }
    for (char c : specials) {
      const std::size_t at = t.rfind(c);
      const char* want = at == std::string::npos ? nullptr : t.data() + at;
      CHECK(simd::find_last(t.data(), t.size(), c) == want);
      CHECK(simd::find_last_fast(t.data(), t.size(), c) == want);
    }
  }
  for (unsigned b = 0; b < 64; ++b) CHECK(simd::lowest_bit(std::uint64_t{1} << b | std::uint64_t{1} << 63) == b);
}

TEST_CASE("scalar match16 / match16x2 / match16_any6 / json_escape16 mean what they say", "[core][simd]") {
  for (const std::string& t : corpus().texts) {
    const std::string p = padded(t);
    for (const std::size_t at : block_starts(t.size())) {
      const char* q = p.data() + at;
      unsigned want_star = 0, want_tilde = 0, want_json = 0, want_any = 0;
      const std::array<char, 6> set = {'*', ':', '^', '~', '\x80', '\0'};
      for (unsigned i = 0; i < 16; ++i) {
        const auto u = static_cast<unsigned char>(q[i]);
        want_star |= static_cast<unsigned>(q[i] == '*') << i;
        want_tilde |= static_cast<unsigned>(q[i] == '~') << i;
        want_json |= static_cast<unsigned>(u < 0x20 || u == '"' || u == '\\') << i;
        for (char c : set) want_any |= static_cast<unsigned>(q[i] == c) << i;
      }
      CHECK(simd::scalar::match16(q, '*') == want_star);
      unsigned a = 0, b = 0;
      simd::scalar::match16x2(q, '*', '~', a, b);
      CHECK(a == want_star);
      CHECK(b == want_tilde);
      CHECK(simd::scalar::json_escape16(q) == want_json);
      CHECK(simd::scalar::match16_any6(q, set) == want_any);
    }
  }
}

#if SOC278_SIMD
TEST_CASE("SSE2 and scalar 16-byte matches agree", "[core][simd]") {
  const std::array<std::array<char, 6>, 3> sets = {{{'*', ':', '^', '~', '\0', '\0'}, {'\x80', '\xff', '\x7f', '"', '\n', ' '}, {'A', 'A', 'A', 'A', 'A', 'A'}}};
  std::size_t mismatches = 0;
  std::size_t compared = 0;
  for (const std::string& t : corpus().texts) {
    const std::string p = padded(t);
    for (const std::size_t at : block_starts(t.size())) {
      const char* q = p.data() + at;
      for (char c : specials) {
        mismatches += simd::sse2::match16(q, c) != simd::scalar::match16(q, c);
        unsigned a1 = 0, b1 = 0, a2 = 0, b2 = 0;
        simd::sse2::match16x2(q, c, '~', a1, b1);
        simd::scalar::match16x2(q, c, '~', a2, b2);
        mismatches += a1 != a2 || b1 != b2;
      }
      mismatches += simd::sse2::json_escape16(q) != simd::scalar::json_escape16(q);
      for (const auto& set : sets) mismatches += simd::sse2::match16_any6(q, set) != simd::scalar::match16_any6(q, set);
      ++compared;
    }
  }
  CHECK(compared > 10000);
  CHECK(mismatches == 0);
}

TEST_CASE("SSE2 and scalar key matches agree", "[core][simd]") {
  std::mt19937 rng(5);
  for (int round = 0; round < 2000; ++round) {
    std::array<std::uint32_t, 4> keys{};
    for (auto& k : keys) k = rng() % 5;  // few values: many equal
    const std::uint32_t key = round % 7 == 0 ? 0xFFFFFFFFu : rng() % 5;
    CHECK(simd::sse2::match4_u32(keys.data(), key) == simd::scalar::match4_u32(keys.data(), key));
  }
}

TEST_CASE("SSE2 and scalar segment scans agree", "[core][simd]") {
  const std::vector<std::array<char, 3>> delimiter_sets = {
      {'*', '^', ':'}, {'*', '\0', ':'}, {'|', '!', '>'}, {'\x1d', '\x1f', '\x1e'}, {'\0', '\0', ':'}, {'*', '\x80', '\xff'}};
  std::size_t flags = 0;  // both outcomes occur
  for (const std::string& t : corpus().texts) {
    for (const auto& d : delimiter_sets) {
      const auto a = simd::sse2::segment_bytes(t.data(), t.size(), d[0], d[1], d[2]);
      const auto b = simd::scalar::segment_bytes(t.data(), t.size(), d[0], d[1], d[2]);
      if (a != b) {
        INFO("length " << t.size());
        CHECK(a.rep_or_bad == b.rep_or_bad);
        CHECK(a.component == b.component);
      }
      flags += a.rep_or_bad + a.component;
    }
  }
  CHECK(flags > 1000);
}

TEST_CASE("SSE2 and scalar same_bytes / copy_bytes agree", "[core][simd]") {
  std::mt19937 rng(7);
  for (const std::string& t : corpus().texts) {
    const std::size_t n = t.size();
    if (n >= 8 && n <= 64) {
      std::string u = t;
      CHECK(simd::sse2::same_bytes(t.data(), u.data(), n) == simd::scalar::same_bytes(t.data(), u.data(), n));
      CHECK(simd::scalar::same_bytes(t.data(), u.data(), n));
      u[rng() % n] ^= static_cast<char>(1 + rng() % 255);
      CHECK(simd::sse2::same_bytes(t.data(), u.data(), n) == simd::scalar::same_bytes(t.data(), u.data(), n));
      CHECK_FALSE(simd::scalar::same_bytes(t.data(), u.data(), n));
    }
    std::string out1(n + 32, '#');
    std::string out2(n + 32, '#');
    simd::sse2::copy_bytes(out1.data(), t.data(), n);
    simd::scalar::copy_bytes(out2.data(), t.data(), n);
    CHECK(out1 == out2);
    CHECK(out1.substr(0, n) == t);
    CHECK(out1.substr(n) == std::string(32, '#'));  // nothing written past n
  }
}

TEST_CASE("SSE2 and scalar MSG blocks agree", "[core][simd]") {
  for (const std::string& t : corpus().texts) {
    const std::string p = padded(t, ' ');
    for (unsigned len = 1; len <= 16 && len <= t.size(); ++len) {
      for (bool space : {false, true}) {
        std::array<char, 64> o1{}, o2{};
        bool s1 = space, s2 = space;
        const std::size_t n1 = simd::sse2::put_msg_block(p.data(), len, o1.data(), 3, s1);
        const std::size_t n2 = simd::scalar::put_msg_block(p.data(), len, o2.data(), 3, s2);
        REQUIRE(n1 == n2);
        CHECK(s1 == s2);
        CHECK(std::string(o1.data() + 3, n1 - 3) == std::string(o2.data() + 3, n2 - 3));
      }
    }
  }
}
#endif

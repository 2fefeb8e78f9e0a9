// No allocation per segment on the validator's hot path (STYLE.md sections 5 and 6): with the loop
// tree off, validating a set again allocates nothing, and a set with 100 times more service lines
// allocates only what its few growing vectors need (doubling), not per segment.
#include "soc278/ig/walker.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

#include "ig_support.hpp"

namespace {
std::atomic<std::size_t> g_allocations{0};
}

void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace soc278;

namespace {

// The infliximab set with its service line repeated `lines` times, as tokenized segments.
struct Set {
  std::vector<std::string> text;
  std::vector<x12::SegmentView> views;
};

Set service_lines(std::size_t lines) {
  const std::string sample = test::infliximab();
  std::vector<std::string> segs;
  std::size_t start = sample.find("ST*");
  while (true) {
    const std::size_t end = sample.find('~', start);
    std::string s = sample.substr(start, end - start);
    segs.push_back(s);
    if (s.rfind("SE*", 0) == 0) break;
    start = end + 2;  // "~\n"
  }
  Set out;
  // ST .. the first 2000F's NM1 (positions 1-28), then the line again and again, then SE.
  for (std::size_t i = 0; i < 21; ++i) out.text.push_back(segs[i]);
  for (std::size_t l = 0; l < lines; ++l) {
    out.text.push_back(fmt::format("HL*{}*4*SS*0", 5 + l));
    for (std::size_t i = 22; i < 28; ++i) out.text.push_back(segs[i]);
  }
  out.text.push_back(fmt::format("SE*{}*0001", out.text.size() + 1));
  out.views.resize(out.text.size());
  for (std::size_t i = 0; i < out.text.size(); ++i)
    (void)out.views[i].assign(out.text[i].data(), out.text[i].size(), x12::Delimiters{}, 0, i + 1);
  return out;
}

std::size_t validate(ig::TransactionValidator& v, const Set& set, std::size_t times) {
  const std::size_t before = g_allocations.load();
  for (std::size_t k = 0; k < times; ++k) {
    v.begin("00501", "HI", "005010X217");
    for (std::size_t i = 0; i < set.views.size(); ++i) v.segment(set.views[i], static_cast<std::uint32_t>(i + 1));
    const auto r = v.end();
    REQUIRE(r.errors == 0);
  }
  return g_allocations.load() - before;
}

}  // namespace

TEST_CASE("validating again allocates nothing", "[ig][alloc]") {
  ig::ValidationOptions o;
  o.build_tree = false;
  ig::TransactionValidator v(test::guides(), o);
  const Set set = service_lines(2);
  (void)validate(v, set, 1);  // warm-up: the validator's reusable buffers reach their size
  CHECK(validate(v, set, 100) == 0);
}

TEST_CASE("a hundred times more segments cost no more than vector doubling", "[ig][alloc]") {
  ig::ValidationOptions o;
  o.build_tree = false;
  const Set small = service_lines(10);
  const Set large = service_lines(1000);
  ig::TransactionValidator a(test::guides(), o);
  ig::TransactionValidator b(test::guides(), o);
  const std::size_t n_small = validate(a, small, 1);
  const std::size_t n_large = validate(b, large, 1);
  INFO(small.views.size() << " segments: " << n_small << " allocations; " << large.views.size() << " segments: " << n_large);
  CHECK(n_large <= n_small + 16);
}

TEST_CASE("with the loop tree on, the tree is the only thing that grows", "[ig][alloc]") {
  ig::TransactionValidator v(test::guides());
  const Set set = service_lines(100);
  (void)validate(v, set, 1);
  // Per 2000F: its node's segment and children vectors and its 2010F node's; plus the set's own few.
  CHECK(validate(v, set, 1) <= 100 * 4 + 40);
}

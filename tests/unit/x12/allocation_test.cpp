// No allocation per segment or element: reading 1k and 100k segments costs the same number of
// operator new calls (STYLE.md section 6).
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

#include "../x12/fixtures.hpp"
#include "soc278/x12/envelope.hpp"

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

// One transaction of `segments` body segments, so the count scales without new transactions.
std::string big_interchange(std::size_t segments) {
  std::string body = "ST*278*0001*005010X217~";
  for (std::size_t i = 0; i < segments; ++i) body += "SV1*HC:J1745:JW*9600*UN*160~";
  body += "SE*" + std::to_string(segments + 2) + "*0001~";
  return test::interchange("000000101", test::group("101", body));
}

class Count final : public x12::EnvelopeObserver {
 public:
  void on_transaction_segment(const x12::TransactionInfo&, const x12::SegmentView& s, std::uint32_t) override {
    elements += s.element_count();
    if (s.element_count() > 0) components += s.component_count(1);
  }
  std::size_t elements = 0;
  std::size_t components = 0;
};

std::size_t allocations_to_read(const std::string& text, std::size_t& elements) {
  x12::MemorySource src(text);
  core::DiagnosticList diags;
  Count counter;
  const std::size_t before = g_allocations.load();
  {
    x12::ChunkReader reader(src);
    x12::EnvelopeReader env(reader, diags, counter);
    env.run();
  }
  elements = counter.elements;
  REQUIRE(diags.total() == 0);
  return g_allocations.load() - before;
}

}  // namespace

TEST_CASE("reading 1k and 100k segments allocates the same number of times", "[x12][alloc]") {
  const std::string small = big_interchange(1000);
  const std::string large = big_interchange(100000);
  std::size_t small_elements = 0;
  std::size_t large_elements = 0;
  const std::size_t a = allocations_to_read(small, small_elements);
  const std::size_t b = allocations_to_read(large, large_elements);
  CHECK(large_elements > 90 * small_elements);
  CHECK(a == b);
  CHECK(a < 40);
}

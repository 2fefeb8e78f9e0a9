// Constant memory: a single functional group of any size, with findings in every set, goes through
// the engine (all four outputs written) within the same peak RSS. The input is generated on the fly
// by a ByteSource (nothing on disk), and the peak is the kernel's own figure for this test process
// (VmHWM, reset through /proc/self/clear_refs before the run). Not timed.
//
// Built without sanitizers only (tests/CMakeLists.txt): AddressSanitizer keeps freed memory in its
// quarantine by design, so under it RSS does not measure the program.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "engine_support.hpp"
#include "soc278/engine/output.hpp"
#include "soc278/engine/processor.hpp"
#include "support/test_support.hpp"

namespace soc278 {
namespace {

// Peak resident set of this process, in KiB (VmHWM), or 0 when /proc cannot say.
std::uint64_t peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6));
  return 0;
}

// Resets VmHWM to the current RSS (Linux 4.0+: "5" to clear_refs); false when not possible.
bool reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

// Discards what it is given, but keeps a position and can rewind: an output of any size in no memory.
class CountingOutput final : public engine::OutputSink {
 public:
  [[nodiscard]] std::uint64_t position() const noexcept override { return size_; }
  bool rewind(std::uint64_t mark) override {
    if (mark < size_) size_ = mark;
    return true;
  }

 protected:
  int_type overflow(int_type ch) override {
    if (!traits_type::eq_int_type(ch, traits_type::eof())) ++size_;
    return traits_type::not_eof(ch);
  }
  std::streamsize xsputn(const char*, std::streamsize n) override {
    size_ += static_cast<std::uint64_t>(n);
    return n;
  }

 private:
  std::uint64_t size_ = 0;
};

}  // namespace

TEST_CASE("one functional group of 50 MB with findings in every set runs in constant memory", "[engine][memory]") {
  // Every set has a finding: odd sets an invalid birth date (an error: the 999 rejects them), even
  // sets an ICD-10 code with its decimal point (a warning: they are decided and answered).
  test::GeneratedGroup small(test::read_file(test::source_dir() / "samples" / "infliximab-hopd.x12"), 4 << 20);
  test::GeneratedGroup large(test::read_file(test::source_dir() / "samples" / "infliximab-hopd.x12"), 52 << 20);
  const auto run = [](test::GeneratedGroup& input) {
    test::EngineFixture f;
    CountingOutput response, ack, ta1, report;
    core::DiagnosticList findings(16);  // keeps the first 16, counts the rest
    engine::TransactionProcessor processor(f.config, {&ack, &ta1, &response, &report}, findings);
    const engine::FileReport r = processor.run(input, "generated.x12");
    CHECK(r.transactions == input.sets());
    CHECK(r.rejected == (input.sets() + 1) / 2);
    CHECK(r.accepted == input.sets() / 2);
    CHECK(r.warnings >= input.sets() / 2);
    CHECK(r.errors >= (input.sets() + 1) / 2);
    CHECK(response.position() > 0);
    CHECK(report.position() > 0);
    CHECK(ack.position() > 0);
  };
  run(small);  // warms up what stays: the guides, the mappings, the buffers
  REQUIRE(reset_peak_rss());
  const std::uint64_t before = peak_rss_kib();
  run(large);
  const std::uint64_t peak = peak_rss_kib();
  INFO("peak RSS before " << before << " KiB, during the 52 MiB group " << peak << " KiB, " << large.sets() << " sets");
  REQUIRE(large.bytes() >= (50u << 20));
  CHECK(peak <= 32u * 1024u);
  // And flat: the large group adds no more than a few MiB to what the process held before it.
  CHECK(peak - before <= 8u * 1024u);
}

}  // namespace soc278

// soc278-read-bench: reader throughput, segments/s and peak RSS on one file.
//
//   soc278-read-bench FILE [--tokenize-only]
//
// Default: segment + element tokenizing with the envelope checks (ChunkReader + EnvelopeReader),
// touching every element. --tokenize-only: the ChunkReader alone. Prints one line of results.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fmt/core.h>

#include <chrono>
#include <cstring>

#include "soc278/x12/envelope.hpp"

namespace {

class Touch final : public soc278::x12::EnvelopeObserver {
 public:
  void on_transaction_segment(const soc278::x12::TransactionInfo&, const soc278::x12::SegmentView& s,
                              std::uint32_t) override {
    elements += s.element_count();
    bytes += s.element(s.element_count()).size();
  }
  std::uint64_t elements = 0;
  std::uint64_t bytes = 0;
};

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace soc278;
  if (argc < 2) {
    std::fprintf(stderr, "usage: soc278-read-bench FILE [--tokenize-only]\n");
    return 2;
  }
  const bool tokenize_only = argc > 2 && std::strcmp(argv[2], "--tokenize-only") == 0;
  const int fd = ::open(argv[1], O_RDONLY);
  if (fd < 0) {
    std::perror(argv[1]);
    return 2;
  }
  x12::FdSource src(fd);
  core::DiagnosticList diags(100);
  x12::ChunkReader reader(src);
  std::uint64_t segments = 0;
  std::uint64_t elements = 0;
  const auto start = std::chrono::steady_clock::now();
  if (tokenize_only) {
    x12::SegmentView s;
    while (reader.next(s, diags) == x12::ReadStatus::segment) {
      ++segments;
      elements += s.element_count();
    }
  } else {
    Touch touch;
    x12::EnvelopeReader env(reader, diags, touch);
    env.run();
    segments = env.stats().segments;
    elements = touch.elements;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::close(fd);
  const double mb = static_cast<double>(reader.bytes_read()) / 1e6;
  fmt::print("{}: {} {:.1f} MB in {:.3f} s = {:.0f} MB/s, {} segments ({:.1f} M segments/s), {} elements, {} findings, peak RSS {:.1f} MiB\n",
             tokenize_only ? "tokenize" : "tokenize+envelope", argv[1], mb, seconds, mb / seconds, segments,
             static_cast<double>(segments) / seconds / 1e6, elements, diags.total(), static_cast<double>(peak_rss_kib()) / 1024.0);
  return diags.total() == 0 ? 0 : 1;
}

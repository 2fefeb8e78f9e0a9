// soc278-validate-bench: reading + implementation-guide validation throughput and peak RSS on one file.
//
//   soc278-validate-bench FILE [--tree] [--no-fast-path] [--grammars DIR]
//
// Default: ChunkReader + EnvelopeReader + ig::FileValidator with build_tree = false, which is what
// `soc278 validate` runs. --tree: build_tree = true, what `soc278 process` needs for the model
// binder. --no-fast-path: ValidationOptions::fast_path = false (no compiled element checks, no
// clean-segment memory), to see what they buy on a given input. The grammars are loaded before the
// clock starts (start-up, not throughput). Prints one line: MB/s, transactions/s, segments/s,
// findings and peak RSS (getrusage ru_maxrss).
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fmt/core.h>

#include <chrono>
#include <cstring>
#include <string>

#include "soc278/ig/guide.hpp"
#include "soc278/ig/walker.hpp"
#include "soc278/x12/envelope.hpp"

#ifndef SOC278_SOURCE_DIR
#define SOC278_SOURCE_DIR "."
#endif

namespace {

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// User + system CPU seconds so far: on a shared machine the wall clock also counts time spent
// waiting for a core, the CPU time does not.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace soc278;
  std::string file;
  std::string grammars = std::string(SOC278_SOURCE_DIR) + "/grammars";
  bool tree = false;
  bool fast_path = true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--tree") == 0) {
      tree = true;
    } else if (std::strcmp(argv[i], "--no-fast-path") == 0) {
      fast_path = false;
    } else if (std::strcmp(argv[i], "--grammars") == 0 && i + 1 < argc) {
      grammars = argv[++i];
    } else if (file.empty() && argv[i][0] != '-') {
      file = argv[i];
    } else {
      file.clear();
      break;
    }
  }
  if (file.empty()) {
    std::fprintf(stderr, "usage: soc278-validate-bench FILE [--tree] [--no-fast-path] [--grammars DIR]\n");
    return 2;
  }
  auto guides = ig::load_guides(grammars);
  if (!guides.ok()) {
    std::fprintf(stderr, "%s\n", guides.error().message.c_str());
    return 2;
  }
  const int fd = ::open(file.c_str(), O_RDONLY);
  if (fd < 0) {
    std::perror(file.c_str());
    return 2;
  }
  ig::ValidationOptions options;
  options.build_tree = tree;
  options.fast_path = fast_path;
  x12::FdSource src(fd);
  core::DiagnosticList diags(100);
  x12::ChunkReader reader(src);
  std::uint64_t findings = 0;
  std::uint64_t groups = 0;
  const double cpu_start = cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  ig::FileValidator validator(
      guides.value(), options,
      [&](const x12::InterchangeInfo&, const x12::GroupInfo&, const x12::TransactionInfo&, ig::TransactionResult& r) {
        findings += r.findings.size() + r.findings_dropped;
      },
      [&](ig::GroupResult&) { ++groups; });
  x12::EnvelopeReader env(reader, diags, validator, &guides.value().envelope_codes());
  env.run();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = cpu_seconds() - cpu_start;
  ::close(fd);
  const double mb = static_cast<double>(reader.bytes_read()) / 1e6;
  const auto segments = env.stats().segments;
  fmt::print(
      "validate{}{}: {} {:.1f} MB in {:.3f} s = {:.0f} MB/s, {} transactions ({:.0f} k/s), {} segments ({:.1f} M segments/s), "
      "{} groups, {} rejected, {} envelope + {} validator findings, peak RSS {:.1f} MiB, CPU {:.3f} s = {:.0f} MB/s\n",
      tree ? "+tree" : "", fast_path ? "" : " (no fast path)", file, mb, seconds, mb / seconds, validator.transactions(),
      static_cast<double>(validator.transactions()) / seconds / 1e3, segments, static_cast<double>(segments) / seconds / 1e6, groups,
      validator.rejected(), diags.total(), findings, static_cast<double>(peak_rss_kib()) / 1024.0, cpu, mb / cpu);
  return diags.total() == 0 && findings == 0 ? 0 : 1;
}

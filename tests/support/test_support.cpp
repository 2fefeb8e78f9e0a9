#include "support/test_support.hpp"

#include <unistd.h>

#include <fmt/core.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "soc278/x12/envelope.hpp"

namespace soc278::test {

std::filesystem::path source_dir() { return SOC278_SOURCE_DIR; }

std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("SOC278_SHARED_DIR")) return env;
  return SOC278_SHARED_DIR;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir, const std::string& ext) {
  std::vector<std::filesystem::path> out;
  if (!std::filesystem::is_directory(dir)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    if (!ext.empty() && e.path().extension() != ext) continue;
    if (e.path().filename() == "README.md") continue;
    out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::filesystem::path> sample_files() { return files_in(source_dir() / "samples", ".x12"); }
std::vector<std::filesystem::path> corpus_files() { return files_in(shared_dir() / "corpus"); }

namespace {

std::string diag_line(const core::Diagnostic& d) {
  return fmt::format("{}@{}#{}/{}:{}:{}", core::name(d.code), d.at.byte_offset, d.at.segment_in_file, d.at.segment_in_set,
                     d.at.element, d.message);
}

class TraceSink final : public core::DiagnosticSink {
 public:
  explicit TraceSink(ReadTrace& t) : t_(t) {}
  void report(core::Diagnostic d) override { t_.diagnostics.push_back(diag_line(d)); }

 private:
  ReadTrace& t_;
};

class TraceObserver final : public x12::EnvelopeObserver {
 public:
  explicit TraceObserver(ReadTrace& t) : t_(t) {}
  [[nodiscard]] bool wants_every_segment() const override { return true; }
  void on_segment(const x12::SegmentView& s, x12::SegmentRole role) override {
    t_.segments.push_back(fmt::format("{}@{}[{}]:{}", s.ordinal(), s.byte_offset(), static_cast<int>(role), s.text()));
  }

 private:
  ReadTrace& t_;
};

}  // namespace

ReadTrace trace_reader(x12::ByteSource& source, x12::ReaderOptions options) {
  ReadTrace t;
  TraceSink sink(t);
  x12::ChunkReader reader(source, options);
  x12::SegmentView s;
  while (reader.next(s, sink) == x12::ReadStatus::segment)
    t.segments.push_back(fmt::format("{}@{}:{}", s.ordinal(), s.byte_offset(), s.text()));
  return t;
}

ReadTrace trace_envelope(x12::ByteSource& source, x12::ReaderOptions options) {
  ReadTrace t;
  TraceSink sink(t);
  TraceObserver obs(t);
  x12::ChunkReader reader(source, options);
  x12::EnvelopeReader env(reader, sink, obs);
  env.run();
  return t;
}

int run_cli(const std::string& args, std::string* out) {
  // A run without --db (or --control-start and --seed) claims numbers from the default ledger: keep
  // the tests' claims in a ledger of their own, never in the user's state folder.
  const std::string state = (std::filesystem::temp_directory_path() / "soc278-test-state").string();
  const std::string cmd = fmt::format("cd '{}' && SOC278_STATE_DIR=\"${{SOC278_STATE_DIR:-{}}}\" '{}' {} 2>/dev/null", source_dir().string(),
                                      state, SOC278_BINARY, args);
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  std::array<char, 4096> buf{};
  std::string text;
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) text.append(buf.data(), n);
  const int status = ::pclose(p);
  if (out != nullptr) *out = std::move(text);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::filesystem::path scratch_dir(const std::string& name) {
  const std::filesystem::path p = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

}  // namespace soc278::test

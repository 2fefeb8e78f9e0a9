// tests/fuzz/replay_main.cpp — runs a fuzz target over its seed corpus without libFuzzer (any
// compiler), as the CTest test fuzz.replay.<target>:
//
//   fuzz_replay_<target> PATH...
//
// Each PATH is a file or a folder (every regular file under it, sorted, README.md files skipped); a
// PATH that does not exist is skipped with a note (../shared/corpus when the checkout has no
// shared/ beside it). A failing check aborts, as it does under libFuzzer, after naming the input.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#include "fuzz_support.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> inputs_under(const fs::path& p) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (fs::is_regular_file(p, ec)) return {p};
  for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().filename() == "README.md") continue;
    out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  LLVMFuzzerInitialize(&argc, &argv);
  std::size_t replayed = 0;
  for (int i = 1; i < argc; ++i) {
    const fs::path root = argv[i];
    std::error_code ec;
    if (!fs::exists(root, ec)) {
      std::printf("replay: %s does not exist, skipped\n", root.string().c_str());
      continue;
    }
    std::size_t here = 0;
    for (const auto& file : inputs_under(root)) {
      std::ifstream in(file, std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (!in.good() && !in.eof()) {
        std::fprintf(stderr, "replay: %s: cannot read\n", file.string().c_str());
        return 1;
      }
      std::fprintf(stderr, "replay: %s\n", file.string().c_str());  // the last one named is the one that failed
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
      ++here;
    }
    std::printf("replay: %zu input(s) from %s\n", here, root.string().c_str());
    replayed += here;
  }
  std::printf("replayed %zu inputs\n", replayed);
  return 0;
}

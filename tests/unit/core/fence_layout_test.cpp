// The speed fence holds: no source file but src/core/simd.hpp names an intrinsic, an intrinsics
// header, a compiler builtin or a GNU-only libc call, and the public headers carry none of the
// walker's compiled internals (docs/HACKING.md, "The speed fence").
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> sources_under(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const auto ext = e.path().extension();
    if (e.is_regular_file() && (ext == ".hpp" || ext == ".cpp" || ext == ".h" || ext == ".def")) out.push_back(e.path());
  }
  return out;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("only src/core/simd.hpp holds intrinsics, builtins and GNU-only calls", "[core][simd][layout]") {
  const fs::path root = SOC278_SOURCE_DIR;
  const fs::path fence = root / "src" / "core" / "simd.hpp";
  std::size_t files = 0;
  for (const char* dir : {"src", "include", "bench"}) {
    for (const fs::path& p : sources_under(root / dir)) {
      if (fs::equivalent(p, fence)) continue;
      ++files;
      const std::string text = read(p);
      for (const char* banned : {"emmintrin", "immintrin", "xmmintrin", "_mm_", "__m128", "__builtin_", "memrchr("}) {
        INFO(p.string() << " names " << banned);
        CHECK(text.find(banned) == std::string::npos);
      }
    }
  }
  CHECK(files > 50);
}

TEST_CASE("public headers carry no FastCheck, alignas(64) tables or memo serials", "[core][simd][layout]") {
  const fs::path root = SOC278_SOURCE_DIR;
  for (const fs::path& p : sources_under(root / "include")) {
    const std::string text = read(p);
    for (const char* banned : {"FastCheck", "alignas(64)", "std::uint16_t serial", "#include \"core/simd.hpp\""}) {
      INFO(p.string() << " holds " << banned);
      CHECK(text.find(banned) == std::string::npos);
    }
  }
}

// tests/unit/mapping/temp_mappings.hpp — a private copy of mappings/ a test may break, and the check
// that the loader then fails naming file:line. Shared by the mapping stage's loader tests.
#pragma once

#include <catch2/catch.hpp>
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include "soc278/mapping/load.hpp"
#include "support/shipped_guides.hpp"
#include "support/test_support.hpp"

namespace soc278::test {

namespace fs = std::filesystem;

// A private copy of mappings/ that a test may break; removed when the test ends.
class TempMappings {
 public:
  TempMappings() {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() / fmt::format("soc278-mapping-{}-{}", ::getpid(), counter++);
    fs::remove_all(dir_);
    fs::copy(soc278::test::source_dir() / "mappings", dir_, fs::copy_options::recursive);
  }
  ~TempMappings() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  TempMappings(const TempMappings&) = delete;
  TempMappings& operator=(const TempMappings&) = delete;

  [[nodiscard]] const fs::path& dir() const { return dir_; }

  // Replaces the first `from` in `file` by `to`; returns the 1-based line where `from` started.
  int replace(const std::string& file, const std::string& from, const std::string& to) {
    const fs::path p = dir_ / file;
    std::string text = soc278::test::read_file(p);
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    text.replace(at, from.size(), to);
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
    return line;
  }
  // Appends text; returns the 1-based line of its first line.
  int append(const std::string& file, const std::string& text) {
    const fs::path p = dir_ / file;
    const std::string old = soc278::test::read_file(p);
    const int line = 1 + static_cast<int>(std::count(old.begin(), old.end(), '\n'));
    std::ofstream(p, std::ios::binary | std::ios::app) << text;
    return line;
  }

 private:
  fs::path dir_;
};

// The loader must fail with `code` and a message starting "<...>/<file>:<line>: ".
inline void expect_error(const TempMappings& t, core::DiagCode code, const std::string& file, int line, const std::string& words = "") {
  const auto r = mapping::load_mappings(t.dir(), soc278::test::shipped_guides());
  REQUIRE_FALSE(r.ok());
  INFO(r.error().message);
  CHECK(core::name(r.error().code) == core::name(code));
  CHECK(r.error().message.find(fmt::format("{}:{}: ", file, line)) != std::string::npos);
  if (!words.empty()) CHECK(r.error().message.find(words) != std::string::npos);
}

}  // namespace soc278::test

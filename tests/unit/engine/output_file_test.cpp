#include "soc278/engine/output_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>


#include "support/test_support.hpp"

namespace fs = std::filesystem;
using soc278::engine::OutputFile;

namespace {

fs::path scratch_dir(const std::string& name) { return soc278::test::scratch_dir("soc278-" + name); }
std::string slurp(const fs::path& p) { return soc278::test::read_file(p); }

// Bytes the file system holds for `p`: the blocks reserved ahead of the writes must be given back.
std::uint64_t allocated_bytes(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return static_cast<std::uint64_t>(st.st_blocks) * 512U;
}

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  return s;
}

}  // namespace

TEST_CASE("OutputFile writes under a temporary name and renames when committed", "[app][output]") {
  const auto dir = scratch_dir("output-file-commit");
  OutputFile f;
  REQUIRE(f.open(dir, "out.txt"));
  f.stream() << "hello";
  CHECK_FALSE(fs::exists(dir / "out.txt"));
  REQUIRE(f.commit(false));
  CHECK(slurp(dir / "out.txt") == "hello");

  OutputFile again;
  REQUIRE(again.open(dir, "out.txt"));
  again.stream() << "other";
  CHECK_FALSE(again.commit(false));  // never replaced without --force
  CHECK(again.error().find("exists") != std::string::npos);
  CHECK(slurp(dir / "out.txt") == "hello");
  for (const auto& e : fs::directory_iterator(dir)) CHECK(e.path().filename() == "out.txt");  // no temporary left
}

TEST_CASE("OutputFile gives back the blocks it reserved ahead of a large output", "[app][output]") {
  const auto dir = scratch_dir("output-file-reserve");
  const std::string body = pattern(5 * 1024 * 1024 + 123);  // several reservation steps, an odd tail
  OutputFile f;
  REQUIRE(f.open(dir, "big.txt"));
  for (std::size_t at = 0; at < body.size(); at += 1000) f.stream().write(body.data() + at, static_cast<std::streamsize>(std::min<std::size_t>(1000, body.size() - at)));
  REQUIRE(f.commit(false));
  CHECK(fs::file_size(dir / "big.txt") == body.size());
  CHECK(slurp(dir / "big.txt") == body);
  // At most one file-system block of slack past the size (a file system without fallocate reserves nothing).
  CHECK(allocated_bytes(dir / "big.txt") <= body.size() + 64 * 1024);
}

TEST_CASE("OutputFile rewinds into bytes already written to the file", "[app][output]") {
  const auto dir = scratch_dir("output-file-rewind");
  const std::string head = pattern(300 * 1024);  // past the 64 KiB buffer: the rewind truncates the file
  OutputFile f;
  REQUIRE(f.open(dir, "r.txt"));
  f.stream().write(head.data(), static_cast<std::streamsize>(head.size()));
  const auto mark = f.position();
  f.stream() << std::string(2 * 1024 * 1024, 'x');  // dropped
  REQUIRE(f.rewind(mark));
  f.stream() << "tail";
  REQUIRE(f.commit(false));
  CHECK(slurp(dir / "r.txt") == head + "tail");
  CHECK(allocated_bytes(dir / "r.txt") <= head.size() + 64 * 1024);
}

TEST_CASE("OutputFile keeps the order of small buffered writes and large direct ones", "[app][output]") {
  const auto dir = scratch_dir("output-file-order");
  const std::string big = pattern(200 * 1024);  // larger than the buffer: written straight to the file
  OutputFile f;
  REQUIRE(f.open(dir, "o.txt"));
  f.stream() << "head,";
  CHECK(f.position() == 5);
  f.stream().write(big.data(), static_cast<std::streamsize>(big.size()));
  CHECK(f.position() == 5 + big.size());
  f.stream() << ",tail";
  REQUIRE(f.commit(false));
  CHECK(slurp(dir / "o.txt") == "head," + big + ",tail");
}

// SetLog: the open interchange's set ids, kept on a temporary file and read back from any mark,
// across the blocks it writes in.
#include <catch2/catch.hpp>

#include <fmt/core.h>

#include <string>
#include <vector>

#include "engine/set_log.hpp"

namespace soc278 {

TEST_CASE("the set log reads back every record from a mark, across its blocks", "[engine][set_log]") {
  engine::SetLog log;
  std::vector<std::uint64_t> marks;
  const int n = 20000;  // ~25 bytes each: several 64 KiB blocks on the file, a tail in memory
  for (int k = 0; k < n; ++k) {
    marks.push_back(log.mark());
    log.append(fmt::format("{}", 1000 + k / 100), fmt::format("{:04}", k), k % 3 == 0 ? std::string() : fmt::format("TRACE{}", k));
  }
  for (const int from : {0, 1, 2621, 9999, n - 1}) {
    int expect = from;
    bool in_order = true;
    REQUIRE(log.read_from(marks[static_cast<std::size_t>(from)], [&](std::string_view gs06, std::string_view st02, std::string_view trace) {
      in_order = in_order && gs06 == fmt::format("{}", 1000 + expect / 100) && st02 == fmt::format("{:04}", expect) &&
                 trace == (expect % 3 == 0 ? std::string() : fmt::format("TRACE{}", expect));
      ++expect;
    }));
    CHECK(in_order);
    CHECK(expect == n);
  }
  // Appending after a read-back goes on where it left off.
  log.append("9", "9999", "LAST");
  int after = 0;
  REQUIRE(log.read_from(marks.back(), [&](std::string_view, std::string_view st02, std::string_view) {
    if (after++ == 1) CHECK(st02 == "9999");
  }));
  CHECK(after == 2);
  // A new interchange starts empty.
  log.clear();
  int none = 0;
  REQUIRE(log.read_from(0, [&](std::string_view, std::string_view, std::string_view) { ++none; }));
  CHECK(none == 0);
}

}  // namespace soc278

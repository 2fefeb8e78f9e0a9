// The command line's contract: exit 0 clean, 1 when an envelope error was found, 2 on usage / I/O.
#include <catch2/catch.hpp>

#include <fstream>

#include "support/test_support.hpp"

using soc278::test::run_cli;

TEST_CASE("segments: clean samples exit 0 and print a summary", "[app]") {
  std::string out;
  CHECK(run_cli("segments samples/two-groups.x12", &out) == 0);
  CHECK(out.find("2 group(s), 4 transaction set(s); 0 error(s)") != std::string::npos);
  CHECK(run_cli("segments samples/two-interchanges.x12 samples/delims-pipe.x12", &out) == 0);
  CHECK(out.find("2 interchange(s)") != std::string::npos);
}

TEST_CASE("segments: every sample and corpus file is read without a crash", "[app]") {
  for (const auto& f : soc278::test::sample_files()) CHECK(run_cli("segments '" + f.string() + "'") == 0);
  for (const auto& f : soc278::test::corpus_files()) {
    const int rc = run_cli("segments '" + f.string() + "'");
    CHECK((rc == 0 || rc == 1));
  }
}

TEST_CASE("segments: an envelope error exits 1 and the other sets are still listed", "[app]") {
  const std::string path = (std::filesystem::temp_directory_path() / "soc278_cli_bad.x12").string();
  {
    std::string text = soc278::test::read_file(soc278::test::source_dir() / "samples/two-groups.x12");
    const auto p = text.find("SE*");
    text.replace(p, 5, "SE*99");
    std::ofstream(path, std::ios::binary) << text;
  }
  std::string out;
  CHECK(run_cli("segments '" + path + "'", &out) == 1);
  CHECK(out.find("envelope.se_count_mismatch") != std::string::npos);
  CHECK(out.find("4 transaction set(s)") != std::string::npos);
  std::filesystem::remove(path);
}

TEST_CASE("segments: usage and I/O errors exit 2", "[app]") {
  CHECK(run_cli("segments /nonexistent/file.x12") == 2);
  CHECK(run_cli("segments") == 2);
  CHECK(run_cli("segments --no-such-flag samples/two-groups.x12") == 2);
  CHECK(run_cli("") == 2);
  CHECK(run_cli("segments --help") == 0);
}

TEST_CASE("segments: standard input, --json and --dump", "[app]") {
  std::string out;
  CHECK(run_cli("segments --json - < samples/infliximab-hopd.x12", &out) == 0);
  CHECK(out.find("{\"bytes\":") != std::string::npos);
  CHECK(out.find("\"type\":\"transaction\"") != std::string::npos);
  CHECK(run_cli("segments --dump samples/infliximab-hopd.x12", &out) == 0);
  CHECK(out.find("SV1*HC:J1745") != std::string::npos);
  // Member ids and names are masked unless --show-phi is given.
  CHECK(out.find("NM1*IL*1*") != std::string::npos);
  CHECK(run_cli("segments --json - < /dev/null", &out) == 1);
  CHECK(out.find("input.empty") != std::string::npos);
}

// The TR3-derived code table (tests/conformance/x217-tr3-codes.tsv) and a second check of written
// 278s and 999s against it, independent of soc278's own grammar: segments are placed by a small
// HL / NM101 / qualifier locator, not by the walker, and every coded element is held to the codes the
// public TR3-derived sources give (docs/conformance.md, "Code lists against TR3-derived sources").
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace soc278::test::tr3 {

struct Row {
  std::string guide;     // request | response | 999
  std::string loop;      // "2000F", "header", "trailer"
  std::string segment;   // "DTP(007)", "NM1", "CTX(segment)"
  std::string element;   // "UM06", "SV101-1", "-" for an absent occurrence
  std::vector<std::string> source_codes;  // empty: the source gives no list
  std::string source;
  std::string verdict;   // same | src | tol | open | absent
  std::vector<std::string> our_codes;     // empty with our_any: no list
  bool our_any = false;
  std::size_t line = 0;  // in the TSV

  [[nodiscard]] std::string segment_id() const;         // "DTP"
  [[nodiscard]] std::vector<std::string> qualifier() const;  // {"007"}; {} when unqualified
  [[nodiscard]] int position() const;                   // 6 for UM06
  [[nodiscard]] int component() const;                  // 1 for SV101-1; 0 for a simple element
  // What a written file may carry here: the source's codes where it gives a list and the verdict is not
  // open; otherwise the decided list; empty = anything.
  [[nodiscard]] std::vector<std::string> allowed_out() const;
  [[nodiscard]] std::string where() const;              // "response 2000F DTP(007) DTP02"
};

std::vector<Row> load_table(const std::filesystem::path& tsv);
std::filesystem::path table_path();

// Every violation in one written interchange (278 request or response, or 999), one line each:
// "<file>: segment <n> <SEG>: <element> '<found>' not allowed in <guide> <loop> (allowed: ...)".
// `checked` (when given) counts the coded values compared.
std::vector<std::string> check_written(const std::vector<Row>& table, std::string_view text, const std::string& label,
                                       std::size_t* checked = nullptr);

}  // namespace soc278::test::tr3

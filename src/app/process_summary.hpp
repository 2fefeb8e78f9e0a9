// src/app/process_summary.hpp — private: the summary table `process` prints at the end.
//
// Constant memory per file: the totals, at most `max_rows` formatted rows (the first files) and
// at most as many "not a 278 request" notes; the files past the cap are counted, not kept, so a
// run of 500,000 inputs holds a few KiB here.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "app/engine_names.hpp"

namespace soc278::app {

inline constexpr std::size_t default_max_rows = 100;

class ProcessSummary {
 public:
  explicit ProcessSummary(std::size_t max_rows) : max_rows_(max_rows) {}  // 0: every row
  void add(const FileReport& r);
  [[nodiscard]] std::size_t files() const noexcept { return files_; }
  void print() const;

 private:
  std::size_t max_rows_;
  std::size_t files_ = 0, notes_ = 0;
  FileReport total_;
  std::vector<std::string> rows_, notes_text_;
};

}  // namespace soc278::app

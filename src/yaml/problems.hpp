// src/yaml/problems.hpp (private to the project: the loaders of grammars/ and mappings/)
//
// The problem collector both loaders share: every problem is recorded as "file:line: message" and
// loading goes on, so a data author sees every mistake of every file in one run. At the end the
// loader turns the list into the one Diagnostic its API returns: the first problem's code, found
// value and position, and a message holding every problem, one per line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "soc278/core/diagnostic.hpp"
#include "yaml/document.hpp"

namespace soc278::yaml {

// "file:line: text" (line 1-based), or "file: text" when `at` has no line.
[[nodiscard]] std::string located(std::string_view file, Mark at, std::string_view text);

struct Problem {
  core::DiagCode code{};
  std::string message;  // "file:line: text"
  std::string found;    // the offending value, when there is one
  Mark at;
};

class Problems {
 public:
  void add(core::DiagCode code, std::string_view file, Mark at, std::string_view text, std::string found = {});
  // A message already located (or about no file at all).
  void add_message(core::DiagCode code, std::string message, std::string found = {}, Mark at = {});

  [[nodiscard]] bool empty() const { return list_.empty(); }
  [[nodiscard]] std::size_t size() const { return list_.size(); }
  [[nodiscard]] const std::vector<Problem>& list() const { return list_; }

  // The first problem's code, found value and byte position; the message lists the first
  // `max_lines` problems, one per line, then "(and N more)".
  [[nodiscard]] core::Diagnostic diagnostic(std::size_t max_lines) const;

 private:
  std::vector<Problem> list_;
};

}  // namespace soc278::yaml

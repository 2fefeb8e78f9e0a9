// src/app/source_lines.hpp — private: where a finding is, as an editor counts (FILE:LINE:COL).
//
// The reader keeps byte offsets only (counting lines would cost it speed on every segment; findings
// are rare). SourceLines reads the input again, only when a location is printed, from a cursor that
// moves forward (plus a checkpoint every MiB for the odd look back), so printing every finding of a
// file costs one more pass over it at most. The rule (docs/errors.md "Locations"):
//   - a file of several lines (a line feed with data after it): LINE is 1 + the line feeds before
//     the byte, COL 1 + the bytes between the last of them and the byte;
//   - a file on one line (the usual X12 layout without line breaks): LINE is the segment's ordinal
//     in the file and COL counts from the segment's first byte, as X12 viewers show one segment a line;
//   - the byte is the first of the element (component) the finding names, else of the segment.
// An input that cannot be read again (a pipe) is located like a one-line file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "soc278/core/diagnostic.hpp"

namespace soc278::app {

struct LineColumn {
  std::uint64_t line = 0;
  std::uint64_t column = 0;
};

class SourceLines {
 public:
  explicit SourceLines(const std::string& path);
  ~SourceLines();
  SourceLines(const SourceLines&) = delete;
  SourceLines& operator=(const SourceLines&) = delete;

  [[nodiscard]] LineColumn locate(const core::SourcePosition& at);

 private:
  void start();
  std::uint64_t element_shift(std::uint64_t offset, std::uint16_t element, std::uint16_t component);
  LineColumn line_of(std::uint64_t offset);

  struct Mark {
    std::uint64_t offset = 0;      // bytes before this have been counted
    std::uint64_t lines = 0;       // line feeds before `offset`
    std::uint64_t line_start = 0;  // offset of the byte after the last of them
  };
  int fd_ = -1;
  bool started_ = false;
  bool multi_line_ = false;
  char element_separator_ = '*';  // of the first ISA: to find an element's column
  char component_separator_ = ':';
  char terminator_ = '~';
  Mark cursor_;
  std::vector<Mark> checkpoints_;  // one per MiB counted, for looking back
  std::vector<char> block_;
};

// "FILE:LINE:COL: " (and " byte B," with verbose) followed by "segment N (set position M, loop L,
// NM108): severity code: message" — the message masked by finding_message() unless show_phi.
[[nodiscard]] std::string format_finding(const std::string& file, const core::Diagnostic& d, SourceLines* lines, bool verbose,
                                         bool show_phi = false);

}  // namespace soc278::app

// src/app/input.hpp — private: opening inputs ("-" is standard input) and printing findings.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "soc278/core/diagnostic.hpp"
#include "soc278/x12/byte_source.hpp"

namespace soc278::app {

struct OpenInput {
  std::unique_ptr<x12::ByteSource> source;
  int fd = -1;          // closed by the destructor when owned
  std::string error;    // why it could not be opened
  ~OpenInput();
};

// Opens `path` for reading ("-" = standard input). On failure `source` is null and `error` says why.
// With `interrupt`, a read blocked on a silent pipe ends the input when a signal sets it.
[[nodiscard]] std::unique_ptr<OpenInput> open_input(const std::string& path, const std::atomic<bool>* interrupt = nullptr);

// "file: byte B, segment N (set position M, loop L, NM108): severity code: message", masked
// (privacy.hpp); where a file can be read again, source_lines.hpp's format_finding() also says FILE:LINE:COL.
[[nodiscard]] std::string format_diagnostic(const std::string& file, const core::Diagnostic& d);

}  // namespace soc278::app

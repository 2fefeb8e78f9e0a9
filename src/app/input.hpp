// src/app/input.hpp — private: opening inputs ("-" is standard input) and printing findings.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "soc278/core/diagnostic.hpp"
#include "soc278/x12/byte_source.hpp"

namespace soc278::app {

struct OpenInput {
  std::unique_ptr<x12::ByteSource> source;
  int fd = -1;              // closed by the destructor when owned
  std::uint64_t size = 0;   // of a regular file (0 for standard input)
  dev_t dev = 0;            // the file's identity (a regular file only)
  ino_t ino = 0;
  std::string error;        // why it could not be opened
  ~OpenInput();
};

// Opens `path` for reading ("-" = standard input). Only a regular file is read: a FIFO, a device,
// a socket or a folder is refused ("not a regular file (a FIFO)"); the open itself never waits
// (O_NONBLOCK, cleared once the file is known to be regular), so a FIFO without a writer does not
// hang the run. On failure `source` is null and `error` says why.
// With `interrupt`, a read blocked on a silent pipe ends the input when a signal sets it.
[[nodiscard]] std::unique_ptr<OpenInput> open_input(const std::string& path, const std::atomic<bool>* interrupt = nullptr);

// "a FIFO", "a character device", "a folder"...: what a file of this st_mode is, for messages.
[[nodiscard]] const char* file_kind(mode_t mode) noexcept;

// "file: byte B, segment N (set position M, loop L, NM108): severity code: message", masked
// (privacy.hpp); where a file can be read again, source_lines.hpp's format_finding() also says FILE:LINE:COL.
[[nodiscard]] std::string format_diagnostic(const std::string& file, const core::Diagnostic& d);

}  // namespace soc278::app

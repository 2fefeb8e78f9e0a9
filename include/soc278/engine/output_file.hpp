// soc278/engine/output_file.hpp
//
// Provides OutputFile: an output written under a temporary name and renamed when
// complete, never overwriting an existing file unless asked (the brief: "nothing lost or
// overwritten"). It is a std::streambuf, so the writers stream into it, and it can rewind to a
// mark: the pipeline drops a functional group or an interchange that is rejected after its
// responses were already streamed (a GE or IEA error is only known at the trailer).
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

#include "soc278/engine/output.hpp"

namespace soc278::engine {

class OutputFile final : public OutputSink {
 public:
  OutputFile() = default;
  ~OutputFile() override;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Creates `<dir>/.<name>.tmp-<pid>`; the final name is `<dir>/<name>`. Returns false and sets
  // error() when the temporary cannot be created.
  bool open(const std::filesystem::path& dir, const std::string& name);
  [[nodiscard]] bool is_open() const noexcept { return fd_ >= 0; }
  [[nodiscard]] std::uint64_t position() const noexcept override { return flushed_ + static_cast<std::uint64_t>(pptr() - pbase()); }
  // Drops everything written after `mark` (a value position() returned).
  bool rewind(std::uint64_t mark) override;
  // Flushes, syncs and renames to the final name. With `replace` false an existing file is never
  // replaced (renameat2 RENAME_NOREPLACE). An empty output is removed instead when `keep_empty` is false.
  bool commit(bool replace, bool keep_empty = true);
  // Removes the temporary (called by the destructor when commit() was not).
  void discard() noexcept;
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  [[nodiscard]] const std::filesystem::path& final_path() const noexcept { return final_; }

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  bool flush_buffer();
  bool write_all(const char* p, std::size_t n);  // straight to the file, at flushed_
  void start_writeback();
  void preallocate(std::uint64_t upto);
  int fd_ = -1;
  // Bytes handed to the kernel but not yet queued for writeback (start_writeback). Every
  // writeback_step bytes the kernel is asked to start writing them out, so that the fsync at commit
  // waits for the last few MiB only, not for a whole file of dirty pages (RocksDB's bytes_per_sync).
  static constexpr std::uint64_t writeback_step = 8 << 20;
  std::uint64_t written_back_ = 0;
  // Bytes the file system has already reserved for the file (fallocate, FALLOC_FL_KEEP_SIZE): on
  // ext4 a buffered write into reserved blocks skips the per-page delayed-allocation work, which
  // was a third of the kernel time of writing a report (docs/PERFORMANCE.md). The reservation grows
  // with the file, at most 64 MiB ahead; commit() truncates what was not used. Only a hint: a file
  // system without fallocate (or one that is full) just turns it off, and write() reports any error.
  std::uint64_t reserved_ = 0;
  bool reserve_ = true;
  std::vector<char> buffer_ = std::vector<char>(64 * 1024);
  static constexpr std::streamsize direct_write_min = 16 * 1024;  // xsputn: larger blocks bypass buffer_
  std::uint64_t flushed_ = 0;
  std::filesystem::path temp_, final_;
  std::string error_;
};

// Removes the temporary files OutputFile left in `dir` (".<name>.tmp-<pid>") when the process that
// made them is gone (killed before it could clean up): never another live run's. Returns the
// names removed.
std::vector<std::string> remove_stale_temporaries(const std::filesystem::path& dir);

}  // namespace soc278::engine

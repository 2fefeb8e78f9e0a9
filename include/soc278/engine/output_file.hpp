// soc278/engine/output_file.hpp
//
// Provides OutputDir and OutputFile: outputs written under a temporary name and renamed when
// complete, never overwriting an existing file unless asked (the brief: "nothing lost or
// overwritten"). OutputFile is a std::streambuf, so the writers stream into it, and it can rewind to
// a mark: the pipeline drops a functional group or an interchange that is rejected after its
// responses were already streamed (a GE or IEA error is only known at the trailer).
//
// Hostile folders. The output folder is opened once (O_DIRECTORY | O_NOFOLLOW: a folder that is a
// symbolic link is refused) and every file operation is relative to that descriptor (openat,
// renameat, unlinkat), so a folder renamed or swapped for a link during a run cannot redirect a
// write. A temporary is `.<name>.tmp-<pid>-<12 random hex digits>`, created with
// O_CREAT | O_EXCL | O_NOFOLLOW and mode 0600: a file or link planted at a guessed name is never
// opened, truncated or followed. The final permission bits (default 0640) are set on the descriptor
// before the rename. Several outputs of one input are delivered together: output_set.hpp.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

#include "soc278/engine/output.hpp"

namespace soc278::engine {

// Permission bits of a delivered output unless the caller asks otherwise (owner read-write, group read).
inline constexpr mode_t default_output_mode = 0640;

// The output folder, open for the run. Movable, not copyable.
class OutputDir {
 public:
  OutputDir() = default;
  ~OutputDir();
  OutputDir(OutputDir&& o) noexcept : fd_(o.fd_), path_(std::move(o.path_)) { o.fd_ = -1; }
  OutputDir& operator=(OutputDir&& o) noexcept;
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  // Opens `path` (created with mode 0750 when missing; its parents as well). Refuses a path whose
  // last component is a symbolic link, or that is not a folder. False and error() on failure.
  bool open(const std::filesystem::path& path, bool create = true);
  [[nodiscard]] int fd() const noexcept { return fd_; }
  [[nodiscard]] bool is_open() const noexcept { return fd_ >= 0; }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  // Flushes the folder's entries (after renames) to disk. False on an I/O error.
  bool sync() const noexcept;

 private:
  int fd_ = -1;
  std::filesystem::path path_;
  std::string error_;
};

class OutputFile final : public OutputSink {
 public:
  OutputFile() = default;
  ~OutputFile() override;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Creates the temporary for `name` in `dir` (which must outlive this object); the final name is
  // `name`, and `mode` the permission bits it gets when sealed. Returns false and sets error() when
  // the temporary cannot be created.
  bool open(const OutputDir& dir, const std::string& name, mode_t mode = default_output_mode);
  // The same in a folder opened for this file alone (OutputDir::open with create = false).
  bool open(const std::filesystem::path& dir, const std::string& name, mode_t mode = default_output_mode);
  [[nodiscard]] bool is_open() const noexcept { return fd_ >= 0; }
  [[nodiscard]] std::uint64_t position() const noexcept override { return flushed_ + static_cast<std::uint64_t>(pptr() - pbase()); }
  // Drops everything written after `mark` (a value position() returned).
  bool rewind(std::uint64_t mark) override;
  // Flushes, trims, sets the final mode, syncs and closes the temporary; it stays under its
  // temporary name until published (output_set.hpp). False (and error()) when any write of this
  // file failed, now or earlier: an output that missed bytes is never delivered.
  bool seal();
  // Seals and renames to the final name: commit_together() with this file alone. With `replace`
  // false an existing file is never replaced. An empty output is removed instead when `keep_empty`
  // is false (and, with `replace`, an earlier file of that name as well).
  bool commit(bool replace, bool keep_empty = true);
  // Removes the temporary (called by the destructor when it was not published).
  void discard() noexcept;
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  [[nodiscard]] std::filesystem::path final_path() const { return dir_path_ / name_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const std::string& temp_name() const noexcept { return temp_; }
  [[nodiscard]] int dir_fd() const noexcept { return dir_fd_; }
  [[nodiscard]] const std::filesystem::path& dir_path() const noexcept { return dir_path_; }
  [[nodiscard]] std::uint64_t size() const noexcept { return flushed_; }

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  friend struct OutputSetAccess;  // output_set.cpp: publishing marks the temporary gone
  bool flush_buffer();
  bool write_all(const char* p, std::size_t n);  // straight to the file, at flushed_
  void start_writeback();
  void preallocate(std::uint64_t upto);
  void fail(const std::string& what, int err);
  int fd_ = -1;
  int dir_fd_ = -1;
  OutputDir own_dir_;     // open(path, ...) only
  bool has_temp_ = false;  // the temporary exists in the folder (open, or sealed and not yet published)
  bool failed_ = false;    // a write, a rewind or the sync failed: never delivered
  mode_t mode_ = default_output_mode;
  // Bytes handed to the kernel but not yet queued for writeback (start_writeback). Every
  // writeback_step bytes the kernel is asked to start writing them out, so that the fsync at commit
  // waits for the last few MiB only, not for a whole file of dirty pages (RocksDB's bytes_per_sync).
  static constexpr std::uint64_t writeback_step = 8 << 20;
  std::uint64_t written_back_ = 0;
  // Bytes the file system has already reserved for the file (fallocate, FALLOC_FL_KEEP_SIZE): on
  // ext4 a buffered write into reserved blocks skips the per-page delayed-allocation work, which
  // was a third of the kernel time of writing a report (docs/PERFORMANCE.md). The reservation grows
  // with the file, at most 64 MiB ahead; seal() truncates what was not used. Only a hint: a file
  // system without fallocate (or one that is full) just turns it off, and write() reports any error.
  std::uint64_t reserved_ = 0;
  bool reserve_ = true;
  static constexpr std::uint64_t reserve_from = 1 << 20;  // no reservation before the file reaches 1 MiB
  std::vector<char> buffer_ = std::vector<char>(64 * 1024);
  static constexpr std::streamsize direct_write_min = 16 * 1024;  // xsputn: larger blocks bypass buffer_
  std::uint64_t flushed_ = 0;
  std::filesystem::path dir_path_;
  std::string name_, temp_;
  std::string error_;
};

// True when `name` is a temporary OutputFile makes (".<name>.tmp-<pid>[-<suffix>]"); sets `pid`.
bool is_temporary_name(const std::string& name, pid_t* pid = nullptr);

// Removes the temporary files OutputFile left in `dir` when the process that made them is gone
// (killed before it could clean up): never another live run's, never anything but a regular file.
// Returns the names removed.
std::vector<std::string> remove_stale_temporaries(const OutputDir& dir);
std::vector<std::string> remove_stale_temporaries(const std::filesystem::path& dir);

}  // namespace soc278::engine

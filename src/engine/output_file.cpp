#include "soc278/engine/output_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace soc278::engine {

OutputFile::~OutputFile() { discard(); }

bool OutputFile::open(const std::filesystem::path& dir, const std::string& name) {
  final_ = dir / name;
  temp_ = dir / ("." + name + ".tmp-" + std::to_string(::getpid()));
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    error_ = temp_.string() + ": " + std::strerror(errno);
    return false;
  }
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  flushed_ = 0;
  written_back_ = 0;
  reserved_ = 0;
  reserve_ = true;
  return true;
}

void OutputFile::preallocate(std::uint64_t upto) {
  // Steps of half the file so far, between 1 and 64 MiB: a small output reserves little, a large
  // one asks the file system a dozen times per GiB.
  constexpr std::uint64_t min_step = 1 << 20, max_step = 64 << 20;
  const std::uint64_t step = std::clamp<std::uint64_t>(flushed_ / 2, min_step, max_step);
  const std::uint64_t to = std::max(upto, reserved_ + step);
  if (::fallocate(fd_, FALLOC_FL_KEEP_SIZE, static_cast<off_t>(reserved_), static_cast<off_t>(to - reserved_)) != 0) {
    reserve_ = false;
    return;
  }
  reserved_ = to;
}

bool OutputFile::flush_buffer() {
  if (!write_all(pbase(), static_cast<std::size_t>(pptr() - pbase()))) return false;
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  return true;
}

bool OutputFile::write_all(const char* p, std::size_t n) {
  if (reserve_ && flushed_ + n > reserved_) preallocate(flushed_ + n);
  while (n > 0) {
    const ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      error_ = temp_.string() + ": " + std::strerror(errno);
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
    flushed_ += static_cast<std::uint64_t>(w);
  }
  if (flushed_ - written_back_ >= writeback_step) start_writeback();
  return true;
}

void OutputFile::start_writeback() {
  // Asynchronous: SYNC_FILE_RANGE_WRITE queues the dirty pages and returns; the kernel writes them
  // while the run goes on. Only a hint: durability still comes from the fsync in commit(), so an
  // error here (e.g. a file system without support) is ignored. A later rewind() may truncate what
  // was queued; that is harmless.
  (void)::sync_file_range(fd_, static_cast<off_t>(written_back_), static_cast<off_t>(flushed_ - written_back_), SYNC_FILE_RANGE_WRITE);
  written_back_ = flushed_;
}

OutputFile::int_type OutputFile::overflow(int_type ch) {
  if (fd_ < 0 || !flush_buffer()) return traits_type::eof();
  if (ch != traits_type::eof()) {
    *pptr() = static_cast<char>(ch);
    pbump(1);
  }
  return traits_type::not_eof(ch);
}

std::streamsize OutputFile::xsputn(const char* s, std::streamsize n) {
  // A large block (a functional group of 278 responses, held by its writer until the GE is known,
  // is ~50 KiB) goes to the kernel as it is: copying it through the buffer first cost as much as
  // the copy the kernel makes anyway.
  if (n >= direct_write_min && fd_ >= 0) {
    if (!flush_buffer() || !write_all(s, static_cast<std::size_t>(n))) return 0;
    return n;
  }
  std::streamsize done = 0;
  while (done < n) {
    const std::streamsize room = epptr() - pptr();
    if (room == 0) {
      if (overflow(traits_type::eof()) == traits_type::eof()) return done;
      continue;
    }
    const std::streamsize k = std::min(room, n - done);
    std::memcpy(pptr(), s + done, static_cast<std::size_t>(k));
    pbump(static_cast<int>(k));
    done += k;
  }
  return done;
}

int OutputFile::sync() { return fd_ >= 0 && flush_buffer() ? 0 : -1; }

bool OutputFile::rewind(std::uint64_t mark) {
  if (fd_ < 0) return false;
  if (mark >= flushed_) {
    // Still in the buffer: just drop the tail.
    const auto keep = static_cast<std::ptrdiff_t>(mark - flushed_);
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    pbump(static_cast<int>(keep));
    return true;
  }
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  if (::ftruncate(fd_, static_cast<off_t>(mark)) != 0 || ::lseek(fd_, static_cast<off_t>(mark), SEEK_SET) < 0) {
    error_ = temp_.string() + ": " + std::strerror(errno);
    return false;
  }
  flushed_ = mark;
  written_back_ = std::min(written_back_, mark);
  reserved_ = std::min(reserved_, mark);  // ftruncate released the blocks past the mark
  return true;
}

bool OutputFile::commit(bool replace, bool keep_empty) {
  if (fd_ < 0) return false;
  stream().flush();
  const bool flushed = flush_buffer();
  // Gives back the reserved blocks past the end (a truncate to the same size releases them).
  const bool trimmed = flushed && (reserved_ <= flushed_ || ::ftruncate(fd_, static_cast<off_t>(flushed_)) == 0);
  const bool synced = trimmed && ::fsync(fd_) == 0;
  ::close(fd_);
  fd_ = -1;
  if (!synced) {
    if (error_.empty()) error_ = temp_.string() + ": " + std::strerror(errno);
    ::unlink(temp_.c_str());
    return false;
  }
  if (!keep_empty && flushed_ == 0) {
    ::unlink(temp_.c_str());
    return true;
  }
  const int rc = replace ? ::rename(temp_.c_str(), final_.c_str())
                         : ::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, final_.c_str(), RENAME_NOREPLACE);
  if (rc != 0) {
    error_ = final_.string() + ": " + (errno == EEXIST ? std::string("exists (use --force to replace it)") : std::strerror(errno));
    ::unlink(temp_.c_str());
    return false;
  }
  return true;
}

void OutputFile::discard() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
    ::unlink(temp_.c_str());
  }
}

std::vector<std::string> remove_stale_temporaries(const std::filesystem::path& dir) {
  std::vector<std::string> removed;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const auto tmp = name.rfind(".tmp-");
    if (name.empty() || name[0] != '.' || tmp == std::string::npos || tmp + 5 >= name.size()) continue;
    const std::string digits = name.substr(tmp + 5);
    if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (pid <= 0 || pid == ::getpid()) continue;
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to ask): leave it
    std::error_code rm;
    if (entry.is_regular_file(rm) && std::filesystem::remove(entry.path(), rm)) removed.push_back(name);
  }
  return removed;
}

}  // namespace soc278::engine

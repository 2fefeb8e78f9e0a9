#include "soc278/engine/output_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <random>

#include "soc278/engine/output_set.hpp"

namespace soc278::engine {
namespace {

// 12 hex digits nobody can guess: the temporary's name is never predictable, and O_EXCL makes
// a collision (or a planted file) a retry, never an open of someone else's file.
std::string random_suffix() {
  std::array<unsigned char, 6> bytes{};
  if (::getrandom(bytes.data(), bytes.size(), GRND_NONBLOCK) != static_cast<ssize_t>(bytes.size())) {
    std::random_device rd;
    for (auto& b : bytes) b = static_cast<unsigned char>(rd());
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  for (const unsigned char b : bytes) {
    s.push_back(hex[b >> 4]);
    s.push_back(hex[b & 15]);
  }
  return s;
}

}  // namespace

// ---- OutputDir ----

OutputDir::~OutputDir() {
  if (fd_ >= 0) ::close(fd_);
}

OutputDir& OutputDir::operator=(OutputDir&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    path_ = std::move(o.path_);
    error_ = std::move(o.error_);
    o.fd_ = -1;
  }
  return *this;
}

bool OutputDir::open(const std::filesystem::path& given, bool create) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  // "link/" would make open() follow the link whatever O_NOFOLLOW says: the slashes go.
  std::string text = given.string();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  const std::filesystem::path path(text);
  path_ = path;
  error_.clear();
  if (create) {
    // Parents first (their links are followed: they are resolved once, here); the folder itself
    // with mkdir, which never follows a link either.
    std::error_code ec;
    if (path.has_parent_path() && !path.parent_path().empty()) std::filesystem::create_directories(path.parent_path(), ec);
    if (::mkdir(path.c_str(), 0750) != 0 && errno != EEXIST) {
      error_ = path.string() + ": " + std::strerror(errno);
      return false;
    }
  }
  fd_ = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd_ < 0) {
    const int err = errno;
    struct stat st {};
    if (err == ELOOP || (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)))
      error_ = path.string() + ": is a symbolic link (give the folder it points to; outputs never follow links)";
    else if (err == ENOTDIR)
      error_ = path.string() + ": not a folder";
    else
      error_ = path.string() + ": " + std::strerror(err);
    return false;
  }
  return true;
}

bool OutputDir::sync() const noexcept { return fd_ >= 0 && ::fsync(fd_) == 0; }

// ---- OutputFile ----

OutputFile::~OutputFile() { discard(); }

bool OutputFile::open(const std::filesystem::path& dir, const std::string& name, mode_t mode) {
  discard();
  if (!own_dir_.open(dir, false)) {
    error_ = own_dir_.error();
    return false;
  }
  return open(own_dir_, name, mode);
}

bool OutputFile::open(const OutputDir& dir, const std::string& name, mode_t mode) {
  discard();
  error_.clear();
  failed_ = false;
  dir_fd_ = dir.fd();
  dir_path_ = dir.path();
  name_ = name;
  mode_ = mode;
  for (int attempt = 0; attempt < 16; ++attempt) {
    temp_ = "." + name + ".tmp-" + std::to_string(::getpid()) + "-" + random_suffix();
    fd_ = ::openat(dir_fd_, temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd_ >= 0 || errno != EEXIST) break;
  }
  if (fd_ < 0) {
    error_ = (dir_path_ / temp_).string() + ": " + std::strerror(errno);
    return false;
  }
  has_temp_ = true;
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  flushed_ = 0;
  written_back_ = 0;
  reserved_ = 0;
  reserve_ = true;
  return true;
}

void OutputFile::fail(const std::string& what, int err) {
  failed_ = true;
  if (error_.empty()) error_ = what + ": " + std::strerror(err);
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
  const bool ok = write_all(pbase(), static_cast<std::size_t>(pptr() - pbase()));
  // What could not be written is dropped either way (the file is failed): writing it again later
  // would put bytes twice.
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  return ok;
}

bool OutputFile::write_all(const char* p, std::size_t n) {
  if (failed_) return false;
  // Small outputs (most: one request's answer is a few KiB) reserve nothing: on tmpfs a reservation
  // is real pages, and 1 MiB reserved and given back per output was most of the system time of a run
  // over 100,000 small inputs.
  if (reserve_ && flushed_ + n > reserved_ && flushed_ + n > reserve_from) preallocate(flushed_ + n);
  while (n > 0) {
    const ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      fail((dir_path_ / name_).string(), errno);
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
  // while the run goes on. Only a hint: durability still comes from the fsync in seal(), so an
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
  if (fd_ < 0 || failed_) return false;
  if (mark >= flushed_) {
    // Still in the buffer: just drop the tail.
    const auto keep = static_cast<std::ptrdiff_t>(mark - flushed_);
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    pbump(static_cast<int>(keep));
    return true;
  }
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  if (::ftruncate(fd_, static_cast<off_t>(mark)) != 0 || ::lseek(fd_, static_cast<off_t>(mark), SEEK_SET) < 0) {
    fail((dir_path_ / name_).string(), errno);
    return false;
  }
  flushed_ = mark;
  written_back_ = std::min(written_back_, mark);
  reserved_ = std::min(reserved_, mark);  // ftruncate released the blocks past the mark
  return true;
}

bool OutputFile::seal() {
  if (fd_ < 0) return has_temp_ && !failed_;  // sealed already
  if (!stream().bad()) stream().flush();
  flush_buffer();
  if (stream().bad() && !failed_) {
    failed_ = true;
    if (error_.empty()) error_ = (dir_path_ / name_).string() + ": not completely written";
  }
  // Gives back the reserved blocks past the end (a truncate to the same size releases them).
  if (!failed_ && reserved_ > flushed_ && ::ftruncate(fd_, static_cast<off_t>(flushed_)) != 0) fail((dir_path_ / name_).string(), errno);
  if (!failed_ && ::fchmod(fd_, mode_) != 0) fail((dir_path_ / name_).string(), errno);
  if (!failed_ && ::fsync(fd_) != 0) fail((dir_path_ / name_).string(), errno);
  if (::close(fd_) != 0 && !failed_) fail((dir_path_ / name_).string(), errno);
  fd_ = -1;
  return !failed_;
}

bool OutputFile::commit(bool replace, bool keep_empty) {
  const SetMember m{this, keep_empty};
  SetCommitResult r = commit_together(std::span<const SetMember>(&m, 1), replace);
  if (!r.ok && error_.empty()) error_ = r.error;
  return r.ok;
}

void OutputFile::discard() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (has_temp_) {
    ::unlinkat(dir_fd_, temp_.c_str(), 0);
    has_temp_ = false;
  }
}

// ---- stale temporaries ----

bool is_temporary_name(const std::string& name, pid_t* pid) {
  const auto tmp = name.rfind(".tmp-");
  if (name.empty() || name[0] != '.' || tmp == std::string::npos || tmp + 5 >= name.size()) return false;
  std::string digits = name.substr(tmp + 5);
  const auto dash = digits.find('-');
  if (dash != std::string::npos) {  // ".tmp-<pid>-<suffix>"
    const std::string suffix = digits.substr(dash + 1);
    if (suffix.empty() || suffix.size() > 32 || suffix.find_first_not_of("0123456789abcdef") != std::string::npos) return false;
    digits.resize(dash);
  }
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return false;
  const auto p = static_cast<pid_t>(std::stol(digits));
  if (p <= 0) return false;
  if (pid != nullptr) *pid = p;
  return true;
}

std::vector<std::string> remove_stale_temporaries(const OutputDir& dir) {
  std::vector<std::string> removed;
  if (!dir.is_open()) return removed;
  const int fd = ::openat(dir.fd(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return removed;
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    ::close(fd);
    return removed;
  }
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    pid_t pid = 0;
    if (!is_temporary_name(name, &pid) || pid == ::getpid()) continue;
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to ask): leave it
    struct stat st {};
    if (::fstatat(dir.fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) continue;
    if (::unlinkat(dir.fd(), name.c_str(), 0) == 0) removed.push_back(name);
  }
  ::closedir(d);
  std::sort(removed.begin(), removed.end());
  return removed;
}

std::vector<std::string> remove_stale_temporaries(const std::filesystem::path& dir) {
  OutputDir d;
  if (!d.open(dir, false)) return {};
  return remove_stale_temporaries(d);
}

}  // namespace soc278::engine

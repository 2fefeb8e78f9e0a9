#include "app/input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/core.h>

#include "app/source_lines.hpp"

namespace soc278::app {

OpenInput::~OpenInput() {
  if (fd > 0) ::close(fd);
}

const char* file_kind(mode_t mode) noexcept {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISREG(mode)) return "a regular file";
  return "not a regular file";
}

std::unique_ptr<OpenInput> open_input(const std::string& path, const std::atomic<bool>* interrupt) {
  auto in = std::make_unique<OpenInput>();
  if (path == "-") {
    in->source = std::make_unique<x12::FdSource>(0, interrupt);
    return in;
  }
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    in->error = std::strerror(errno);
    return in;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    in->error = std::strerror(errno);
    ::close(fd);
    return in;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    in->error = fmt::format("not a regular file ({}); only regular files are read, and '-' for standard input", file_kind(st.st_mode));
    return in;
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    in->error = std::strerror(errno);
    ::close(fd);
    return in;
  }
  in->fd = fd;
  in->size = static_cast<std::uint64_t>(st.st_size);
  in->dev = st.st_dev;
  in->ino = st.st_ino;
  in->source = std::make_unique<x12::FdSource>(fd, interrupt);
  return in;
}

std::string format_diagnostic(const std::string& file, const core::Diagnostic& d) { return format_finding(file, d, nullptr, true); }

}  // namespace soc278::app

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

std::unique_ptr<OpenInput> open_input(const std::string& path, const std::atomic<bool>* interrupt) {
  auto in = std::make_unique<OpenInput>();
  if (path == "-") {
    in->source = std::make_unique<x12::FdSource>(0, interrupt);
    return in;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    in->error = std::strerror(errno);
    return in;
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    in->error = "is a directory";
    return in;
  }
  in->fd = fd;
  in->source = std::make_unique<x12::FdSource>(fd, interrupt);
  return in;
}

std::string format_diagnostic(const std::string& file, const core::Diagnostic& d) { return format_finding(file, d, nullptr, true); }

}  // namespace soc278::app

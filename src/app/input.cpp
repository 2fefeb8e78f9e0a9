#include "app/input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/core.h>

namespace soc278::app {

OpenInput::~OpenInput() {
  if (fd > 0) ::close(fd);
}

std::unique_ptr<OpenInput> open_input(const std::string& path) {
  auto in = std::make_unique<OpenInput>();
  if (path == "-") {
    in->source = std::make_unique<x12::FdSource>(0);
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
  in->source = std::make_unique<x12::FdSource>(fd);
  return in;
}

std::string format_diagnostic(const std::string& file, const core::Diagnostic& d) {
  std::string where = fmt::format("{}:{}: ", file, d.at.byte_offset);
  if (d.at.segment_in_file != 0) {
    where += fmt::format("segment {}", d.at.segment_in_file);
    std::string inner;
    if (d.at.segment_in_set != 0) inner += fmt::format("set position {}", d.at.segment_in_set);
    if (!d.loop_id.empty()) inner += fmt::format("{}loop {}", inner.empty() ? "" : ", ", d.loop_id);
    if (!d.segment().empty()) {
      std::string el(d.segment());
      if (d.at.element != 0) el += fmt::format("{:02}", d.at.element);
      if (d.at.component != 0) el += fmt::format("-{}", d.at.component);
      inner += fmt::format("{}{}", inner.empty() ? "" : ", ", el);
    }
    if (!inner.empty()) where += " (" + inner + ")";
    where += ": ";
  }
  return fmt::format("{}{} {}: {}", where, core::to_string(d.severity), core::name(d.code), d.message);
}

}  // namespace soc278::app

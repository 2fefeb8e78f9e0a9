#include "app/source_lines.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/core.h>

#include "app/engine_names.hpp"

namespace soc278::app {
namespace {

constexpr std::size_t block_size = 64 * 1024;
constexpr std::uint64_t checkpoint_every = 1 << 20;

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool id_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::ptrdiff_t read_at(int fd, char* out, std::size_t n, std::uint64_t offset) {
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, out + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += static_cast<std::size_t>(r);
  }
  return static_cast<std::ptrdiff_t>(got);
}

}  // namespace

SourceLines::SourceLines(const std::string& path) {
  int fd = path == "-" ? ::dup(0) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd >= 0 && (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {  // a pipe cannot be read again
    ::close(fd);
    fd = -1;
  }
  fd_ = fd;
}

SourceLines::~SourceLines() {
  if (fd_ >= 0) ::close(fd_);
}

void SourceLines::start() {
  started_ = true;
  block_.resize(block_size);
  checkpoints_.push_back(cursor_);
  // The first ISA's delimiters (fixed width: element separator at 3, component at 104, terminator at 105).
  const std::ptrdiff_t head = read_at(fd_, block_.data(), block_size, 0);
  if (head > 0) {
    const std::string_view h(block_.data(), static_cast<std::size_t>(head));
    const std::size_t isa = h.find("ISA");
    if (isa != std::string_view::npos && isa + 106 <= h.size()) {
      element_separator_ = h[isa + 3];
      component_separator_ = h[isa + 104];
      terminator_ = h[isa + 105];
    }
  }
  // Several lines: a line feed with something other than blanks after it.
  bool after_newline = false;
  for (std::uint64_t offset = 0;;) {
    const std::ptrdiff_t n = read_at(fd_, block_.data(), block_size, offset);
    if (n <= 0) break;
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const char c = block_[static_cast<std::size_t>(i)];
      if (c == '\n') {
        after_newline = true;
      } else if (after_newline && !blank(c)) {
        multi_line_ = true;
        return;
      }
    }
    offset += static_cast<std::uint64_t>(n);
  }
}

std::uint64_t SourceLines::element_shift(std::uint64_t offset, std::uint16_t element, std::uint16_t component) {
  char seg[4096];
  const std::ptrdiff_t n = read_at(fd_, seg, sizeof seg, offset);
  if (n <= 0) return 0;
  const std::string_view s(seg, static_cast<std::size_t>(n));
  std::size_t i = 0;
  while (i < s.size() && i < 3 && id_char(s[i])) ++i;
  const auto end_of_segment = [&](char c) { return c == terminator_ || c == '\n' || c == '\r'; };
  for (std::uint16_t e = 0; e < element; ++e) {  // past the separator before the element
    while (i < s.size() && s[i] != element_separator_ && !end_of_segment(s[i])) ++i;
    if (i >= s.size() || s[i] != element_separator_) return 0;
    ++i;
  }
  for (std::uint16_t c = 1; c < component; ++c) {
    while (i < s.size() && s[i] != component_separator_ && s[i] != element_separator_ && !end_of_segment(s[i])) ++i;
    if (i >= s.size() || s[i] != component_separator_) return 0;
    ++i;
  }
  return i;
}

LineColumn SourceLines::line_of(std::uint64_t offset) {
  if (offset < cursor_.offset) {  // look back: from the last checkpoint at or before the byte
    auto it = std::upper_bound(checkpoints_.begin(), checkpoints_.end(), offset,
                               [](std::uint64_t o, const Mark& m) { return o < m.offset; });
    cursor_ = it == checkpoints_.begin() ? Mark{} : *(it - 1);
  }
  while (cursor_.offset < offset) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(block_size, offset - cursor_.offset));
    const std::ptrdiff_t n = read_at(fd_, block_.data(), want, cursor_.offset);
    if (n <= 0) break;
    const char* p = block_.data();
    const char* end = p + n;
    for (const char* q = p; (q = static_cast<const char*>(std::memchr(q, '\n', static_cast<std::size_t>(end - q)))) != nullptr; ++q) {
      ++cursor_.lines;
      cursor_.line_start = cursor_.offset + static_cast<std::uint64_t>(q - p) + 1;
    }
    cursor_.offset += static_cast<std::uint64_t>(n);
    if (cursor_.offset >= checkpoints_.back().offset + checkpoint_every) checkpoints_.push_back(cursor_);
  }
  return {cursor_.lines + 1, offset - std::min(offset, cursor_.line_start) + 1};
}

LineColumn SourceLines::locate(const core::SourcePosition& at) {
  const std::uint64_t segment_line = at.segment_in_file == 0 ? 1 : at.segment_in_file;
  if (fd_ < 0) return {segment_line, 1};
  if (!started_) start();
  const std::uint64_t shift = at.element != 0 && at.segment_in_file != 0 ? element_shift(at.byte_offset, at.element, at.component) : 0;
  if (!multi_line_) return {segment_line, shift + 1};
  return line_of(at.byte_offset + shift);
}

std::string format_finding(const std::string& file, const core::Diagnostic& d, SourceLines* lines, bool verbose, bool show_phi) {
  std::string where;
  if (lines != nullptr) {
    const LineColumn lc = lines->locate(d.at);
    where = fmt::format("{}:{}:{}: ", file, lc.line, lc.column);
  } else {
    where = file + ": ";
  }
  if (verbose) where += fmt::format("byte {}, ", d.at.byte_offset);
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
  } else if (verbose) {
    where.resize(where.size() - 2);
    where += ": ";
  }
  return fmt::format("{}{} {}: {}", where, core::to_string(d.severity), core::name(d.code), finding_message(d, show_phi));
}

}  // namespace soc278::app

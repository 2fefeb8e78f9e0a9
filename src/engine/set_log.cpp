#include "engine/set_log.hpp"

#include <algorithm>

namespace soc278::engine {
namespace {
constexpr std::size_t block = 64 * 1024;  // records go to the file, and come back, in blocks of this size
}

SetLog::SetLog() : file_(std::tmpfile()) {}

SetLog::~SetLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void SetLog::clear() {
  pending_.clear();
  size_ = 0;
  in_file_ = 0;
  writable_ = true;
  if (file_ != nullptr) std::rewind(file_);  // overwritten from the start; the old tail is never read
}

void SetLog::put(std::string_view v) {
  const std::size_t n = std::min<std::size_t>(v.size(), 0xffff);  // a longer value is cut (it is an error anyway)
  pending_.push_back(static_cast<char>(n & 0xff));
  pending_.push_back(static_cast<char>(n >> 8));
  pending_.append(v.data(), n);
  size_ += 2 + n;
}

void SetLog::append(std::string_view gs06, std::string_view st02, std::string_view trace) {
  put(gs06);
  put(st02);
  put(trace);
  if (file_ == nullptr || !writable_ || pending_.size() < block) return;
  if (std::fseek(file_, static_cast<long>(in_file_), SEEK_SET) != 0 ||
      std::fwrite(pending_.data(), 1, pending_.size(), file_) != pending_.size()) {
    writable_ = false;  // a full disk: keep the rest in memory
    return;
  }
  in_file_ += pending_.size();
  pending_.clear();
}

bool SetLog::read_from(std::uint64_t mark,
                       const std::function<void(std::string_view, std::string_view, std::string_view)>& f) {
  // Records are parsed out of `window`, which holds the unread bytes: a block of the file at a time,
  // then pending_. A record cut by a block's end waits at the window's front for the next block.
  std::string window;
  std::size_t at = 0;
  auto take = [&](std::string_view& out) {
    if (at + 2 > window.size()) return false;
    const std::size_t n =
        static_cast<unsigned char>(window[at]) | (static_cast<std::size_t>(static_cast<unsigned char>(window[at + 1])) << 8);
    if (at + 2 + n > window.size()) return false;
    out = std::string_view(window).substr(at + 2, n);
    at += 2 + n;
    return true;
  };
  auto drain = [&] {
    for (;;) {
      const std::size_t start = at;
      std::string_view gs06, st02, trace;
      if (!take(gs06) || !take(st02) || !take(trace)) {
        at = start;
        break;
      }
      f(gs06, st02, trace);
    }
    window.erase(0, at);
    at = 0;
  };
  if (mark < in_file_) {
    if (std::fflush(file_) != 0 || std::fseek(file_, static_cast<long>(mark), SEEK_SET) != 0) return false;
    std::uint64_t left = in_file_ - mark;
    while (left > 0) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, block));
      const std::size_t had = window.size();
      window.resize(had + n);
      if (std::fread(window.data() + had, 1, n, file_) != n) return false;
      left -= n;
      drain();
    }
    window += pending_;
  } else {
    window = pending_.substr(static_cast<std::size_t>(mark - in_file_));
  }
  drain();
  return window.empty();
}

}  // namespace soc278::engine

#include "soc278/x12/byte_source.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <istream>

namespace soc278::x12 {

std::ptrdiff_t FdSource::read(char* into, std::size_t capacity) {
  for (;;) {
    const ssize_t n = ::read(fd_, into, capacity);
    if (n >= 0) return n;
    if (errno == EINTR) {
      if (interrupt_ != nullptr && interrupt_->load(std::memory_order_relaxed)) return 0;
      continue;
    }
    error_ = std::strerror(errno);
    return -1;
  }
}

std::ptrdiff_t IstreamSource::read(char* into, std::size_t capacity) {
  if (in_.bad()) return -1;
  in_.read(into, static_cast<std::streamsize>(capacity));
  const std::streamsize n = in_.gcount();
  if (in_.bad()) return -1;
  return static_cast<std::ptrdiff_t>(n);
}

std::ptrdiff_t MemorySource::read(char* into, std::size_t capacity) {
  const std::size_t n = std::min({capacity, max_read_, data_.size() - pos_});
  std::memcpy(into, data_.data() + pos_, n);
  pos_ += n;
  return static_cast<std::ptrdiff_t>(n);
}

std::ptrdiff_t SplitSource::read(char* into, std::size_t capacity) {
  const std::size_t limit = pos_ < first_ ? first_ - pos_ : rest_;
  const std::size_t n = std::min({capacity, limit, data_.size() - pos_});
  std::memcpy(into, data_.data() + pos_, n);
  pos_ += n;
  return static_cast<std::ptrdiff_t>(n);
}

}  // namespace soc278::x12

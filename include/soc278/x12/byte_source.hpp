// soc278/x12/byte_source.hpp
//
// Provides ByteSource, what the ChunkReader pulls bytes from: a file descriptor, a std::istream or
// memory. A source may return fewer bytes than asked (the split-at-every-byte tests make it return
// one at a time); 0 means end of input, -1 an I/O error.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace soc278::x12 {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  [[nodiscard]] virtual std::ptrdiff_t read(char* into, std::size_t capacity) = 0;
  // Set after read() returned -1.
  [[nodiscard]] virtual std::string error_text() const { return {}; }
};

// Reads a POSIX file descriptor it does not own (standard input is fd 0). A read interrupted by a
// signal (EINTR) is retried, unless `interrupt` is given and set: then the input ends there, so a
// run reading a pipe or a FIFO that stays silent can still be stopped (the app's SIGINT handler).
class FdSource final : public ByteSource {
 public:
  explicit FdSource(int fd, const std::atomic<bool>* interrupt = nullptr) : fd_(fd), interrupt_(interrupt) {}
  [[nodiscard]] std::ptrdiff_t read(char* into, std::size_t capacity) override;
  [[nodiscard]] std::string error_text() const override { return error_; }

 private:
  int fd_;
  const std::atomic<bool>* interrupt_;
  std::string error_;
};

class IstreamSource final : public ByteSource {
 public:
  explicit IstreamSource(std::istream& in) : in_(in) {}
  [[nodiscard]] std::ptrdiff_t read(char* into, std::size_t capacity) override;

 private:
  std::istream& in_;
};

// Serves a buffer it does not own, at most `max_read` bytes per call (tests split input anywhere).
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view data, std::size_t max_read = SIZE_MAX) : data_(data), max_read_(max_read) {}
  [[nodiscard]] std::ptrdiff_t read(char* into, std::size_t capacity) override;

 private:
  std::string_view data_;
  std::size_t max_read_;
  std::size_t pos_ = 0;
};

// Serves a first read of `first` bytes, then reads of `rest` bytes: puts one chunk boundary
// exactly at `first` (the split-at-every-byte invariance test).
class SplitSource final : public ByteSource {
 public:
  SplitSource(std::string_view data, std::size_t first, std::size_t rest = SIZE_MAX)
      : data_(data), first_(first), rest_(rest) {}
  [[nodiscard]] std::ptrdiff_t read(char* into, std::size_t capacity) override;

 private:
  std::string_view data_;
  std::size_t first_;
  std::size_t rest_;
  std::size_t pos_ = 0;
};

}  // namespace soc278::x12

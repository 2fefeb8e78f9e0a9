// src/engine/stoppable_source.hpp — private: a ByteSource that ends early when asked.
//
// ProcessorConfig::stop (set by a SIGINT / SIGTERM handler, or a daemon shutting down) is checked
// before every read: once it is true the source reports the end of the input, so the reader, the
// validator and the writers finish what they hold and the processor returns; the caller discards
// the outputs (FileReport::interrupted). A read blocked in the kernel returns when the signal
// arrives (EINTR) and the next read sees the flag.
#pragma once

#include <atomic>

#include "soc278/x12/byte_source.hpp"

namespace soc278::engine {

class StoppableSource final : public x12::ByteSource {
 public:
  StoppableSource(x12::ByteSource& inner, const std::atomic<bool>* stop) : inner_(inner), stop_(stop) {}
  [[nodiscard]] std::ptrdiff_t read(char* into, std::size_t capacity) override {
    if (stop_ != nullptr && stop_->load(std::memory_order_relaxed)) {
      stopped_ = true;
      return 0;
    }
    const std::ptrdiff_t n = inner_.read(into, capacity);
    if (n <= 0 && stop_ != nullptr && stop_->load(std::memory_order_relaxed)) stopped_ = true;
    return n;
  }
  [[nodiscard]] std::string error_text() const override { return inner_.error_text(); }
  [[nodiscard]] bool stopped() const noexcept { return stopped_; }

 private:
  x12::ByteSource& inner_;
  const std::atomic<bool>* stop_;
  bool stopped_ = false;
};

}  // namespace soc278::engine

// soc278/core/clock.hpp
//
// Provides Clock, the only way any stage learns the time. The evaluator and the writers take a
// Clock (or a DateTime read from one) as an argument, so a run with --now is byte-reproducible and
// golden files stay stable. SystemClock reads UTC; FixedClock returns what it was given.
#pragma once

#include "soc278/core/date.hpp"

namespace soc278::core {

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual DateTime now() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] DateTime now() const override;
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(DateTime at) : at_(at) {}
  [[nodiscard]] DateTime now() const override { return at_; }

 private:
  DateTime at_;
};

}  // namespace soc278::core

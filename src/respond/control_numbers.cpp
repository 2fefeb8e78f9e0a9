#include "soc278/respond/control_numbers.hpp"

#include <fmt/core.h>

namespace soc278::respond {
namespace {

constexpr std::uint32_t clamp_start(std::uint32_t n) noexcept {
  return n < ControlNumberSequence::min_value || n > ControlNumberSequence::max_value ? ControlNumberSequence::min_value
                                                                                     : n;
}

}  // namespace

ControlNumberSequence::ControlNumberSequence(std::uint32_t start) noexcept : next_(clamp_start(start)) {}

std::uint32_t ControlNumberSequence::next() noexcept {
  std::uint32_t current = next_.load(std::memory_order_relaxed);
  // A compare-and-swap loop rather than fetch_add, so the wrap from max_value to 1 is atomic too.
  while (!next_.compare_exchange_weak(current, current >= max_value ? min_value : current + 1,
                                      std::memory_order_relaxed, std::memory_order_relaxed)) {
  }
  return current;
}

std::string ControlNumberSequence::isa13(std::uint32_t n) { return fmt::format("{:09}", n % (max_value + 1U)); }

std::string ControlNumberSequence::gs06(std::uint32_t n) { return fmt::format("{}", n); }

std::string ControlNumberSequence::st02(std::uint32_t n) { return fmt::format("{:04}", n); }

}  // namespace soc278::respond

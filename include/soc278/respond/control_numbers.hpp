// soc278/respond/control_numbers.hpp
//
// Provides ControlNumberSequence: the interchange / group control numbers soc278 puts on what it
// sends (ISA13, GS06) and the formatting of ISA13, GS06 and ST02. One sequence is shared by every
// writer of a run (TA1, 999, 278 response), so no two outgoing interchanges of a run carry the
// same ISA13. The start is injected (a run's --control-seed, or the value a store persisted last
// time), which is what keeps golden files byte-stable.
//
// Thread-safe: next() is a lock-free atomic increment and never throws. Numbers run from the start
// to 999999999 (the largest 9-digit ISA13) and then wrap to 1: a single run would need a billion
// outgoing interchanges before a number came back, and keeping numbers unique across runs is the
// job of whoever persists the seed.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace soc278::respond {

class ControlNumberSequence {
 public:
  static constexpr std::uint32_t min_value = 1;
  static constexpr std::uint32_t max_value = 999'999'999;

  // `start` is the first number next() returns; 0 or anything above max_value starts at 1.
  explicit ControlNumberSequence(std::uint32_t start = 1) noexcept;
  ControlNumberSequence(const ControlNumberSequence&) = delete;
  ControlNumberSequence& operator=(const ControlNumberSequence&) = delete;

  // Returns the next number and advances; after max_value comes 1 again.
  [[nodiscard]] std::uint32_t next() noexcept;
  // The number next() would return now (for logging and for persisting the seed).
  [[nodiscard]] std::uint32_t peek() const noexcept { return next_.load(std::memory_order_relaxed); }

  // ISA13 / IEA02 / TA101: 9 digits, zero-padded ("000009002").
  [[nodiscard]] static std::string isa13(std::uint32_t n);
  // GS06 / GE02 / AK102: N0 1-9, no padding ("9002").
  [[nodiscard]] static std::string gs06(std::uint32_t n);
  // ST02 / SE02: AN 4-9, zero-padded to at least 4 digits ("0001").
  [[nodiscard]] static std::string st02(std::uint32_t n);
  // The same written into `out`, for a writer that formats one per transaction set: returns the
  // text, a view into `out`.
  [[nodiscard]] static std::string_view st02(std::uint32_t n, char (&out)[10]) noexcept;

 private:
  std::atomic<std::uint32_t> next_;
};

}  // namespace soc278::respond

#include "soc278/respond/control_numbers.hpp"

#include <charconv>
#include <cstring>

namespace soc278::respond {
namespace {

constexpr std::uint32_t clamp_start(std::uint32_t n) noexcept {
  return n < ControlNumberSequence::min_value || n > ControlNumberSequence::max_value ? ControlNumberSequence::min_value
                                                                                     : n;
}

}  // namespace

ControlNumberSequence::ControlNumberSequence(std::uint32_t start) noexcept : next_(clamp_start(start)) {}

std::uint32_t ControlNumberSequence::next() noexcept {
  if (source_ != nullptr) return source_->next(partner_);
  std::uint32_t current = next_.load(std::memory_order_relaxed);
  // A compare-and-swap loop rather than fetch_add, so the wrap from max_value to 1 is atomic too.
  while (!next_.compare_exchange_weak(current, current >= max_value ? min_value : current + 1,
                                      std::memory_order_relaxed, std::memory_order_relaxed)) {
  }
  return current;
}

bool ControlNumberSequence::give_back(std::uint32_t n) noexcept {
  if (source_ != nullptr) return source_->give_back(partner_, n);
  std::uint32_t expected = n >= max_value ? min_value : n + 1;
  return next_.compare_exchange_strong(expected, n, std::memory_order_relaxed, std::memory_order_relaxed);
}

namespace {

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string ControlNumberSequence::partner_key(std::string_view isa_sender_qualifier, std::string_view isa_sender_id) {
  std::string key(trim_right(isa_sender_qualifier));
  key += ':';
  key += trim_right(isa_sender_id);
  return key;
}

void ControlNumberSequence::set_partner(std::string_view isa_sender_qualifier, std::string_view isa_sender_id) {
  partner_ = partner_key(isa_sender_qualifier, isa_sender_id);
}

namespace {

// n in decimal, zero-padded to at least `width` (at most 10) digits (fmt's "{:0width}" for
// unsigned values), written into `out`.
std::string_view padded(std::uint32_t n, std::size_t width, char (&out)[10]) noexcept {
  char digits[10];
  const auto r = std::to_chars(digits, digits + sizeof digits, n);
  const auto size = static_cast<std::size_t>(r.ptr - digits);
  const std::size_t zeros = size < width ? width - size : 0;
  std::memset(out, '0', zeros);
  std::memcpy(out + zeros, digits, size);
  return {out, zeros + size};
}

std::string padded(std::uint32_t n, std::size_t width) {
  char out[10];
  return std::string(padded(n, width, out));
}

}  // namespace

std::string ControlNumberSequence::isa13(std::uint32_t n) { return padded(n % (max_value + 1U), 9); }

std::string ControlNumberSequence::gs06(std::uint32_t n) { return padded(n, 0); }

std::string ControlNumberSequence::st02(std::uint32_t n) { return padded(n, 4); }

std::string_view ControlNumberSequence::st02(std::uint32_t n, char (&out)[10]) noexcept { return padded(n, 4, out); }

}  // namespace soc278::respond

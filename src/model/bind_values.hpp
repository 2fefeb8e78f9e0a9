// Private to the binder (src/model/bind.cpp, its only includer). Filing a value: the in-place string copy and
// the date and number readings the binder does itself.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "soc278/core/bytes.hpp"
#include "soc278/core/date.hpp"
#include "soc278/x12/values.hpp"


namespace soc278::model::binding {

using core::copy_short;

// set()'s rarer case, out of line so that set() stays small enough to inline at its ~70 call sites.
[[gnu::noinline]] inline void assign(std::string& target, std::string_view value) { target.assign(value.data(), value.size()); }

// Every field's value is a string the model keeps; bind_into refills the same strings set after set
// (see "written" below), and a value as long as the one it replaces (a code, a qualifier, an id of
// fixed width, most often the same bytes) is copied over it in place: std::string::assign costs a
// call and its aliasing checks each time. `value` never points into `target` (it is the
// transaction's text or the envelope's).
[[gnu::always_inline]] inline void set(std::string& target, std::string_view value) {
  const std::size_t n = value.size();
  if (n == target.size()) {
    if (n <= 16) {
      copy_short(target.data(), value.data(), n);
    } else {
      std::memcpy(target.data(), value.data(), n);
    }
  } else if (n == 0) {
    target.clear();
  } else {
    assign(target, value);
  }
}

// `value == literal`, spelled out: g++ kept string_view's compare out of line in apply().
template <std::size_t N>
inline bool is(std::string_view value, const char (&literal)[N]) noexcept {
  if (value.size() != N - 1) return false;
  for (std::size_t i = 0; i + 1 < N; ++i)
    if (value[i] != literal[i]) return false;
  return true;
}

// X12 DT (CCYYMMDD) as x12::parse_date reads it: exactly eight ASCII digits making a valid date.
// Spelled out here because the X3 rule behind parse_date cost ~200 instructions a date, and a set
// carries several (DTP RD8 ranges are two each).
inline std::optional<core::Date> date8(std::string_view t) noexcept {
  if (t.size() != 8) return std::nullopt;
  int digits[8];
  for (std::size_t k = 0; k < 8; ++k) {
    if (t[k] < '0' || t[k] > '9') return std::nullopt;
    digits[k] = t[k] - '0';
  }
  return core::Date::make(digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3], digits[4] * 10 + digits[5],
                          digits[6] * 10 + digits[7]);
}

// date8, and RD8 ranges, with a memory of the last texts read: the sets of a file mostly repeat their
// submission date and service spans, and a text seen before costs one 8-byte comparison.
class DateCache {
 public:
  [[gnu::always_inline]] std::optional<core::Date> date8(std::string_view t) noexcept {
    if (t.size() != 8) return std::nullopt;
    std::uint64_t key;
    std::memcpy(&key, t.data(), 8);
    Entry& e = entries_[((key >> 56) ^ (key >> 48)) & (entries_.size() - 1)];  // the day's digits
    if (e.key != key) {
      e.key = key;  // eight NUL bytes, the initial key, are no date either
      e.date = binding::date8(t);
    }
    return e.date;
  }

  // RD8 (CCYYMMDD-CCYYMMDD, first <= last) as x12::parse_date_range reads it.
  std::optional<x12::DateRange> range(std::string_view t) noexcept {
    if (t.size() != 17 || t[8] != '-') return std::nullopt;
    const auto a = date8(t.substr(0, 8));
    const auto b = date8(t.substr(9));
    if (!a || !b || *b < *a) return std::nullopt;
    return x12::DateRange{*a, *b};
  }

 private:
  struct Entry {
    std::uint64_t key = 0;
    std::optional<core::Date> date;
  };
  std::array<Entry, 8> entries_{};
};

// X12 R as x12::parse_decimal reads it. Plain digit strings (most SV1 units and amounts) are exact
// integers as doubles and skip the X3 rule; anything else takes parse_decimal itself.
inline std::optional<double> decimal(std::string_view t) noexcept {
  if (t.empty() || t.size() > 15) return x12::parse_decimal(t);
  std::int64_t v = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return x12::parse_decimal(t);
    v = v * 10 + (c - '0');
  }
  return static_cast<double>(v);
}

}  // namespace soc278::model::binding

// soc278/core/date.hpp
//
// Provides Date (a proleptic Gregorian calendar day) and TimeOfDay, the typed values X12 DT and TM
// elements parse into, with the little arithmetic the policy needs (approval spans in months, ages).
// Plain values; no time zones: X12 dates are local to the trading partners.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>

namespace soc278::core {

struct Date {
  std::int16_t year = 1970;
  std::uint8_t month = 1;
  std::uint8_t day = 1;

  friend auto operator<=>(const Date&, const Date&) = default;

  [[nodiscard]] static bool valid(int y, int m, int d) noexcept;
  [[nodiscard]] static std::optional<Date> make(int y, int m, int d) noexcept;
  [[nodiscard]] std::int64_t days_since_epoch() const noexcept;      // 1970-01-01 = 0
  [[nodiscard]] static Date from_days(std::int64_t days) noexcept;
  [[nodiscard]] Date add_days(std::int64_t n) const noexcept { return from_days(days_since_epoch() + n); }
  // Same day n months later, clamped to the month's last day (2027-01-31 + 1 month = 2027-02-28).
  [[nodiscard]] Date add_months(int n) const noexcept;
  [[nodiscard]] std::string ccyymmdd() const;   // "20261201"
  [[nodiscard]] std::string iso() const;        // "2026-12-01"
  [[nodiscard]] std::string yymmdd() const;     // "261201" (ISA09, TA102)
};

// Whole years from `birth` to `on` (the age a person has on that day).
[[nodiscard]] int age_on(const Date& birth, const Date& on) noexcept;

struct TimeOfDay {
  std::uint8_t hour = 0;
  std::uint8_t minute = 0;
  std::uint8_t second = 0;
  friend auto operator<=>(const TimeOfDay&, const TimeOfDay&) = default;
  [[nodiscard]] std::string hhmm() const;
};

struct DateTime {
  Date date;
  TimeOfDay time;
  friend auto operator<=>(const DateTime&, const DateTime&) = default;
};

}  // namespace soc278::core

#include "soc278/core/date.hpp"

#include <fmt/core.h>

namespace soc278::core {
namespace {

bool leap(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) noexcept {
  static constexpr int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : d[m - 1];
}

}  // namespace

bool Date::valid(int y, int m, int d) noexcept {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

std::optional<Date> Date::make(int y, int m, int d) noexcept {
  if (!valid(y, m, d)) return std::nullopt;
  return Date{static_cast<std::int16_t>(y), static_cast<std::uint8_t>(m), static_cast<std::uint8_t>(d)};
}

// Howard Hinnant's days_from_civil / civil_from_days.
std::int64_t Date::days_since_epoch() const noexcept {
  const int y0 = year - (month <= 2 ? 1 : 0);
  const int era = (y0 >= 0 ? y0 : y0 - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y0 - era * 400);
  const unsigned mp = (month + 9) % 12;
  const unsigned doy = (153 * mp + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

Date Date::from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Date{static_cast<std::int16_t>(y + (m <= 2 ? 1 : 0)), static_cast<std::uint8_t>(m),
              static_cast<std::uint8_t>(d)};
}

Date Date::add_months(int n) const noexcept {
  int total = year * 12 + (month - 1) + n;
  const int y = total / 12;
  const int m = total % 12 + 1;
  const int d = std::min<int>(day, days_in_month(y, m));
  return Date{static_cast<std::int16_t>(y), static_cast<std::uint8_t>(m), static_cast<std::uint8_t>(d)};
}

// Written digit by digit: these run several times per decided service line, and fmt::format
// parsed its format string every time. Values no valid date has (a year outside 0..9999, a month or
// day over 99), which a Date can still hold, keep fmt's spelling.
namespace {

bool plain(const Date& d) noexcept { return d.year >= 0 && d.year <= 9999 && d.month <= 99 && d.day <= 99; }

char* two(char* p, unsigned v) noexcept {
  p[0] = static_cast<char>('0' + v / 10 % 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

char* four(char* p, unsigned v) noexcept {
  p = two(p, v / 100);
  return two(p, v % 100);
}

}  // namespace

std::string Date::ccyymmdd() const {
  if (!plain(*this)) return fmt::format("{:04}{:02}{:02}", year, month, day);
  char b[8];
  char* p = four(b, static_cast<unsigned>(year));
  p = two(p, month);
  two(p, day);
  return std::string(b, 8);
}

std::string Date::iso() const {
  if (!plain(*this)) return fmt::format("{:04}-{:02}-{:02}", year, month, day);
  char b[10];
  char* p = four(b, static_cast<unsigned>(year));
  *p++ = '-';
  p = two(p, month);
  *p++ = '-';
  two(p, day);
  return std::string(b, 10);
}

std::string Date::yymmdd() const {
  if (!plain(*this)) return fmt::format("{:02}{:02}{:02}", year % 100, month, day);
  char b[6];
  char* p = two(b, static_cast<unsigned>(year % 100));
  p = two(p, month);
  two(p, day);
  return std::string(b, 6);
}

std::string TimeOfDay::hhmm() const {
  if (hour > 99 || minute > 99) return fmt::format("{:02}{:02}", hour, minute);
  char b[4];
  two(two(b, hour), minute);
  return std::string(b, 4);
}

int age_on(const Date& birth, const Date& on) noexcept {
  int age = on.year - birth.year;
  if (on.month < birth.month || (on.month == birth.month && on.day < birth.day)) --age;
  return age;
}

}  // namespace soc278::core

#include "soc278/x12/values.hpp"

#include <charconv>

#include "x12/grammar/grammar.hpp"

namespace soc278::x12 {

std::optional<core::Date> parse_date(std::string_view text) noexcept {
  int y = 0, m = 0, d = 0;
  if (!grammar::date8(text, y, m, d)) return std::nullopt;
  return core::Date::make(y, m, d);
}

std::optional<core::Date> parse_date_yymmdd(std::string_view text) noexcept {
  int yy = 0, m = 0, d = 0;
  if (!grammar::date6(text, yy, m, d)) return std::nullopt;
  return core::Date::make(yy < 70 ? 2000 + yy : 1900 + yy, m, d);
}

std::optional<core::TimeOfDay> parse_time(std::string_view text) noexcept {
  int h = 0, m = 0, s = 0;
  if (!grammar::time(text, h, m, s)) return std::nullopt;
  return core::TimeOfDay{static_cast<std::uint8_t>(h), static_cast<std::uint8_t>(m), static_cast<std::uint8_t>(s)};
}

std::optional<DateRange> parse_date_range(std::string_view text) noexcept {
  if (text.size() != 17 || text[8] != '-') return std::nullopt;
  const auto a = parse_date(text.substr(0, 8));
  const auto b = parse_date(text.substr(9));
  if (!a || !b || *b < *a) return std::nullopt;
  return DateRange{*a, *b};
}

std::optional<std::int64_t> parse_integer(std::string_view text) noexcept {
  if (!grammar::integer(text)) return std::nullopt;
  std::int64_t v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc{}) return std::nullopt;
  return v;
}

std::optional<double> parse_decimal(std::string_view text) noexcept {
  if (!grammar::decimal(text)) return std::nullopt;
  double v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v, std::chars_format::fixed);
  if (r.ec != std::errc{}) return std::nullopt;
  return v;
}

std::optional<double> parse_implied_decimal(std::string_view text, int scale) noexcept {
  const auto v = parse_integer(text);
  if (!v) return std::nullopt;
  double d = static_cast<double>(*v);
  for (int i = 0; i < scale; ++i) d /= 10.0;
  return d;
}

std::size_t numeric_length(std::string_view value) noexcept {
  std::size_t n = 0;
  for (char c : value) n += (c != '-' && c != '.');
  return n;
}

bool is_digits(std::string_view text, std::size_t n) noexcept { return grammar::digits(text, n); }

}  // namespace soc278::x12

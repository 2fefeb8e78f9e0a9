// soc278/x12/values.hpp
//
// Provides the typed readings of X12 element values: dates (CCYYMMDD, YYMMDD), times
// (HHMM[SS[D..]]), ranges (RD8), integers (N0), decimals (R) and implied-decimal numbers (N1..N9).
// Each returns std::nullopt for text that is not of the type; none allocates or throws, so they
// can run on every element of a file. The grammars are Boost.Spirit X3 rules (src/x12/grammar/).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "soc278/core/date.hpp"

namespace soc278::x12 {

struct DateRange {
  core::Date first;
  core::Date last;
};

[[nodiscard]] std::optional<core::Date> parse_date(std::string_view ccyymmdd) noexcept;
// ISA09 / TA102: YYMMDD; years 00-69 are 20xx, 70-99 are 19xx.
[[nodiscard]] std::optional<core::Date> parse_date_yymmdd(std::string_view yymmdd) noexcept;
[[nodiscard]] std::optional<core::TimeOfDay> parse_time(std::string_view hhmm) noexcept;
// RD8: CCYYMMDD-CCYYMMDD with first <= last.
[[nodiscard]] std::optional<DateRange> parse_date_range(std::string_view rd8) noexcept;
[[nodiscard]] std::optional<std::int64_t> parse_integer(std::string_view n0) noexcept;
[[nodiscard]] std::optional<double> parse_decimal(std::string_view r) noexcept;
// Nn: an integer whose last `scale` digits are decimals ("12345" with scale 2 is 123.45).
[[nodiscard]] std::optional<double> parse_implied_decimal(std::string_view n, int scale) noexcept;
// Significant length of a numeric value: sign and decimal point do not count (reference 5.5).
[[nodiscard]] std::size_t numeric_length(std::string_view value) noexcept;
[[nodiscard]] bool is_digits(std::string_view text, std::size_t n) noexcept;

}  // namespace soc278::x12

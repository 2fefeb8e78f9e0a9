// src/x12/grammar/grammar.hpp — private: the Boost.Spirit X3 rules of the x12 stage.
//
// Every X3 rule of the project lives in grammar.cpp behind these plain functions, so the X3
// compile cost is paid in one translation unit (as Spirit's rexpr example does) and no other file
// includes Spirit. The rules use `>>` only: `>` throws x3::expectation_failure in Boost 1.74 and
// nothing here may throw on bad input.
#pragma once

#include <cstdint>
#include <string_view>

namespace soc278::x12::grammar {

// ISA as sent: "ISA" + 16 fixed-width fields, each preceded by `element_separator`, then the
// segment terminator. Checks the layout only (field widths and separator positions).
[[nodiscard]] bool isa_fixed_layout(std::string_view first_106_bytes, char element_separator) noexcept;

// CCYYMMDD -> year, month, day (digits only; the calendar check is the caller's).
[[nodiscard]] bool date8(std::string_view text, int& year, int& month, int& day) noexcept;
// YYMMDD (ISA09, TA102).
[[nodiscard]] bool date6(std::string_view text, int& yy, int& month, int& day) noexcept;
// HHMM[SS[D[D]]] (TM, 4 to 8 digits).
[[nodiscard]] bool time(std::string_view text, int& hour, int& minute, int& second) noexcept;
// N0: optional '-', digits.
[[nodiscard]] bool integer(std::string_view text) noexcept;
// R: optional '-', digits with at most one '.', at least one digit; no exponent, no '+'.
[[nodiscard]] bool decimal(std::string_view text) noexcept;
// Exactly n digits.
[[nodiscard]] bool digits(std::string_view text, std::size_t n) noexcept;

}  // namespace soc278::x12::grammar

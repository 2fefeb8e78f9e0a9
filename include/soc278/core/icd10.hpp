// soc278/core/icd10.hpp
//
// Provides read_icd10(): how an ICD-10-CM diagnosis code sent in an HI composite (HIxx-2) is read,
// shared by the validator (ig, which reports what is wrong with it) and the binder (model, which
// reads the code as evidence only when nothing is). X12 sends the code without its decimal point
// ("T782XXA"); a code sent with one ("T78.2XXA", point after the three-character category) is read
// without it and reported. The shape checked is ICD-10-CM's: a letter, a digit, a digit or letter
// (the category), then up to four letters or digits; codes of chapters S and T (injury, poisoning;
// T30-T32 burns by extent aside) have the seventh character. Whether a code is *listed* anywhere is
// not checked here.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace soc278::core {

enum class Icd10Problem : std::uint8_t {
  none,            // an ICD-10-CM shaped code
  not_icd10,       // not letter + digit + digit-or-letter + up to four letters or digits (or a misplaced point)
  missing_seventh, // a chapter S or T code without its seventh character
};

struct Icd10Reading {
  std::array<char, 8> text{};     // the code read (upper case, without the decimal point), when it fits
  std::uint8_t size = 0;
  bool decimal_point = false;      // sent with a '.' (read without it when it stands after the category)
  Icd10Problem problem = Icd10Problem::none;
  [[nodiscard]] std::string_view code() const noexcept { return {text.data(), size}; }
};

// Reads HIxx-2 as sent (surrounding spaces are the caller's business).
[[nodiscard]] Icd10Reading read_icd10(std::string_view sent) noexcept;

// HIxx-1 qualifiers whose HIxx-2 is an ICD-10-CM code (X12 1270: ABK principal, ABF other,
// ABJ admitting, APR patient's reason for visit).
[[nodiscard]] bool icd10_qualifier(std::string_view qualifier) noexcept;

}  // namespace soc278::core

// soc278/model/codes.hpp
//
// Provides small validated code types: Hcpcs (a HCPCS Level II or CPT code, 5 characters),
// PlaceOfService (2 digits, CMS list), BillTypePrefix (first two digits of a NUBC type of bill) and
// Icd10Code (ICD-10-CM without the decimal point, as X12 sends it). Each has a `parse` that returns
// std::nullopt for text that cannot be such a code; the text is kept upper-case, fixed capacity,
// no allocation. Whether a code is *listed* somewhere is the mapping stage's business.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace soc278::model {

template <std::size_t N>
class FixedCode {
 public:
  [[nodiscard]] std::string_view view() const noexcept { return {chars_.data(), size_}; }
  [[nodiscard]] std::string str() const { return std::string(view()); }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] bool starts_with(std::string_view prefix) const noexcept { return view().substr(0, prefix.size()) == prefix; }
  friend bool operator==(const FixedCode& a, const FixedCode& b) noexcept { return a.view() == b.view(); }
  friend auto operator<=>(const FixedCode& a, const FixedCode& b) noexcept { return a.view() <=> b.view(); }

 protected:
  bool assign(std::string_view text) noexcept {
    if (text.size() > N) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      chars_[i] = c;
    }
    size_ = static_cast<std::uint8_t>(text.size());
    return true;
  }

 private:
  std::array<char, N> chars_{};
  std::uint8_t size_ = 0;
};

// HCPCS Level II (letter + 4 digits, e.g. J1745) or CPT (5 digits, or 4 digits + letter, e.g. 96365, 0001F).
class Hcpcs : public FixedCode<5> {
 public:
  [[nodiscard]] static std::optional<Hcpcs> parse(std::string_view text) noexcept;
};

// CMS place-of-service code: exactly two digits ("01", "11", "22").
class PlaceOfService : public FixedCode<2> {
 public:
  [[nodiscard]] static std::optional<PlaceOfService> parse(std::string_view text) noexcept;
};

// UM04-1 with qualifier A: the first two digits of the NUBC type of bill ("13" = hospital outpatient).
class BillTypePrefix : public FixedCode<2> {
 public:
  [[nodiscard]] static std::optional<BillTypePrefix> parse(std::string_view text) noexcept;
};

// ICD-10-CM without the decimal point: a letter, two alphanumerics, then up to four more (T8052XA).
class Icd10Code : public FixedCode<7> {
 public:
  [[nodiscard]] static std::optional<Icd10Code> parse(std::string_view text) noexcept;
  // "T80.52XA": the dotted form for explanations.
  [[nodiscard]] std::string dotted() const;
};

}  // namespace soc278::model

// src/core/text.hpp — private: building short texts (explanations, evidence, response messages)
// by concatenation, without a format string.
//
// The evaluator writes a dozen sentences and evidence texts per service line; fmt::format parsed its
// format string on every call and grew its buffer as it went. cat() measures the pieces, allocates
// once and copies: `cat({"UM04 ", code, " = ", name})`. A piece is a string, a string_view, a
// C string, a char, or an integer (written in decimal, as fmt's "{}" writes it). Pieces only view
// their text: temporaries passed in live until the end of the full expression, which is enough.
#pragma once

#include <charconv>
#include <concepts>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace soc278::core {

class Piece {
 public:
  Piece(std::string_view s) noexcept : data_(s.data()), size_(s.size()) {}           // NOLINT: implicit by design
  Piece(const std::string& s) noexcept : data_(s.data()), size_(s.size()) {}         // NOLINT
  Piece(const char* s) noexcept : Piece(std::string_view(s)) {}                      // NOLINT
  Piece(char c) noexcept : size_(1) { buf_[0] = c; }                                 // NOLINT
  template <std::integral I>
    requires(!std::same_as<I, char> && !std::same_as<I, bool>)
  Piece(I v) noexcept {  // NOLINT
    const auto r = std::to_chars(buf_, buf_ + sizeof buf_, v);
    size_ = static_cast<std::size_t>(r.ptr - buf_);
  }
  Piece(const Piece&) = delete;
  Piece& operator=(const Piece&) = delete;

  [[nodiscard]] std::string_view view() const noexcept { return {data_ != nullptr ? data_ : buf_, size_}; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  const char* data_ = nullptr;  // nullptr: the text is in buf_
  std::size_t size_ = 0;
  char buf_[24];
};

// Appends every piece to `out`.
inline void append(std::string& out, std::initializer_list<Piece> pieces) {
  std::size_t n = out.size();
  for (const Piece& p : pieces) n += p.size();
  out.reserve(n);
  for (const Piece& p : pieces) out.append(p.view());
}

// The pieces, back to back.
[[nodiscard]] inline std::string cat(std::initializer_list<Piece> pieces) {
  std::string out;
  append(out, pieces);
  return out;
}

}  // namespace soc278::core

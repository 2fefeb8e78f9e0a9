// soc278/core/result.hpp
//
// Provides Result<T>: a value or the Diagnostic saying why there is none. Used on cold paths
// (loading grammars and mappings, opening files); the hot path reports into a DiagnosticSink.
// To be replaced by std::expected when the project moves to C++23.
#pragma once

#include <utility>
#include <variant>

#include "soc278/core/diagnostic.hpp"

namespace soc278::core {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                // NOLINT: implicit by design, like expected
  Result(Diagnostic error) : v_(std::move(error)) {}       // NOLINT

  [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  [[nodiscard]] T& value() & { return std::get<0>(v_); }
  [[nodiscard]] const T& value() const& { return std::get<0>(v_); }
  [[nodiscard]] T&& value() && { return std::get<0>(std::move(v_)); }
  [[nodiscard]] const Diagnostic& error() const& { return std::get<1>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Diagnostic> v_;
};

}  // namespace soc278::core

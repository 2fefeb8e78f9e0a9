// tests/support/mutate.hpp — seeded mutants of X12 files for the property test: byte and segment
// mutations of the kind a partner's broken translator (or an attacker) sends. Deterministic: the same
// seed and input give the same mutant on every machine (a SplitMix64 stream, no std distributions).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace soc278::test {

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : state_(seed) {}
  // One mutant of `text`: 1 to 4 mutations, each a byte, element, segment, delimiter or splice
  // change. `other` is a second input spliced in by the splice mutation. `what` (optional) receives
  // the names of the mutations applied, for a failing test's message.
  [[nodiscard]] std::string mutant(std::string_view text, std::string_view other, std::string* what = nullptr);
  [[nodiscard]] std::uint64_t next();
  [[nodiscard]] std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }

 private:
  void one(std::string& s, std::string_view other, std::string* what);
  std::uint64_t state_;
};

}  // namespace soc278::test

// include/soc278/core/bytes.hpp — the one inline copy for short texts, shared by every stage that
// assembles text piece by piece (the binder's fields, the 278 writer's elements, the evaluator's
// sentences and MSG texts).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace soc278::core {

// Copies n bytes from `from` to `to` (not overlapping). Most pieces are codes, qualifiers, ids or a
// few words, for which a call to memcpy costs more than two overlapping loads and stores of one
// size; longer pieces take memcpy. Never reads or writes outside [from, from + n) / [to, to + n).
[[gnu::always_inline]] inline void copy_short(char* to, const char* from, std::size_t n) noexcept {
  if (n >= 8) {
    if (n > 16) {
      std::memcpy(to, from, n);
      return;
    }
    std::uint64_t head, tail;  // two overlapping words cover 8..16 bytes
    std::memcpy(&head, from, 8);
    std::memcpy(&tail, from + n - 8, 8);
    std::memcpy(to, &head, 8);
    std::memcpy(to + n - 8, &tail, 8);
  } else if (n >= 4) {
    std::uint32_t head, tail;
    std::memcpy(&head, from, 4);
    std::memcpy(&tail, from + n - 4, 4);
    std::memcpy(to, &head, 4);
    std::memcpy(to + n - 4, &tail, 4);
  } else if (n != 0) {  // 1..3 bytes: first, middle and last cover them
    const char a = from[0], b = from[n / 2], c = from[n - 1];
    to[0] = a;
    to[n / 2] = b;
    to[n - 1] = c;
  }
}

}  // namespace soc278::core

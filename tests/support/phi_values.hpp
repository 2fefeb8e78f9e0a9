// tests/support/phi_values.hpp — the identifying values of an X12 file, read independently of
// soc278 (a plain split on each ISA's delimiters), and a search for them in an output. Used by the
// privacy tests: no member id, name, birth date or street in any console line or report.
#pragma once

#include <string>
#include <vector>

namespace soc278::test {

struct PhiValue {
  std::string value;
  bool name = false;  // matched as a whole word (names can be short)
};

// NM1*IL / NM1*QC NM103, NM104, NM109; DMG02 as sent and as CCYY-MM-DD; N301 / N302 — of every
// interchange, each read with its own ISA's delimiters. Values shorter than `min_size` are left out.
[[nodiscard]] std::vector<PhiValue> phi_of(const std::string& text, std::size_t min_size = 1);

// The first value of `phi` found in `output` (names as whole words only), or "".
[[nodiscard]] std::string leak(const std::string& output, const std::vector<PhiValue>& phi);

}  // namespace soc278::test

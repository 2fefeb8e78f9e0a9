// The guides of grammars/, loaded once per test binary (for the stages right of ig: the mappings
// loader checks its codes against their code lists).
#pragma once

#include <stdexcept>

#include "soc278/ig/guide.hpp"
#include "support/test_support.hpp"

namespace soc278::test {

inline const ig::GuideSet& shipped_guides() {
  static const ig::GuideSet set = [] {
    auto r = ig::load_guides(source_dir() / "grammars");
    if (!r) throw std::runtime_error(r.error().message);
    return std::move(r).value();
  }();
  return set;
}

}  // namespace soc278::test

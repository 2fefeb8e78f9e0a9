// Private to the evaluator: included by src/soc/evaluator.hpp alone. Writing one phrase of
// mappings/wording.yaml: the rule gives the values of the placeholders it knows, builds the composite
// ones only when the phrase uses them, and the template appends the sentence.
#pragma once

#include <array>
#include <cassert>
#include <string>
#include <string_view>

#include "soc/line_writer.hpp"
#include "soc278/mapping/wording.hpp"

namespace soc278::soc::evaluation {

using mapping::Phrase;
using mapping::Slot;

class Words {
 public:
  Words(const mapping::Template& t, Store& s) noexcept : t_(t), s_(s) {}
  [[nodiscard]] bool wants(Slot x) const noexcept { return t_.uses(x); }
  Words& set(Slot x, std::string_view v) noexcept {
    values_[static_cast<std::size_t>(x)] = v;
    return *this;
  }
  // A value built only when the phrase uses it: `f(std::string&)` appends it to an empty buffer.
  template <typename F>
  Words& build(Slot x, F&& f) {
    if (!t_.uses(x)) return *this;
    assert(used_ < s_.words.size());
    std::string& buf = s_.words[used_++];
    buf.clear();
    f(buf);
    values_[static_cast<std::size_t>(x)] = buf;
    return *this;
  }
  // Appends the sentence to `out`.
  void into(std::string& out) const { t_.render(out, values_); }

 private:
  const mapping::Template& t_;
  Store& s_;
  std::array<std::string_view, mapping::slot_count> values_{};
  std::size_t used_ = 0;
};

}  // namespace soc278::soc::evaluation

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
  Words(const mapping::Template& t, Store& s) noexcept : t_(&t), s_(&s), base_(s.words_top) {}
  Words(Words&& o) noexcept : t_(o.t_), s_(o.s_), values_(o.values_), base_(o.base_) { o.s_ = nullptr; }
  Words(const Words&) = delete;
  Words& operator=(const Words&) = delete;
  Words& operator=(Words&&) = delete;
  // Gives back the buffers this phrase took.
  ~Words() {
    if (s_ != nullptr) s_->words_top = base_;
  }

  [[nodiscard]] bool wants(Slot x) const noexcept { return t_->uses(x); }
  Words& set(Slot x, std::string_view v) noexcept {
    values_[static_cast<std::size_t>(x)] = v;
    return *this;
  }
  // A value built only when the phrase uses it: `f(std::string&)` appends it to an empty buffer.
  template <typename F>
  Words& build(Slot x, F&& f) {
    if (!t_->uses(x)) return *this;
    // Fixed depth: a phrase has a handful of composite placeholders and nests one level (the loader
    // limits which placeholders a phrase has, wording.def).
    assert(s_->words_top < s_->words.size());
    std::string& buf = s_->words[s_->words_top++];
    buf.clear();
    f(buf);
    values_[static_cast<std::size_t>(x)] = buf;
    return *this;
  }
  // Appends the sentence to `out`.
  void into(std::string& out) const { t_->render(out, values_); }

 private:
  const mapping::Template* t_;
  Store* s_;
  std::array<std::string_view, mapping::slot_count> values_{};
  std::size_t base_;
};

}  // namespace soc278::soc::evaluation

// src/app/explain_select.hpp — private: which transaction sets `soc278 explain --st` shows.
//
//   (none)          every set of the file
//   N               the Nth set of the file (1-based; digits only)
//   GS06:ST02       the set with this control number in the group with this one ("5:0001";
//                   compared as numbers, so "0005:1" is the same set)
//   trace:VALUE     the set holding a TRN02 (patient event or service line) equal to VALUE
//   cert:VALUE      the set a certification (HCR02) or pend tracking number was issued for, as
//                   the process run's decision report (--decisions FILE) recorded it
//   VALUE           anything else: a TRN02, else (with --decisions) a certification number
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "soc278/ig/walker.hpp"
#include "soc278/x12/envelope.hpp"

namespace soc278::app {

class SetSelector {
 public:
  // nullopt with `error` set when the text or the decision report cannot be read.
  [[nodiscard]] static std::optional<SetSelector> parse(const std::string& text, const std::string& decisions, std::string& error);

  [[nodiscard]] bool all() const noexcept { return kind_ == Kind::all; }
  [[nodiscard]] bool matches(std::size_t ordinal, const x12::InterchangeInfo& i, const x12::GroupInfo& g, const x12::TransactionInfo& t,
                             const ig::TransactionResult& r) const;

 private:
  enum class Kind { all, ordinal, group_set, text };
  struct Key {
    std::string isa13, gs06, st02;
  };
  Kind kind_ = Kind::all;
  std::size_t ordinal_ = 0;
  std::string gs06_, st02_, text_;
  bool by_trace_ = true;
  std::vector<Key> certified_;  // the sets the decision report issued text_ for
};

}  // namespace soc278::app

// The problem collector (problems.hpp).
#include "yaml/problems.hpp"

#include <fmt/core.h>

namespace soc278::yaml {

std::string located(std::string_view file, Mark at, std::string_view text) {
  if (at.line >= 0) return fmt::format("{}:{}: {}", file, at.line + 1, text);
  return fmt::format("{}: {}", file, text);
}

void Problems::add(core::DiagCode code, std::string_view file, Mark at, std::string_view text, std::string found) {
  list_.push_back(Problem{code, located(file, at, text), std::move(found), at});
}

void Problems::add_message(core::DiagCode code, std::string message, std::string found, Mark at) {
  list_.push_back(Problem{code, std::move(message), std::move(found), at});
}

core::Diagnostic Problems::diagnostic(std::size_t max_lines) const {
  if (list_.empty()) return core::make_diagnostic(core::DiagCode{}, {}, "", "no problem");
  const Problem& first = list_.front();
  core::SourcePosition at;
  if (first.at.pos >= 0) at.byte_offset = static_cast<std::uint64_t>(first.at.pos);
  std::string message;
  for (std::size_t i = 0; i < list_.size() && i < max_lines; ++i) message += (i == 0 ? "" : "\n") + list_[i].message;
  if (list_.size() > max_lines) message += fmt::format("\n(and {} more)", list_.size() - max_lines);
  core::Diagnostic d = core::make_diagnostic(first.code, at, "", std::move(message));
  d.found_value = first.found;
  return d;
}

}  // namespace soc278::yaml

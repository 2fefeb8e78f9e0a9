// soc278 codes: every finding code with its severity, acknowledgment level and X12 code, as the
// table in docs/errors.md (a test keeps the two equal).
#include <fmt/core.h>

#include <iostream>

#include "app/commands.hpp"
#include "soc278/core/diagnostic.hpp"

namespace soc278::app {

std::string codes_markdown() {
  std::string out = "| code | severity | reported in | X12 code | meaning |\n|---|---|---|---|---|\n";
  for (const auto& i : core::all_codes()) {
    out += fmt::format("| `{}` | {} | {} | {} | {} |\n", i.name, core::to_string(i.severity), core::to_string(i.level),
                       i.x12_code.empty() ? "—" : std::string(i.x12_code), i.summary);
  }
  return out;
}

Verb add_codes(CLI::App& app) {
  Verb v;
  v.command = app.add_subcommand("codes", "List every finding code with its severity, 999/TA1 level and X12 code (Markdown).");
  v.run = [] {
    std::cout << codes_markdown();
    return exit_clean;
  };
  return v;
}

}  // namespace soc278::app

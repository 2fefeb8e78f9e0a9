// src/app/commands.hpp — private: the CLI verbs and what they share.
//
// Only src/app picks exit codes and prints; the libraries report Diagnostics.
// Exit codes: 0 clean, 1 findings that reject something, 2 usage or I/O errors.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace soc278::app {

enum ExitCode : int { exit_clean = 0, exit_rejected = 1, exit_usage = 2 };

// Each verb adds its subcommand and sets `run` to the function that executes it.
struct Verb {
  CLI::App* command = nullptr;
  std::function<int()> run;
};

Verb add_segments(CLI::App& app);
Verb add_codes(CLI::App& app);
Verb add_validate(CLI::App& app);
Verb add_process(CLI::App& app);
Verb add_explain(CLI::App& app);

// The Markdown table of every finding code (docs/errors.md embeds it).
[[nodiscard]] std::string codes_markdown();

}  // namespace soc278::app

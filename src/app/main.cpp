// soc278 command line: one subcommand per job (segments, validate, process, explain).
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"soc278 - X12 005010X217 278 processor for infusion site-of-care programs.\n"
               "Exit codes: 0 clean, 1 when something was rejected (envelope or validation errors), "
               "2 on usage or I/O errors."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "soc278 0.1.0");
  std::vector<soc278::app::Verb> verbs;
  verbs.push_back(soc278::app::add_segments(app));
  verbs.push_back(soc278::app::add_validate(app));
  verbs.push_back(soc278::app::add_process(app));
  verbs.push_back(soc278::app::add_explain(app));
  verbs.push_back(soc278::app::add_codes(app));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : soc278::app::exit_usage;
  }
  for (auto& v : verbs) {
    if (v.command->parsed()) return v.run();
  }
  return soc278::app::exit_usage;
}

// soc278 command line: one subcommand per job (segments, validate, process, explain).
//
// Two guarantees hold for every command, whatever it reads (docs/operations.md "What soc278 prints"):
//   - no exception leaves a command: anything thrown ends the run with one "soc278: internal error"
//     line on stderr and exit 2 (never an abort);
//   - no control character reaches the terminal or a log from standard output or error: each
//     printer escapes its values (app/console_text.hpp), and the two streams also pass through
//     ControlFilter, which writes any control byte that still gets there (other than a line feed
//     and a tab) as \xHH.
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>
#include <streambuf>

#include "app/commands.hpp"
#include "app/console_text.hpp"

namespace {

class ControlFilter final : public std::streambuf {
 public:
  explicit ControlFilter(std::streambuf* to) : to_(to) {}

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::streamsize run = 0;  // bytes of s before i not written yet
    for (std::streamsize i = 0; i < n; ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if ((c >= 0x20 && c != 0x7F) || c == '\n' || c == '\t') continue;
      if (i > run && to_->sputn(s + run, i - run) != i - run) return run;
      static constexpr char hex[] = "0123456789ABCDEF";
      const char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
      if (to_->sputn(esc, 4) != 4) return i;
      run = i + 1;
    }
    if (n > run && to_->sputn(s + run, n - run) != n - run) return run;
    return n;
  }
  int sync() override { return to_->pubsync(); }

 private:
  std::streambuf* to_;
};

int run(int argc, char** argv) {
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

}  // namespace

int main(int argc, char** argv) {
  ControlFilter out(std::cout.rdbuf()), err(std::cerr.rdbuf());
  std::streambuf* const saved_out = std::cout.rdbuf(&out);
  std::streambuf* const saved_err = std::cerr.rdbuf(&err);
  int status = soc278::app::exit_usage;
  try {
    status = run(argc, argv);
  } catch (const std::exception& e) {
    std::cout.flush();
    soc278::app::print_line(std::cerr, std::string("soc278: internal error: ") + e.what() + " (the run was stopped; please report it)");
  } catch (...) {
    std::cout.flush();
    soc278::app::print_line(std::cerr, "soc278: internal error: an unknown exception (the run was stopped; please report it)");
  }
  std::cout.flush();
  std::cerr.flush();
  std::cout.rdbuf(saved_out);
  std::cerr.rdbuf(saved_err);
  return status;
}

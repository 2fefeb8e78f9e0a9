#include "app/process_summary.hpp"

#include <fmt/core.h>

#include <iostream>

#include "soc278/core/output_text.hpp"

namespace soc278::app {

void ProcessSummary::add(const FileReport& r) {
  ++files_;
  if (max_rows_ == 0 || rows_.size() < max_rows_) {
    std::string name = core::printable(r.file);
    if (name.size() > 34) name = "..." + name.substr(name.size() - 31);
    rows_.push_back(fmt::format("{:<34} {:>6} {:>8} {:>8} {:>8} {:>6} {:>6} {:>8} {:>8} {:>5}\n", name, r.transactions, r.approve, r.redirect,
                                r.pend, r.cancel, r.unanswerable, r.rejected, r.errors + r.warnings, r.ta1_written));
  }
  total_.transactions += r.transactions;
  total_.approve += r.approve;
  total_.redirect += r.redirect;
  total_.pend += r.pend;
  total_.cancel += r.cancel;
  total_.unanswerable += r.unanswerable;
  total_.rejected += r.rejected;
  total_.errors += r.errors + r.warnings;
  total_.ta1_written += r.ta1_written;
  // Whatever held no 278 request is named, file by file: a misrouted folder must not read as clean.
  const std::string what = not_request_summary(r);
  if (!what.empty()) {
    ++notes_;
    if (max_rows_ == 0 || notes_text_.size() < max_rows_) notes_text_.push_back(core::printable(fmt::format("{}: not a 278 request: {}", r.file, what)) + '\n');
  }
}

void ProcessSummary::print() const {
  std::cout << fmt::format("\n{:<34} {:>6} {:>8} {:>8} {:>8} {:>6} {:>6} {:>8} {:>8} {:>5}\n", "file", "sets", "approve", "redirect", "pend",
                           "cancel", "AAA", "rejected", "findings", "TA1");
  for (const auto& row : rows_) std::cout << row;
  if (files_ > rows_.size())
    std::cout << fmt::format("... and {} more files (their lines are in each file's decision report; --max-rows 0 lists all)\n",
                             files_ - rows_.size());
  std::cout << fmt::format("{:<34} {:>6} {:>8} {:>8} {:>8} {:>6} {:>6} {:>8} {:>8} {:>5}\n", fmt::format("total ({} files)", files_),
                           total_.transactions, total_.approve, total_.redirect, total_.pend, total_.cancel, total_.unanswerable,
                           total_.rejected, total_.errors, total_.ta1_written);
  std::cout << "approve / redirect / pend / cancel count service lines; AAA, rejected and sets count transaction sets.\n";
  for (const auto& n : notes_text_) std::cout << n;
  if (notes_ > notes_text_.size()) std::cout << fmt::format("... and {} more files that held something other than a 278 request\n", notes_ - notes_text_.size());
}

}  // namespace soc278::app

// Helpers the ig tests share: the grammars loaded once, and a file run through the walker.
#pragma once

#include <fmt/core.h>

#include <string>
#include <string_view>
#include <vector>

#include "soc278/ig/guide.hpp"
#include "soc278/ig/walker.hpp"
#include "support/test_support.hpp"

namespace soc278::test {

// grammars/ loaded once per test binary; REQUIREs that it loads.
const ig::GuideSet& guides();

struct TransactionRun {
  x12::TransactionInfo info;
  ig::TransactionResult result;
};

struct ValidationRun {
  std::vector<TransactionRun> transactions;
  std::vector<ig::GroupResult> groups;
  std::vector<core::Diagnostic> envelope;  // what the reader and envelope checks reported
  [[nodiscard]] std::size_t errors() const;  // error findings over all transactions
  [[nodiscard]] std::vector<const core::Diagnostic*> all() const;
};

// Reads `text` through the reader, the envelope checks and the FileValidator; `split` puts a
// chunk boundary at that byte (SplitSource) when not SIZE_MAX.
ValidationRun validate_text(std::string_view text, const ig::ValidationOptions& options = {}, std::size_t split = SIZE_MAX,
                            const ig::GuideSet* set = nullptr);

// "ig.element_invalid_code@22/2000F UM02.0 '9'": what the assertions compare.
std::string brief(const core::Diagnostic& d);
std::vector<std::string> briefs(const ig::TransactionResult& r, bool errors_only = false);

}  // namespace soc278::test

namespace soc278::test {

// samples/infliximab-hopd.x12 with `from` (one whole segment, terminator excluded, which must occur
// exactly once) replaced by `to` ("" deletes it; "A~\nB" inserts), and SE01 recounted so that the
// envelope stays clean and only the mutation is found.
std::string mutate(std::string text, std::string_view from, std::string_view to);
// The same by position in the (first) set, ST = 1: replaces that segment with `to`.
std::string mutate_at(std::string text, std::size_t position, std::string_view to);
std::string infliximab();
// SE01 of every set recounted (the mutation tests change the number of segments).
std::string recount(std::string text);

}  // namespace soc278::test

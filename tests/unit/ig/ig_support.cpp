#include "ig_support.hpp"

#include <catch2/catch.hpp>

#include "soc278/x12/envelope.hpp"

namespace soc278::test {

const ig::GuideSet& guides() {
  static const ig::GuideSet set = [] {
    auto r = ig::load_guides(source_dir() / "grammars");
    if (!r.ok()) FAIL("grammars/ did not load:\n" << r.error().message);
    return std::move(r).value();
  }();
  return set;
}

namespace {

class Collect final : public core::DiagnosticSink {
 public:
  explicit Collect(std::vector<core::Diagnostic>& out) : out_(out) {}
  void report(core::Diagnostic d) override { out_.push_back(std::move(d)); }

 private:
  std::vector<core::Diagnostic>& out_;
};

}  // namespace

std::size_t ValidationRun::errors() const {
  std::size_t n = 0;
  for (const auto& t : transactions) n += t.result.errors;
  return n;
}

std::vector<const core::Diagnostic*> ValidationRun::all() const {
  std::vector<const core::Diagnostic*> out;
  for (const auto& t : transactions)
    for (const auto& d : t.result.findings) out.push_back(&d);
  return out;
}

ValidationRun validate_text(std::string_view text, const ig::ValidationOptions& options, std::size_t split,
                            const ig::GuideSet* set) {
  ValidationRun run;
  Collect sink(run.envelope);
  x12::MemorySource whole(text);
  x12::SplitSource parts(text, split == SIZE_MAX ? text.size() : split);
  x12::ByteSource& source = split == SIZE_MAX ? static_cast<x12::ByteSource&>(whole) : static_cast<x12::ByteSource&>(parts);
  (void)ig::validate_stream(
      source, set != nullptr ? *set : guides(), options, sink,
      [&](const x12::InterchangeInfo&, const x12::GroupInfo&, const x12::TransactionInfo& t, ig::TransactionResult& r) {
        run.transactions.push_back({t, std::move(r)});
      },
      [&](ig::GroupResult& g) { run.groups.push_back(g); });
  return run;
}

std::string brief(const core::Diagnostic& d) {
  std::string out = fmt::format("{}@{}", core::name(d.code), d.at.segment_in_set);
  out += fmt::format("/{}", d.loop_id);
  out += fmt::format(" {}", d.segment());
  if (d.at.element != 0) out += fmt::format("{:02}", d.at.element);
  if (d.at.component != 0) out += fmt::format("-{}", d.at.component);
  if (!d.found_value.empty()) out += fmt::format(" '{}'", d.found_value);
  return out;
}

std::vector<std::string> briefs(const ig::TransactionResult& r, bool errors_only) {
  std::vector<std::string> out;
  for (const auto& d : r.findings) {
    if (errors_only && d.severity != core::Severity::error) continue;
    out.push_back(brief(d));
  }
  return out;
}

}  // namespace soc278::test

namespace soc278::test {

std::string infliximab() { return read_file(source_dir() / "samples" / "infliximab-hopd.x12"); }

std::string recount(std::string text) {
  // The samples put one '~'-terminated segment per line.
  std::string out;
  std::vector<std::string> segs;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('~', start);
    if (end == std::string::npos) end = text.size();
    std::string seg = text.substr(start, end - start);
    while (!seg.empty() && (seg.front() == '\n' || seg.front() == '\r')) seg.erase(seg.begin());
    if (!seg.empty()) segs.push_back(seg);
    start = end + 1;
  }
  std::size_t st = 0;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    if (segs[i].rfind("ST*", 0) == 0) st = i;
    if (segs[i].rfind("SE*", 0) == 0) {
      const std::size_t star = segs[i].find('*', 3);
      segs[i] = fmt::format("SE*{}{}", i - st + 1, segs[i].substr(star));
    }
  }
  for (const auto& s : segs) out += s + "~\n";
  return out;
}

std::string mutate_at(std::string text, std::size_t position, std::string_view to) {
  std::size_t at = text.find("\nST*");
  REQUIRE(at != std::string::npos);
  ++at;
  for (std::size_t i = 1; i < position; ++i) {
    at = text.find("~\n", at);
    REQUIRE(at != std::string::npos);
    at += 2;
  }
  const std::size_t end = text.find('~', at);
  text.replace(at, end - at + 1, to.empty() ? std::string() : std::string(to) + "~");
  return recount(text);
}

std::string mutate(std::string text, std::string_view from, std::string_view to) {
  // Appended piece by piece: g++ 12 -O3 reports a false -Wrestrict overlap for "\n" + std::string(...).
  std::string needle;
  needle += '\n';
  needle.append(from);
  needle += '~';
  const std::size_t at = text.find(needle);
  REQUIRE(at != std::string::npos);
  REQUIRE(text.find(needle, at + 1) == std::string::npos);
  text.replace(at + 1, from.size() + 1, to.empty() ? std::string() : std::string(to) + "~");
  return recount(text);
}

}  // namespace soc278::test

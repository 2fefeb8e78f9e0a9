// The guide loader on copies of the shipped grammars/: every problem reported with its file and
// line, and the ISA code lists read from envelope.yaml (the envelope reader has none of its own).
#include <catch2/catch.hpp>
#include <fmt/core.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "ig_support.hpp"
#include "soc278/ig/guide.hpp"
#include "soc278/ig/walker.hpp"
#include "soc278/x12/byte_source.hpp"

using namespace soc278;
namespace fs = std::filesystem;

namespace {

fs::path grammars_copy(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("soc278-ig-data-{}-{}", name, ::getpid()) / "grammars";
  fs::remove_all(dir.parent_path());
  fs::create_directories(dir.parent_path());
  fs::copy(test::source_dir() / "grammars", dir, fs::copy_options::recursive);
  return dir;
}

// Replaces `from` (which must occur once) in `file`; returns the 1-based line where `to` now starts.
int edit(const fs::path& file, const std::string& from, const std::string& to) {
  std::string text = test::read_file(file);
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  REQUIRE(text.find(from, at + 1) == std::string::npos);
  text.replace(at, from.size(), to);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

struct Sink final : core::DiagnosticSink {
  std::vector<core::Diagnostic> items;
  void report(core::Diagnostic d) override { items.push_back(std::move(d)); }
};

std::vector<core::Diagnostic> envelope_findings(const ig::GuideSet& guides, const std::string& file) {
  const std::string text = test::read_file(test::source_dir() / file);
  x12::MemorySource source(text);
  Sink sink;
  (void)ig::validate_stream(source, guides, {}, sink, [](auto&&...) {});
  return sink.items;
}

}  // namespace

TEST_CASE("the guide loader reports every problem of every file, each with its file:line", "[ig][guide][loader]") {
  const fs::path dir = grammars_copy("three");
  // Three independent mistakes in three files.
  const int l1 = edit(dir / "elements.yaml", R"("I02":    { name: "Authorization Information", type: AN, min: 10, max: 10 })",
                      R"("I02":    { name: "Authorization Information", type: AN, min: 11, max: 10 })");
  const int l2 = edit(dir / "codes" / "hcr01_action.yaml", "list: hcr01_action\n", "list: hcr01_action\ncolour: blue\n") + 1;
  const int l3 = edit(dir / "005010X217" / "278-request.yaml",
                      "      - id: UM\n        name: Health Care Services Review Information\n        usage: R\n        max_use: 1\n",
                      "      - id: UM\n        name: Health Care Services Review Information\n        usage: R\n        max_use: zero\n") +
                 3;
  const auto r = ig::load_guides(dir);
  fs::remove_all(dir.parent_path());
  REQUIRE_FALSE(r.ok());
  const std::string& m = r.error().message;
  INFO(m);
  CHECK(r.error().code == core::DiagCode::ig_grammar_invalid);
  CHECK(m.find(fmt::format("grammars/elements.yaml:{}: element I02: min 11 is greater than max 10", l1)) != std::string::npos);
  CHECK(m.find(fmt::format("grammars/codes/hcr01_action.yaml:{}: codes/hcr01_action.yaml: unknown key 'colour'", l2)) != std::string::npos);
  CHECK(m.find(fmt::format("grammars/005010X217/278-request.yaml:{}:", l3)) != std::string::npos);
  CHECK(m.find("'zero' is not a positive integer") != std::string::npos);
  CHECK(std::count(m.begin(), m.end(), '\n') == 2);  // those three, nothing else
}

TEST_CASE("the ISA qualifiers the envelope reader accepts are envelope.yaml's: one removed there is rejected", "[ig][guide][loader]") {
  // The shipped guides accept ISA05/ISA07 ZZ (every sample uses it).
  CHECK(std::find(test::guides().envelope_codes().isa05.begin(), test::guides().envelope_codes().isa05.end(), "ZZ") !=
        test::guides().envelope_codes().isa05.end());
  for (const auto& d : envelope_findings(test::guides(), "samples/infliximab-hopd.x12"))
    CHECK(d.code != core::DiagCode::isa_sender_qualifier_invalid);

  const fs::path dir = grammars_copy("zz");
  edit(dir / "codes" / "isa_id_qualifier.yaml", "  \"ZZ\": \"Mutually defined\"\n", "");
  edit(dir / "envelope.yaml", R"(ISA01: { usage: R, min: 2, max: 2, codes: ["00", "01", "02", "03", "04", "05", "06"] })",
       R"(ISA01: { usage: R, min: 2, max: 2, codes: ["01", "02", "03", "04", "05", "06"] })");
  const auto r = ig::load_guides(dir);
  fs::remove_all(dir.parent_path());
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  const auto& codes = r.value().envelope_codes();
  CHECK(std::find(codes.isa05.begin(), codes.isa05.end(), "ZZ") == codes.isa05.end());
  CHECK(codes.isa01 == std::vector<std::string>{"01", "02", "03", "04", "05", "06"});
  bool sender = false, receiver = false, authorization = false;
  for (const auto& d : envelope_findings(r.value(), "samples/infliximab-hopd.x12")) {
    sender = sender || d.code == core::DiagCode::isa_sender_qualifier_invalid;
    receiver = receiver || d.code == core::DiagCode::isa_receiver_qualifier_invalid;
    authorization = authorization || d.code == core::DiagCode::isa_authorization_qualifier_invalid;
  }
  CHECK(sender);
  CHECK(receiver);
  CHECK(authorization);
}

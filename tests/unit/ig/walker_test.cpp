// The loop walker and the validator on our samples: clean, the right tree, the right guide.
#include "soc278/ig/walker.hpp"

#include <catch2/catch.hpp>

#include "ig_support.hpp"

using namespace soc278;

namespace {

std::string tree(const ig::LoopNode& n, int depth = 0) {
  std::string out = fmt::format("{}{}[", std::string(static_cast<std::size_t>(depth) * 2, ' '), n.id().empty() ? "root" : n.id());
  for (const auto& s : n.segments) out += fmt::format(" {}", s.rule->id);
  out += " ]\n";
  for (const auto& c : n.children) out += tree(c, depth + 1);
  return out;
}

}  // namespace

TEST_CASE("every sample validates without errors", "[ig][walker]") {
  const auto files = test::sample_files();
  REQUIRE(files.size() >= 13);
  for (const auto& f : files) {
    const auto run = test::validate_text(test::read_file(f));
    INFO(f.filename().string());
    CHECK(run.envelope.empty());
    REQUIRE(!run.transactions.empty());
    for (const auto& t : run.transactions) {
      INFO("ST02 " << t.info.control_number);
      REQUIRE(t.result.guide != nullptr);
      CHECK(t.result.guide->id == "278-request");
      CHECK(test::briefs(t.result, true) == std::vector<std::string>{});
      CHECK(!t.result.rejected);
      CHECK(!t.result.trn02_trace.empty());
      CHECK(t.result.segments == t.info.segments);
    }
  }
}

TEST_CASE("the loop tree follows the HL hierarchy and keeps every segment", "[ig][walker]") {
  const auto run = test::validate_text(test::infliximab());
  REQUIRE(run.transactions.size() == 1);
  const auto& r = run.transactions[0].result;
  CHECK(tree(r.root) ==
        "root[ ST BHT SE ]\n"
        "  2000A[ HL ]\n"
        "    2010A[ NM1 ]\n"
        "    2000B[ HL ]\n"
        "      2010B[ NM1 PER ]\n"
        "      2000C[ HL ]\n"
        "        2010C[ NM1 N3 N4 DMG ]\n"
        "        2000E[ HL TRN UM DTP HI MSG ]\n"
        "          2010EA[ NM1 N3 N4 ]\n"
        "          2000F[ HL TRN UM DTP SV1 HSD ]\n"
        "            2010F[ NM1 ]\n"
        "          2000F[ HL TRN UM DTP SV1 HSD ]\n"
        "            2010F[ NM1 ]\n");
  CHECK(r.trn02_trace == "REQ0001EV");
  // Segment copies outlive the reader's buffer and keep their positions.
  const auto& e = r.root.children[0].children[1].children[1].children[1];
  REQUIRE(e.id() == "2000E");
  const auto um = r.view(e.segments[2]);
  CHECK(um.id() == "UM");
  CHECK(um.component(4, 1) == "22");
  CHECK(e.segments[2].at.segment_in_set == 15);
  CHECK(r.segment_text(e.segments[2]) == "UM*HS*I*1*22:B");
  CHECK(e.segments[2].rule->element(4)->components[0].bind == "event.site_code");
  CHECK(e.at.segment_in_set == 13);
}

TEST_CASE("a dependent patient nests 2000E under 2000D", "[ig][walker]") {
  const auto run = test::validate_text(test::read_file(test::source_dir() / "samples" / "pediatric.x12"));
  REQUIRE(run.transactions.size() == 1);
  const auto& c = run.transactions[0].result.root.children[0].children[1].children[1];
  REQUIRE(c.id() == "2000C");
  REQUIRE(c.children.size() == 2);
  CHECK(c.children[1].id() == "2000D");
  REQUIRE(c.children[1].children.size() == 2);
  CHECK(c.children[1].children[1].id() == "2000E");
}

TEST_CASE("FileValidator hands over one result per set and one summary per group", "[ig][walker]") {
  const auto run = test::validate_text(test::read_file(test::source_dir() / "samples" / "two-groups.x12"));
  REQUIRE(run.transactions.size() == 4);
  REQUIRE(run.groups.size() == 2);
  for (const auto& g : run.groups) {
    CHECK(g.transactions == 2);
    CHECK(g.accepted() == 2);
    CHECK(g.rejected() == 0);
    CHECK(g.interchange.isa.control_number == "000004901");
  }
  CHECK(run.groups[0].group.control_number == "1001");
  CHECK(run.groups[1].group.control_number == "1002");
  // Each set's own result went to the transaction handler; the group keeps only counts.
  CHECK(run.transactions[3].info.control_number == "0002");
  CHECK(run.transactions[3].result.trn02_trace == "REQ0009EV");
}

TEST_CASE("a validation-only run builds no tree", "[ig][walker]") {
  ig::ValidationOptions o;
  o.build_tree = false;
  const auto run = test::validate_text(test::infliximab(), o);
  REQUIRE(run.transactions.size() == 1);
  CHECK(run.transactions[0].result.root.children.empty());
  CHECK(run.transactions[0].result.text.empty());
  CHECK(!run.transactions[0].result.rejected);
  CHECK(run.transactions[0].result.trn02_trace == "REQ0001EV");
}

TEST_CASE("split-at-every-byte: findings do not depend on chunk boundaries", "[ig][walker][grind]") {
  std::vector<std::string> texts;
  for (const auto& f : test::sample_files()) texts.push_back(test::read_file(f));
  // And a rejected one, so that findings are compared too.
  texts.push_back(test::mutate_at(test::infliximab(), 15, "UM*HS*Z*1*22:B:9:9~\nZZZ*1"));
  for (const auto& text : texts) {
    const auto whole = test::validate_text(text);
    std::vector<std::string> expected;
    for (const auto* d : whole.all()) expected.push_back(test::brief(*d) + "|" + d->message);
    for (std::size_t split = 1; split < text.size(); ++split) {
      const auto part = test::validate_text(text, {}, split);
      std::vector<std::string> got;
      for (const auto* d : part.all()) got.push_back(test::brief(*d) + "|" + d->message);
      if (got != expected) FAIL("a chunk boundary at byte " << split << " changed the findings");
      if (part.transactions.size() != whole.transactions.size()) FAIL("split " << split << " changed the sets");
    }
  }
}

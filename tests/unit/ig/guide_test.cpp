// grammars/ as compiled tables: every file loads, the index selects, and the loader's checks name
// file and line for every kind of broken data (STYLE.md section 7).
#include "soc278/ig/guide.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <set>
#include <unistd.h>

#include "ig/compiled.hpp"
#include "ig_support.hpp"

using namespace soc278;

TEST_CASE("every grammar file loads and compiles", "[ig][guide]") {
  const auto r = ig::load_guides(test::source_dir() / "grammars");
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  const ig::GuideSet& g = r.value();
  REQUIRE(g.index().size() == 4);  // 278 request, 278 response, 999, and 999-x231 (same_as the 999)
  for (const auto& e : g.index()) {
    REQUIRE(e.guide != nullptr);
    CHECK(!e.guide->loops.empty());
    CHECK(e.guide->root.segments.front().id == "ST");
    CHECK(e.guide->root.trailer.back().id == "SE");
  }
  CHECK(g.segment("NM1") != nullptr);
  CHECK(g.segment("ZZZ") == nullptr);
  CHECK(g.element("1322") != nullptr);
  CHECK(g.composite("C023") != nullptr);
  CHECK(g.code_list("place_of_service") != nullptr);
  CHECK(g.envelope_segment("GS") != nullptr);
}

TEST_CASE("the index picks a guide by ISA12, GS01, GS08, ST01 and BHT02", "[ig][guide]") {
  const ig::GuideSet& g = test::guides();
  const ig::Guide* req = g.select("00501", "HI", "005010X217", "278", "13");
  const ig::Guide* rsp = g.select("00501", "HI", "005010X217", "278", "11");
  const ig::Guide* ack = g.select("00501", "FA", "005010X231A1", "999", "");
  REQUIRE(req != nullptr);
  REQUIRE(rsp != nullptr);
  REQUIRE(ack != nullptr);
  CHECK(req->id == "278-request");
  CHECK(req->purpose == "request");
  CHECK(rsp->id == "278-response");
  CHECK(ack->id == "999");
  CHECK(g.select("00501", "HI", "005010X217", "278", "01") == nullptr);   // cancellation: no guide
  CHECK(g.select("00401", "HI", "005010X217", "278", "13") == nullptr);   // 4010 envelope
  CHECK(g.select("00501", "HS", "005010X217", "278", "13") == nullptr);   // eligibility group
  CHECK(g.select("00501", "FA", "005010X231", "999", "") == ack);         // 999 without A1: read with the A1 guide (same_as)
  CHECK(g.supports_transaction("278"));
  CHECK(!g.supports_transaction("270"));
  CHECK(g.needs_bht02("278"));
  CHECK(!g.needs_bht02("999"));
}

TEST_CASE("compiled loops carry names, starts, HL levels and bind names", "[ig][guide]") {
  const ig::Guide* req = test::guides().guide("278-request");
  REQUIRE(req != nullptr);
  const ig::LoopDef* e = req->loop("2000E");
  REQUIRE(e != nullptr);
  CHECK(e->name == "Patient Event Level");
  CHECK(e->hl_level == "EV");
  CHECK(e->start_key == ig::segment_key("HL"));
  CHECK(e->start_element == 3);
  CHECK(e->start_codes.contains("EV"));
  REQUIRE(e->hl_parents.size() == 2);
  CHECK(e->hl_parents[0]->id == "2000C");
  const auto um = std::find_if(e->segments.begin(), e->segments.end(), [](const ig::SegmentRule& s) { return s.id == "UM"; });
  REQUIRE(um != e->segments.end());
  CHECK(um->usage == ig::Usage::required);
  const ig::ElementRule* um04 = um->element(4);
  REQUIRE(um04 != nullptr);
  CHECK(um04->composite != nullptr);
  REQUIRE(um04->components.size() >= 2);
  CHECK(um04->components[0].bind == "event.site_code");
  CHECK(um04->components[1].label == "UM04-2");
  // Same-id occurrences are qualified and share one position.
  const auto refs = std::count_if(e->segments.begin(), e->segments.end(), [](const ig::SegmentRule& s) { return s.id == "REF"; });
  CHECK(refs == 2);
  for (const auto& s : e->segments) {
    if (s.id == "REF" || s.id == "DTP") CHECK(s.qualified);
    if (s.id == "UM" || s.id == "HI") CHECK(!s.qualified);
  }
  // DTP03 is checked by DTP02's format.
  const auto dtp = std::find_if(e->segments.begin(), e->segments.end(), [](const ig::SegmentRule& s) { return s.id == "DTP"; });
  REQUIRE(dtp != e->segments.end());
  CHECK(dtp->element(3)->format_from == 2);
  // Bindings name their loop, segment and position.
  const auto site = std::find_if(req->bindings.begin(), req->bindings.end(),
                                 [](const ig::Binding& b) { return b.name == "event.site_code"; });
  REQUIRE(site != req->bindings.end());
  CHECK(site->loop->id == "2000E");
  CHECK(site->segment->id == "UM");
  CHECK(site->element == 4);
  CHECK(site->component == 1);
  // The 999's IK5 is loop 2000's trailer.
  const ig::LoopDef* l2000 = test::guides().guide("999")->loop("2000");
  REQUIRE(l2000 != nullptr);
  REQUIRE(l2000->trailer.size() == 1);
  CHECK(l2000->trailer[0].id == "IK5");
}

TEST_CASE("CodeSet packs short codes and keeps long ones exact", "[ig][guide]") {
  ig::CodeSet s;
  for (const char* c : {"1", "01", "A1", "RD8", "0007", "SITUATIONAL TRIGGER", "1234567", "12345678"}) s.add(c);
  s.finish();
  for (const char* c : {"1", "01", "A1", "RD8", "0007", "SITUATIONAL TRIGGER", "1234567", "12345678"}) CHECK(s.contains(c));
  for (const char* c : {"", "001", "10", "A", "RD", "SITUATIONAL", "123456", "123456789"}) CHECK(!s.contains(c));
  CHECK(!s.contains(std::string_view("1\0", 2)));
  CHECK(s.size() == 8);
  CHECK(s.values().front() == "0007");
}

TEST_CASE("CodeSet finds every code of a large set and nothing else", "[ig][guide]") {
  ig::CodeSet s;
  std::vector<std::string> in;
  for (int i = 0; i < 300; ++i) in.push_back(std::to_string(i * 7));
  in.push_back("LONGER-THAN-SEVEN");
  for (const auto& c : in) s.add(c);
  s.finish();
  CHECK(s.size() == in.size());
  for (const auto& c : in) CHECK(s.contains(c));
  for (int i = 0; i < 300; ++i)
    if (i % 7 != 0) CHECK(!s.contains(std::to_string(i)));
  CHECK(!s.contains(""));
  CHECK(!s.contains("LONGER-THAN-SEVEN!"));
}

TEST_CASE("CodeSet::pack puts the bytes first, zero-padded, and the length last", "[ig][guide]") {
  // The packed order is the text's order for equal lengths; values() unpacks it for messages.
  auto reference = [](std::string_view code) {
    std::uint64_t v = 0;
    for (char c : code) v = (v << 8) | static_cast<unsigned char>(c);
    v <<= 8 * (ig::CodeSet::max_packed - code.size());
    return (v << 8) | code.size();
  };
  const std::string text = "AB\xff" "CDE\x01G";
  for (std::size_t start = 0; start < text.size(); ++start)
    for (std::size_t n = 0; start + n <= text.size() && n <= ig::CodeSet::max_packed; ++n)
      CHECK(ig::CodeSet::pack(std::string_view(text).substr(start, n)) == reference(std::string_view(text).substr(start, n)));
  CHECK(ig::CodeSet::pack("RD8") < ig::CodeSet::pack("RD9"));
}

// ---- the loader's checks on small inline grammars ------------------------------------------------

namespace {

using Files = std::map<std::string, std::string>;

Files fixture() {
  Files f;
  f["index.yaml"] = R"(guides:
  - { id: t, isa12: ["00501"], gs01: HI, gs08: "X1", st01: "278", bht02: "13", file: t/t.yaml }
)";
  f["elements.yaml"] = R"(source: test
elements:
  "143": { name: Set Id, type: ID, min: 3, max: 3 }
  "329": { name: Control, type: AN, min: 4, max: 9 }
  "1705": { name: Convention, type: AN, min: 1, max: 35 }
  "96": { name: Count, type: N0, min: 1, max: 10 }
  "353": { name: Purpose, type: ID, min: 2, max: 2 }
  "628": { name: HL Id, type: AN, min: 1, max: 12 }
  "734": { name: HL Parent, type: AN, min: 1, max: 12 }
  "735": { name: HL Level, type: ID, min: 1, max: 2 }
  "98": { name: Entity, type: ID, min: 2, max: 3 }
  "1035": { name: Name, type: AN, min: 1, max: 60 }
)";
  f["composites.yaml"] = R"(composites:
  C001:
    name: Pair
    components:
      - { ref: "98" }
      - { ref: "1035" }
)";
  f["segments.yaml"] = R"(segments:
  ST:
    name: Transaction Set Header
    elements: [ { ref: "143" }, { ref: "329" }, { ref: "1705" } ]
  SE:
    name: Transaction Set Trailer
    elements: [ { ref: "96" }, { ref: "329" } ]
  BHT:
    name: Beginning
    elements: [ { ref: "353" }, { ref: "353" } ]
  HL:
    name: Hierarchical Level
    elements: [ { ref: "628" }, { ref: "734" }, { ref: "735" } ]
  NM1:
    name: Name
    elements: [ { ref: "98" }, { ref: "1035" }, { composite: C001 } ]
    syntax: [P0203]
)";
  f["envelope.yaml"] = R"(segments:
  - id: ST
    usage: R
    elements: { ST01: { usage: R }, ST02: { usage: R }, ST03: { usage: S } }
  - id: SE
    usage: R
    elements: { SE01: { usage: R }, SE02: { usage: R } }
)";
  f["codes/entity.yaml"] = R"(list: entity
name: Entity codes
source: test
version: "1"
codes:
  "X3": payer
  "IL": subscriber
)";
  f["t/t.yaml"] = R"(transaction: { id: "278", version: "X1", purpose: request, bht02: "13", name: Test }
header:
  - id: BHT
    usage: R
    elements: { BHT01: { usage: R, codes: ["13"] }, BHT02: { usage: R, codes: ["13"] } }
loops: [L1]
definitions:
  L1:
    name: Top
    usage: R
    repeat: 1
    starts: { segment: HL, element: HL03, codes: ["20"] }
    hl: { level: "20", parents: [] }
    segments:
      - id: HL
        usage: R
        elements: { HL01: { usage: R }, HL03: { usage: R, codes: ["20"] } }
    children: [L2]
  L2:
    name: Name
    usage: R
    repeat: 1
    starts: { segment: NM1, element: NM101, codes: ["X3"] }
    segments:
      - id: NM1
        usage: R
        elements:
          NM101: { usage: R, codes_from: entity }
          NM102: { usage: S, bind: payer.name }
          NM103: { usage: S, components: { "1": { usage: R }, "2": { usage: S } } }
)";
  return f;
}

std::filesystem::path write(const Files& files) {
  static int n = 0;
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("soc278-ig-{}-{}", ::getpid(), ++n);
  std::filesystem::remove_all(dir);
  for (const auto& [name, text] : files) {
    const auto p = dir / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  return dir;
}

// Replaces `from` (which must occur) in one file of the fixture and loads it.
core::Result<ig::GuideSet> load_with(const std::string& file, const std::string& from, const std::string& to) {
  Files f = fixture();
  const auto at = f[file].find(from);
  REQUIRE(at != std::string::npos);
  f[file].replace(at, from.size(), to);
  const auto dir = write(f);
  auto r = ig::load_guides(dir);
  std::filesystem::remove_all(dir);
  return r;
}

void expect_error(const core::Result<ig::GuideSet>& r, const std::string& where, const std::string& what) {
  REQUIRE(!r.ok());
  INFO(r.error().message);
  CHECK(r.error().code == core::DiagCode::ig_grammar_invalid);
  CHECK(r.error().message.find(where) != std::string::npos);
  CHECK(r.error().message.find(what) != std::string::npos);
}

}  // namespace

TEST_CASE("the inline fixture grammar loads", "[ig][guide]") {
  const auto dir = write(fixture());
  const auto r = ig::load_guides(dir);
  std::filesystem::remove_all(dir);
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  const ig::Guide* g = r.value().select("00501", "HI", "X1", "278", "13");
  REQUIRE(g != nullptr);
  REQUIRE(g->loop("L2") != nullptr);
  CHECK(g->loop("L2")->segments[0].elements[2].components.size() == 2);
  CHECK(g->bindings.size() == 1);
}

TEST_CASE("the loader names file and line for broken grammar data", "[ig][guide]") {
  SECTION("unknown key") {
    expect_error(load_with("t/t.yaml", "    repeat: 1\n    starts: { segment: NM1", "    repaet: 1\n    starts: { segment: NM1"),
                 "grammars/t/t.yaml:", "unknown key 'repaet'");
  }
  SECTION("unknown key in an element rule") {
    expect_error(load_with("t/t.yaml", "NM102: { usage: S,", "NM102: { usage: S, cods: [A],"), "grammars/t/t.yaml:29:",
                 "unknown key 'cods'");
  }
  SECTION("dangling element ref") {
    expect_error(load_with("segments.yaml", R"({ ref: "353" }, { ref: "353" })", R"({ ref: "353" }, { ref: "999" })"),
                 "grammars/segments.yaml:10:", "element 999 is not in elements.yaml");
  }
  SECTION("dangling composite") {
    expect_error(load_with("segments.yaml", "composite: C001", "composite: C002"), "grammars/segments.yaml:16:",
                 "composite C002 is not in composites.yaml");
  }
  SECTION("dangling codes_from") {
    expect_error(load_with("t/t.yaml", "codes_from: entity", "codes_from: entities"), "grammars/t/t.yaml:28:",
                 "codes_from list 'entities' is not in codes/");
  }
  SECTION("dangling child loop") {
    expect_error(load_with("t/t.yaml", "children: [L2]", "children: [L3]"), "grammars/t/t.yaml:", "loop L3 is not defined");
  }
  SECTION("dangling HL parent") {
    expect_error(load_with("t/t.yaml", "parents: []", "parents: [L9]"), "grammars/t/t.yaml:", "loop L9 is not defined");
  }
  SECTION("duplicate loop id") {
    expect_error(load_with("t/t.yaml", "  L2:\n    name: Name", "  L1:\n    name: Name"), "grammars/t/t.yaml:",
                 "loop L1 is defined twice");
  }
  SECTION("duplicate element") {
    expect_error(load_with("elements.yaml", R"("96": { name: Count)", R"("143": { name: Count)"), "grammars/elements.yaml:",
                 "element 143 is defined twice");
  }
  SECTION("bad usage value") {
    expect_error(load_with("t/t.yaml", "NM102: { usage: S,", "NM102: { usage: O,"), "grammars/t/t.yaml:29:",
                 "usage 'O' is not R, S or N");
  }
  SECTION("element key that does not fit its segment") {
    expect_error(load_with("t/t.yaml", "NM102: { usage: S,", "NM112: { usage: S,"), "grammars/t/t.yaml:29:",
                 "'NM112' is not an element of NM1");
  }
  SECTION("component key that does not fit its composite") {
    expect_error(load_with("t/t.yaml", R"("2": { usage: S })", R"("3": { usage: S })"), "grammars/t/t.yaml:",
                 "component '3' is not a position of C001");
  }
  SECTION("code longer than its element") {
    expect_error(load_with("t/t.yaml", R"(HL03: { usage: R, codes: ["20"] })", R"(HL03: { usage: R, codes: ["200"] })"),
                 "grammars/t/t.yaml:", "code '200' does not fit the length 1..2");
  }
  SECTION("codes and codes_from together") {
    expect_error(load_with("t/t.yaml", "codes_from: entity", "codes_from: entity, codes: [X3]"), "grammars/t/t.yaml:28:",
                 "never both");
  }
  SECTION("a loop nobody lists") {
    expect_error(load_with("t/t.yaml", "children: [L2]", "children: []"), "grammars/t/t.yaml:",
                 "loop L2 is defined but no loop lists it as a child");
  }
  SECTION("a start code the start element refuses") {
    expect_error(load_with("t/t.yaml", R"(codes: ["X3"] })", R"(codes: ["PR"] })"), "grammars/t/t.yaml:",
                 "start code 'PR' is not allowed");
  }
  SECTION("bad syntax note") {
    expect_error(load_with("segments.yaml", "syntax: [P0203]", "syntax: [P0209]"), "grammars/segments.yaml:17:",
                 "syntax note 'P0209'");
  }
  SECTION("YAML syntax error") {
    expect_error(load_with("composites.yaml", "name: Pair", "name: [Pair"), "grammars/composites.yaml:", "YAML syntax error");
  }
  SECTION("code list named unlike its file") {
    expect_error(load_with("codes/entity.yaml", "list: entity", "list: entities"), "grammars/codes/entity.yaml:1:",
                 "should be named like its file");
  }
  SECTION("missing guide file") {
    expect_error(load_with("index.yaml", "file: t/t.yaml", "file: t/u.yaml"), "grammars/t/u.yaml", "file not found");
  }
  SECTION("same_as naming no earlier entry") {
    expect_error(load_with("index.yaml", "file: t/t.yaml }\n",
                           "file: t/t.yaml }\n  - { id: u, isa12: [\"00501\"], gs01: HI, gs08: \"X2\", st01: \"278\", bht02: \"13\", same_as: v }\n"),
                 "grammars/index.yaml:", "same_as 'v' is not an earlier entry's id");
  }
  SECTION("both file and same_as") {
    expect_error(load_with("index.yaml", "file: t/t.yaml }\n",
                           "file: t/t.yaml }\n  - { id: u, isa12: [\"00501\"], gs01: HI, gs08: \"X2\", st01: \"278\", bht02: \"13\", file: t/t.yaml, same_as: t }\n"),
                 "grammars/index.yaml:", "either file");
  }
  SECTION("same_as for another transaction set") {
    expect_error(load_with("index.yaml", "file: t/t.yaml }\n",
                           "file: t/t.yaml }\n  - { id: u, isa12: [\"00501\"], gs01: HI, gs08: \"X2\", st01: \"999\", bht02: \"13\", same_as: t }\n"),
                 "grammars/index.yaml:", "st01 999 differs from t's st01 278");
  }
}

TEST_CASE("an index entry with same_as reads another GS08 with an earlier entry's guide", "[ig][guide]") {
  Files f = fixture();
  const std::string line = "file: t/t.yaml }\n";
  const auto at = f["index.yaml"].find(line);
  REQUIRE(at != std::string::npos);
  f["index.yaml"].insert(at + line.size(),
                         "  - { id: u, isa12: [\"00501\"], gs01: HI, gs08: \"X2\", st01: \"278\", bht02: \"13\", same_as: t }\n");
  const auto dir = write(f);
  const auto r = ig::load_guides(dir);
  std::filesystem::remove_all(dir);
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  const ig::Guide* t = r.value().guide("t");
  REQUIRE(t != nullptr);
  CHECK(r.value().select("00501", "HI", "X2", "278", "13") == t);
  CHECK(r.value().guide("u") == nullptr);  // no guide of its own
  CHECK(r.value().index().size() == 2);
}

// The compiled serial (src/ig/compiled.hpp, CompiledRule::serial): the walker keys per-occurrence
// state and its clean-segment hash on it, so the occurrences of one guide set must have distinct
// serials (and not all 0).
TEST_CASE("occurrences have distinct serials across the guides of a set", "[ig][guide]") {
  std::set<std::uint16_t> seen;
  std::size_t count = 0;
  auto take = [&](const std::vector<ig::SegmentRule>& rules) {
    for (const ig::SegmentRule& r : rules) {
      ++count;
      REQUIRE(r.compiled != nullptr);
      seen.insert(r.compiled->serial);
    }
  };
  for (const char* id : {"278-request", "278-response", "999"}) {
    const ig::Guide* g = test::guides().guide(id);
    REQUIRE(g != nullptr);
    take(g->root.segments);
    take(g->root.trailer);
    for (const auto& l : g->loops) {
      take(l->segments);
      take(l->trailer);
    }
  }
  CHECK(count > 100);
  CHECK(seen.size() == count);
}

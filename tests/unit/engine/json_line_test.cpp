#include "engine/json_line.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

TEST_CASE("JsonLine writes valid JSON, escaping what RFC 8259 requires", "[app]") {
  std::string out;
  soc278::engine::JsonLine j(out);
  j.begin_object().field("a", "quote \" back\\slash\nnew\ttab\x01").key("n").number(42).key("none").null();
  j.key("list").begin_array().string("x").begin_object().key("t").boolean(true).end_object().end_array();
  j.field_or_null("empty", "").end_object();
  const auto parsed = nlohmann::json::parse(out);
  CHECK(parsed["a"] == "quote \" back\\slash\nnew\ttab\x01");
  CHECK(parsed["n"] == 42);
  CHECK(parsed["none"].is_null());
  CHECK(parsed["list"][1]["t"] == true);
  CHECK(parsed["empty"].is_null());
  CHECK(out.rfind("{\"a\":\"quote \\\" back\\\\slash\\nnew\\ttab\\u0001\",\"n\":42,", 0) == 0);
}

TEST_CASE("JsonLine escapes at every position of short and long strings", "[app]") {
  // The writer checks 8 (or 4) bytes at a time and loads the last word overlapping: put each
  // character that needs an escape at every position of strings around those widths.
  for (std::size_t length = 0; length <= 40; ++length) {
    const std::string plain(length, 'a');
    {
      std::string out;
      soc278::engine::JsonLine(out).begin_array().string(plain).end_array();
      CHECK(out == "[\"" + plain + "\"]");
    }
    for (std::size_t at = 0; at < length; ++at) {
      for (char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
        std::string text = plain;
        text[at] = special;
        std::string out;
        soc278::engine::JsonLine(out).begin_array().string(text).end_array();
        const auto parsed = nlohmann::json::parse(out);
        REQUIRE(parsed[0] == text);
      }
    }
  }
  std::string out;
  soc278::engine::JsonLine(out).begin_array().string("\x7f\xc3\xa9 ~").end_array();
  CHECK(out == "[\"\x7f\xc3\xa9 ~\"]");  // DEL and UTF-8 pass through
  // The 16-byte check compares unsigned: the space (0x20) is never escaped; UTF-8 is kept, and each
  // byte that is not part of a well-formed sequence becomes U+FFFD (core/output_text.hpp).
  const std::string wide = "caf\xc3\xa9 au lait \xe2\x82\xac 12 \x7f\xff\x80 and 0x20: ' ' end";
  std::string w;
  soc278::engine::JsonLine(w).begin_array().string(wide).end_array();
  CHECK(w == "[\"caf\xc3\xa9 au lait \xe2\x82\xac 12 \x7f\xEF\xBF\xBD\xEF\xBF\xBD and 0x20: ' ' end\"]");
}

TEST_CASE("JsonLine resumes an object from a prefix written once", "[app]") {
  std::string prefix;
  {
    soc278::engine::JsonLine p(prefix);
    p.begin_object().field("a", "x\"y").field("n", 1);
  }  // destroyed open: the prefix keeps '{' and the members
  CHECK(prefix == "{\"a\":\"x\\\"y\",\"n\":1");
  for (int line = 1; line <= 2; ++line) {
    std::string out;
    soc278::engine::JsonLine(out).resume_object(prefix).field("line", static_cast<std::uint64_t>(line)).end_object();
    const auto parsed = nlohmann::json::parse(out);
    CHECK(parsed["a"] == "x\"y");
    CHECK(parsed["line"] == line);
  }
  std::string empty_prefix, out;
  {
    soc278::engine::JsonLine p(empty_prefix);
    p.begin_object();
  }
  soc278::engine::JsonLine(out).resume_object(empty_prefix).field("k", "v").end_object();
  CHECK(out == "{\"k\":\"v\"}");  // no comma before the first member
}

TEST_CASE("JsonRun writes the same members as the JsonLine calls it replaces", "[app]") {
  const std::string_view tricky = "tab\there \"quoted\" back\\slash \x01 and a long enough tail to take the 16-byte path";
  std::string by_calls;
  {
    soc278::engine::JsonLine j(by_calls);
    j.begin_object().field("first", "x").field("n", std::uint64_t{42}).field("s", tricky).field_or_null("none", "");
    j.key("list").begin_array().string("a").string("b\"").end_array().key("yes").boolean(true);
    j.field("from", "2026-12-01").field("short", "ab").end_object();
  }
  std::string scratch(3, '#');  // leftovers of an earlier line
  soc278::engine::JsonLine j(scratch, soc278::engine::JsonLine::Scratch{});
  j.begin_object().field("first", "x");
  soc278::engine::JsonRun r(j.begin_run(512 + soc278::engine::detail::json_string_room(tricky)));
  r.raw(",\"n\":").number(42).raw(",\"s\":").string(tricky).raw(",\"none\":").string_or_null("");
  r.raw(",\"list\":[").string("a").raw(",").string("b\"").raw("],\"yes\":").boolean(true);
  r.raw(",\"from\":").iso_date(2026, 12, 1).raw(",\"short\":").string("ab");
  j.end_run(r).end_object();
  CHECK(j.text() == by_calls);
  CHECK(nlohmann::json::parse(j.text())["s"] == tricky);
}

TEST_CASE("A scratch JsonLine reuses its buffer: a shorter line after a longer one is exact", "[app]") {
  std::string scratch;
  {
    soc278::engine::JsonLine j(scratch, soc278::engine::JsonLine::Scratch{});
    j.begin_object().field("long", std::string(3000, 'y')).end_object().newline();
    CHECK(j.text().size() == 3000 + 12);
  }
  const std::size_t high_water = scratch.size();
  soc278::engine::JsonLine j(scratch, soc278::engine::JsonLine::Scratch{});
  j.begin_object().field("k", "v").end_object().newline();
  CHECK(j.text() == "{\"k\":\"v\"}\n");
  CHECK(scratch.size() == high_water);  // not brought back: the next long line needs no zero-fill
}

TEST_CASE("JsonRun writes a short std::string as its string_view, escapes included", "[app]") {
  // The std::string overload copies up to 16 bytes as one block; it must fall back whenever one of
  // the value's own bytes needs an escape, and never look at the bytes past the value.
  std::string heap = "0123456789abcdefXYZ";  // on the heap, then shortened: stale bytes behind size()
  heap.resize(5);
  const std::vector<std::string> values = {"", "B", "A1", "J1745", "0123456789abcdef", "0123456789abcde\"", "\"", "a\\b",
                                           "tab\there", std::string("nul\0x", 5), "0123456789abcdefg", heap};
  for (const std::string& v : values) {
    std::string a(64, '#'), b(64, '#');
    soc278::engine::JsonLine ja(a, soc278::engine::JsonLine::Scratch{});
    ja.begin_object().field("k", "v");
    soc278::engine::JsonRun ra(ja.begin_run(16 + soc278::engine::detail::json_string_room(v)));
    ra.raw(",\"s\":").string(v).raw(",\"t\":").string_or_null(v);
    ja.end_run(ra).end_object();
    soc278::engine::JsonLine jb(b, soc278::engine::JsonLine::Scratch{});
    jb.begin_object().field("k", "v").field("s", std::string_view(v)).field_or_null("t", std::string_view(v)).end_object();
    CHECK(ja.text() == jb.text());
  }
}

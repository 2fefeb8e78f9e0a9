#include "app/json_line.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

TEST_CASE("JsonLine writes valid JSON, escaping what RFC 8259 requires", "[app]") {
  std::string out;
  soc278::app::JsonLine j(out);
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

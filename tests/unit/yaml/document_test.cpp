// The light YAML tree (src/yaml/document.hpp) and the start-up cache of a folder's trees (folder.hpp).
#include <catch2/catch.hpp>
#include <fmt/core.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/test_support.hpp"
#include "yaml/document.hpp"
#include "yaml/folder.hpp"
#include "yaml/problems.hpp"

using namespace soc278;
namespace fs = std::filesystem;

namespace {

const char* const kText = R"(# a comment
name: "Certification"
count: 3
empty:
list: [a, "01", ~]
nested:
  - id: ISA
    elements: { ISA01: { usage: R } }
  - id: GS
)";

yaml::Document parsed(std::string_view text) {
  yaml::Document d;
  int line = 0;
  std::string error;
  REQUIRE(yaml::parse(text, d, line, error));
  return d;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

fs::path scratch(const std::string& name) {
  static int n = 0;
  const fs::path dir = fs::temp_directory_path() / fmt::format("soc278-yaml-{}-{}-{}", ::getpid(), name, ++n);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("the tree answers like the loaders expect: keys, items, lines, missing keys", "[yaml]") {
  const yaml::Document d = parsed(kText);
  const yaml::Node root = d.root();
  REQUIRE(root.IsMap());
  CHECK(root.size() == 5);
  CHECK(root["name"].Scalar() == "Certification");
  CHECK(root["name"].Mark().line == 1);  // 0-based, like yaml-cpp
  CHECK(root["empty"].IsNull());
  CHECK(root["empty"].IsDefined());
  const yaml::Node missing = root["nope"];
  CHECK_FALSE(missing.IsDefined());
  CHECK_FALSE(missing.IsMap());
  CHECK_FALSE(missing.IsNull());
  CHECK(missing.Scalar().empty());
  CHECK(missing.Mark().line == -1);
  CHECK_FALSE(missing["deeper"].IsDefined());
  const yaml::Node list = root["list"];
  REQUIRE(list.IsSequence());
  CHECK(list.size() == 3);
  CHECK(list[1].Scalar() == "01");
  CHECK(list[2].IsNull());
  CHECK_FALSE(list[3].IsDefined());
  std::string keys;
  for (const auto& kv : root) keys += kv.first.Scalar() + ",";
  CHECK(keys == "name,count,empty,list,nested,");
  std::string ids;
  for (const yaml::Node& item : root["nested"]) ids += item["id"].Scalar() + "@" + std::to_string(item.Mark().line) + ",";
  CHECK(ids == "ISA@6,GS@8,");
  CHECK(root["nested"][0]["elements"]["ISA01"]["usage"].Scalar() == "R");
}

TEST_CASE("a syntax error gives its line, not a tree", "[yaml]") {
  yaml::Document d;
  int line = -1;
  std::string error;
  CHECK_FALSE(yaml::parse("a: 1\nb: [unclosed\nc: 2\n", d, line, error));
  CHECK(line >= 1);
  CHECK_FALSE(error.empty());
}

TEST_CASE("the tree round-trips through its binary form, and no damaged form is taken", "[yaml][cache]") {
  const yaml::Document d = parsed(kText);
  std::string bytes;
  d.to_bytes(bytes);
  std::string_view in = bytes;
  yaml::Document back;
  REQUIRE(yaml::Document::from_bytes(in, back));
  CHECK(in.empty());
  CHECK(back == d);
  CHECK(back.root()["nested"][1]["id"].Scalar() == "GS");
  // Every truncation is refused.
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    std::string_view cut(bytes.data(), n);
    yaml::Document partial;
    INFO(n);
    CHECK_FALSE(yaml::Document::from_bytes(cut, partial));
  }
}

TEST_CASE("a folder's cache file: every truncation and every flipped byte is refused", "[yaml][cache]") {
  std::vector<yaml::FolderFile> files(2);
  files[0].rel = "a.yaml";
  files[0].doc = parsed(kText);
  files[0].parsed = true;
  files[1].rel = "codes/b.yaml";
  files[1].doc = parsed("codes: { A: one, B: two }\n");
  files[1].parsed = true;
  const std::string bytes = yaml::folder_to_bytes(files, "key1");
  std::vector<yaml::FolderFile> back;
  REQUIRE(yaml::folder_from_bytes(bytes, "key1", back));
  REQUIRE(back.size() == 2);
  CHECK(back[0].rel == "a.yaml");
  CHECK(back[0].doc == files[0].doc);
  CHECK(back[1].doc == files[1].doc);
  CHECK_FALSE(yaml::folder_from_bytes(bytes, "key2", back));  // written for other content
  for (std::size_t n = 0; n < bytes.size(); n += 7) CHECK_FALSE(yaml::folder_from_bytes(bytes.substr(0, n), "key1", back));
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x5A);
    INFO(i);
    CHECK_FALSE(yaml::folder_from_bytes(damaged, "key1", back));
  }
}

TEST_CASE("the folder cache: written once, used after, invalidated by any change, never trusted when damaged", "[yaml][cache]") {
  const fs::path data = scratch("data") / "grammars";
  const fs::path cache = scratch("cache");
  write(data / "a.yaml", "x: 1\n");
  write(data / "codes" / "b.yaml", "codes: { A: one }\n");
  write(data / "README.md", "not yaml\n");

  const yaml::Folder first = yaml::Folder::read(data, cache);
  CHECK(first.cache_use() == yaml::CacheUse::miss);
  REQUIRE(first.files().size() == 2);
  REQUIRE(first.find("codes/b.yaml") != nullptr);
  CHECK(first.find("codes/b.yaml")->doc.root()["codes"]["A"].Scalar() == "one");
  REQUIRE(fs::exists(first.cache_file()));

  const yaml::Folder second = yaml::Folder::read(data, cache);
  CHECK(second.cache_use() == yaml::CacheUse::hit);
  CHECK(second.find("codes/b.yaml")->doc == first.find("codes/b.yaml")->doc);
  CHECK(second.find("a.yaml")->doc == first.find("a.yaml")->doc);

  SECTION("a changed file is read from the YAML again, and the stale tree removed") {
    write(data / "codes" / "b.yaml", "codes: { A: changed }\n");
    const yaml::Folder changed = yaml::Folder::read(data, cache);
    CHECK(changed.cache_use() == yaml::CacheUse::miss);
    CHECK(changed.find("codes/b.yaml")->doc.root()["codes"]["A"].Scalar() == "changed");
    CHECK(changed.cache_file() != first.cache_file());
    CHECK_FALSE(fs::exists(first.cache_file()));
    CHECK(yaml::Folder::read(data, cache).cache_use() == yaml::CacheUse::hit);
  }
  SECTION("a new file changes the key too") {
    write(data / "c.yaml", "y: 2\n");
    CHECK(yaml::Folder::read(data, cache).cache_use() == yaml::CacheUse::miss);
  }
  SECTION("a truncated cache file falls back to the YAML and is rewritten") {
    const std::string whole = test::read_file(first.cache_file());
    write(first.cache_file(), whole.substr(0, whole.size() / 2));
    const yaml::Folder again = yaml::Folder::read(data, cache);
    CHECK(again.cache_use() == yaml::CacheUse::miss);
    CHECK(again.find("codes/b.yaml")->doc.root()["codes"]["A"].Scalar() == "one");
    CHECK(test::read_file(first.cache_file()) == whole);
  }
  SECTION("a corrupt cache file falls back to the YAML") {
    std::string whole = test::read_file(first.cache_file());
    whole[whole.size() - 3] = static_cast<char>(whole[whole.size() - 3] ^ 1);
    write(first.cache_file(), whole);
    const yaml::Folder again = yaml::Folder::read(data, cache);
    CHECK(again.cache_use() == yaml::CacheUse::miss);
    CHECK(again.find("a.yaml")->doc.root()["x"].Scalar() == "1");
  }
  SECTION("a folder with a syntax error is not cached, and the error is kept") {
    write(data / "a.yaml", "x: [1\n");
    const yaml::Folder broken = yaml::Folder::read(data, cache);
    const yaml::FolderFile* a = broken.find("a.yaml");
    REQUIRE(a != nullptr);
    CHECK_FALSE(a->parsed);
    CHECK_FALSE(a->error.empty());
    CHECK_FALSE(fs::exists(broken.cache_file()));
  }
  SECTION("a cache folder that cannot be written is no error") {
    const fs::path blocked = cache / "blocked";
    write(blocked, "a file where the cache folder should be\n");
    const yaml::Folder f = yaml::Folder::read(data, blocked / "sub");
    CHECK(f.cache_use() == yaml::CacheUse::miss);
    CHECK(f.find("a.yaml")->doc.root()["x"].Scalar() == "1");
  }
  SECTION("no cache folder: the YAML alone") {
    const yaml::Folder f = yaml::Folder::read(data, std::nullopt);
    CHECK(f.cache_use() == yaml::CacheUse::off);
    CHECK(f.find("a.yaml") != nullptr);
  }
  fs::remove_all(data.parent_path());
  fs::remove_all(cache);
}

TEST_CASE("problems: every one kept, the first one's code leads, the message lists them with file:line", "[yaml]") {
  yaml::Problems p;
  p.add(core::DiagCode::mapping_unknown_key, "mappings/a.yaml", yaml::Mark{10, 3, 2}, "unknown key 'x'", "x");
  p.add(core::DiagCode::mapping_invalid, "mappings/b.yaml", yaml::Mark::null_mark(), "file not found");
  const core::Diagnostic d = p.diagnostic(25);
  CHECK(d.code == core::DiagCode::mapping_unknown_key);
  CHECK(d.found_value == "x");
  CHECK(d.at.byte_offset == 10);
  CHECK(d.message == "mappings/a.yaml:4: unknown key 'x'\nmappings/b.yaml: file not found");
  CHECK(p.diagnostic(1).message == "mappings/a.yaml:4: unknown key 'x'\n(and 1 more)");
}

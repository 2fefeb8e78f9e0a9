// src/yaml/document.hpp (private to the project: the loaders of grammars/ and mappings/)
//
// A YAML file read once into a light tree of our own: map, sequence and scalar nodes, each with its
// position (0-based line and column, byte offset, as yaml-cpp marks them). yaml-cpp is the parser;
// nothing else in the project sees its types. The tree is plain data, so it can be written to the
// start-up cache (folder.hpp) and read back without parsing YAML again.
//
// Node mirrors the part of yaml-cpp's Node API the loaders use (IsDefined, IsMap, operator[],
// iteration with .first/.second over a map), so a loader reads the same either way. A missing key
// gives an undefined node (IsDefined() false, every Is*() false, Scalar() empty) and never throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace soc278::yaml {

struct Mark {
  int pos = -1;     // byte offset in the file
  int line = -1;    // 0-based; -1: no position (a whole file, a missing node)
  int column = -1;  // 0-based
  [[nodiscard]] static Mark null_mark() { return {}; }
};

enum class Kind : std::uint8_t { null, scalar, sequence, map };

class Document;

class Node {
 public:
  Node() = default;
  Node(const Document* doc, std::uint32_t index) : doc_(doc), index_(index) {}

  [[nodiscard]] bool IsDefined() const { return doc_ != nullptr; }
  [[nodiscard]] bool IsNull() const;
  [[nodiscard]] bool IsScalar() const;
  [[nodiscard]] bool IsSequence() const;
  [[nodiscard]] bool IsMap() const;
  // The text of a scalar; empty for any other node.
  [[nodiscard]] const std::string& Scalar() const;
  [[nodiscard]] yaml::Mark Mark() const;
  // Entries of a map or a sequence; 0 for anything else.
  [[nodiscard]] std::size_t size() const;
  // The value under `key` of a map (the first, if a key repeats); undefined when absent or not a map.
  [[nodiscard]] Node operator[](std::string_view key) const;
  [[nodiscard]] Node operator[](const char* key) const { return (*this)[std::string_view(key)]; }
  [[nodiscard]] Node operator[](const std::string& key) const { return (*this)[std::string_view(key)]; }
  // The i-th item of a sequence; undefined when out of range or not a sequence.
  [[nodiscard]] Node operator[](std::size_t i) const;
  [[nodiscard]] Node operator[](int i) const { return (*this)[static_cast<std::size_t>(i)]; }

  // One step of iteration: for a sequence the item itself; for a map, first (key) and second (value).
  struct Item;
  class iterator;
  [[nodiscard]] iterator begin() const;
  [[nodiscard]] iterator end() const;

 private:
  const Document* doc_ = nullptr;
  std::uint32_t index_ = 0;
};

struct Node::Item : Node {
  Node first;
  Node second;
};

class Node::iterator {
 public:
  iterator(const Document* doc, const std::uint32_t* at, bool is_map) : doc_(doc), at_(at), is_map_(is_map) {}
  Item operator*() const;
  iterator& operator++() {
    at_ += is_map_ ? 2 : 1;
    return *this;
  }
  bool operator!=(const iterator& o) const { return at_ != o.at_; }
  bool operator==(const iterator& o) const { return at_ == o.at_; }

 private:
  const Document* doc_;
  const std::uint32_t* at_;
  bool is_map_;
};

// One file's tree. Nodes are numbered in document order (a parent before its children), node 0 is
// the root; a map's children are key, value, key, value...
class Document {
 public:
  struct Record {
    Kind kind = Kind::null;
    std::uint32_t line = 0, column = 0, pos = 0;
    std::uint32_t text = 0;         // index into texts (scalars)
    std::uint32_t first_child = 0;  // index into children
    std::uint32_t child_count = 0;  // entries in children (2 per map entry)
    bool operator==(const Record&) const = default;
  };

  [[nodiscard]] Node root() const { return records_.empty() ? Node() : Node(this, 0); }
  [[nodiscard]] bool operator==(const Document&) const = default;

  // Building (the parser and the cache reader).
  std::uint32_t add(Kind kind, Mark at, std::string text = {});
  // Children of `parent`, given once all of them exist (their indices, in order).
  void set_children(std::uint32_t parent, const std::vector<std::uint32_t>& kids);

  // Compact binary form (folder.cpp writes it into the cache) and back. from_bytes checks every
  // index and length: a damaged or hostile input gives false, never a tree that points outside itself.
  void to_bytes(std::string& out) const;
  [[nodiscard]] static bool from_bytes(std::string_view& in, Document& out);

 private:
  friend class Node;
  std::vector<Record> records_;
  std::vector<std::uint32_t> children_;
  std::vector<std::string> texts_;
};

// Parses `text` (the bytes of `name`). On a syntax error returns false and fills `error_line`
// (0-based, -1 unknown) and `error`.
[[nodiscard]] bool parse(std::string_view text, Document& out, int& error_line, std::string& error);

}  // namespace soc278::yaml

// The light YAML tree (document.hpp): accessors, the yaml-cpp conversion and the binary form.
#include "yaml/document.hpp"

#include <yaml-cpp/yaml.h>

#include <cstring>
#include <exception>

namespace soc278::yaml {

namespace {
const std::string kEmpty;

// ---- binary helpers (native byte order: the cache never leaves the machine that wrote it) -----
void put32(std::string& out, std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
bool get32(std::string_view& in, std::uint32_t& v) {
  if (in.size() < sizeof v) return false;
  std::memcpy(&v, in.data(), sizeof v);
  in.remove_prefix(sizeof v);
  return true;
}
}  // namespace

// ---- Node ------------------------------------------------------------------------------------

bool Node::IsNull() const { return doc_ != nullptr && doc_->records_[index_].kind == Kind::null; }
bool Node::IsScalar() const { return doc_ != nullptr && doc_->records_[index_].kind == Kind::scalar; }
bool Node::IsSequence() const { return doc_ != nullptr && doc_->records_[index_].kind == Kind::sequence; }
bool Node::IsMap() const { return doc_ != nullptr && doc_->records_[index_].kind == Kind::map; }

const std::string& Node::Scalar() const {
  if (!IsScalar()) return kEmpty;
  return doc_->texts_[doc_->records_[index_].text];
}

Mark Node::Mark() const {
  if (doc_ == nullptr) return yaml::Mark::null_mark();
  const auto& r = doc_->records_[index_];
  return {static_cast<int>(r.pos), static_cast<int>(r.line), static_cast<int>(r.column)};
}

std::size_t Node::size() const {
  if (doc_ == nullptr) return 0;
  const auto& r = doc_->records_[index_];
  if (r.kind == Kind::map) return r.child_count / 2;
  if (r.kind == Kind::sequence) return r.child_count;
  return 0;
}

Node Node::operator[](std::string_view key) const {
  if (!IsMap()) return {};
  const auto& r = doc_->records_[index_];
  const std::uint32_t* kids = doc_->children_.data() + r.first_child;
  for (std::uint32_t i = 0; i < r.child_count; i += 2) {
    const auto& k = doc_->records_[kids[i]];
    if (k.kind == Kind::scalar && doc_->texts_[k.text] == key) return {doc_, kids[i + 1]};
  }
  return {};
}

Node Node::operator[](std::size_t i) const {
  if (!IsSequence()) return {};
  const auto& r = doc_->records_[index_];
  if (i >= r.child_count) return {};
  return {doc_, doc_->children_[r.first_child + i]};
}

Node::iterator Node::begin() const {
  if (!IsMap() && !IsSequence()) return {nullptr, nullptr, false};
  const auto& r = doc_->records_[index_];
  return {doc_, doc_->children_.data() + r.first_child, r.kind == Kind::map};
}

Node::iterator Node::end() const {
  if (!IsMap() && !IsSequence()) return {nullptr, nullptr, false};
  const auto& r = doc_->records_[index_];
  return {doc_, doc_->children_.data() + r.first_child + r.child_count, r.kind == Kind::map};
}

Node::Item Node::iterator::operator*() const {
  Item item;
  if (is_map_) {
    item.first = Node(doc_, at_[0]);
    item.second = Node(doc_, at_[1]);
  } else {
    static_cast<Node&>(item) = Node(doc_, at_[0]);
  }
  return item;
}

// ---- Document ----------------------------------------------------------------------------------

std::uint32_t Document::add(Kind kind, yaml::Mark at, std::string text) {
  Record r;
  r.kind = kind;
  r.line = static_cast<std::uint32_t>(at.line < 0 ? 0 : at.line);
  r.column = static_cast<std::uint32_t>(at.column < 0 ? 0 : at.column);
  r.pos = static_cast<std::uint32_t>(at.pos < 0 ? 0 : at.pos);
  if (kind == Kind::scalar) {
    r.text = static_cast<std::uint32_t>(texts_.size());
    texts_.push_back(std::move(text));
  }
  records_.push_back(r);
  return static_cast<std::uint32_t>(records_.size() - 1);
}

void Document::set_children(std::uint32_t parent, const std::vector<std::uint32_t>& kids) {
  records_[parent].first_child = static_cast<std::uint32_t>(children_.size());
  records_[parent].child_count = static_cast<std::uint32_t>(kids.size());
  children_.insert(children_.end(), kids.begin(), kids.end());
}

void Document::to_bytes(std::string& out) const {
  put32(out, static_cast<std::uint32_t>(records_.size()));
  put32(out, static_cast<std::uint32_t>(children_.size()));
  put32(out, static_cast<std::uint32_t>(texts_.size()));
  for (const Record& r : records_) {
    put32(out, static_cast<std::uint32_t>(r.kind));
    put32(out, r.line);
    put32(out, r.column);
    put32(out, r.pos);
    put32(out, r.text);
    put32(out, r.first_child);
    put32(out, r.child_count);
  }
  for (const std::uint32_t c : children_) put32(out, c);
  for (const std::string& t : texts_) {
    put32(out, static_cast<std::uint32_t>(t.size()));
    out += t;
  }
}

bool Document::from_bytes(std::string_view& in, Document& out) {
  out = Document();
  std::uint32_t n_records = 0, n_children = 0, n_texts = 0;
  if (!get32(in, n_records) || !get32(in, n_children) || !get32(in, n_texts)) return false;
  // Every count is bounded by the bytes that remain, so a damaged count cannot ask for gigabytes.
  if (n_records == 0 || n_records > in.size() / 28 || n_children > in.size() / 4 || n_texts > in.size() / 4) return false;
  out.records_.resize(n_records);
  for (Record& r : out.records_) {
    std::uint32_t kind = 0;
    if (!get32(in, kind) || kind > static_cast<std::uint32_t>(Kind::map)) return false;
    r.kind = static_cast<Kind>(kind);
    if (!get32(in, r.line) || !get32(in, r.column) || !get32(in, r.pos) || !get32(in, r.text) || !get32(in, r.first_child) ||
        !get32(in, r.child_count))
      return false;
  }
  out.children_.resize(n_children);
  for (std::uint32_t& c : out.children_)
    if (!get32(in, c)) return false;
  out.texts_.resize(n_texts);
  for (std::string& t : out.texts_) {
    std::uint32_t len = 0;
    if (!get32(in, len) || len > in.size()) return false;
    t.assign(in.substr(0, len));
    in.remove_prefix(len);
  }
  // Structure: texts and child ranges in bounds, a map's children in pairs, every child after its
  // parent (so no walk of the tree can loop).
  for (std::uint32_t i = 0; i < n_records; ++i) {
    const Record& r = out.records_[i];
    if (r.kind == Kind::scalar && r.text >= n_texts) return false;
    if (r.kind == Kind::map || r.kind == Kind::sequence) {
      if (r.first_child > n_children || r.child_count > n_children - r.first_child) return false;
      if (r.kind == Kind::map && r.child_count % 2 != 0) return false;
      for (std::uint32_t k = 0; k < r.child_count; ++k) {
        const std::uint32_t c = out.children_[r.first_child + k];
        if (c <= i || c >= n_records) return false;
      }
    } else if (r.child_count != 0) {
      return false;
    }
  }
  return true;
}

// ---- parsing -------------------------------------------------------------------------------------

namespace {

Mark mark_of(const YAML::Mark& m) { return {m.pos, m.line, m.column}; }

std::uint32_t convert(const YAML::Node& n, Document& d) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar: return d.add(Kind::scalar, mark_of(n.Mark()), n.Scalar());
    case YAML::NodeType::Sequence: {
      const std::uint32_t self = d.add(Kind::sequence, mark_of(n.Mark()));
      std::vector<std::uint32_t> kids;
      kids.reserve(n.size());
      for (const auto& item : n) kids.push_back(convert(item, d));
      d.set_children(self, kids);
      return self;
    }
    case YAML::NodeType::Map: {
      const std::uint32_t self = d.add(Kind::map, mark_of(n.Mark()));
      std::vector<std::uint32_t> kids;
      kids.reserve(2 * n.size());
      for (const auto& kv : n) {
        kids.push_back(convert(kv.first, d));
        kids.push_back(convert(kv.second, d));
      }
      d.set_children(self, kids);
      return self;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: break;
  }
  return d.add(Kind::null, mark_of(n.Mark()));
}

}  // namespace

bool parse(std::string_view text, Document& out, int& error_line, std::string& error) {
  out = Document();
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    convert(root, out);
    return true;
  } catch (const YAML::Exception& e) {
    error_line = e.mark.line;
    error = e.msg;
  } catch (const std::exception& e) {
    error_line = -1;
    error = e.what();
  }
  out = Document();
  return false;
}

}  // namespace soc278::yaml

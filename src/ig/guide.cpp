#include "soc278/ig/guide.hpp"

#include <algorithm>
#include <cstring>

#include "ig/compiled.hpp"
#include "ig/guide_data.hpp"

namespace soc278::ig {
namespace {

constexpr std::size_t max_packed = CodeSet::max_packed;

std::string unpack(std::uint64_t v) {
  const std::size_t n = v & 0xff;
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += static_cast<char>((v >> (8 * (max_packed - i))) & 0xff);
  return out;
}

template <typename T>
const T* find_sorted(const std::vector<std::pair<std::string, const T*>>& table, std::string_view key) noexcept {
  const auto it = std::lower_bound(table.begin(), table.end(), key,
                                   [](const auto& e, std::string_view k) { return std::string_view(e.first) < k; });
  return it != table.end() && it->first == key ? it->second : nullptr;
}

}  // namespace

std::string_view to_string(Usage u) noexcept {
  switch (u) {
    case Usage::required: return "R";
    case Usage::situational: return "S";
    case Usage::not_used: return "N";
  }
  return "S";
}

std::uint64_t CodeSet::pack(std::string_view code) noexcept { return detail::pack_code(code); }

bool CodeSet::contains(std::string_view value) const noexcept { return detail::CodeSetAccess::contains(*this, value); }

void CodeSet::add(std::string_view code) {
  if (code.size() <= max_packed) {
    packed_.push_back(CodeSet::pack(code));
  } else {
    long_.emplace_back(code);
  }
}

void CodeSet::finish() {
  std::sort(packed_.begin(), packed_.end());
  packed_.erase(std::unique(packed_.begin(), packed_.end()), packed_.end());
  std::sort(long_.begin(), long_.end());
  long_.erase(std::unique(long_.begin(), long_.end()), long_.end());
  packed_.shrink_to_fit();
  long_.shrink_to_fit();
  small_.fill(no_code);
  table_.clear();
  shift_ = 64;
  if (packed_.size() <= small_size) {
    std::copy(packed_.begin(), packed_.end(), small_.begin());
  } else {
    std::size_t size = 16;
    unsigned bits = 4;
    while (size < 2 * packed_.size()) {
      size *= 2;
      ++bits;
    }
    table_.assign(size, no_code);
    shift_ = 64 - bits;
    for (const std::uint64_t k : packed_) {
      std::size_t h = static_cast<std::size_t>((k * hash_multiplier) >> shift_);
      while (table_[h] != no_code) h = (h + 1) & (size - 1);
      table_[h] = k;
    }
  }
}

bool CodeSet::contains_packed(std::uint64_t k) const noexcept {
  if (table_.empty()) return std::binary_search(packed_.begin(), packed_.end(), k);  // not finish()ed
  const std::size_t mask = table_.size() - 1;
  for (std::size_t h = static_cast<std::size_t>((k * hash_multiplier) >> shift_);; h = (h + 1) & mask) {
    const std::uint64_t v = table_[h];
    if (v == k) return true;
    if (v == no_code) return false;
  }
}

bool CodeSet::contains_long(std::string_view value) const noexcept {
  return std::binary_search(long_.begin(), long_.end(), value,
                            [](const auto& a, const auto& b) { return std::string_view(a) < std::string_view(b); });
}

std::vector<std::string> CodeSet::values() const {
  std::vector<std::string> out;
  out.reserve(size());
  for (std::uint64_t v : packed_) out.push_back(unpack(v));
  out.insert(out.end(), long_.begin(), long_.end());
  std::sort(out.begin(), out.end());
  return out;
}

std::string_view CodeList::describe(std::string_view code) const noexcept {
  const auto it = std::lower_bound(entries.begin(), entries.end(), code,
                                   [](const auto& e, std::string_view k) { return std::string_view(e.first) < k; });
  return it != entries.end() && it->first == code ? std::string_view(it->second) : std::string_view{};
}

const LoopDef* Guide::loop(std::string_view loop_id) const noexcept {
  if (loop_id.empty()) return &root;
  for (const auto& l : loops)
    if (l->id == loop_id) return l.get();
  return nullptr;
}

bool Guide::uses_segment(std::uint32_t key) const noexcept {
  return std::binary_search(segment_keys.begin(), segment_keys.end(), key);
}

const Guide* GuideSet::select(std::string_view isa12, std::string_view gs01, std::string_view gs08,
                              std::string_view st01, std::string_view bht02) const noexcept {
  if (data_ == nullptr) return nullptr;
  for (const auto& e : data_->index) {
    if (e.gs01 != gs01 || e.gs08 != gs08 || e.st01 != st01) continue;
    if (!e.bht02.empty() && e.bht02 != bht02) continue;
    if (std::find(e.isa12.begin(), e.isa12.end(), isa12) == e.isa12.end()) continue;
    return e.guide;
  }
  return nullptr;
}

bool GuideSet::supports_transaction(std::string_view st01) const noexcept {
  if (data_ == nullptr) return false;
  return std::any_of(data_->index.begin(), data_->index.end(), [&](const auto& e) { return e.st01 == st01; });
}

bool GuideSet::needs_bht02(std::string_view st01) const noexcept {
  if (data_ == nullptr) return false;
  return std::any_of(data_->index.begin(), data_->index.end(),
                     [&](const auto& e) { return e.st01 == st01 && !e.bht02.empty(); });
}

const std::vector<GuideSelector>& GuideSet::index() const noexcept {
  static const std::vector<GuideSelector> none;
  return data_ == nullptr ? none : data_->index;
}

const Guide* GuideSet::guide(std::string_view id) const noexcept {
  if (data_ == nullptr) return nullptr;
  for (const auto& g : data_->guides)
    if (g->id == id) return g.get();
  return nullptr;
}

const SegmentDef* GuideSet::segment(std::uint32_t key) const noexcept {
  if (data_ == nullptr) return nullptr;
  const auto& t = data_->segment_by_key;
  const auto it = std::lower_bound(t.begin(), t.end(), key, [](const auto& e, std::uint32_t k) { return e.first < k; });
  return it != t.end() && it->first == key ? it->second : nullptr;
}

const ElementDef* GuideSet::element(std::string_view ref) const noexcept {
  return data_ == nullptr ? nullptr : find_sorted(data_->element_by_ref, ref);
}

const CompositeDef* GuideSet::composite(std::string_view id) const noexcept {
  return data_ == nullptr ? nullptr : find_sorted(data_->composite_by_id, id);
}

const CodeList* GuideSet::code_list(std::string_view id) const noexcept {
  return data_ == nullptr ? nullptr : find_sorted(data_->list_by_id, id);
}

const SegmentRule* GuideSet::envelope_segment(std::string_view id) const noexcept {
  if (data_ == nullptr) return nullptr;
  for (const auto& s : data_->envelope)
    if (s.id == id) return &s;
  return nullptr;
}

const x12::EnvelopeCodes& GuideSet::envelope_codes() const noexcept {
  static const x12::EnvelopeCodes none;
  return data_ == nullptr ? none : data_->envelope_codes;
}

}  // namespace soc278::ig

#include "soc278/mapping/wording.hpp"

#include <algorithm>
#include <cstring>

namespace soc278::mapping {
namespace {

constexpr std::string_view kSlotNames[] = {
    "policy", "section", "exception_section", "hcpcs", "procedure", "generic", "drug_note", "um02", "review", "a_review",
    "um04", "site_code", "site_name", "site_class", "preferred_sites", "redirect_target", "from", "to", "met_section",
    "met_evidence", "docs", "docs_awaited", "docs_sent", "not_submitted", "non_qualifying", "previous", "drug_line",
    "drug_hcpcs", "drug_site", "drug_outcome", "drug_policy", "drug_section", "drug_sentence", "reason", "isa08", "gs03", "umo", "flag", "evidence_group", "age", "last", "window", "start", "items", "submitted"};
static_assert(std::size(kSlotNames) == slot_count, "one name per Slot");

constexpr std::uint64_t S(Slot s) { return std::uint64_t{1} << static_cast<unsigned>(s); }

struct Row {
  std::string_view key;
  std::uint64_t slots;
};

constexpr Row kPhrases[] = {
#define SOC278_PHRASE(name, key, slots) {key, [] { using enum Slot; return std::uint64_t{slots}; }()},
#include "soc278/mapping/wording.def"
#undef SOC278_PHRASE
};
static_assert(std::size(kPhrases) == phrase_count, "one row per Phrase");

}  // namespace

std::string_view to_string(Slot s) noexcept {
  const auto i = static_cast<std::size_t>(s);
  return i < slot_count ? kSlotNames[i] : std::string_view("?");
}

std::string_view key_of(Phrase p) noexcept {
  const auto i = static_cast<std::size_t>(p);
  return i < phrase_count ? kPhrases[i].key : std::string_view("?");
}

std::uint64_t allowed_slots(Phrase p) noexcept {
  const auto i = static_cast<std::size_t>(p);
  return i < phrase_count ? kPhrases[i].slots : 0;
}

void Template::render(std::string& out, const std::array<std::string_view, slot_count>& values) const {
  // One size computation and one resize, then plain copies (a sentence is written per decided line).
  const auto piece = [&](const Part& p) { return p.slot == Slot::count_ ? std::string_view(p.text) : values[static_cast<std::size_t>(p.slot)]; };
  std::size_t n = 0;
  for (const Part& p : parts) n += piece(p).size();
  const std::size_t old = out.size();
  if (old + n > out.capacity()) out.reserve(std::max(old + n, 2 * out.capacity()));
  out.resize(old + n);
  char* to = out.data() + old;
  for (const Part& p : parts) {
    const std::string_view v = piece(p);
    if (!v.empty()) std::memcpy(to, v.data(), v.size());
    to += v.size();
  }
}

bool parse_template(std::string_view text, Template& out, std::string& error) {
  out = Template{};
  std::string literal;
  const auto flush = [&] {
    if (!literal.empty()) out.parts.push_back({std::move(literal), Slot::count_});
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      literal += c;
      ++i;
      continue;
    }
    if (c == '}') {
      error = "a '}' with no '{' before it (write '}}' for a brace)";
      return false;
    }
    if (c != '{') {
      literal += c;
      continue;
    }
    const auto close = text.find('}', i);
    if (close == std::string_view::npos) {
      error = "a '{' that is never closed (write '{{' for a brace)";
      return false;
    }
    const std::string_view name = text.substr(i + 1, close - i - 1);
    std::size_t slot = 0;
    while (slot < slot_count && kSlotNames[slot] != name) ++slot;
    if (slot == slot_count) {
      error = "unknown placeholder {" + std::string(name) + "}";
      return false;
    }
    flush();
    out.parts.push_back({std::string(), static_cast<Slot>(slot)});
    out.slots |= S(static_cast<Slot>(slot));
    i = close;
  }
  flush();
  return true;
}

}  // namespace soc278::mapping

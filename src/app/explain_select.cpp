#include "app/explain_select.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace soc278::app {
namespace {

bool digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Control numbers as numbers: "0001" and "1" name the same set.
bool same_number(std::string_view a, std::string_view b) {
  a = trim(a);
  b = trim(b);
  if (!digits(a) || !digits(b)) return a == b;
  while (a.size() > 1 && a.front() == '0') a.remove_prefix(1);
  while (b.size() > 1 && b.front() == '0') b.remove_prefix(1);
  return a == b;
}

bool has_trace(const ig::TransactionResult& r, const ig::LoopNode& loop, std::string_view trace) {
  for (const ig::SegmentNode& n : loop.segments) {
    const x12::SegmentView s = r.view(n);
    if (s.is("TRN") && trim(s.element(2)) == trace) return true;
  }
  return std::any_of(loop.children.begin(), loop.children.end(), [&](const ig::LoopNode& c) { return has_trace(r, c, trace); });
}

}  // namespace

std::optional<SetSelector> SetSelector::parse(const std::string& text, const std::string& decisions, std::string& error) {
  SetSelector s;
  if (text.empty()) return s;
  if (digits(text)) {
    s.kind_ = Kind::ordinal;
    s.ordinal_ = text.size() > 9 ? 0 : std::stoul(text);
    if (s.ordinal_ == 0) {
      error = "a set number counts from 1";
      return std::nullopt;
    }
    return s;
  }
  const auto colon = text.find(':');
  if (colon != std::string::npos && digits(text.substr(0, colon)) && digits(text.substr(colon + 1))) {
    s.kind_ = Kind::group_set;
    s.gs06_ = text.substr(0, colon);
    s.st02_ = text.substr(colon + 1);
    return s;
  }
  s.kind_ = Kind::text;
  bool by_certification = !decisions.empty();
  if (text.rfind("trace:", 0) == 0) {
    s.text_ = text.substr(6);
    by_certification = false;
  } else if (text.rfind("cert:", 0) == 0) {
    s.text_ = text.substr(5);
    s.by_trace_ = false;
    if (decisions.empty()) {
      error = "a certification number is looked up in the process run's decision report: give it with --decisions FILE";
      return std::nullopt;
    }
  } else {
    s.text_ = text;
  }
  if (s.text_.empty()) {
    error = "nothing after the prefix";
    return std::nullopt;
  }
  if (by_certification) {
    std::ifstream in(decisions);
    if (!in) {
      error = "--decisions " + decisions + ": cannot open";
      return std::nullopt;
    }
    for (std::string line; std::getline(in, line);) {
      const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (!j.is_object()) continue;
      const auto field = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
      if (field("certification") == s.text_ || field("tracking") == s.text_)
        s.certified_.push_back({field("isa13"), field("gs06"), field("st02")});
    }
  }
  return s;
}

bool SetSelector::matches(std::size_t ordinal, const x12::InterchangeInfo& i, const x12::GroupInfo& g, const x12::TransactionInfo& t,
                          const ig::TransactionResult& r) const {
  switch (kind_) {
    case Kind::all: return true;
    case Kind::ordinal: return ordinal == ordinal_;
    case Kind::group_set: return same_number(g.control_number, gs06_) && same_number(t.control_number, st02_);
    case Kind::text:
      if (by_trace_ && has_trace(r, r.root, text_)) return true;
      return std::any_of(certified_.begin(), certified_.end(), [&](const Key& k) {
        return same_number(k.isa13, i.isa.control_number) && same_number(k.gs06, g.control_number) && same_number(k.st02, t.control_number);
      });
  }
  return false;
}

}  // namespace soc278::app

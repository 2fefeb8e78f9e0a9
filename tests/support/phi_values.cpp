#include "support/phi_values.hpp"

#include <string_view>

namespace soc278::test {
namespace {

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string trim(std::string s) {
  const auto space = [](char c) { return c == ' ' || c == '\r' || c == '\n' || c == '\t'; };
  while (!s.empty() && space(s.front())) s.erase(s.begin());
  while (!s.empty() && space(s.back())) s.pop_back();
  return s;
}

bool alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

std::vector<PhiValue> phi_of(const std::string& text, std::size_t min_size) {
  std::vector<PhiValue> out;
  const auto add = [&](const std::string& v, bool name) {
    if (v.size() >= min_size && !v.empty()) out.push_back({v, name});
  };
  for (std::size_t isa = text.find("ISA"); isa != std::string::npos && isa + 106 <= text.size(); isa = text.find("ISA", isa + 106)) {
    const char element = text[isa + 3];
    const char terminator = text[isa + 105];
    const std::size_t end = text.find("IEA", isa);
    for (const std::string& raw : split(std::string_view(text).substr(isa, end == std::string::npos ? std::string::npos : end - isa), terminator)) {
      const std::vector<std::string> e = split(trim(raw), element);
      const auto at = [&](std::size_t i) { return i < e.size() ? trim(e[i]) : std::string(); };
      if (at(0) == "NM1" && (at(1) == "IL" || at(1) == "QC")) {
        add(at(3), true);
        add(at(4), true);
        add(at(9), false);
      } else if (at(0) == "DMG") {
        add(at(2), false);
        if (at(2).size() == 8) add(at(2).substr(0, 4) + "-" + at(2).substr(4, 2) + "-" + at(2).substr(6, 2), false);
      } else if (at(0) == "N3") {
        add(at(1), false);
        add(at(2), false);
      }
    }
  }
  return out;
}

std::string leak(const std::string& output, const std::vector<PhiValue>& phi) {
  for (const PhiValue& p : phi) {
    for (std::size_t at = output.find(p.value); at != std::string::npos; at = output.find(p.value, at + 1)) {
      if (!p.name) return p.value;
      const bool starts = at == 0 || !alnum(output[at - 1]);
      const bool ends = at + p.value.size() == output.size() || !alnum(output[at + p.value.size()]);
      if (starts && ends) return p.value;
    }
  }
  return {};
}

}  // namespace soc278::test

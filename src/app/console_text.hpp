// src/app/console_text.hpp — private: how every command writes a line for people (text) or
// programs (--json). Two rules, both from core/output_text.hpp (docs/operations.md "What soc278 prints"):
//   - a text line goes through core::printable(): values and file names cannot add lines or send
//     terminal commands (a newline prints as \n, ESC as \x1B, a byte that is not UTF-8 as \xHH);
//   - a JSON line is valid UTF-8 whatever the input held (each byte that is not part of a
//     well-formed sequence becomes U+FFFD, keys included), and is written as ASCII (\uXXXX for
//     anything else), so that it is inert on a terminal too. Dumping never throws.
#pragma once

#include <nlohmann/json.hpp>

#include <iostream>
#include <string>
#include <string_view>

#include "soc278/core/output_text.hpp"

namespace soc278::app {

// Makes every string and key of `j` valid UTF-8 (core::to_valid_utf8).
template <class Json>
void make_valid_utf8(Json& j) {
  if (j.is_string()) {
    const auto& s = j.template get_ref<const typename Json::string_t&>();
    if (!core::valid_utf8(s)) j = core::to_valid_utf8(s);
  } else if (j.is_array()) {
    for (auto& v : j) make_valid_utf8(v);
  } else if (j.is_object()) {
    bool keys_valid = true;
    for (auto it = j.begin(); it != j.end(); ++it) {
      make_valid_utf8(it.value());
      if (!core::valid_utf8(it.key())) keys_valid = false;
    }
    if (!keys_valid) {
      Json fixed = Json::object();
      for (auto it = j.begin(); it != j.end(); ++it) fixed[core::to_valid_utf8(it.key())] = std::move(it.value());
      j = std::move(fixed);
    }
  }
}

// The JSON text of `j` (one line, or indented by `indent`), valid UTF-8 written as ASCII. An object
// whose "file" is not UTF-8 also gets "file_bytes", the name with its bytes recoverable
// (core::percent_invalid_utf8).
template <class Json>
[[nodiscard]] std::string json_text(Json j, int indent = -1) {
  if (j.is_object()) {
    const auto it = j.find("file");
    if (it != j.end() && it->is_string()) {
      const auto& name = it->template get_ref<const typename Json::string_t&>();
      if (!core::valid_utf8(name)) j["file_bytes"] = core::percent_invalid_utf8(name);
    }
  }
  make_valid_utf8(j);
  return j.dump(indent, ' ', true, Json::error_handler_t::replace);
}

// A JSON string literal (with its quotes) for `s`, by the same rule.
[[nodiscard]] inline std::string json_string(std::string_view s) { return json_text(nlohmann::json(core::to_valid_utf8(s))); }

// Writes one JSON line to standard output.
template <class Json>
void print_json(const Json& j) {
  std::cout << json_text(j) << '\n';
}

// Writes one text line (`line` without its newline) through core::printable().
inline void print_line(std::ostream& out, std::string_view line) { out << core::printable(line) << '\n'; }
inline void print_line(std::string_view line) { print_line(std::cout, line); }
// Writes a text of several lines (a loader's problem list), each through core::printable().
inline void print_lines(std::ostream& out, std::string_view text) {
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    print_line(out, text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

}  // namespace soc278::app

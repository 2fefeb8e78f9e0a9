// src/app/json_line.hpp — private: a small streaming JSON writer for the decision report.
//
// The report is written once per service line, millions of times in a nightly batch; building a
// nlohmann::json tree per line cost more than every other stage together (perf, docs/PERFORMANCE.md).
// This appends straight into one reused buffer: keys in the order given, strings escaped per
// RFC 8259, no allocation once the buffer is warm.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace soc278::app {

class JsonLine {
 public:
  explicit JsonLine(std::string& out) : out_(out) {}

  JsonLine& begin_object() { return open('{'); }
  JsonLine& end_object() { return close('}'); }
  JsonLine& begin_array() { return open('['); }
  JsonLine& end_array() { return close(']'); }
  JsonLine& key(std::string_view k) {
    separate();
    string_body(k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  JsonLine& string(std::string_view v) {
    separate();
    string_body(v);
    return *this;
  }
  JsonLine& string_or_null(std::string_view v) { return v.empty() ? null() : string(v); }
  JsonLine& number(std::uint64_t v) {
    separate();
    out_ += std::to_string(v);
    return *this;
  }
  JsonLine& boolean(bool v) {
    separate();
    out_ += v ? "true" : "false";
    return *this;
  }
  JsonLine& null() {
    separate();
    out_ += "null";
    return *this;
  }
  // key + value shorthands
  JsonLine& field(std::string_view k, std::string_view v) { return key(k).string(v); }
  JsonLine& field_or_null(std::string_view k, std::string_view v) { return key(k).string_or_null(v); }
  JsonLine& field(std::string_view k, std::uint64_t v) { return key(k).number(v); }

 private:
  JsonLine& open(char c) {
    separate();
    out_ += c;
    first_.push_back(true);
    return *this;
  }
  JsonLine& close(char c) {
    out_ += c;
    first_.pop_back();
    return *this;
  }
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (first_.back()) {
      first_.back() = false;
    } else {
      out_ += ',';
    }
  }
  void string_body(std::string_view s) {
    out_ += '"';
    std::size_t run = 0;  // start of the run of characters that need no escape
    for (std::size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(s.data() + run, i - run);
      run = i + 1;
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default: {
          static constexpr char hex[] = "0123456789abcdef";
          out_ += "\\u00";
          out_ += hex[c >> 4];
          out_ += hex[c & 15];
        }
      }
    }
    out_.append(s.data() + run, s.size() - run);
    out_ += '"';
  }

  std::string& out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace soc278::app

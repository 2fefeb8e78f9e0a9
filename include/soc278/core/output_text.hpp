// soc278/core/output_text.hpp
//
// File: the two rules every text soc278 writes for people or programs goes through, whatever the
// bytes it received (docs/operations.md "What soc278 prints"):
//
//   to_valid_utf8()  JSON outputs (every --json stream, the decision report). JSON text must be
//                    UTF-8; an input or a file name may hold any byte. Each byte that is not part of
//                    a well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing
//                    past U+10FFFF, no cut-off sequence) becomes U+FFFD, one per byte; well-formed
//                    text is kept as it is.
//   printable()      console and log lines (stdout, stderr). A value or file name cannot break a
//                    line or drive the terminal: line feed, carriage return and tab print as \n, \r,
//                    \t; other control bytes, DEL and bytes that are not UTF-8 as \xHH (two upper
//                    case hex digits: ESC is \x1B); the C1 controls (U+0080..U+009F) and the
//                    characters that reorder or break text (U+2028, U+2029, U+202A..U+202E,
//                    U+2066..U+2069) as \uHHHH. Everything else, including other UTF-8 text, is kept.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace soc278::core {

// The length (1..4) of the well-formed UTF-8 sequence that starts `s`, or 0 when its first byte
// does not start one (s not empty). Inline: header-only users (the decision report's writer) need it.
[[nodiscard]] inline std::size_t utf8_sequence_length(std::string_view s) noexcept {
  if (s.empty()) return 0;
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  const auto cont = [&](std::size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;  // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;  // a continuation byte, C0/C1 (overlong two-byte forms) or F5..FF
}

// Whether every byte of `s` belongs to a well-formed UTF-8 sequence.
[[nodiscard]] bool valid_utf8(std::string_view s) noexcept;

// `s` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD.
[[nodiscard]] std::string to_valid_utf8(std::string_view s);
void append_valid_utf8(std::string& out, std::string_view s);

// `s` as valid UTF-8 from which the bytes can be recovered: '%' and every byte that is not part of a
// well-formed sequence written as %HH (percent-decoding gives `s` back). JSON outputs give it as
// "file_bytes" beside "file" when a file name is not UTF-8.
[[nodiscard]] std::string percent_invalid_utf8(std::string_view s);

// `s` escaped for a console or log line (see above).
[[nodiscard]] std::string printable(std::string_view s);
void append_printable(std::string& out, std::string_view s);

}  // namespace soc278::core

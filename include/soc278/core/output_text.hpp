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
// does not start one (s not empty).
[[nodiscard]] std::size_t utf8_sequence_length(std::string_view s) noexcept;

// Whether every byte of `s` belongs to a well-formed UTF-8 sequence.
[[nodiscard]] bool valid_utf8(std::string_view s) noexcept;

// `s` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD.
[[nodiscard]] std::string to_valid_utf8(std::string_view s);
void append_valid_utf8(std::string& out, std::string_view s);

// `s` escaped for a console or log line (see above).
[[nodiscard]] std::string printable(std::string_view s);
void append_printable(std::string& out, std::string_view s);

}  // namespace soc278::core

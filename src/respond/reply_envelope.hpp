// src/respond/reply_envelope.hpp (private) — the ISA and GS of an acknowledgment or response sent
// back for a received interchange, shared by the 999, TA1 and 278 response writers.
#pragma once

#include <string_view>

#include "respond/echo_guard.hpp"
#include "soc278/x12/chunk_reader.hpp"
#include "soc278/x12/envelope.hpp"
#include "soc278/x12/writer.hpp"

namespace soc278::respond::detail {

// What a reply writes where a received envelope value cannot be echoed (docs/conformance.md §2).
inline constexpr std::string_view placeholder_id = "UNKNOWN";       // ISA06/ISA08, GS02/GS03
inline constexpr std::string_view placeholder_qualifier = "ZZ";     // ISA05/ISA07 (mutually defined)
inline constexpr std::string_view placeholder_usage = "P";          // ISA15

// Sender and receiver (ids and qualifiers) swapped from the received ISA05-08; ISA01-04 "00" and
// blanks (nothing to authorize on an acknowledgment); ISA12 always 00501, whatever the received
// interchange's version: soc278 writes X12 5010 only, and the 999 is registered under 00501 alone
// (X231A1; an 00401 envelope around 5010 groups is answered in an 00501 one, a TA1 for an older
// interchange too: X12 RFI 1497, docs/conformance.md §2); ISA15 as received; ISA14 = 0, so no TA1
// is asked back for an acknowledgment (pyx12 does the same). Each received value is echoed only
// when the reader's ISA rules accept it (the envelope.yaml codes, a non-blank id of at most the
// field's width, printable, no delimiter of `d`); else the placeholders above, reported through
// `guard`. The returned views point into `received` and the other arguments, which must outlive
// the write.
[[nodiscard]] x12::IsaFields reply_isa(const x12::IsaHeader& received, std::string_view date, std::string_view time,
                                       std::string_view control, EchoGuard& guard, const x12::Delimiters& d);

// GS02 / GS03 of a reply: the received group's GS03 / GS02 (swapped) when envelope.yaml's GS rule
// accepts it, else the received ISA08 / ISA06 (trimmed) when that fits GS02 / GS03, else
// placeholder_id.
struct ReplyParties {
  std::string_view sender, receiver;
};
[[nodiscard]] ReplyParties reply_gs_parties(const x12::IsaHeader& received_isa, const x12::GroupInfo& received_group,
                                            EchoGuard& guard, const x12::Delimiters& d);

// The delimiters of a reply: the received ones, with a repetition separator when the received
// interchange had none (ISA12 before 00402 carries 'U' in ISA11): an 00501 ISA11 must be one. '^'
// as usual, else the first of a few others that is not already a delimiter.
// `reserved`: characters the writer's own values need (the 278 response writes '-' in RD8 dates
// and certification numbers). A received delimiter that is one of them is replaced by a control
// character (US, RS, GS, FS: the first not in use), which no value that passed the validator can
// hold, since the X12 character set is printable ASCII.
[[nodiscard]] inline x12::Delimiters reply_delimiters(x12::Delimiters d, std::string_view reserved = {}) noexcept {
  const auto in_use = [&d](char c) {
    return c == d.element || c == d.component || c == d.segment || (d.repetition != '\0' && c == d.repetition);
  };
  for (char* role : {&d.element, &d.component, &d.segment, &d.repetition}) {
    if (*role == '\0' || reserved.find(*role) == std::string_view::npos) continue;
    for (char c : {'\x1f', '\x1e', '\x1d', '\x1c'}) {
      if (!in_use(c)) {
        *role = c;
        break;
      }
    }
  }
  if (d.repetition != '\0') return d;
  for (char c : {'^', '!', '|', '{'}) {
    if (!in_use(c) && reserved.find(c) == std::string_view::npos) {
      d.repetition = c;
      break;
    }
  }
  return d;
}

// Trailing spaces of a fixed-width ISA id.
[[nodiscard]] inline std::string_view trim_right(std::string_view s) noexcept {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace soc278::respond::detail

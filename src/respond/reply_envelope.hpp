// src/respond/reply_envelope.hpp (private) — the ISA of an acknowledgment sent back for a received
// interchange, shared by the 999 and TA1 writers.
#pragma once

#include <string_view>

#include "soc278/x12/chunk_reader.hpp"
#include "soc278/x12/writer.hpp"

namespace soc278::respond::detail {

// Sender and receiver (ids and qualifiers) swapped from the received ISA05-08; ISA01-04 "00" and
// blanks (nothing to authorize on an acknowledgment); ISA12 always 00501, whatever the received
// interchange's version: soc278 writes X12 5010 only, and the 999 is registered under 00501 alone
// (X231A1; an 00401 envelope around 5010 groups is answered in an 00501 one, a TA1 for an older
// interchange too: X12 RFI 1497, docs/conformance.md §2); ISA15 as received; ISA14 = 0, so no TA1
// is asked back for an acknowledgment (pyx12 does the same). The returned views point into
// `received` and the other arguments, which must outlive the write.
[[nodiscard]] inline x12::IsaFields reply_isa(const x12::IsaHeader& received, std::string_view date, std::string_view time,
                                              std::string_view control) {
  x12::IsaFields f;
  f.sender_qualifier = received.receiver_qualifier;
  f.sender_id = received.receiver_id;
  f.receiver_qualifier = received.sender_qualifier;
  f.receiver_id = received.sender_id;
  f.date = date;
  f.time = time;
  f.version = "00501";
  f.control_number = control;
  f.ack_requested = "0";
  f.usage = received.usage.empty() ? std::string_view("P") : std::string_view(received.usage);
  return f;
}

// The delimiters of a reply: the received ones, with a repetition separator when the received
// interchange had none (ISA12 before 00402 carries 'U' in ISA11): an 00501 ISA11 must be one. '^'
// as usual, else the first of a few others that is not already a delimiter.
[[nodiscard]] inline x12::Delimiters reply_delimiters(x12::Delimiters d) noexcept {
  if (d.repetition != '\0') return d;
  for (char c : {'^', '!', '|', '{'}) {
    if (c != d.element && c != d.component && c != d.segment) {
      d.repetition = c;
      break;
    }
  }
  return d;
}

// Trailing spaces of a fixed-width ISA id, for GS02/GS03 fallbacks.
[[nodiscard]] inline std::string_view trim_right(std::string_view s) noexcept {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace soc278::respond::detail

// src/respond/reply_envelope.hpp (private) — the ISA of an acknowledgment sent back for a received
// interchange, shared by the 999 and TA1 writers.
#pragma once

#include <string_view>

#include "soc278/x12/chunk_reader.hpp"
#include "soc278/x12/writer.hpp"

namespace soc278::respond::detail {

// Sender and receiver (ids and qualifiers) swapped from the received ISA05-08; ISA01-04 "00" and
// blanks (nothing to authorize on an acknowledgment); ISA12 and ISA15 as received; ISA14 = 0, so no
// TA1 is asked back for an acknowledgment (pyx12 does the same). The returned views point into
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
  f.version = received.version.empty() ? std::string_view("00501") : std::string_view(received.version);
  f.control_number = control;
  f.ack_requested = "0";
  f.usage = received.usage.empty() ? std::string_view("P") : std::string_view(received.usage);
  return f;
}

// Trailing spaces of a fixed-width ISA id, for GS02/GS03 fallbacks.
[[nodiscard]] inline std::string_view trim_right(std::string_view s) noexcept {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace soc278::respond::detail

#include "respond/reply_envelope.hpp"

#include <algorithm>
#include <vector>

namespace soc278::respond::detail {
namespace {

// The reader's ISA rules for one field (src/x12/envelope.cpp check_isa_fields, with the code lists of
// grammars/envelope.yaml): `codes` when the guides give some, the field's width from envelope.yaml,
// and what any written value needs (printable, no delimiter, not blank).
bool isa_field_fits(EchoGuard& guard, std::uint16_t position, std::string_view value, const std::vector<std::string>* codes,
                    const x12::Delimiters& d) {
  if (trim_right(value).empty() || !guard.fits(nullptr, position, 0, value, d)) return false;
  if (const ig::SegmentRule* isa = guard.envelope("ISA")) {
    if (const ig::ElementRule* e = isa->element(position); e != nullptr && value.size() > e->max_length) return false;
  }
  if (codes != nullptr && !codes->empty()) return std::find(codes->begin(), codes->end(), value) != codes->end();
  return true;
}

// One party of the reply ISA: (qualifier, id) from the received (qualifier, id) at ISA positions
// (q_at, q_at + 1), as the reply writes them at (to_at, to_at + 1).
void party(EchoGuard& guard, std::string_view qualifier, std::string_view id, const std::vector<std::string>* codes,
           std::uint16_t from_at, std::uint16_t to_at, const x12::Delimiters& d, std::string_view& out_qualifier,
           std::string_view& out_id) {
  const std::string_view trimmed = trim_right(id);
  const auto label = [](std::uint16_t at) { return at == 5 ? "ISA05" : at == 6 ? "ISA06" : at == 7 ? "ISA07" : "ISA08"; };
  if (!isa_field_fits(guard, from_at + 1, trimmed, nullptr, d)) {
    guard.report(label(to_at + 1), label(from_at + 1), id, placeholder_id);
    out_id = placeholder_id;
    out_qualifier = placeholder_qualifier;
    if (qualifier != placeholder_qualifier) guard.report(label(to_at), label(from_at), qualifier, placeholder_qualifier);
    return;
  }
  out_id = trimmed;
  if (isa_field_fits(guard, from_at, qualifier, codes, d)) {
    out_qualifier = qualifier;
  } else {
    guard.report(label(to_at), label(from_at), qualifier, placeholder_qualifier);
    out_qualifier = placeholder_qualifier;
  }
}

}  // namespace

x12::IsaFields reply_isa(const x12::IsaHeader& received, std::string_view date, std::string_view time, std::string_view control,
                         EchoGuard& guard, const x12::Delimiters& d) {
  const x12::EnvelopeCodes* codes = guard.guides() != nullptr ? &guard.guides()->envelope_codes() : nullptr;
  x12::IsaFields f;
  party(guard, received.receiver_qualifier, received.receiver_id, codes != nullptr ? &codes->isa05 : nullptr, 7, 5, d,
        f.sender_qualifier, f.sender_id);
  party(guard, received.sender_qualifier, received.sender_id, codes != nullptr ? &codes->isa07 : nullptr, 5, 7, d,
        f.receiver_qualifier, f.receiver_id);
  f.date = date;
  f.time = time;
  f.version = "00501";
  f.control_number = control;
  f.ack_requested = "0";
  if (isa_field_fits(guard, 15, received.usage, codes != nullptr ? &codes->isa15 : nullptr, d)) {
    f.usage = received.usage;
  } else {
    if (!received.usage.empty()) guard.report("ISA15", "ISA15", received.usage, placeholder_usage);
    f.usage = placeholder_usage;
  }
  return f;
}

ReplyParties reply_gs_parties(const x12::IsaHeader& received_isa, const x12::GroupInfo& received_group, EchoGuard& guard,
                              const x12::Delimiters& d) {
  const ig::SegmentRule* gs = guard.envelope("GS");
  // The reply goes back to whoever sent the group: GS02/GS03 swapped (pyx12 does the same), with the
  // interchange ids as a fallback for a GS that lacked usable ones.
  const auto pick = [&](std::uint16_t at, std::string_view group_value, std::string_view isa_value, std::string_view label,
                        std::string_view source) -> std::string_view {
    if (guard.fits(gs, at, 0, group_value, d)) return group_value;
    const std::string_view fallback = trim_right(isa_value);
    const std::string_view written = guard.fits(gs, at, 0, fallback, d) ? fallback : placeholder_id;
    if (!group_value.empty() || written == placeholder_id) guard.report(label, source, group_value, written);
    return written;
  };
  ReplyParties p;
  p.sender = pick(2, received_group.receiver, received_isa.receiver_id, "GS02", "GS03");
  p.receiver = pick(3, received_group.sender, received_isa.sender_id, "GS03", "GS02");
  return p;
}

}  // namespace soc278::respond::detail

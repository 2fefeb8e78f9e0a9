#include "soc278/x12/envelope.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "soc278/x12/values.hpp"
#include "x12/reader_fast.hpp"

namespace soc278::x12 {
namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

// Control numbers compare as numbers where both are numeric (IEA02 "1" equals ISA13 "000000001"),
// else as text.
bool same_control(std::string_view a, std::string_view b) {
  a = trim(a);
  b = trim(b);
  const auto x = parse_integer(a);
  const auto y = parse_integer(b);
  if (x && y) return *x == *y;
  return a == b;
}

std::uint64_t hash_text(std::string_view s) noexcept {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a; 0 is reserved for empty slots
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h == 0 ? 1 : h;
}

bool one_of(std::string_view v, std::initializer_list<std::string_view> codes) {
  return std::find(codes.begin(), codes.end(), v) != codes.end();
}

// A list of the codes a field accepts, for its finding: "00-06" (a run of 2-digit numbers),
// "00 or 01", "P, T or I".
std::string expected_codes(const std::vector<std::string>& codes) {
  if (codes.size() > 2 && std::all_of(codes.begin(), codes.end(), [](const std::string& c) { return c.size() == 2 && is_digits(c, 2); })) {
    bool run = true;
    for (std::size_t i = 1; i < codes.size() && run; ++i) run = std::stoi(codes[i]) == std::stoi(codes[i - 1]) + 1;
    if (run) return codes.front() + "-" + codes.back();
  }
  std::string out;
  for (std::size_t i = 0; i < codes.size(); ++i) out += (i == 0 ? "" : i + 1 == codes.size() ? " or " : ", ") + codes[i];
  return out;
}

std::string spaced(const std::vector<std::string>& codes) {
  std::string out;
  for (const auto& c : codes) out += (out.empty() ? "" : " ") + c;
  return out;
}

// False only when `codes` lists codes and `v` is not one of them.
bool accepted(std::string_view v, const std::vector<std::string>& codes) {
  return codes.empty() || std::find(codes.begin(), codes.end(), v) != codes.end();
}

}  // namespace

bool EnvelopeFindings::has(core::DiagCode c) const noexcept {
  return std::find(codes.begin(), codes.end(), c) != codes.end();
}

void EnvelopeFindings::add(core::DiagCode c) {
  if (!has(c)) codes.push_back(c);
}

bool EnvelopeReader::ControlSet::insert(std::string_view control) {
  const std::string_view text = trim(control);
  // Digits only, 1 to 18 of them: a key that orders the values of one width (so "0009" and "0010"
  // are neighbours, and "9" and "09" are different numbers, as they are different text).
  bool numeric = !text.empty() && text.size() <= 18;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      numeric = false;
      break;
    }
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (!numeric) return insert_hash(hash_text(text));
  const std::uint64_t key = (static_cast<std::uint64_t>(text.size()) << 60) | value;
  auto next = runs_.upper_bound(key);  // the first run starting after key
  if (next != runs_.begin()) {
    auto prev = std::prev(next);
    if (key <= prev->second) return false;  // inside a run: used already
    if (prev->second + 1 == key) {          // extends the run before it
      prev->second = key;
      if (next != runs_.end() && next->first == key + 1) {  // and joins the one after
        prev->second = next->second;
        runs_.erase(next);
      }
      return true;
    }
  }
  if (next != runs_.end() && next->first == key + 1) {  // extends the run after it backwards
    const std::uint64_t last = next->second;
    runs_.erase(next);
    runs_.emplace(key, last);
    return true;
  }
  runs_.emplace(key, key);
  return true;
}

bool EnvelopeReader::ControlSet::insert_hash(std::uint64_t h) {
  if ((size_ + 1) * 2 > slots_.size()) {
    std::vector<std::uint64_t> old = std::move(slots_);
    slots_.assign(std::max<std::size_t>(16, old.size() * 2), 0);
    size_ = 0;
    for (std::uint64_t o : old) {
      if (o == 0) continue;
      std::size_t i = o & (slots_.size() - 1);
      while (slots_[i] != 0) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = o;
      ++size_;
    }
  }
  std::size_t i = h & (slots_.size() - 1);
  while (slots_[i] != 0) {
    if (slots_[i] == h) return false;
    i = (i + 1) & (slots_.size() - 1);
  }
  slots_[i] = h;
  ++size_;
  return true;
}

void EnvelopeReader::ControlSet::clear() noexcept {
  runs_.clear();
  std::fill(slots_.begin(), slots_.end(), 0);
  size_ = 0;
}

void EnvelopeReader::report(core::DiagCode code, const SegmentView* at, std::uint16_t element, std::string message,
                            std::uint32_t in_set) {
  core::SourcePosition p;
  p.file = reader_.file();
  p.byte_offset = at != nullptr ? at->byte_offset() : reader_.bytes_read();
  p.segment_in_file = at != nullptr ? at->ordinal() : reader_.segments_read();
  p.segment_in_set = in_set;
  p.element = element;
  sink_.report(core::make_diagnostic(code, p, at != nullptr ? at->id() : std::string_view{}, std::move(message)));
}

void EnvelopeReader::segment(const SegmentView& s, SegmentRole role) {
  if (every_segment_) observer_.on_segment(s, role);
  switch (role) {
    case SegmentRole::interchange_header:
    case SegmentRole::interchange_trailer:
    case SegmentRole::group_header:
    case SegmentRole::group_trailer:
    case SegmentRole::interchange_segment:
      observer_.on_envelope_segment(s, role);
      break;
    default:
      break;
  }
}

void EnvelopeReader::run() {
  SegmentView s;
  while (detail::ReaderFastPath::next(reader_, s, sink_) == ReadStatus::segment) {  // reader_fast.hpp
    ++stats_.segments;
    // Most segments are transaction bodies: only ids starting with I, G or S can be envelopes.
    const std::string_view id = s.id();
    const char first = id.empty() ? '\0' : id[0];
    if (first != 'I' && first != 'G' && first != 'S') {
      if (in_transaction_) [[likely]] {
        on_body(s);  // on_other()'s first case, here without a call
      } else {
        on_other(s);
      }
    } else if (id == "ISA") {
      on_isa(s);
    } else if (id == "IEA") {
      on_iea(s);
    } else if (id == "GS") {
      on_gs(s);
    } else if (id == "GE") {
      on_ge(s);
    } else if (id == "ST") {
      on_st(s);
    } else if (id == "SE") {
      on_se(s);
    } else {
      on_other(s);
    }
  }
  // End of input: whatever is still open has lost its trailer.
  if (in_transaction_) close_transaction(nullptr, true);
  if (in_group_) close_group(nullptr, true);
  if (in_interchange_) close_interchange(nullptr, true);
}

void EnvelopeReader::check_isa_fields(const SegmentView& s) {
  const IsaHeader& h = reader_.isa();
  auto bad = [&](core::DiagCode code, std::uint16_t element, std::string_view expected, std::string_view found) {
    report(code, &s, element, fmt::format("ISA{:02}: expected {}, found '{}'", element, expected, found));
    interchange_.findings.add(code);
  };
  static const EnvelopeCodes none;
  const EnvelopeCodes& codes = codes_ != nullptr ? *codes_ : none;
  if (!accepted(h.authorization_qualifier, codes.isa01))
    bad(core::DiagCode::isa_authorization_qualifier_invalid, 1, expected_codes(codes.isa01), h.authorization_qualifier);
  if (!accepted(h.security_qualifier, codes.isa03))
    bad(core::DiagCode::isa_security_qualifier_invalid, 3, expected_codes(codes.isa03), h.security_qualifier);
  if (!accepted(h.sender_qualifier, codes.isa05))
    bad(core::DiagCode::isa_sender_qualifier_invalid, 5, "an ISA05 id qualifier (" + spaced(codes.isa05) + ")", h.sender_qualifier);
  if (trim(h.sender_id).empty()) bad(core::DiagCode::isa_sender_invalid, 6, "a sender id", h.sender_id);
  if (!accepted(h.receiver_qualifier, codes.isa07))
    bad(core::DiagCode::isa_receiver_qualifier_invalid, 7, "an ISA07 id qualifier (" + spaced(codes.isa07) + ")", h.receiver_qualifier);
  if (trim(h.receiver_id).empty()) bad(core::DiagCode::isa_receiver_invalid, 8, "a receiver id", h.receiver_id);
  if (!parse_date_yymmdd(h.date)) bad(core::DiagCode::isa_date_invalid, 9, "a YYMMDD date", h.date);
  if (h.time.size() != 4 || !parse_time(h.time)) bad(core::DiagCode::isa_time_invalid, 10, "an HHMM time", h.time);
  // 00501 is what HIPAA 5010 mandates; 00401 envelopes around 5010 sets still circulate (the
  // OopFactory corpus copies), so they are read and the choice is documented in docs/conformance.md.
  if (!one_of(h.version, {"00501", "00401"})) bad(core::DiagCode::isa_version_unsupported, 12, "00501 (or 00401)", h.version);
  if (!is_digits(h.control_number, 9)) bad(core::DiagCode::isa_control_number_invalid, 13, "9 digits", h.control_number);
  if (!accepted(h.ack_requested, codes.isa14)) bad(core::DiagCode::isa_ack_requested_invalid, 14, expected_codes(codes.isa14), h.ack_requested);
  if (!accepted(h.usage, codes.isa15)) bad(core::DiagCode::isa_usage_invalid, 15, expected_codes(codes.isa15), h.usage);
}

void EnvelopeReader::on_isa(const SegmentView& s) {
  if (in_transaction_) close_transaction(&s, true);
  if (in_group_) close_group(&s, true);
  if (in_interchange_) close_interchange(&s, true);
  interchange_ = InterchangeInfo{};
  interchange_.isa = reader_.isa();
  interchange_.byte_offset = s.byte_offset();
  interchange_.ordinal = s.ordinal();
  interchange_.index = ++stats_.interchanges;
  if (!interchange_.isa.fixed_width) interchange_.findings.add(core::DiagCode::x12_isa_not_fixed_width);
  group_controls_.clear();
  in_interchange_ = true;
  skip_ = Skip::none;
  stray_run_ = false;
  check_isa_fields(s);
  observer_.on_interchange_begin(interchange_);
  segment(s, SegmentRole::interchange_header);
}

void EnvelopeReader::on_iea(const SegmentView& s) {
  if (!in_interchange_) {
    report(core::DiagCode::iea_without_isa, &s, 0, "expected ISA before IEA, found IEA outside any interchange");
    segment(s, SegmentRole::stray);
    return;
  }
  if (in_transaction_) close_transaction(&s, true);
  if (in_group_) close_group(&s, true);
  interchange_.trailer_seen = true;
  interchange_.trailer_count = s.element(1);
  interchange_.trailer_control = s.element(2);
  const auto count = parse_integer(s.element(1));
  if (!count || *count != interchange_.groups) {
    report(core::DiagCode::iea_count_mismatch, &s, 1,
           fmt::format("IEA01 says '{}', counted {} functional group(s) in interchange {}", s.element(1),
                       interchange_.groups, trim(interchange_.isa.control_number)));
    interchange_.findings.add(core::DiagCode::iea_count_mismatch);
  }
  if (!same_control(s.element(2), interchange_.isa.control_number)) {
    report(core::DiagCode::iea_control_mismatch, &s, 2,
           fmt::format("IEA02 says '{}', expected ISA13 '{}'", s.element(2), interchange_.isa.control_number));
    interchange_.findings.add(core::DiagCode::iea_control_mismatch);
  }
  segment(s, SegmentRole::interchange_trailer);
  close_interchange(&s, false);
}

void EnvelopeReader::on_gs(const SegmentView& s) {
  if (!in_interchange_) {
    if (skip_ != Skip::until_isa) {
      report(core::DiagCode::gs_outside_interchange, &s, 0,
             "expected ISA before GS, found GS outside any interchange; skipping to the next ISA");
    }
    skip_ = Skip::until_isa;
    segment(s, SegmentRole::stray);
    return;
  }
  if (in_transaction_) close_transaction(&s, true);
  if (in_group_) close_group(&s, true);
  group_ = GroupInfo{};
  group_.functional_id = s.element(1);
  group_.sender = s.element(2);
  group_.receiver = s.element(3);
  group_.date = s.element(4);
  group_.time = s.element(5);
  group_.control_number = s.element(6);
  group_.agency = s.element(7);
  group_.version = s.element(8);
  group_.byte_offset = s.byte_offset();
  group_.ordinal = s.ordinal();
  group_.index = ++interchange_.groups;
  ++stats_.groups;
  set_controls_.clear();
  in_group_ = true;
  skip_ = Skip::none;
  stray_run_ = false;
  // A 4010 interchange (ISA12 00401 around a 004010 group) is not answered with a 999 in an 00401
  // envelope: the interchange is rejected by TA1 with TA105 003, "this version of the controls is
  // not supported" (docs/conformance.md §2). Reported once per interchange, at its first such GS.
  // An 00401 envelope around 5010 groups (the OopFactory corpus copies) is read as before.
  if (interchange_.isa.version == "00401" && group_.version.starts_with("004010") &&
      !interchange_.findings.has(core::DiagCode::interchange_4010)) {
    report(core::DiagCode::interchange_4010, &s, 8,
           fmt::format("expected a 5010 group (GS08 00501...) in interchange {}, found ISA12 00401 with GS08 '{}': soc278 reads X12 5010 only",
                       trim(interchange_.isa.control_number), group_.version));
    interchange_.findings.add(core::DiagCode::interchange_4010);
  }
  if (!group_controls_.insert(group_.control_number)) {
    report(core::DiagCode::gs_duplicate_control, &s, 6,
           fmt::format("expected a GS06 unique in interchange {}, found '{}' again", trim(interchange_.isa.control_number),
                       group_.control_number));
    group_.findings.add(core::DiagCode::gs_duplicate_control);
  }
  observer_.on_group_begin(interchange_, group_);
  segment(s, SegmentRole::group_header);
}

void EnvelopeReader::on_ge(const SegmentView& s) {
  if (!in_group_) {
    if (skip_ == Skip::none) {
      report(core::DiagCode::ge_without_gs, &s, 0, "expected GS before GE, found GE outside any functional group");
      if (in_interchange_) interchange_.findings.add(core::DiagCode::ge_without_gs);
    }
    segment(s, SegmentRole::stray);
    return;
  }
  if (in_transaction_) close_transaction(&s, true);
  group_.trailer_seen = true;
  group_.trailer_count = s.element(1);
  const auto count = parse_integer(s.element(1));
  if (!count || *count != group_.transactions) {
    report(core::DiagCode::ge_count_mismatch, &s, 1,
           fmt::format("GE01 says '{}', counted {} transaction set(s) in group {}", s.element(1), group_.transactions,
                       group_.control_number));
    group_.findings.add(core::DiagCode::ge_count_mismatch);
  }
  if (!same_control(s.element(2), group_.control_number)) {
    report(core::DiagCode::ge_control_mismatch, &s, 2,
           fmt::format("GE02 says '{}', expected GS06 '{}'", s.element(2), group_.control_number));
    group_.findings.add(core::DiagCode::ge_control_mismatch);
  }
  segment(s, SegmentRole::group_trailer);
  close_group(&s, false);
}

void EnvelopeReader::on_st(const SegmentView& s) {
  if (!in_group_) {
    if (skip_ == Skip::none) {
      report(core::DiagCode::st_outside_group, &s, 0,
             in_interchange_ ? "expected GS before ST, found ST outside any functional group; skipping to the next GS"
                             : "expected ISA and GS before ST, found ST outside any interchange; skipping to the next ISA");
      if (in_interchange_) interchange_.findings.add(core::DiagCode::st_outside_group);
      skip_ = in_interchange_ ? Skip::until_gs : Skip::until_isa;
    }
    segment(s, SegmentRole::stray);
    return;
  }
  if (in_transaction_) close_transaction(&s, true);
  transaction_ = TransactionInfo{};
  transaction_.id = s.element(1);
  transaction_.control_number = s.element(2);
  transaction_.convention = s.element(3);
  transaction_.byte_offset = s.byte_offset();
  transaction_.ordinal = s.ordinal();
  transaction_.index = ++group_.transactions;
  transaction_.segments = 1;
  ++stats_.transactions;
  in_transaction_ = true;
  stray_run_ = false;
  if (!set_controls_.insert(transaction_.control_number)) {
    report(core::DiagCode::st_duplicate_control, &s, 2,
           fmt::format("expected an ST02 unique in group {}, found '{}' again", group_.control_number,
                       transaction_.control_number),
           1);
    transaction_.findings.add(core::DiagCode::st_duplicate_control);
  }
  observer_.on_transaction_begin(group_, transaction_);
  observer_.on_transaction_segment(transaction_, s, 1);
  segment(s, SegmentRole::transaction_header);
}

void EnvelopeReader::on_se(const SegmentView& s) {
  if (!in_transaction_) {
    if (skip_ == Skip::none) {
      report(core::DiagCode::se_without_st, &s, 0, "expected ST before SE, found SE outside any transaction set");
      if (in_group_) group_.findings.add(core::DiagCode::se_without_st);
    }
    segment(s, SegmentRole::stray);
    return;
  }
  ++transaction_.segments;
  transaction_.trailer_seen = true;
  const auto count = parse_integer(s.element(1));
  if (!count || *count != transaction_.segments) {
    report(core::DiagCode::se_count_mismatch, &s, 1,
           fmt::format("SE01 says '{}', counted {} segments from ST to SE in set {}", s.element(1), transaction_.segments,
                       transaction_.control_number),
           transaction_.segments);
    transaction_.findings.add(core::DiagCode::se_count_mismatch);
  }
  if (trim(s.element(2)) != trim(transaction_.control_number)) {
    report(core::DiagCode::se_control_mismatch, &s, 2,
           fmt::format("SE02 says '{}', expected ST02 '{}'", s.element(2), transaction_.control_number),
           transaction_.segments);
    transaction_.findings.add(core::DiagCode::se_control_mismatch);
  }
  observer_.on_transaction_segment(transaction_, s, transaction_.segments);
  segment(s, SegmentRole::transaction_trailer);
  close_transaction(&s, false);
}

void EnvelopeReader::on_other(const SegmentView& s) {
  if (in_transaction_) {
    on_body(s);
    return;
  }
  if (s.is("TA1") && in_interchange_ && !in_group_) {
    segment(s, SegmentRole::interchange_segment);
    return;
  }
  if (skip_ == Skip::none && !stray_run_) {
    if (s.is("TA1")) {
      report(core::DiagCode::ta1_misplaced, &s, 0, "expected TA1 directly under ISA, found it inside a functional group");
    } else {
      // A segment that did not split on the element separator has its text, values and all, as
      // its "id": only its first characters are named (no member data in a message).
      const std::string_view id = s.id();
      const std::string named = id.size() <= 3 ? std::string(id)
                                               : fmt::format("'{}...' (no element separator '{}' after a segment id)", id.substr(0, 3),
                                                             s.delimiters().element);
      report(core::DiagCode::segment_outside_transaction, &s, 0,
             fmt::format("expected ST, GS, GE or IEA, found {} outside any transaction set; skipping to the next ST", named));
    }
    if (in_interchange_) interchange_.findings.add(s.is("TA1") ? core::DiagCode::ta1_misplaced
                                                               : core::DiagCode::segment_outside_transaction);
    stray_run_ = true;
  }
  segment(s, SegmentRole::stray);
}

void EnvelopeReader::close_transaction(const SegmentView* at, bool trailer_missing) {
  if (trailer_missing) {
    report(core::DiagCode::se_missing, at,
           0,
           fmt::format("expected SE to close transaction set {} (ST at byte {}), found {}", transaction_.control_number,
                       transaction_.byte_offset, at != nullptr ? std::string(at->id()) : std::string("the end of the input")));
    transaction_.findings.add(core::DiagCode::se_missing);
  }
  in_transaction_ = false;
  observer_.on_transaction_end(group_, transaction_);
}

void EnvelopeReader::close_group(const SegmentView* at, bool trailer_missing) {
  if (trailer_missing) {
    report(core::DiagCode::ge_missing, at, 0,
           fmt::format("expected GE to close functional group {} (GS at byte {}), found {}", group_.control_number,
                       group_.byte_offset, at != nullptr ? std::string(at->id()) : std::string("the end of the input")));
    group_.findings.add(core::DiagCode::ge_missing);
  }
  in_group_ = false;
  observer_.on_group_end(interchange_, group_);
}

void EnvelopeReader::close_interchange(const SegmentView* at, bool trailer_missing) {
  if (trailer_missing) {
    report(core::DiagCode::iea_missing, at, 0,
           fmt::format("expected IEA to close interchange {} (ISA at byte {}), found {}",
                       trim(interchange_.isa.control_number), interchange_.byte_offset,
                       at != nullptr ? std::string(at->id()) : std::string("the end of the input")));
    interchange_.findings.add(core::DiagCode::iea_missing);
  }
  in_interchange_ = false;
  observer_.on_interchange_end(interchange_);
}

}  // namespace soc278::x12

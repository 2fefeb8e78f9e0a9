#include "soc278/respond/ack_999.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "respond/echo_guard.hpp"
#include "respond/reply_envelope.hpp"
#include "soc278/core/privacy.hpp"
#include "soc278/x12/values.hpp"

namespace soc278::respond {
namespace {

// IK502..IK506 and AK905..AK909 hold at most five codes each; a code is listed once.
class CodeList {
 public:
  void add(std::string_view code) {
    if (code.empty() || size_ == codes_.size()) return;
    if (std::find(codes_.begin(), codes_.begin() + static_cast<std::ptrdiff_t>(size_), code) !=
        codes_.begin() + static_cast<std::ptrdiff_t>(size_))
      return;
    codes_[size_++] = code;
  }
  template <typename Writer>  // a SegmentWriter or one of its Segments
  void write(Writer& w) const {
    for (std::size_t i = 0; i < size_; ++i) w.element(codes_[i]);
  }

 private:
  std::array<std::string_view, 5> codes_{};
  std::size_t size_ = 0;
};

// What the findings of one set or group add up to.
struct Verdict {
  bool rejected = false;
  bool noted = false;
  void count(core::Severity s) noexcept {
    if (s == core::Severity::error) rejected = true;
    if (s == core::Severity::warning) noted = true;
  }
};

bool located_before(const core::Diagnostic* a, const core::Diagnostic* b) noexcept {
  if (a->at.segment_in_set != b->at.segment_in_set) return a->at.segment_in_set < b->at.segment_in_set;
  return a->segment() < b->segment();
}

bool same_segment(const core::Diagnostic* a, const core::Diagnostic* b) noexcept {
  return a->at.segment_in_set == b->at.segment_in_set && a->segment() == b->segment();
}

}  // namespace

AckTransaction AckTransaction::from(const x12::TransactionInfo& info) {
  AckTransaction t;
  t.st01 = info.id;
  t.st02 = info.control_number;
  t.st03 = info.convention;
  t.envelope = &info.findings;
  return t;
}

Ack999Writer::Ack999Writer(std::ostream& out, ControlNumberSequence& numbers, core::DateTime now,
                           std::string_view line_break)
    : out_(out), writer_(x12::Delimiters{}, line_break), guard_(std::make_unique<detail::EchoGuard>()), numbers_(numbers), now_(now) {}

Ack999Writer::~Ack999Writer() = default;

void Ack999Writer::check_against(const ig::GuideSet* guides, core::DiagnosticSink* findings, std::uint32_t file) {
  guard_->use(guides, findings);
  guard_->set_file(file);
  ak1_ = guard_->in_guide("999", "", "AK1");
  ak2_ = guard_->in_guide("999", "2000", "AK2");
  ik3_ = guard_->in_guide("999", "2100", "IK3");
  ik4_ = guard_->in_guide("999", "2110", "IK4");
  business_ctx_ = guard_->in_guide("999", "2100", "CTX", 1);  // the second CTX of loop 2100: business unit
}

void Ack999Writer::drain() {
  const std::string_view text = writer_.buffered();
  if (!text.empty()) out_.write(text.data(), static_cast<std::streamsize>(text.size()));
  writer_.clear_buffered();
}

void Ack999Writer::flush() {
  drain();
  out_.flush();
}

void Ack999Writer::begin_interchange(const x12::InterchangeInfo& received) {
  if (state_ != State::idle) return;
  received_isa_ = received.isa;
  isa_offset_ = received.byte_offset;
  isa_ordinal_ = received.ordinal;
  writer_.set_delimiters(detail::reply_delimiters(received.isa.delimiters));
  header_written_ = false;
  set_ordinal_ = 0;
  state_ = State::interchange;
}

void Ack999Writer::write_header(const x12::GroupInfo& first_group) {
  control_ = numbers_.next();
  isa13_ = ControlNumberSequence::isa13(control_);
  gs06_ = ControlNumberSequence::gs06(control_);
  const std::string date = now_.date.yymmdd();
  const std::string time = now_.time.hhmm();
  const x12::Delimiters& d = writer_.delimiters();
  guard_->locate(isa_offset_, isa_ordinal_);
  writer_.write_isa(detail::reply_isa(received_isa_, date, time, isa13_, *guard_, d));
  guard_->locate(first_group.byte_offset, first_group.ordinal);
  const detail::ReplyParties parties = detail::reply_gs_parties(received_isa_, first_group, *guard_, d);
  writer_.begin("GS")
      .element("FA")
      .element(parties.sender)
      .element(parties.receiver)
      .element(now_.date.ccyymmdd())
      .element(time)
      .element(gs06_)
      .element("X")
      .element(ack_999_version)
      .end();
  header_written_ = true;
}

void Ack999Writer::begin_group(const x12::GroupInfo& received) {
  if (state_ != State::interchange) return;
  if (is_acknowledgment_group(received)) {
    // Acknowledgments are never acknowledged (the 999 and 997 notes; x217-crosscheck): the group
    // is passed over, and an interchange of nothing else gets no 999 at all.
    state_ = State::unacknowledged_group;
    return;
  }
  guard_->locate(received.byte_offset, received.ordinal);
  if (!header_written_) write_header(received);
  st02_ = ControlNumberSequence::st02(++set_ordinal_);
  writer_.begin("ST").element("999").element(st02_).element(ack_999_version).end();
  const x12::Delimiters& d = writer_.delimiters();
  const ig::SegmentRule* ak1 = ak1_;
  writer_.begin("AK1")
      .element(guard_->echo(ak1, 1, 0, received.functional_id, "HI", d, "AK101", "GS01"))
      .element(guard_->echo(ak1, 2, 0, received.control_number, "0", d, "AK102", "GS06"))
      .element(guard_->echo(ak1, 3, 0, received.version, "005010X217", d, "AK103", "GS08"))
      .end();
  sets_acknowledged_ = 0;
  sets_accepted_ = 0;
  sets_with_errors_ = 0;
  state_ = State::group;
}

void Ack999Writer::write_ik3(std::string_view segment_id, std::uint32_t position, std::string_view loop,
                             std::string_view code, std::string_view trace) {
  // IK301 and IK303 come from the findings, which name what was received: each is checked against
  // the 999 guide's IK3 (an unusable segment id becomes UNK; a loop id the guide does not take is
  // omitted). IK302 and IK304 are soc278's own.
  const x12::Delimiters& d = writer_.delimiters();
  const ig::SegmentRule* ik3 = ik3_;
  const std::string_view id = guard_->echo(ik3, 1, 0, segment_id, "UNK", d, "IK301", "segment id");
  const std::string_view loop_written = guard_->fits(ik3, 3, 0, loop, d) ? loop : std::string_view{};
  writer_.begin("IK3").element(id).element(std::uint64_t{position}).element(loop_written).element(code).end();
  if (!trace.empty()) writer_.begin("CTX").composite({"TRN02", trace}).end();
}

AckCode Ack999Writer::add_transaction(const AckTransaction& set) {
  if (state_ == State::unacknowledged_group) return AckCode::accepted;
  if (state_ != State::group) return AckCode::rejected;
  Verdict verdict;
  CodeList set_codes;
  if (set.envelope != nullptr) {
    for (core::DiagCode c : set.envelope->codes) {
      const core::DiagInfo& i = core::info(c);
      if (i.level != core::AckLevel::set) continue;
      set_codes.add(i.x12_code);
      verdict.count(i.severity);
    }
  }
  std::vector<const core::Diagnostic*> located;  // segment and element findings
  for (const core::Diagnostic& d : set.findings) {
    if (d.severity == core::Severity::info) continue;
    const core::AckLevel level = core::info(d.code).level;
    if (level == core::AckLevel::set) {
      set_codes.add(core::info(d.code).x12_code);
    } else if (level == core::AckLevel::segment || level == core::AckLevel::element) {
      located.push_back(&d);
    } else {
      continue;  // none / ta1 are not 999 matters; group findings come through end_group()
    }
    verdict.count(d.severity);
  }
  std::stable_sort(located.begin(), located.end(), located_before);

  const x12::Delimiters& delims = writer_.delimiters();
  const ig::SegmentRule* ak2 = ak2_;
  writer_.segment("AK2")
      .element(guard_->echo(ak2, 1, 0, set.st01, "278", delims, "AK201", "ST01"))
      .element(guard_->echo(ak2, 2, 0, set.st02, "0000", delims, "AK202", "ST02"))
      .element(guard_->echo(ak2, 3, 0, set.st03, "", delims, "AK203", "ST03"))
      .end();
  // CTX01-2 (AN 1-35 in the 999 guide's business unit CTX). Only the IK3s below carry it: a clean set
  // (nearly every one) needs no copy.
  const std::string trace =
      located.empty() ? std::string() : guard_->text(business_ctx_, 1, 2, set.trace, delims, 35);
  const ig::SegmentRule* ik4 = ik4_;
  std::vector<const core::Diagnostic*> elements;
  for (std::size_t first = 0; first < located.size();) {
    std::size_t last = first + 1;
    while (last < located.size() && same_segment(located[first], located[last])) ++last;
    const core::Diagnostic& head = *located[first];
    std::string_view loop;
    std::vector<std::string_view> codes;  // IK304 codes other than 8, in the order found, each once
    bool segment_8 = false;
    elements.clear();
    for (std::size_t k = first; k < last; ++k) {
      const core::Diagnostic* d = located[k];
      if (loop.empty()) loop = d->loop_id;
      const core::DiagInfo& i = core::info(d->code);
      if (i.level == core::AckLevel::element) {
        elements.push_back(d);
      } else if (i.x12_code == "8") {
        segment_8 = true;
      } else if (!i.x12_code.empty() && std::find(codes.begin(), codes.end(), i.x12_code) == codes.end()) {
        codes.push_back(i.x12_code);
      }
    }
    // One IK3 per segment error code (pyx12 writes them the same way); the IK4s follow an IK3 with
    // IK304 8, "segment has data element errors", written when element errors exist.
    for (std::string_view code : codes) write_ik3(head.segment(), head.at.segment_in_set, loop, code, trace);
    if (segment_8 || !elements.empty()) {
      write_ik3(head.segment(), head.at.segment_in_set, loop, "8", trace);
      std::stable_sort(elements.begin(), elements.end(), [](const core::Diagnostic* a, const core::Diagnostic* b) {
        if (a->at.element != b->at.element) return a->at.element < b->at.element;
        return a->at.component < b->at.component;
      });
      for (const core::Diagnostic* e : elements) {
        writer_.begin("IK4").element(std::uint64_t{e->at.element});
        if (e->at.component != 0) writer_.component(std::to_string(e->at.component));
        // IK404 is AN 1-99: the value as sent, cleaned and cut (EchoGuard::text); omitted (a trailing
        // empty) when there is none, and for a value that may identify a person (core/privacy.hpp:
        // the 999 carries no member data). IK402 only when the guide takes it (else omitted).
        const core::Diagnostic& f = *e;
        // By content class, as everything soc278 prints (core/privacy.hpp): a member's value sent in
        // the wrong loop, or misframed into another segment, is a person's value all the same.
        const bool personal = core::phi_value(f.segment(), {}, f.loop_id, f.at.element, f.found_value);
        const std::string_view ref = guard_->fits(ik4, 2, 0, f.element_ref, delims) ? std::string_view(f.element_ref) : std::string_view{};
        writer_.element(ref)
            .element(core::info(f.code).x12_code)
            .element(personal ? std::string() : guard_->text(ik4, 4, 0, f.found_value, delims, 99))
            .end();
      }
    }
    first = last;
  }
  if (!located.empty()) set_codes.add("5");  // one or more segments in error

  const AckCode status = verdict.rejected ? AckCode::rejected
                         : verdict.noted  ? AckCode::accepted_with_errors
                                          : AckCode::accepted;
  const char ik501[1] = {static_cast<char>(status)};
  auto ik5 = writer_.segment("IK5");
  ik5.element(std::string_view(ik501, 1));
  set_codes.write(ik5);
  ik5.end();

  constexpr std::size_t drain_at = 32 * 1024;
  if (writer_.buffered().size() >= drain_at) drain();
  ++sets_acknowledged_;
  if (status != AckCode::rejected) ++sets_accepted_;
  if (status == AckCode::accepted_with_errors) ++sets_with_errors_;
  return status;
}

AckCode Ack999Writer::end_group(const x12::GroupInfo& final_info, std::span<const core::Diagnostic> group_findings) {
  if (state_ == State::unacknowledged_group) {
    state_ = State::interchange;
    return AckCode::accepted;
  }
  if (state_ != State::group) return AckCode::rejected;
  Verdict group;
  CodeList codes;
  for (core::DiagCode c : final_info.findings.codes) {
    const core::DiagInfo& i = core::info(c);
    if (i.level != core::AckLevel::group) continue;
    codes.add(i.x12_code);
    group.count(i.severity);
  }
  for (const core::Diagnostic& d : group_findings) {
    const core::DiagInfo& i = core::info(d.code);
    if (d.severity == core::Severity::info || i.level != core::AckLevel::group) continue;
    codes.add(i.x12_code);
    group.count(d.severity);
  }
  // AK902: the number of sets the sender says the group holds (GE01) when it says one that AK902
  // (N0 1/6) can hold, else what was counted.
  std::uint64_t declared = final_info.transactions;
  if (x12::is_digits(final_info.trailer_count, final_info.trailer_count.size()) && !final_info.trailer_count.empty()) {
    if (const auto n = x12::parse_integer(final_info.trailer_count); n && *n >= 0 && *n <= 999999) declared = static_cast<std::uint64_t>(*n);
  }
  AckCode status = AckCode::accepted;
  if (group.rejected || (sets_acknowledged_ > 0 && sets_accepted_ == 0)) {
    status = AckCode::rejected;
  } else if (sets_accepted_ < sets_acknowledged_) {
    status = AckCode::partially_accepted;
  } else if (sets_with_errors_ > 0 || group.noted) {
    status = AckCode::accepted_with_errors;
  }
  const char ak901[1] = {static_cast<char>(status)};
  writer_.begin("AK9")
      .element(std::string_view(ak901, 1))
      .element(declared)
      .element(std::uint64_t{sets_acknowledged_})
      .element(std::uint64_t{sets_accepted_});
  codes.write(writer_);
  writer_.end();
  writer_.write_se(st02_);
  drain();
  state_ = State::interchange;
  return status;
}

bool Ack999Writer::end_interchange() {
  if (state_ == State::unacknowledged_group) state_ = State::interchange;
  if (state_ == State::group) {
    x12::GroupInfo counted;
    counted.transactions = sets_acknowledged_;
    (void)end_group(counted);
  }
  if (state_ == State::idle) return false;
  state_ = State::idle;
  if (!header_written_) return false;
  writer_.write_ge(gs06_);
  writer_.write_iea(isa13_);
  drain();
  return true;
}

}  // namespace soc278::respond

#include "soc278/respond/ta1.hpp"

#include <string>

#include "respond/echo_guard.hpp"
#include "respond/reply_envelope.hpp"

namespace soc278::respond {

std::optional<core::DiagCode> first_ta1_finding(const x12::InterchangeInfo& received,
                                                std::span<const core::Diagnostic> more) {
  for (core::DiagCode c : received.findings.codes) {
    const core::DiagInfo& i = core::info(c);
    if (i.level == core::AckLevel::ta1 && i.severity != core::Severity::info) return c;
  }
  for (const core::Diagnostic& d : more) {
    if (d.severity != core::Severity::info && core::info(d.code).level == core::AckLevel::ta1) return d.code;
  }
  return std::nullopt;
}

Ta1Writer::Ta1Writer(std::ostream& out, ControlNumberSequence& numbers, core::DateTime now, std::string_view line_break)
    : writer_(out, x12::Delimiters{}, line_break), numbers_(numbers), now_(now), guard_(std::make_unique<detail::EchoGuard>()) {}

Ta1Writer::~Ta1Writer() = default;

void Ta1Writer::check_against(const ig::GuideSet* guides, core::DiagnosticSink* findings, std::uint32_t file) {
  guard_->use(guides, findings);
  guard_->set_file(file);
}

bool Ta1Writer::should_write_ta1(const x12::InterchangeInfo& received, std::span<const core::Diagnostic> more,
                                 bool only_acknowledgments) {
  if (only_acknowledgments) return false;  // X12.5: no acknowledgment of a TA1; none of a 999 or 997 either
  return received.isa.ack_requested == "1" || first_ta1_finding(received, more).has_value();
}

AckCode Ta1Writer::write_ta1(const x12::InterchangeInfo& received, std::span<const core::Diagnostic> more) {
  const x12::IsaHeader& in = received.isa;
  const std::optional<core::DiagCode> finding = first_ta1_finding(received, more);
  // Vendor policy (reference 1.3): every TA1-level finding rejects; E is never written.
  const AckCode status = finding ? AckCode::rejected : AckCode::accepted;
  const std::string_view note = finding ? core::info(*finding).x12_code : std::string_view("000");

  const std::string control = ControlNumberSequence::isa13(numbers_.next());
  const std::string date = now_.date.yymmdd();
  const std::string time = now_.time.hhmm();
  guard_->locate(received.byte_offset, received.ordinal);
  const x12::Delimiters d = detail::reply_delimiters(in.delimiters);
  writer_.set_delimiters(d);
  writer_.write_isa(detail::reply_isa(in, date, time, control, *guard_, d));
  const ig::SegmentRule* ta1 = guard_->envelope("TA1");
  const char ta104[1] = {static_cast<char>(status)};
  writer_.begin("TA1")
      .element(guard_->echo(ta1, 1, 0, in.control_number, "000000000", d, "TA101", "ISA13"))
      .element(guard_->echo(ta1, 2, 0, in.date, date, d, "TA102", "ISA09"))
      .element(guard_->echo(ta1, 3, 0, in.time, time, d, "TA103", "ISA10"))
      .element(std::string_view(ta104, 1))
      .element(note)
      .end();
  writer_.write_iea(control);  // no functional group: IEA01 = 0
  return status;
}

}  // namespace soc278::respond

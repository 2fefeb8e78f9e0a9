// fuzz_ack: the 999 and TA1 writers driven from arbitrary received envelopes and findings.
//
// Input (fuzz_support.hpp: Bytes): after 0xFE, a count and that many made-up findings (any code of
// diag_codes.def, any severity and position, a loop id and element reference of the kind the guides
// hold, and any bytes as the value found), then X12 bytes; any other input is X12 bytes only. The X12
// goes through the envelope reader, which gives the writers real received ISA / GS / ST values (as
// mangled as the input); each set is acknowledged with the made-up findings placed in it, each group
// and interchange too, as the engine does it (src/engine/processor.cpp). Checks: nothing crashes,
// and every 999 and TA1 written passes soc278's own grammar (check_own_grammar; an interchange
// the TA1 rejects has its 999 dropped by the engine, so only the TA1 is checked then).
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "soc278/core/diagnostic.hpp"
#include "soc278/respond/ack_999.hpp"
#include "soc278/respond/ta1.hpp"
#include "soc278/x12/chunk_reader.hpp"
#include "soc278/x12/envelope.hpp"

using namespace soc278;

namespace {

constexpr const char* kLoops[] = {"", "2000A", "2010A", "2000B", "2010B", "2000C", "2010C", "2000D", "2010D", "2000E", "2010EA", "2000F", "2010FA", "ISA", "GS", "ST"};
constexpr const char* kSegments[] = {"BHT", "HL", "UM", "NM1", "TRN", "DTP", "HI", "SV1", "SV2", "HCR", "REF", "PWK", "MSG", "AAA", "N3", "N4", "PRV", "SE", "ST", "GS", "ISA", "ZZ", "ZZZ"};

core::Diagnostic made_up(fuzz::Bytes& in) {
  const auto& codes = core::all_codes();
  const std::size_t which = (static_cast<std::size_t>(in.byte()) << 8 | in.byte()) % codes.size();
  core::Diagnostic d = core::make_diagnostic(codes[which].code, core::SourcePosition{}, kSegments[in.byte() % std::size(kSegments)], in.string(40));
  const std::uint8_t s = in.byte();
  d.severity = s % 3 == 0 ? core::Severity::warning : s % 3 == 1 ? core::Severity::error : core::Severity::info;
  d.at.segment_in_set = in.byte() % 40;
  d.at.element = in.byte() % 70;
  d.at.component = in.byte() % 12;
  d.at.byte_offset = in.byte();
  d.loop_id = kLoops[in.byte() % std::size(kLoops)];  // guide values, as the validator gives them
  d.element_ref = (s & 0x80u) != 0 ? std::to_string(in.byte() % 100 * 100 + in.byte() % 100) : std::string();
  d.found_value = in.string(120);
  return d;
}

bool rejects(const x12::EnvelopeFindings& f, core::AckLevel level) {
  for (core::DiagCode c : f.codes)
    if (core::info(c).level == level && core::info(c).severity == core::Severity::error) return true;
  return false;
}

bool rejects(const std::vector<core::Diagnostic>& f, core::AckLevel level) {
  for (const auto& d : f)
    if (core::info(d.code).level == level && d.severity == core::Severity::error) return true;
  return false;
}

class Acknowledge final : public x12::EnvelopeObserver {
 public:
  explicit Acknowledge(std::vector<core::Diagnostic> made) : made_(std::move(made)) {}

  void on_interchange_begin(const x12::InterchangeInfo& i) override {
    ack_out_.str("");
    ack_.emplace(ack_out_, numbers_, now_, "\n");
    // As the engine does: every echoed value is checked against the guides (the substitutes' findings
    // are not this target's concern).
    ack_->check_against(&fuzz::guides(), &ignored_);
    ack_->begin_interchange(i);
  }
  void on_group_begin(const x12::InterchangeInfo&, const x12::GroupInfo& g) override {
    if (ack_) ack_->begin_group(g);
  }
  void on_transaction_end(const x12::GroupInfo&, const x12::TransactionInfo& t) override {
    if (!ack_) return;
    respond::AckTransaction a = respond::AckTransaction::from(t);
    for (std::size_t k = 0; k < made_.size(); ++k)
      if ((k + t.index) % 2 == 0) a.findings.push_back(made_[k]);  // a different share of them in each set
    if (!made_.empty()) a.trace = made_.front().found_value;
    (void)ack_->add_transaction(a);
  }
  void on_group_end(const x12::InterchangeInfo&, const x12::GroupInfo& g) override {
    if (!ack_) return;
    std::vector<core::Diagnostic> group;
    for (const auto& d : made_)
      if (core::info(d.code).level == core::AckLevel::group) group.push_back(d);
    (void)ack_->end_group(g, group);
  }
  void on_interchange_end(const x12::InterchangeInfo& i) override {
    if (!ack_) return;
    (void)ack_->end_interchange();
    ack_->flush();
    std::vector<core::Diagnostic> more;
    for (const auto& d : made_)
      if (core::info(d.code).level == core::AckLevel::ta1) more.push_back(d);
    if (!rejects(i.findings, core::AckLevel::ta1) && !rejects(more, core::AckLevel::ta1))
      fuzz::check_own_grammar(ack_out_.str(), "a 999", "acknowledgment");
    ack_.reset();
    if (respond::Ta1Writer::should_write_ta1(i, more)) {
      std::ostringstream ta1_out;
      respond::Ta1Writer ta1(ta1_out, numbers_, now_, "\n");
      ta1.check_against(&fuzz::guides(), &ignored_);
      (void)ta1.write_ta1(i, more);
      ta1.flush();
      fuzz::check_own_grammar(ta1_out.str(), "a TA1");
    }
  }

 private:
  std::vector<core::Diagnostic> made_;
  core::DiagnosticList ignored_;
  respond::ControlNumberSequence numbers_{1};
  core::DateTime now_{core::Date{2026, 12, 1}, core::TimeOfDay{9, 0, 0}};
  std::ostringstream ack_out_;
  std::optional<respond::Ack999Writer> ack_;
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fuzz::guides();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::set_current_input(data, size);
  fuzz::Bytes in(data, size);
  std::vector<core::Diagnostic> made;
  if (in.begin_switches()) {
    const std::size_t n = in.switch_byte() % 8;
    for (std::size_t k = 0; k < n; ++k) made.push_back(made_up(in));
  }
  const std::string_view input = in.rest();
  x12::MemorySource source(input);
  x12::ChunkReader reader(source);
  fuzz::Collect findings;
  Acknowledge acknowledge(std::move(made));
  x12::EnvelopeReader envelopes(reader, findings, acknowledge, &fuzz::guides().envelope_codes());
  envelopes.run();
  return 0;
}

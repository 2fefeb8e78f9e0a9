// FileValidator: one TransactionValidator driven by the envelope reader's callbacks.
#include <fmt/core.h>

#include <algorithm>

#include "soc278/ig/walker.hpp"

namespace soc278::ig {
namespace {

bool envelope_rejects(const x12::TransactionInfo& t) {
  return std::any_of(t.findings.codes.begin(), t.findings.codes.end(),
                     [](core::DiagCode c) { return core::info(c).severity == core::Severity::error; });
}

}  // namespace

FileValidator::FileValidator(const GuideSet& guides, ValidationOptions options, TransactionHandler on_transaction,
                             GroupHandler on_group, std::uint32_t file)
    : validator_(guides, options),
      guides_(guides),
      on_transaction_(std::move(on_transaction)),
      on_group_(std::move(on_group)),
      file_(file) {}

void FileValidator::on_interchange_begin(const x12::InterchangeInfo& i) { interchange_ = i; }

void FileValidator::on_group_begin(const x12::InterchangeInfo& i, const x12::GroupInfo& g) {
  group_.interchange = i;
  group_.group = g;
  group_.transactions = 0;
  group_.rejected_transactions = 0;
  group_.findings.clear();
}

void FileValidator::on_group_end(const x12::InterchangeInfo& i, const x12::GroupInfo& g) {
  group_.interchange = i;
  group_.group = g;
  if (on_group_) on_group_(group_);  // the findings stay until the next GS (group_findings() after on_group_end)
}

// ---- envelope segments against grammars/envelope.yaml ---------------------------------------------
//
// The element checks are the walker's (TransactionValidator::check_segment against the envelope.yaml
// occurrence); their element-level codes (IK403 material) are re-coded here for the envelope level:
// AK905 where X12 has a code for the problem, envelope.gs04/gs05_invalid or envelope.element_invalid
// (reported only) where it has none. Values the reader already judges (GE01/GE02 against the counts
// and GS06, IEA01/IEA02 against the groups and ISA13) are not reported again.

namespace {

// The envelope code for a walker finding on element `element` of envelope segment `id`.
core::DiagCode envelope_code(std::string_view id, const core::Diagnostic& d) {
  if (id == "GS") {
    if (d.at.element == 6) return core::DiagCode::gs_control_number_invalid;
    if (d.at.element == 4 && d.code == core::DiagCode::ig_element_invalid_date) return core::DiagCode::gs_date_invalid;
    if (d.at.element == 5 && d.code == core::DiagCode::ig_element_invalid_time) return core::DiagCode::gs_time_invalid;
  }
  return core::DiagCode::envelope_element_invalid;
}

}  // namespace

void FileValidator::envelope_finding(core::Diagnostic d) {
  ++envelope_findings_;
  if (d.segment() == "GS" || d.segment() == "GE") group_.findings.push_back(d);
  if (envelope_sink_ != nullptr) envelope_sink_->report(std::move(d));
}

void FileValidator::on_envelope_segment(const x12::SegmentView& s, x12::SegmentRole role) {
  const std::string_view id = s.id();
  if (role == x12::SegmentRole::interchange_header) return;  // ISA: src/x12/envelope.cpp checks every rule envelope.yaml has
  const SegmentRule* rule = guides_.envelope_segment(id);
  if (rule == nullptr) return;
  core::SourcePosition at;
  at.file = file_;
  at.byte_offset = s.byte_offset();
  at.segment_in_file = s.ordinal();
  const bool counted = id == "GE" || id == "IEA";  // elements 1 and 2: the reader's count and control checks
  for (core::Diagnostic& d : validator_.check_segment(s, *rule, at)) {
    if (d.code == core::DiagCode::ig_segment_has_element_errors) continue;  // the IK3 wrapper: no meaning here
    if (counted && (d.at.element == 1 || d.at.element == 2)) continue;
    const core::DiagCode code = d.code == core::DiagCode::ig_trailing_separator ? d.code : envelope_code(id, d);
    core::Diagnostic e = core::make_diagnostic(code, d.at, id, std::move(d.message));
    if (d.severity == core::Severity::warning) e.severity = core::Severity::warning;
    e.element_ref = std::move(d.element_ref);
    e.found_value = std::move(d.found_value);
    envelope_finding(std::move(e));
  }
  if (role != x12::SegmentRole::group_header) return;
  // GS01 / GS08: supported when some index.yaml entry reads them (AK905 1 / 2).
  const std::string_view gs01 = s.element(1);
  const std::string_view gs08 = s.element(8);
  if (gs01.empty() || gs08.empty()) return;  // a missing GS01/GS08 is an element finding above
  bool functional_id = false;
  bool version = false;
  for (const GuideSelector& e : guides_.index()) {
    if (e.gs01 != gs01) continue;
    functional_id = true;
    if (e.gs08 == gs08) version = true;
  }
  if (!functional_id) {
    at.element = 1;
    core::Diagnostic d = core::make_diagnostic(
        core::DiagCode::gs_functional_id_unsupported, at, id,
        fmt::format("GS01 '{}' names a functional group no implementation guide reads (grammars/index.yaml)", gs01));
    d.found_value = gs01;
    envelope_finding(std::move(d));
  } else if (!version) {
    at.element = 8;
    core::Diagnostic d = core::make_diagnostic(
        core::DiagCode::gs_version_unsupported, at, id,
        fmt::format("GS08 '{}' is not a version any implementation guide reads for GS01 '{}' (grammars/index.yaml)", gs08, gs01));
    d.found_value = gs08;
    envelope_finding(std::move(d));
  }
}

void FileValidator::on_transaction_begin(const x12::GroupInfo& g, const x12::TransactionInfo&) {
  validator_.begin(interchange_.isa.version, g.functional_id, g.version, file_);
}

// on_transaction_segment() is in walker.cpp, next to TransactionValidator::segment(), which it inlines.

void FileValidator::on_transaction_end(const x12::GroupInfo& g, const x12::TransactionInfo& t) {
  TransactionResult& r = validator_.end_in_place();  // recycled at the next begin()
  if (envelope_rejects(t)) r.rejected = true;
  ++transactions_;
  if (r.rejected) ++rejected_;
  ++group_.transactions;
  if (r.rejected) ++group_.rejected_transactions;
  if (on_transaction_) on_transaction_(interchange_, g, t, r);
}

FileSummary validate_stream(x12::ByteSource& source, const GuideSet& guides, const ValidationOptions& options,
                            core::DiagnosticSink& sink, FileValidator::TransactionHandler on_transaction,
                            FileValidator::GroupHandler on_group, x12::ReaderOptions reader_options, bool forward_findings) {
  x12::ChunkReader reader(source, reader_options);
  FileValidator validator(guides, options, std::move(on_transaction), std::move(on_group), reader_options.file);
  if (forward_findings) validator.forward_to(&sink);
  validator.report_envelope_to(&sink);
  x12::EnvelopeReader envelope(reader, sink, validator, &guides.envelope_codes());
  envelope.run();
  FileSummary out;
  out.stats = envelope.stats();
  out.transactions = validator.transactions();
  out.rejected = validator.rejected();
  return out;
}

}  // namespace soc278::ig

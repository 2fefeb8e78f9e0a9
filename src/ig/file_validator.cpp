// FileValidator: one TransactionValidator driven by the envelope reader's callbacks.
#include <algorithm>

#include "soc278/ig/walker.hpp"

namespace soc278::ig {
namespace {

bool envelope_rejects(const x12::TransactionInfo& t) {
  return std::any_of(t.findings.codes.begin(), t.findings.codes.end(),
                     [](core::DiagCode c) { return core::info(c).severity == core::Severity::error; });
}

}  // namespace

std::size_t GroupResult::accepted() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(transactions.begin(), transactions.end(), [](const TransactionAck& t) { return !t.rejected; }));
}

std::size_t GroupResult::rejected() const noexcept { return transactions.size() - accepted(); }

FileValidator::FileValidator(const GuideSet& guides, ValidationOptions options, TransactionHandler on_transaction,
                             GroupHandler on_group, std::uint32_t file)
    : validator_(guides, options), on_transaction_(std::move(on_transaction)), on_group_(std::move(on_group)), file_(file) {}

void FileValidator::on_interchange_begin(const x12::InterchangeInfo& i) { interchange_ = i; }

void FileValidator::on_group_begin(const x12::InterchangeInfo& i, const x12::GroupInfo& g) {
  group_.interchange = i;
  group_.group = g;
  group_.transactions.clear();
}

void FileValidator::on_group_end(const x12::InterchangeInfo& i, const x12::GroupInfo& g) {
  group_.interchange = i;
  group_.group = g;
  if (on_group_) on_group_(group_);
  group_.transactions.clear();
}

void FileValidator::on_transaction_begin(const x12::GroupInfo& g, const x12::TransactionInfo&) {
  validator_.begin(interchange_.isa.version, g.functional_id, g.version, file_);
}

void FileValidator::on_transaction_segment(const x12::TransactionInfo&, const x12::SegmentView& s, std::uint32_t position) {
  validator_.segment(s, position);
}

void FileValidator::on_transaction_end(const x12::GroupInfo& g, const x12::TransactionInfo& t) {
  TransactionResult r = validator_.end();
  if (envelope_rejects(t)) r.rejected = true;
  ++transactions_;
  if (r.rejected) ++rejected_;
  TransactionAck ack;
  ack.info = t;
  ack.guide = r.guide;
  ack.rejected = r.rejected;
  ack.errors = r.errors;
  ack.warnings = r.warnings;
  ack.findings = r.findings;  // copied: the handler may move the result away
  ack.findings_dropped = r.findings_dropped;
  ack.trn02_trace = r.trn02_trace;
  group_.transactions.push_back(std::move(ack));
  if (on_transaction_) on_transaction_(interchange_, g, t, r);
}

FileSummary validate_stream(x12::ByteSource& source, const GuideSet& guides, const ValidationOptions& options,
                            core::DiagnosticSink& sink, FileValidator::TransactionHandler on_transaction,
                            FileValidator::GroupHandler on_group, x12::ReaderOptions reader_options, bool forward_findings) {
  x12::ChunkReader reader(source, reader_options);
  FileValidator validator(guides, options, std::move(on_transaction), std::move(on_group), reader_options.file);
  if (forward_findings) validator.forward_to(&sink);
  x12::EnvelopeReader envelope(reader, sink, validator);
  envelope.run();
  FileSummary out;
  out.stats = envelope.stats();
  out.transactions = validator.transactions();
  out.rejected = validator.rejected();
  return out;
}

}  // namespace soc278::ig

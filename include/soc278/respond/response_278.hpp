// soc278/respond/response_278.hpp
//
// Provides Response278Writer: decisions -> X12 005010X217 278 responses (BHT02 = 11).
// One response interchange per request interchange and one response ST per answered request ST:
// ISA/GS with sender and receiver swapped, fresh control numbers from a ControlNumberSequence,
// GS01 HI, GS08 / ST03 005010X217, BHT03 echoing the request's, the HL hierarchy mirrored with
// the identifiers and trace numbers (each request TRN comes back with TRN01 = 2, reference 3.6).
//
// Per service line (2000F): approve -> HCR*A1*<certification> + DTP*007*RD8 certified span;
// redirect -> HCR*A6 (or the policy's code) *<certification>*16 with UM04 = the authorized site and
// a MSG naming the lower-cost site classes and the section; pend -> HCR*A4**<reason> + REF*NT
// tracking number + MSG listing the documentation needed. The 2000E HCR summarises the lines
// (docs/decisions.md). A request that cannot be answered on its merits gets AAA segments at the
// loop concerned instead (soc/answerable.hpp). Codes come from the decisions (which took them
// from mappings/decision-codes.yaml): this writer never picks an HCR code itself.
//
// Streaming: each response set goes to the std::ostream as soon as it is written (one set's worth
// of memory, whatever the group's size), the ISA and GS before the first set of a group. A GE
// error rejects the group in the 999, and then none of its transactions may be answered:
// end_group(false) returns false, and the caller cuts the stream back to where it stood at
// begin_group (the engine's OutputSink::rewind); the control numbers drawn for that group are
// given back. An interchange with nothing answered produces no response at all.
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "soc278/core/date.hpp"
#include "soc278/mapping/decision_codes.hpp"
#include "soc278/model/authorization_request.hpp"
#include "soc278/respond/control_numbers.hpp"
#include "soc278/soc/answerable.hpp"
#include "soc278/soc/decision.hpp"
#include "soc278/x12/chunk_reader.hpp"
#include "soc278/x12/envelope.hpp"
#include "soc278/x12/writer.hpp"

namespace soc278::ig {
class GuideSet;
struct SegmentRule;
}

namespace soc278::respond {
namespace detail {
class EchoGuard;
}

// Request numbers kept across runs (implemented by the app over store::Ledger): each request
// answered draws one, and its lines' numbers are made from it.
class CertificationSource {
 public:
  virtual ~CertificationSource() = default;
  // Six base-36 characters naming the ledger the numbers come from (store::Ledger::instance_id).
  [[nodiscard]] virtual std::string_view stem() const noexcept = 0;
  // The next request number, from 1 up, never handed out before; 0 when none can be had (the
  // source remembers why and the run must not deliver what it wrote).
  [[nodiscard]] virtual std::uint64_t next() = 0;
};

// Certification (HCR02) and tracking (REF*NT) numbers, in one of two modes:
//   - seeded (`--seed`): deterministic, the same seed and the same request give the same number,
//     whatever order files are processed in (a hash of seed, sender, ISA13, GS06, ST02 and line),
//     so golden files and parallel batches stay reproducible; two runs with the same seed and
//     the same envelope ids repeat their numbers, by design;
//   - sequenced (a CertificationSource, the default in `process`): "SOC" + the ledger's stem +
//     "-" + the request's number in base 36 (at least 7 characters) + "-" + line: unique per line
//     across runs (one ledger never repeats a request number) and across machines (ledgers differ
//     in their stem), e.g. "SOCK3F9QZ-000002S-01".
class CertificationNumbers {
 public:
  explicit CertificationNumbers(std::uint64_t seed = 278) : seed_(seed) {}
  // Sequenced: `source` outlives every copy of this object.
  explicit CertificationNumbers(CertificationSource& source) : seed_(0), source_(&source) {}
  [[nodiscard]] bool sequenced() const noexcept { return source_ != nullptr; }
  // Seeded: "SOC" + 10 base-36 characters, + "-" + line number (2 digits); AN 1-50 (HCR02). The
  // overloads taking the request hash it, so they are for the seeded mode only; sequenced numbers
  // come from next_request() and the RequestHash overloads.
  [[nodiscard]] std::string for_line(const model::AuthorizationRequest& r, std::uint32_t line) const;
  // The administrative reference (REF*NT) for a pended request or line: "PND" + the same hash.
  [[nodiscard]] std::string tracking(const model::AuthorizationRequest& r, std::uint32_t line) const;
  // The same into `out` (replaced), reusing its buffer.
  void for_line(const model::AuthorizationRequest& r, std::uint32_t line, std::string& out) const;
  void tracking(const model::AuthorizationRequest& r, std::uint32_t line, std::string& out) const;

  // The hash of seed and request before the line goes in: the same for every line of a request,
  // so a caller numbering several lines computes it once (request_hash) and numbers each line
  // from it. The numbers are exactly those of the overloads above.
  struct RequestHash {
    std::uint64_t state = 0;
  };
  [[nodiscard]] RequestHash request_hash(const model::AuthorizationRequest& r) const noexcept;
  // Sequenced: the request's number, drawn from the source (as RequestHash.state); call once per
  // request and number its lines with for_line / tracking(RequestHash, ...).
  [[nodiscard]] RequestHash next_request() const;
  // The first part of that hash, seed, sender, ISA13 and GS06, is the same for every request of a
  // functional group: a caller numbering a group computes it once (group_hash, from any request of
  // the group) and each request's hash from it; request_hash(group_hash(r), r) == request_hash(r).
  struct GroupHash {
    std::uint64_t state = 0;
  };
  [[nodiscard]] GroupHash group_hash(const model::AuthorizationRequest& r) const noexcept;
  [[nodiscard]] static RequestHash request_hash(GroupHash group, const model::AuthorizationRequest& r) noexcept;
  void for_line(RequestHash request, std::uint32_t line, std::string& out) const;
  void tracking(RequestHash request, std::uint32_t line, std::string& out) const;

 private:
  // The 10 base-36 characters of the hash of the request's hash and the line, into `out`.
  static void hash36(RequestHash request, std::uint32_t line, char* out) noexcept;
  // Sequenced: <prefix><stem>-<request number, base 36>-<line>, into `out` (replaced).
  void sequenced_text(std::string_view prefix, RequestHash request, std::uint32_t line, std::string& out) const;
  std::uint64_t seed_;
  CertificationSource* source_ = nullptr;
};

// What the writer needs of one decided line besides the decision: the certification number.
struct LineAnswer {
  const soc::LineDecision* decision = nullptr;
  std::string certification;  // HCR02 when certified (approve / redirect)
  std::string tracking;       // REF*NT when pended
};

class Response278Writer {
 public:
  // `codes` are the loaded mappings' (decision-codes.yaml): the writer takes the 2000E summary code
  // of lines certified in part (hcr01.partial) from them; they must outlive the writer. Without
  // them, a DecisionCodes with its initial values stands in (tests that build decisions by hand).
  Response278Writer(std::ostream& out, ControlNumberSequence& numbers, core::DateTime now, const mapping::DecisionCodes& codes,
                    std::string_view line_break = "\n");
  Response278Writer(std::ostream& out, ControlNumberSequence& numbers, core::DateTime now, std::string_view line_break = "\n");
  ~Response278Writer();
  Response278Writer(const Response278Writer&) = delete;
  Response278Writer& operator=(const Response278Writer&) = delete;

  // The guides the response's envelope is checked against (grammars/envelope.yaml: the reply ISA and
  // GS echo received values only when they fit) and where a substituted value is reported
  // (respond.value_substituted, positioned in `file`, the run's FileTable index, at the ISA or GS
  // the value was read in); neither owned.
  void check_against(const ig::GuideSet* guides, core::DiagnosticSink* findings, std::uint32_t file = 0);

  void begin_interchange(const x12::InterchangeInfo& received);
  void begin_group(const x12::GroupInfo& received);
  // A decided request: one response ST.
  void add_decided(const model::AuthorizationRequest& request, const std::vector<LineAnswer>& lines);
  // A request that cannot be answered on its merits: one response ST with AAA segments.
  void add_rejected(const model::AuthorizationRequest& request, const std::vector<soc::Rejection>& rejections);
  // Closes the group (GE) when `keep`. Returns false when responses were written for a group that
  // is not kept: the caller must cut the stream back to its position at begin_group.
  [[nodiscard]] bool end_group(bool keep = true);
  // Returns whether anything was written for this interchange.
  bool end_interchange();
  void flush() { envelope_writer_.flush(); }

  [[nodiscard]] std::uint64_t transactions_written() const noexcept { return transactions_; }

 private:
  void open_group_output();  // ISA (first group of the interchange) and GS, before a group's first set
  void drain();              // the finished set, from writer_ to out_
  void write_parties(const model::AuthorizationRequest& r, const std::vector<soc::Rejection>* rejections, bool event_follows,
                     std::uint32_t& hl, std::uint32_t& event_parent);
  void write_aaa(const std::vector<soc::Rejection>* rejections, std::string_view loop);
  // UM01-UM03 are echoed when the response guide's UM of that loop takes them (EchoGuard). A 2000F UM
  // (situational in the response) whose UM01 or UM02 does not fit is left out; at 2000E (required)
  // UM01 becomes HS and UM02 I; a UM03 that does not fit is omitted. Each is reported.
  void write_um(const model::Review& review, const std::optional<soc::AuthorizedSite>& site, bool line_level);
  void write_traces(const std::vector<model::Trace>& traces);
  void index_lines(const model::AuthorizationRequest& r);  // line_index_ for r
  [[nodiscard]] const model::ServiceLine* find_line(const model::AuthorizationRequest& r, std::uint32_t number) const;
  void write_span(std::string_view qualifier, const core::Date& first, const core::Date& last);
  void write_msg(std::string_view text);
  // write_msg for text that is MSG-safe by construction (soc::response_message, the summaries of
  // decision-codes.yaml summary_msg, which the loader checks): only A-Z 0-9 space ' ( ) , - . / ; at most 264 characters, no trailing
  // space. Written as it is when no delimiter in force is one of those characters (msg_safe_).
  void write_safe_msg(std::string_view text);

  // Writes `text` as the next element: at most 264 characters, each delimiter in force and each
  // character outside the X12 character set as replacement_ (a space unless a space is a delimiter:
  // then '.', '-' or 'X', never a delimiter), no trailing spaces (MSG01). Cleaned on its way into
  // the writer's buffer.
  void clean_element(x12::SegmentWriter::Segment& segment, std::string_view text);

  std::ostream& out_;
  x12::SegmentWriter envelope_writer_;  // ISA, GS, GE, IEA to out_
  // The set being written, in the writer's own buffer until it is complete (drain).
  x12::SegmentWriter writer_;
  ControlNumberSequence& numbers_;
  core::DateTime now_;
  const mapping::DecisionCodes* codes_;
  std::string date8_, date6_, time4_;
  x12::IsaHeader received_isa_;
  std::uint64_t isa_offset_ = 0, isa_ordinal_ = 0;  // where it was read (substitutions are reported there)
  x12::GroupInfo received_group_;
  std::string isa13_, gs06_;
  bool interchange_open_ = false;  // received interchange begun
  bool isa_written_ = false;
  bool isa_written_in_group_ = false;  // the open group wrote the ISA (taken back with it)
  std::uint32_t isa_number_ = 0, gs_number_ = 0;  // drawn for the ISA / the open group's GS
  bool group_open_ = false;
  std::uint32_t st_in_group_ = 0;
  std::uint32_t groups_written_ = 0;
  std::uint64_t transactions_ = 0;
  std::string message_;  // the 2000E MSG01 being built, reused
  std::string line_message_;  // a 2000F MSG01 being built, reused
  bool msg_safe_ = true;  // no delimiter in force can occur in soc::response_message's text
  std::array<bool, 256> unsafe_{};  // characters MSG01 may not hold under the delimiters in force
  char replacement_ = ' ';  // what an unsafe character becomes (detail::replacement_char)
  std::unique_ptr<detail::EchoGuard> guard_;
  const ig::SegmentRule* um_event_ = nullptr;  // the response guide's UM at 2000E / 2000F (nullptr without guides)
  const ig::SegmentRule* um_line_ = nullptr;
  // The last UM01/UM02/UM03 of each level that fitted: the lines of a request mostly repeat them.
  std::array<std::string, 3> um_fitted_[2];
  // add_decided's service lines by line number (the last line of a number, as the decisions name
  // them): one pass per request, so that a request of N lines costs O(N), not O(N^2).
  std::vector<const model::ServiceLine*> line_index_;
  // The last span write_span formatted: its two dates (as bytes) and its RD8 text.
  bool rd8_cached_ = false;
  std::uint64_t rd8_key_ = 0;
  std::array<char, 40> rd8_text_{};
  std::size_t rd8_size_ = 0;
};

}  // namespace soc278::respond

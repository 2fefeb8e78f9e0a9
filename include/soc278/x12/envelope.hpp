// soc278/x12/envelope.hpp
//
// Provides EnvelopeReader: segments -> interchanges, functional groups and transaction sets, with
// the ISA/IEA, GS/GE, ST/SE checks done as the segments stream past (reference 1.2):
// IEA01 = groups, IEA02 = ISA13; GE01 = sets, GE02 = GS06, GS06 unique in the interchange;
// SE01 = segments ST..SE, SE02 = ST02, ST02 unique in the group; trailers missing at end of file,
// trailers without headers, GS outside an ISA, ST outside a GS, segments between sets.
//
// Push model: an EnvelopeObserver is told about every envelope boundary and every segment, in
// order. A missing trailer closes its envelope implicitly (the observer still gets the *_end call
// with the flag set), so a consumer sees well-nested begin/end pairs whatever the input.
// After an error the reader resynchronises at the next ST, GS or ISA: the other transactions of
// the file are still delivered.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "soc278/core/diagnostic.hpp"
#include "soc278/x12/chunk_reader.hpp"
#include "soc278/x12/segment.hpp"

namespace soc278::x12 {

// Envelope-level findings carried on the infos below; the acknowledgment writers read them.
struct EnvelopeFindings {
  std::vector<core::DiagCode> codes;  // at most a handful per envelope
  [[nodiscard]] bool any() const noexcept { return !codes.empty(); }
  [[nodiscard]] bool has(core::DiagCode c) const noexcept;
  void add(core::DiagCode c);
};

struct InterchangeInfo {
  IsaHeader isa;
  std::uint64_t byte_offset = 0;
  std::uint64_t ordinal = 0;       // segment ordinal of the ISA
  std::uint32_t index = 0;         // 1-based interchange number in the file
  std::uint32_t groups = 0;        // GS counted so far
  bool trailer_seen = false;
  std::string trailer_count;       // IEA01 as sent
  std::string trailer_control;     // IEA02 as sent
  EnvelopeFindings findings;       // ISA field, IEA and structure findings (TA1 level)
};

struct GroupInfo {
  std::string functional_id;       // GS01
  std::string sender, receiver;    // GS02, GS03
  std::string date, time;          // GS04, GS05
  std::string control_number;      // GS06
  std::string agency;              // GS07
  std::string version;             // GS08
  std::uint64_t byte_offset = 0;
  std::uint64_t ordinal = 0;
  std::uint32_t index = 0;         // 1-based in the interchange
  std::uint32_t transactions = 0;  // ST counted so far
  bool trailer_seen = false;
  std::string trailer_count;       // GE01 as sent
  EnvelopeFindings findings;       // AK905 level
};

struct TransactionInfo {
  std::string id;                  // ST01
  std::string control_number;      // ST02
  std::string convention;          // ST03
  std::uint64_t byte_offset = 0;
  std::uint64_t ordinal = 0;
  std::uint32_t index = 0;         // 1-based in the group
  std::uint32_t segments = 0;      // counted so far, ST included
  bool trailer_seen = false;
  EnvelopeFindings findings;       // IK502 level
};

enum class SegmentRole : std::uint8_t {
  interchange_header,   // ISA
  interchange_trailer,  // IEA
  group_header,         // GS
  group_trailer,        // GE
  transaction_header,   // ST
  transaction_body,     // BHT ... (between ST and SE)
  transaction_trailer,  // SE
  interchange_segment,  // TA1 (directly under ISA)
  stray,                // outside where it may stand; reported and skipped
};

class EnvelopeObserver {
 public:
  virtual ~EnvelopeObserver() = default;
  virtual void on_interchange_begin(const InterchangeInfo&) {}
  virtual void on_interchange_end(const InterchangeInfo&) {}
  virtual void on_group_begin(const InterchangeInfo&, const GroupInfo&) {}
  virtual void on_group_end(const InterchangeInfo&, const GroupInfo&) {}
  virtual void on_transaction_begin(const GroupInfo&, const TransactionInfo&) {}
  // Every segment of a set, ST and SE included; `position_in_set` counts from ST = 1 (IK302).
  virtual void on_transaction_segment(const TransactionInfo&, const SegmentView&, std::uint32_t /*position_in_set*/) {}
  virtual void on_transaction_end(const GroupInfo&, const TransactionInfo&) {}
  // Every segment read, with its role, after the calls above for it. Called only when
  // wants_every_segment() says so (asked once): most consumers need the transaction calls alone.
  virtual void on_segment(const SegmentView&, SegmentRole) {}
  // The envelope segments outside any set, in place: ISA (after on_interchange_begin), TA1, GS
  // (after on_group_begin), GE (before on_group_end) and IEA (before on_interchange_end). ST and
  // SE are the first and last on_transaction_segment. Strays are not passed. Always called: it costs
  // nothing per body segment (the implementation-guide checks of envelope.yaml use it).
  virtual void on_envelope_segment(const SegmentView&, SegmentRole) {}
  [[nodiscard]] virtual bool wants_every_segment() const { return false; }
};

// The code lists the ISA field checks use. The x12 stage holds none of its own: they are written once,
// in grammars/envelope.yaml, and ig reads them from there (ig::GuideSet::envelope_codes()); the caller
// hands them to the reader. An empty list (and a reader given no EnvelopeCodes at all, as the
// `segments` dump is) means that field's codes are not checked: its length, date, time, control
// number and version checks still are. ISA12 is not here: the reader accepts 00501 and the 00401
// still found around 5010 sets (docs/conformance.md), a reading rule rather than a code list.
struct EnvelopeCodes {
  std::vector<std::string> isa01;  // authorization information qualifier
  std::vector<std::string> isa03;  // security information qualifier
  std::vector<std::string> isa05;  // interchange id qualifier (ISA05 and ISA07)
  std::vector<std::string> isa07;
  std::vector<std::string> isa14;  // acknowledgment requested
  std::vector<std::string> isa15;  // usage indicator
};

struct EnvelopeStats {
  std::uint64_t segments = 0;
  std::uint32_t interchanges = 0;
  std::uint32_t groups = 0;
  std::uint32_t transactions = 0;
};

class EnvelopeReader {
 public:
  // `codes`: the ISA code lists (see EnvelopeCodes); must outlive the reader. nullptr: not checked.
  EnvelopeReader(ChunkReader& reader, core::DiagnosticSink& sink, EnvelopeObserver& observer, const EnvelopeCodes* codes = nullptr)
      : reader_(reader), sink_(sink), observer_(observer), codes_(codes), every_segment_(observer.wants_every_segment()) {}

  // Reads to the end of input. Never throws on bad input; everything found goes to the sink.
  void run();
  [[nodiscard]] const EnvelopeStats& stats() const noexcept { return stats_; }

 private:
  void segment(const SegmentView& s, SegmentRole role);
  void on_isa(const SegmentView& s);
  void on_iea(const SegmentView& s);
  void on_gs(const SegmentView& s);
  void on_ge(const SegmentView& s);
  void on_st(const SegmentView& s);
  void on_se(const SegmentView& s);
  void on_other(const SegmentView& s);
  // A segment inside ST..SE that is not SE (segment()'s transaction_body case needs only on_segment).
  void on_body(const SegmentView& s) {
    ++transaction_.segments;
    observer_.on_transaction_segment(transaction_, s, transaction_.segments);
    if (every_segment_) observer_.on_segment(s, SegmentRole::transaction_body);
  }
  void close_transaction(const SegmentView* at, bool trailer_missing);
  void close_group(const SegmentView* at, bool trailer_missing);
  void close_interchange(const SegmentView* at, bool trailer_missing);
  void check_isa_fields(const SegmentView& s);
  void report(core::DiagCode code, const SegmentView* at, std::uint16_t element, std::string message,
              std::uint32_t in_set = 0);

  ChunkReader& reader_;
  core::DiagnosticSink& sink_;
  EnvelopeObserver& observer_;
  const EnvelopeCodes* codes_;
  bool every_segment_;
  EnvelopeStats stats_;
  InterchangeInfo interchange_;
  GroupInfo group_;
  TransactionInfo transaction_;
  bool in_interchange_ = false;
  bool in_group_ = false;
  bool in_transaction_ = false;
  bool stray_run_ = false;         // a run of stray segments already reported
  enum class Skip : std::uint8_t { none, until_isa, until_gs } skip_ = Skip::none;  // resync after a structural error
  // Control numbers already used (GS06 in the interchange, ST02 in the group). Numeric ones (what
  // senders write, mostly counting up) are kept as runs of consecutive values of the same width, so
  // a group of 100,000 sets numbered in order costs one run; any other text as a hash in an
  // open-addressing table. Memory grows with the disorder of the numbering, never with the
  // segment count.
  class ControlSet {
   public:
    bool insert(std::string_view control);  // false when already present
    void clear() noexcept;
   private:
    bool insert_hash(std::uint64_t h);
    std::map<std::uint64_t, std::uint64_t> runs_;  // first key -> last key, keys = (width << 60) | value
    std::vector<std::uint64_t> slots_;
    std::size_t size_ = 0;
  };
  ControlSet group_controls_;
  ControlSet set_controls_;
};

}  // namespace soc278::x12

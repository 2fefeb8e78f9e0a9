// soc278/core/diagnostic.hpp
//
// Provides the Diagnostic value every stage reports instead of throwing, the stable DiagCode set
// (diag_codes.def), the table mapping each code to its acknowledgment level and X12 code, and the
// DiagnosticSink interface readers push findings into. Library code never prints, exits or throws
// on bad input: it reports here and carries on.
//
// A Diagnostic owns its strings; building one allocates, which is fine because it is built only
// on the error path.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "soc278/core/source_position.hpp"

namespace soc278::core {

enum class Severity : std::uint8_t {
  info,     // worth saying, changes nothing
  warning,  // reported and accepted (999 IK501 = E)
  error,    // rejects the transaction, group or interchange it belongs to (IK501 = R)
};

// Where an acknowledgment reports a finding; see diag_codes.def.
enum class AckLevel : std::uint8_t { none, ta1, group, set, segment, element };

enum class DiagCode : std::uint16_t {
#define SOC278_DIAG(name, code, severity, level, x12, summary) name,
#include "soc278/core/diag_codes.def"
#undef SOC278_DIAG
};

struct DiagInfo {
  DiagCode code;
  std::string_view name;     // "envelope.se_count_mismatch": stable, keyed on by tests and docs
  Severity severity;         // default severity; a partner quirk switch may lower it
  AckLevel level;
  std::string_view x12_code; // TA105 / AK905 / IK502 / IK304 / IK403 value, "" when level is none
  std::string_view summary;  // one line for docs/errors.md and --help
};

[[nodiscard]] const DiagInfo& info(DiagCode code) noexcept;
[[nodiscard]] std::string_view name(DiagCode code) noexcept;
[[nodiscard]] std::optional<DiagCode> code_from_name(std::string_view dotted) noexcept;
[[nodiscard]] const std::vector<DiagInfo>& all_codes();
[[nodiscard]] std::string_view to_string(Severity s) noexcept;
[[nodiscard]] std::string_view to_string(AckLevel l) noexcept;

struct Diagnostic {
  DiagCode code{};
  Severity severity = Severity::error;
  SourcePosition at;
  std::array<char, 4> segment_id{};  // copied, NUL-terminated: the chunk holding the segment is reused
  std::string loop_id;               // guide loop id ("2000E") when known
  std::string element_ref;           // X12 data element reference number ("1322"), for IK402
  std::string found_value;           // the offending value as sent (IK404), possibly cut to 99 chars
  std::string message;               // expected vs found: "SE01 says 14, counted 15 (ST..SE)"

  [[nodiscard]] std::string_view segment() const noexcept { return {segment_id.data()}; }
};

[[nodiscard]] Diagnostic make_diagnostic(DiagCode code, const SourcePosition& at, std::string_view segment_id,
                                         std::string message);

// Receives findings as they are found. Implementations decide what to keep.
class DiagnosticSink {
 public:
  virtual ~DiagnosticSink() = default;
  virtual void report(Diagnostic d) = 0;
};

// Keeps the first `limit` findings and counts the rest (DuckDB's rejects_limit), so that 10 GB of
// garbage cannot grow memory.
class DiagnosticList final : public DiagnosticSink {
 public:
  explicit DiagnosticList(std::size_t limit = 1000) : limit_(limit) {}
  void report(Diagnostic d) override;

  [[nodiscard]] const std::vector<Diagnostic>& items() const noexcept { return items_; }
  [[nodiscard]] std::size_t total() const noexcept { return total_; }
  [[nodiscard]] std::size_t dropped() const noexcept { return total_ - items_.size(); }
  [[nodiscard]] std::size_t count(Severity at_least) const noexcept;
  [[nodiscard]] bool has(DiagCode code) const noexcept;
  void clear() noexcept { items_.clear(); total_ = 0; }

 private:
  std::size_t limit_;
  std::size_t total_ = 0;
  std::vector<Diagnostic> items_;
};

// Forwards to another sink and remembers whether anything at or above a severity passed through.
class SeverityTally final : public DiagnosticSink {
 public:
  explicit SeverityTally(DiagnosticSink& next) : next_(next) {}
  void report(Diagnostic d) override;
  [[nodiscard]] std::size_t errors() const noexcept { return errors_; }
  [[nodiscard]] std::size_t warnings() const noexcept { return warnings_; }

 private:
  DiagnosticSink& next_;
  std::size_t errors_ = 0;
  std::size_t warnings_ = 0;
};

}  // namespace soc278::core

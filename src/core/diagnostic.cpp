#include "soc278/core/diagnostic.hpp"

#include <algorithm>
#include <cstring>

namespace soc278::core {
namespace {

const std::vector<DiagInfo>& table() {
  static const std::vector<DiagInfo> t = {
#define SOC278_DIAG(name, code, severity, level, x12, summary) \
  {DiagCode::name, code, Severity::severity, AckLevel::level, x12, summary},
#include "soc278/core/diag_codes.def"
#undef SOC278_DIAG
  };
  return t;
}

}  // namespace

const DiagInfo& info(DiagCode code) noexcept { return table()[static_cast<std::size_t>(code)]; }

std::string_view name(DiagCode code) noexcept { return info(code).name; }

std::optional<DiagCode> code_from_name(std::string_view dotted) noexcept {
  for (const auto& i : table())
    if (i.name == dotted) return i.code;
  return std::nullopt;
}

const std::vector<DiagInfo>& all_codes() { return table(); }

std::string_view to_string(Severity s) noexcept {
  switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "error";
}

std::string_view to_string(AckLevel l) noexcept {
  switch (l) {
    case AckLevel::none: return "report only";
    case AckLevel::ta1: return "TA1 (TA105)";
    case AckLevel::group: return "999 AK9 (AK905)";
    case AckLevel::set: return "999 IK5 (IK502)";
    case AckLevel::segment: return "999 IK3 (IK304)";
    case AckLevel::element: return "999 IK4 (IK403)";
  }
  return "none";
}

Diagnostic make_diagnostic(DiagCode code, const SourcePosition& at, std::string_view segment_id,
                           std::string message) {
  Diagnostic d;
  d.code = code;
  d.severity = info(code).severity;
  d.at = at;
  const std::size_t n = std::min<std::size_t>(segment_id.size(), d.segment_id.size() - 1);
  if (n > 0) std::memcpy(d.segment_id.data(), segment_id.data(), n);
  d.segment_id[n] = '\0';
  d.message = std::move(message);
  return d;
}

void DiagnosticList::report(Diagnostic d) {
  ++total_;
  if (items_.size() < limit_) items_.push_back(std::move(d));
}

std::size_t DiagnosticList::count(Severity at_least) const noexcept {
  return static_cast<std::size_t>(std::count_if(items_.begin(), items_.end(), [&](const Diagnostic& d) {
    return static_cast<int>(d.severity) >= static_cast<int>(at_least);
  }));
}

bool DiagnosticList::has(DiagCode code) const noexcept {
  return std::any_of(items_.begin(), items_.end(), [&](const Diagnostic& d) { return d.code == code; });
}

void SeverityTally::report(Diagnostic d) {
  if (d.severity == Severity::error) ++errors_;
  if (d.severity == Severity::warning) ++warnings_;
  next_.report(std::move(d));
}

}  // namespace soc278::core

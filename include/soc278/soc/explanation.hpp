// soc278/soc/explanation.hpp
//
// Provides Explanation: why a service line got its decision, in terms an EDI analyst can check
// against the policy and the file: the rule and policy section applied, every criterion tried with
// its outcome and the segments (with SourcePosition) used as evidence, and one sentence to read.
// Built by soc::evaluate(); plain owned data, safe to keep after the request is dropped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "soc278/core/source_position.hpp"

namespace soc278::soc {

enum class CriterionOutcome : std::uint8_t {
  met,             // the criterion's coded evidence is present (see `note` for documentation)
  not_met,         // looked for and absent
  not_assessed,    // cannot be decided from a 278 (no coded evidence, or no history to consult)
  non_qualifying,  // a reason the policy names as NOT establishing an exception was found
};
[[nodiscard]] std::string_view to_string(CriterionOutcome o) noexcept;  // "met", "not met", ...

struct EvidenceItem {
  std::string segment;            // "HI", "PWK", "UM", "SV1", "SV2", "DMG", "DTP"
  std::string loop;               // "2000E", "2000F", "2010C", "2010D"
  std::string text;               // what was read and what it means: "ABF:T886XXA (T88.6XXA) anaphylaxis"
  core::SourcePosition at;        // the segment (element/component when known)
  friend bool operator==(const EvidenceItem&, const EvidenceItem&) = default;
};

struct CriterionCheck {
  std::string criterion_id;       // policy criterion id ("I.A.1.d", "non_qualifying", "II.A")
  std::string section;            // as printed in the policy
  CriterionOutcome outcome = CriterionOutcome::not_met;
  std::vector<EvidenceItem> evidence;
  std::string note;               // e.g. "could not be assessed: no administration history available"
  friend bool operator==(const CriterionCheck&, const CriterionCheck&) = default;
};

struct Explanation {
  std::string rule;               // rule id, e.g. "R4.documented_exception"
  std::string policy;             // policy id
  std::string section;            // the section the decision cites
  std::vector<CriterionCheck> criteria;   // criteria tried, in policy order
  std::vector<EvidenceItem> facts;        // the site (UM), drug (SV1/SV2), dates and documents (PWK) read
  std::string sentence;           // one sentence an analyst reads
  friend bool operator==(const Explanation&, const Explanation&) = default;
};

}  // namespace soc278::soc

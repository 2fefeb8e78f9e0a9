// soc278/soc/history.hpp
//
// Provides History, the evaluator's only window on earlier administrations of a drug to a member
// (GA.PMN.34 I.A.1.b: initial dose, or restart after a disruption). The durable ledger
// (store/ledger.hpp, later) will implement it; until then NoHistory says "unknown", and the
// evaluator records I.A.1.b as "not assessed" instead of guessing.
//
// Implementations must be safe to call from several evaluator threads at once (const, no shared
// mutable state, or internally synchronised). The evaluator never stores the returned values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "soc278/core/date.hpp"
#include "soc278/model/codes.hpp"

namespace soc278::soc {

// Who the patient is, as far as a 278 says: the 2010C subscriber id plus, for a dependent, the 2010D
// name and birth date (a dependent has no member id of its own in 005010X217).
struct MemberRef {
  std::string member_id;                 // 2010C NM109 (NM108 = MI)
  std::string last_name, first_name;     // the patient's NM103 / NM104
  std::optional<core::Date> birth_date;  // the patient's DMG02
  bool is_dependent = false;
};

struct PriorAdministration {
  model::Hcpcs drug;
  core::Date date;                       // date of service of the administration
  std::string site_code;                 // UM04-1 / POS where it was given, "" when not known
  std::string authorization;             // certification number it was given under, "" when not known
};

class History {
 public:
  virtual ~History() = default;
  // Prior administrations of `drug` to `member` dated on or before `until`, newest first.
  // std::nullopt means "no history can be consulted" (not "none found"); an empty vector means the
  // source was consulted and holds none.
  [[nodiscard]] virtual std::optional<std::vector<PriorAdministration>> prior_administrations(
      const MemberRef& member, const model::Hcpcs& drug, const core::Date& until) const = 0;
  // Whether the payer has received the document a PWK announced (PWK06 control number, PWK05 = AC) for
  // `member`: a fax or mail arrives after the 278 (policy parameter documentation_counts_when:
  // received). std::nullopt means "cannot be consulted", which the evaluator treats as not received.
  [[nodiscard]] virtual std::optional<bool> attachment_received(const MemberRef& member, std::string_view control_number) const {
    (void)member;
    (void)control_number;
    return std::nullopt;
  }
};

// No ledger: every question is answered "cannot be consulted".
class NoHistory final : public History {
 public:
  [[nodiscard]] std::optional<std::vector<PriorAdministration>> prior_administrations(
      const MemberRef&, const model::Hcpcs&, const core::Date&) const override {
    return std::nullopt;
  }
};

}  // namespace soc278::soc

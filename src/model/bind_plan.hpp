// Private to the binder (src/model/bind.cpp, its only includer). What a guide's `bind:` entries make of a segment
// occurrence: the fields and scopes a bind names, the slots of an occurrence (its plan) and the
// values of one segment under its plan.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "soc278/ig/guide.hpp"


namespace soc278::model::binding {

// The model fields a guide `bind:` can name (grammars/README.md section 4), resolved once per bound
// value so that a segment's values are found by index, not by comparing names again and again.
enum class Field : std::uint8_t {
  other,  // a name this binder does not read (response-only fields, relationship, ...)
  reference, name, first_name, id_qualifier, id, npi, last_name, member_id, zip, birth_date, gender,
  trace, trace_originator, trace_sub_id, request_category, certification_type, service_type, site_code, site_qualifier,
  previous_auth, previous_admin_reference, date, date_format, date_qualifier, diagnosis,
  pwk_report_type, pwk_transmission, pwk_control, message, provider_entity, provider_npi,
  procedure_code, procedure_qualifier, modifier, amount, unit_basis, units,
  count
};

struct FieldName {
  std::string_view name;
  Field field;
};
constexpr FieldName field_names[] = {
    {"reference", Field::reference},
    {"name", Field::name},
    {"first_name", Field::first_name},
    {"id_qualifier", Field::id_qualifier},
    {"id", Field::id},
    {"npi", Field::npi},
    {"last_name", Field::last_name},
    {"member_id", Field::member_id},
    {"zip", Field::zip},
    {"birth_date", Field::birth_date},
    {"gender", Field::gender},
    {"trace", Field::trace},
    {"trace_originator", Field::trace_originator},
    {"trace_sub_id", Field::trace_sub_id},
    {"request_category", Field::request_category},
    {"certification_type", Field::certification_type},
    {"service_type", Field::service_type},
    {"site_code", Field::site_code},
    {"site_qualifier", Field::site_qualifier},
    {"previous_auth", Field::previous_auth},
    {"previous_admin_reference", Field::previous_admin_reference},
    {"date", Field::date},
    {"date_format", Field::date_format},
    {"date_qualifier", Field::date_qualifier},
    {"diagnosis", Field::diagnosis},
    {"pwk_report_type", Field::pwk_report_type},
    {"pwk_transmission", Field::pwk_transmission},
    {"pwk_control", Field::pwk_control},
    {"message", Field::message},
    {"provider_entity", Field::provider_entity},
    {"provider_npi", Field::provider_npi},
    {"procedure_code", Field::procedure_code},
    {"procedure_qualifier", Field::procedure_qualifier},
    {"modifier", Field::modifier},
    {"amount", Field::amount},
    {"unit_basis", Field::unit_basis},
    {"units", Field::units},
};

inline Field field_of(std::string_view name) noexcept {
  for (const FieldName& f : field_names)
    if (f.name.size() == name.size() && f.name[0] == name[0] && f.name == name) return f.field;
  return Field::other;
}

// The record a bind fills: the part of its name before the dot.
enum class Scope : std::uint8_t { other, header, umo, requester, subscriber, dependent, event, line };

inline Scope scope_of(std::string_view name) noexcept {
  if (name == "event") return Scope::event;
  if (name == "line") return Scope::line;
  if (name == "header") return Scope::header;
  if (name == "umo") return Scope::umo;
  if (name == "requester") return Scope::requester;
  if (name == "subscriber") return Scope::subscriber;
  if (name == "dependent") return Scope::dependent;
  return Scope::other;
}

// One bound element or component of a guide segment occurrence, read from its `bind` once.
struct Slot {
  std::uint16_t position = 0;   // element, 1-based
  std::uint16_t component = 0;  // 0 = the whole element
  Field field = Field::other;
  Scope scope = Scope::other;
};

// make_plan appends the slots of one segment occurrence to `slots`, in element then component
// order (Binder::segment reads the components of an element in one pass because of it).
inline void make_plan(const ig::SegmentRule& rule, std::vector<Slot>& slots) {
  auto add = [&](std::string_view name, std::uint16_t position, std::uint16_t component) {
    const auto dot = name.find('.');
    if (dot == std::string_view::npos || position == 0) return;  // positions are 1-based (Binder::segment relies on it)
    slots.push_back(Slot{position, component, field_of(name.substr(dot + 1)), scope_of(name.substr(0, dot))});
  };
  for (const ig::ElementRule& e : rule.elements) {
    if (!e.bind.empty()) add(e.bind, e.position, 0);
    for (std::size_t c = 0; c < e.components.size(); ++c)
      if (!e.components[c].bind.empty()) add(e.components[c].bind, e.position, static_cast<std::uint16_t>(c + 1));
  }
}

// The binder's view of one guide segment occurrence, compiled when it is first met: its slots, the
// first slot of each field (so apply() finds a value without comparing names), and how far the
// tokenizer has to go.
struct Plan {
  static constexpr std::uint16_t none = 0xFFFF;
  std::uint32_t first = 0;              // its run in Plans::slots
  std::uint32_t count = 0;
  std::uint16_t last = 0;               // the last element the binder reads of such a segment
  std::uint64_t fields = 0;             // bit f: field f has a slot
  std::uint64_t repeated = 0;           // bit f: field f has more than one slot (HI diagnoses, SV1 modifiers)
  std::array<std::uint16_t, static_cast<std::size_t>(Field::count)> first_slot{};  // none: no slot
  // The segment that last followed one of this plan, and its plan: a file's transactions mostly
  // repeat one another's sequence of segments, so the next segment's plan is found with one
  // comparison before the loop's table is consulted (Binder::plan_of).
  const ig::SegmentRule* next_rule = nullptr;
  Plan* next_plan = nullptr;
  std::uint32_t memo = 0;  // its SegmentMemo in Plans::memos
};
static_assert(static_cast<std::size_t>(Field::count) <= 64, "Plan::repeated has a bit per field");

// The values of one segment under its plan: value(k) is slot k's, empty when not sent. A field's
// value is the first non-empty one of its slots, as a guide that binds a field twice in a segment
// means "whichever was sent".
class Values {
 public:
  Values(const Plan& plan, const Slot* slots, const std::string_view* values) noexcept
      : plan_(plan), slots_(slots), values_(values) {}

  [[nodiscard]] std::size_t size() const noexcept { return plan_.count; }
  [[nodiscard]] const Slot& slot(std::size_t k) const noexcept { return slots_[k]; }
  [[nodiscard]] std::string_view value(std::size_t k) const noexcept { return values_[k]; }
  [[nodiscard]] std::string_view value(int k) const noexcept { return values_[static_cast<std::size_t>(k)]; }
  [[nodiscard]] std::uint64_t fields() const noexcept { return plan_.fields; }
  // The slot holding `f`'s value, or -1 when the segment has none. Most fields are not in a given
  // segment's plan at all: apply() asks for a couple of dozen per segment, so that answer is one test.
  [[nodiscard, gnu::always_inline]] int find(Field f) const noexcept {
    const std::uint64_t bit = std::uint64_t{1} << static_cast<unsigned>(f);
    if ((plan_.fields & bit) == 0) return -1;
    const std::size_t k = plan_.first_slot[static_cast<std::size_t>(f)];
    if (!values_[k].empty()) return static_cast<int>(k);
    return (plan_.repeated & bit) == 0 ? -1 : find_later(f, k + 1);
  }
  [[nodiscard]] bool has(Field f) const noexcept { return find(f) >= 0; }
  // The first slot of `f` whether sent or not, or size() when the plan has none: where a loop over
  // a repeated field's slots (HI diagnoses, SV1 modifiers) can start.
  [[nodiscard]] std::size_t first_slot(Field f) const noexcept {
    const std::uint64_t bit = std::uint64_t{1} << static_cast<unsigned>(f);
    return (plan_.fields & bit) == 0 ? size() : plan_.first_slot[static_cast<std::size_t>(f)];
  }
  // `f`'s value, or "" when the segment has none.
  [[nodiscard]] std::string_view text(Field f) const noexcept {
    const int k = find(f);
    return k < 0 ? std::string_view() : values_[k];
  }
  // The scope of the first value sent: the record the segment fills.
  [[nodiscard]] Scope scope() const noexcept {
    for (std::size_t k = 0; k < plan_.count; ++k)
      if (!values_[k].empty()) return slots_[k].scope;
    return Scope::other;
  }

 private:
  [[nodiscard]] int find_later(Field f, std::size_t k) const noexcept {
    for (; k < plan_.count; ++k)
      if (slots_[k].field == f && !values_[k].empty()) return static_cast<int>(k);
    return -1;
  }

  const Plan& plan_;
  const Slot* slots_;
  const std::string_view* values_;
};

}  // namespace soc278::model::binding

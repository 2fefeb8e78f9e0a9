#include "soc278/model/bind.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <initializer_list>
#include <memory>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "core/simd.hpp"

#include "soc278/core/bytes.hpp"
#include "soc278/core/icd10.hpp"
#include "soc278/x12/values.hpp"

namespace soc278::model {
namespace {

std::string_view trimmed(std::string_view s) noexcept {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

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

Field field_of(std::string_view name) noexcept {
  for (const FieldName& f : field_names)
    if (f.name.size() == name.size() && f.name[0] == name[0] && f.name == name) return f.field;
  return Field::other;
}

// The record a bind fills: the part of its name before the dot.
enum class Scope : std::uint8_t { other, header, umo, requester, subscriber, dependent, event, line };

Scope scope_of(std::string_view name) noexcept {
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
void make_plan(const ig::SegmentRule& rule, std::vector<Slot>& slots) {
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

// Besides the bound values, Binder::apply reads a few elements by position (NM101, NM102, NM103,
// NM104, NM108, N402, PWK07, SV201, TRN01, DMG01, HI composites): the tokenizer must reach them.
constexpr std::uint16_t last_element_read_by_position = 8;

// A segment's elements, found by one pass over its text that stops after the last element the
// binder reads. Same meaning as x12::SegmentView (1-based, empty when absent), without its copy of
// the delimiters and positions and without scanning the rest of the segment: tokenizing with
// SegmentView::assign was a tenth of binding.
class Elements {
 public:
  static constexpr std::size_t capacity = x12::SegmentView::max_elements;

  // `text` is one segment of `length` bytes; `readable` (>= length) bytes may be read from it (the
  // rest of the transaction's text), so that whole 16-byte blocks can be compared near its end.
  void assign(const char* text, std::size_t length, std::size_t readable, char separator, std::size_t last) noexcept {
    text_ = text;
    const std::size_t wanted = (last < capacity ? last : capacity) + 1;  // the separators around elements 1..last
    std::size_t found = 0;
    std::size_t i = 0;
    if constexpr (core::simd::enabled) {
      // A block adds at most 16 separators, so the bound is checked once per block: elements past
      // `last` may be recorded too (bounds_ has room), never read.
      for (; i < length && i + 16 <= readable; i += 16) {
        unsigned mask = core::simd::match16(text + i, separator);
        if (length - i < 16) mask &= (1U << (length - i)) - 1U;  // bytes past the segment are not its own
        for (; mask != 0; mask &= mask - 1) bounds_[found++] = static_cast<std::uint32_t>(i + core::simd::lowest_bit(mask));
        if (found >= wanted) return finish(wanted - 1, length);
      }
    }
    for (; i < length; ++i) {
      if (text[i] != separator) continue;
      bounds_[found++] = static_cast<std::uint32_t>(i);
      if (found == wanted) return finish(found - 1, length);
    }
    bounds_[found] = static_cast<std::uint32_t>(length);
    finish(found, length);
  }

  [[nodiscard]] std::string_view id() const noexcept { return {text_, id_length_}; }
  [[nodiscard]] std::string_view element(std::size_t i) const noexcept {
    if (i == 0 || i > elements_) return {};
    return present(i);
  }
  // The elements found: every one up to `last`, fewer when the segment ends sooner.
  [[nodiscard]] std::size_t count() const noexcept { return elements_; }
  // element(i) for 1 <= i <= count().
  [[nodiscard]] std::string_view present(std::size_t i) const noexcept {
    return {text_ + bounds_[i - 1] + 1, static_cast<std::size_t>(bounds_[i] - bounds_[i - 1] - 1)};
  }

 private:
  void finish(std::size_t elements, std::size_t length) noexcept {
    elements_ = elements;
    id_length_ = elements == 0 ? length : bounds_[0];
  }

  const char* text_ = "";
  std::size_t elements_ = 0;
  std::size_t id_length_ = 0;
  std::array<std::uint32_t, capacity + 16> bounds_{};  // bounds_[k]: the separator (or end) after element k; 15 spare for a block's overshoot
};

// Reads the components of one element in order, each scan starting where the previous one ended
// (x12::nth_piece starts again from the element's first byte for every component).
class ComponentCursor {
 public:
  // Component `c` of element `element` of `elements`; components must be asked for in
  // increasing order within an element. Empty when absent, as SegmentView::component.
  std::string_view get(const Elements& elements, std::uint16_t element, std::uint16_t c, char separator) noexcept {
    if (element != element_ || c <= next_ - 1) {
      const std::string_view e = elements.element(element);
      element_ = element;
      next_ = 1;
      p_ = e.data();
      end_ = e.data() + e.size();
      done_ = e.empty();
    }
    std::string_view piece;
    while (next_ <= c) {
      if (done_) return {};
      const char* q = p_;
      while (q != end_ && *q != separator) ++q;
      piece = std::string_view(p_, static_cast<std::size_t>(q - p_));
      if (q == end_) {
        done_ = true;
      } else {
        p_ = q + 1;
      }
      ++next_;
    }
    return piece;
  }

  // Forgets the element read last: the next get() starts a new one. A cursor is kept with the
  // binder's storage and restarted per segment (building one per segment cost 7 stores).
  void restart() noexcept { element_ = 0; }

 private:
  std::uint16_t element_ = 0;  // 0: none yet
  std::uint16_t next_ = 1;     // the component p_ points at
  const char* p_ = nullptr;
  const char* end_ = nullptr;
  bool done_ = true;           // no component after the last one read
};

// Component 1 of an element (the HI qualifier before its code).
std::string_view first_component(std::string_view element, char separator) noexcept {
  std::size_t n = 0;
  while (n < element.size() && element[n] != separator) ++n;
  return element.substr(0, n);
}

using core::copy_short;

// set()'s rarer case, out of line so that set() stays small enough to inline at its ~70 call sites.
[[gnu::noinline]] void assign(std::string& target, std::string_view value) { target.assign(value.data(), value.size()); }

// Every field's value is a string the model keeps; bind_into refills the same strings set after set
// (see "written" below), and a value as long as the one it replaces (a code, a qualifier, an id of
// fixed width, most often the same bytes) is copied over it in place: std::string::assign costs a
// call and its aliasing checks each time. `value` never points into `target` (it is the
// transaction's text or the envelope's).
[[gnu::always_inline]] inline void set(std::string& target, std::string_view value) {
  const std::size_t n = value.size();
  if (n == target.size()) {
    if (n <= 16) {
      copy_short(target.data(), value.data(), n);
    } else {
      std::memcpy(target.data(), value.data(), n);
    }
  } else if (n == 0) {
    target.clear();
  } else {
    assign(target, value);
  }
}

// `value == literal`, spelled out: g++ kept string_view's compare out of line in apply().
template <std::size_t N>
bool is(std::string_view value, const char (&literal)[N]) noexcept {
  if (value.size() != N - 1) return false;
  for (std::size_t i = 0; i + 1 < N; ++i)
    if (value[i] != literal[i]) return false;
  return true;
}

// X12 DT (CCYYMMDD) as x12::parse_date reads it: exactly eight ASCII digits making a valid date.
// Spelled out here because the X3 rule behind parse_date cost ~200 instructions a date, and a set
// carries several (DTP RD8 ranges are two each).
std::optional<core::Date> date8(std::string_view t) noexcept {
  if (t.size() != 8) return std::nullopt;
  int digits[8];
  for (std::size_t k = 0; k < 8; ++k) {
    if (t[k] < '0' || t[k] > '9') return std::nullopt;
    digits[k] = t[k] - '0';
  }
  return core::Date::make(digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3], digits[4] * 10 + digits[5],
                          digits[6] * 10 + digits[7]);
}

// date8, and RD8 ranges, with a memory of the last texts read: the sets of a file mostly repeat their
// submission date and service spans, and a text seen before costs one 8-byte comparison.
class DateCache {
 public:
  [[gnu::always_inline]] std::optional<core::Date> date8(std::string_view t) noexcept {
    if (t.size() != 8) return std::nullopt;
    std::uint64_t key;
    std::memcpy(&key, t.data(), 8);
    Entry& e = entries_[((key >> 56) ^ (key >> 48)) & (entries_.size() - 1)];  // the day's digits
    if (e.key != key) {
      e.key = key;  // eight NUL bytes, the initial key, are no date either
      e.date = model::date8(t);
    }
    return e.date;
  }

  // RD8 (CCYYMMDD-CCYYMMDD, first <= last) as x12::parse_date_range reads it.
  std::optional<x12::DateRange> range(std::string_view t) noexcept {
    if (t.size() != 17 || t[8] != '-') return std::nullopt;
    const auto a = date8(t.substr(0, 8));
    const auto b = date8(t.substr(9));
    if (!a || !b || *b < *a) return std::nullopt;
    return x12::DateRange{*a, *b};
  }

 private:
  struct Entry {
    std::uint64_t key = 0;
    std::optional<core::Date> date;
  };
  std::array<Entry, 8> entries_{};
};

// X12 R as x12::parse_decimal reads it. Plain digit strings (most SV1 units and amounts) are exact
// integers as doubles and skip the X3 rule; anything else takes parse_decimal itself.
std::optional<double> decimal(std::string_view t) noexcept {
  if (t.empty() || t.size() > 15) return x12::parse_decimal(t);
  std::int64_t v = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return x12::parse_decimal(t);
    v = v * 10 + (c - '0');
  }
  return static_cast<double>(v);
}

// bind_into does not clear a reused request before binding: a cleared string would have to be
// assigned again, where one that still holds last set's value of the same length is overwritten in
// place (set above). Instead each record notes which of its fields this transaction wrote, in a
// mask of the bits below, and when the record is complete the fields it did not write go back to
// their defaults, which leaves what clearing first then binding would. Records that come one per
// segment (Trace, DateSpan, Diagnosis, Attachment) are written whole by their segment, and their
// vectors, like the providers, lines and modifiers, are refilled from the front and cut to the
// count bound. Every member of the model types is listed in the finish() functions: a member left
// out would carry the previous transaction's value (the reuse tests in
// tests/unit/model/bind_test.cpp compare with fresh binds).
namespace written {
enum : std::uint32_t {
  // Party, and Person (its name, birth date and gender)
  entity_code = 1U << 0, entity_type = 1U << 1, name = 1U << 2, first_name = 1U << 3, id_qualifier = 1U << 4,
  id = 1U << 5, zip = 1U << 6, state = 1U << 7, at = 1U << 8, birth_date = 1U << 9, gender = 1U << 10,
  party = (1U << 9) - 1,  // every bit of a Party
};
enum : std::uint32_t {
  // ServiceLine and PatientEvent (a line's line_number and at are set when it opens; hl_id is not bound)
  review = 1U << 0, previous_authorization = 1U << 1, service_dates = 1U << 2, procedure_qualifier = 1U << 3,
  procedure = 1U << 4, procedure_text = 1U << 5, revenue_code = 1U << 6, amount = 1U << 7, unit_basis = 1U << 8,
  units = 1U << 9, service_segment = 1U << 10, message = 1U << 11, administrative_reference = 1U << 12,
  event_at = 1U << 13,
  line = (1U << 12) - 1,  // every bit a ServiceLine has
};
enum : std::uint32_t {
  // the BHT fields of AuthorizationRequest
  bht_reference = 1U << 0, bht_date = 1U << 1, bht_time = 1U << 2, bht_type = 1U << 3,
};
}  // namespace written

// The next record of a vector refilled from the front: the one a previous transaction left at
// that index, else a new one. `used` counts this transaction's.
template <typename T>
T& next_record(std::vector<T>& records, std::uint32_t& used) {
  const std::size_t k = used++;
  if (k < records.size()) return records[k];
  return records.emplace_back();
}

template <typename T>
[[gnu::noinline]] void erase_from(std::vector<T>& records, std::uint32_t used) {
  records.erase(records.begin() + used, records.end());
}

template <typename T>
inline void keep_first(std::vector<T>& records, std::uint32_t used) {
  if (records.size() > used) erase_from(records, used);
}

void finish(Party& p, std::uint32_t w) noexcept {
  if ((w & written::party) == written::party) return;
  if ((w & written::entity_code) == 0) p.entity_code.clear();
  if ((w & written::entity_type) == 0) p.entity_type.clear();
  if ((w & written::name) == 0) {
    p.last_or_org_name.value.clear();
    p.last_or_org_name.at = {};
  }
  if ((w & written::first_name) == 0) p.first_name.clear();
  if ((w & written::id_qualifier) == 0) p.id_qualifier.clear();
  if ((w & written::id) == 0) {
    p.id.value.clear();
    p.id.at = {};
  }
  if ((w & written::zip) == 0) p.zip.clear();
  if ((w & written::state) == 0) p.state.clear();
  if ((w & written::at) == 0) p.at = {};
}

void finish(Person& p, std::uint32_t w) noexcept {
  finish(p.name, w);
  if ((w & written::birth_date) == 0) p.birth_date.reset();
  if ((w & written::gender) == 0) p.gender.clear();
}

void reset(Review& v) noexcept {
  v.request_category.clear();
  v.certification_type.clear();
  v.service_type.clear();
  v.site.reset();
  v.at = {};
}

// What a transaction has written of its open service line or of its patient event.
struct LineWrites {
  std::uint32_t fields = 0;  // written:: bits
  std::uint32_t traces = 0, attachments = 0, providers = 0, modifiers = 0;
};

struct EventWrites {
  std::uint32_t fields = 0;  // written:: bits
  std::uint32_t traces = 0, dates = 0, diagnoses = 0, attachments = 0, providers = 0;
};

void finish(ServiceLine& l, const LineWrites& w) noexcept {
  const std::uint32_t f = w.fields;
  l.hl_id.clear();  // not bound
  keep_first(l.traces, w.traces);
  keep_first(l.attachments, w.attachments);
  keep_first(l.providers, w.providers);
  keep_first(l.modifiers, w.modifiers);
  if ((f & written::line) == written::line) return;
  if ((f & written::review) == 0) l.review.reset();
  if ((f & written::previous_authorization) == 0) l.previous_authorization.clear();
  if ((f & written::service_dates) == 0) l.service_dates.reset();
  if ((f & written::procedure_qualifier) == 0) l.procedure_qualifier.clear();
  if ((f & written::procedure) == 0) l.procedure.reset();
  if ((f & written::procedure_text) == 0) l.procedure_text.clear();
  if ((f & written::revenue_code) == 0) l.revenue_code.clear();
  if ((f & written::amount) == 0) l.amount.reset();
  if ((f & written::unit_basis) == 0) l.unit_basis.clear();
  if ((f & written::units) == 0) l.units.reset();
  if ((f & written::service_segment) == 0) l.service_segment.clear();
  if ((f & written::message) == 0) l.message.clear();
}

void finish(PatientEvent& e, const EventWrites& w) noexcept {
  const std::uint32_t f = w.fields;
  e.hl_id.clear();  // not bound
  keep_first(e.traces, w.traces);
  keep_first(e.dates, w.dates);
  keep_first(e.diagnoses, w.diagnoses);
  keep_first(e.attachments, w.attachments);
  keep_first(e.providers, w.providers);
  if ((f & written::review) == 0) reset(e.review);
  if ((f & written::previous_authorization) == 0) e.previous_authorization.clear();
  if ((f & written::administrative_reference) == 0) e.administrative_reference.clear();
  if ((f & written::message) == 0) e.message.clear();
  if ((f & written::event_at) == 0) e.at = {};
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

// The last segment read under one plan, kept with its elements and slot values: a file's sets
// repeat many segments byte for byte (the payer and provider NM1s, their N3/N4, most DTPs and
// UMs), and a segment equal to the one remembered has the same elements and values, which are
// then read from here instead of tokenizing it again. What Binder::segment reads of a segment is
// a function of its bytes, its plan and the element and component separators alone, so those are
// what a hit compares; the views point into `bytes`, which stays unchanged until this plan's next
// segment differs (after the segment that read them has been applied).
struct SegmentMemo {
  std::vector<char> bytes;                 // the segment, then 16 bytes of padding (Elements reads whole blocks)
  std::size_t length = 0;                  // of the segment in `bytes`
  char element = 0, component = 0;         // the separators it was read with; 0: nothing remembered yet
  bool any = false;                        // some slot has a value
  Scope scope = Scope::other;              // Values::scope() of `values`, found once per segment read
  Elements elements;                       // over `bytes`
  std::vector<std::string_view> values;    // per slot of the plan, into `bytes`
  // Plans whose segments differ from set to set (a TRN, the patient's NM1, an SV1) would pay a
  // copy per segment for nothing: after `trial` segments a plan whose hits stay under a quarter
  // of them is read in place, and tried again `trial * 16` segments later.
  static constexpr std::uint32_t trial = 64;
  std::uint32_t seen = 0, hits = 0;

  [[nodiscard]] bool matches(const char* text, std::size_t n, const x12::Delimiters& d) const noexcept {
    return n == length && d.element == element && d.component == component && std::memcmp(bytes.data(), text, n) == 0;
  }
  [[nodiscard]] bool in_use() noexcept {
    if (seen < trial || hits * 4 >= seen) return true;
    if (++seen >= trial * 16) seen = hits = 0;  // the file may have changed its habits: try again
    return false;
  }
  void note(bool hit) noexcept {
    hits += hit ? 1U : 0U;
    if (++seen == (1U << 24)) {  // keep the counts far from overflow, and their ratio
      seen >>= 1;
      hits >>= 1;
    }
  }
};

}  // namespace

// The plans of the segment occurrences met so far, by occurrence, and the binder's working storage.
// The guide owns the rules, so their addresses are stable for as long as the guides live
// (RequestBinder's contract).
struct RequestBinder::Plans {
  // Open addressing on the rule's address (a node-based map cost a cache miss per segment): a
  // power-of-two table at most half full, each entry naming its plan.
  struct Entry {
    const ig::SegmentRule* rule = nullptr;
    std::uint32_t plan = 0;  // index into plans
  };
  std::vector<Entry> table = std::vector<Entry>(256);
  std::size_t used = 0;
  // Per guide loop, the plan of each of its segment and trailer occurrences (by SegmentRule::index),
  // so that a segment finds its plan without hashing: one lookup per loop instead.
  static constexpr std::uint32_t unknown = 0xFFFFFFFF;
  struct LoopEntry {
    const ig::LoopDef* def = nullptr;
    std::uint32_t first = 0;  // into loop_plans: segments, then trailer
  };
  std::vector<LoopEntry> loops_by_index;  // by LoopDef::index, for the first guide met with that index
  std::vector<LoopEntry> other_loops;     // the loops of other guides
  std::vector<std::uint32_t> loop_plans;  // plan index, or unknown until the occurrence is met
  std::deque<Plan> plans;  // a deque: plans point to one another (Plan::next_plan)
  std::deque<SegmentMemo> memos;  // by Plan::memo; a deque: Binder::segment keeps views into one while it applies
  std::vector<Slot> slots;
  // Stands before a transaction's first segment: its next_rule and next_plan are those of the first
  // segment last met (see Plan::next_rule), so that every segment has a previous plan to ask.
  Plan start;
  std::vector<std::string_view> values;  // one segment's, as many as the largest plan has slots
  Elements elements;                     // one segment's
  ComponentCursor components;            // over `elements`, restarted per segment
  DateCache dates;
  // Service lines a previous request had beyond the current one's count, kept with their buffers
  // for the next request that has more.
  std::vector<ServiceLine> spare_lines;

  static std::size_t hash(const ig::SegmentRule* rule, std::size_t size) noexcept {
    return static_cast<std::size_t>((reinterpret_cast<std::uintptr_t>(rule) >> 4) * 0x9E3779B97F4A7C15ULL) & (size - 1);
  }

  // The first of `def`'s entries in loop_plans.
  std::uint32_t loop_first(const ig::LoopDef* def) {
    if (def->index >= loops_by_index.size()) loops_by_index.resize(def->index + 1U);
    LoopEntry& e = loops_by_index[def->index];
    if (e.def == def) return e.first;
    if (e.def == nullptr) return (e = new_loop(def)).first;
    for (const LoopEntry& other : other_loops)
      if (other.def == def) return other.first;
    return other_loops.emplace_back(new_loop(def)).first;
  }

  LoopEntry new_loop(const ig::LoopDef* def) {
    const auto first = static_cast<std::uint32_t>(loop_plans.size());
    loop_plans.resize(loop_plans.size() + def->segments.size() + def->trailer.size(), unknown);
    return LoopEntry{def, first};
  }

  // The plan (its index in plans) of a segment of a loop whose loop_plans start at `first`.
  std::uint32_t plan(const ig::SegmentRule& rule, const ig::LoopDef* def, std::uint32_t first) {
    std::size_t k = rule.index;
    if (rule.loop != def) return plan_index(rule);
    if (k < def->segments.size() && &def->segments[k] == &rule) {
      // a segment occurrence
    } else if (k < def->trailer.size() && &def->trailer[k] == &rule) {
      k += def->segments.size();
    } else {
      return plan_index(rule);
    }
    std::uint32_t& index = loop_plans[first + k];
    if (index == unknown) index = plan_index(rule);
    return index;
  }

  std::uint32_t plan_index(const ig::SegmentRule& rule) {
    for (std::size_t i = hash(&rule, table.size());; i = (i + 1) & (table.size() - 1)) {
      const Entry& e = table[i];
      if (e.rule == &rule) return e.plan;
      if (e.rule == nullptr) break;
    }
    Plan p;
    p.first = static_cast<std::uint32_t>(slots.size());
    make_plan(rule, slots);
    p.count = static_cast<std::uint32_t>(slots.size() - p.first);
    p.last = last_element_read_by_position;
    p.first_slot.fill(Plan::none);
    for (std::uint32_t k = 0; k < p.count && k < Plan::none; ++k) {
      const Slot& slot = slots[p.first + k];
      p.last = std::max(p.last, slot.position);
      std::uint16_t& first = p.first_slot[static_cast<std::size_t>(slot.field)];
      p.fields |= std::uint64_t{1} << static_cast<unsigned>(slot.field);
      if (first == Plan::none) {
        first = static_cast<std::uint16_t>(k);
      } else {
        p.repeated |= std::uint64_t{1} << static_cast<unsigned>(slot.field);
      }
    }
    p.count = std::min<std::uint32_t>(p.count, Plan::none);  // beyond any guide; keeps first_slot exact
    if (values.size() < p.count) values.resize(p.count);
    p.memo = static_cast<std::uint32_t>(memos.size());
    memos.emplace_back().values.resize(p.count);
    plans.push_back(p);
    insert(Entry{&rule, static_cast<std::uint32_t>(plans.size() - 1)});
    return static_cast<std::uint32_t>(plans.size() - 1);
  }

  void insert(const Entry& entry) {
    if (2 * (used + 1) > table.size()) {
      std::vector<Entry> old(table.size() * 2);
      old.swap(table);
      used = 0;
      for (const Entry& e : old)
        if (e.rule != nullptr) insert(e);
    }
    std::size_t i = hash(entry.rule, table.size());
    while (table[i].rule != nullptr) i = (i + 1) & (table.size() - 1);
    table[i] = entry;
    ++used;
  }
};

namespace {

struct Binder {
  Binder(RequestBinder::Plans& p, AuthorizationRequest& request, const ig::TransactionResult& transaction) noexcept
      : plans(p), r(request), tx(transaction) {}

  RequestBinder::Plans& plans;
  AuthorizationRequest& r;
  const ig::TransactionResult& tx;
  PatientEvent* event = nullptr;
  ServiceLine* line = nullptr;
  Party* provider = nullptr;        // the open 2010EA / 2010F provider, if any
  std::uint32_t lines = 0;          // r.lines[0, lines) are this transaction's
  Plan* previous = &plans.start;    // the plan of the segment met last
  core::SourcePosition seg_at;      // the segment apply() is filing
  // What this transaction has written (see `written`): finish() resets the rest.
  EventWrites event_writes;
  LineWrites line_writes;           // of the open line
  std::uint32_t provider_writes = 0;  // of the open provider
  std::uint32_t umo_writes = 0, requester_writes = 0, subscriber_writes = 0, dependent_writes = 0, header_writes = 0;
  bool has_dependent = false;

  Person& person(Scope scope, std::uint32_t*& writes) {
    if (scope == Scope::dependent) {
      open_dependent();
      writes = &dependent_writes;
      return *r.dependent;
    }
    writes = &subscriber_writes;
    return r.subscriber;
  }

  void open_dependent() {
    if (!r.dependent) r.dependent.emplace();
    has_dependent = true;
  }

  // Where slot k's value is: the segment, at the slot's element and component.
  [[nodiscard]] core::SourcePosition at(const Values& b, int k) const noexcept {
    core::SourcePosition p = seg_at;
    p.element = b.slot(static_cast<std::size_t>(k)).position;
    p.component = b.slot(static_cast<std::size_t>(k)).component;
    return p;
  }

  // The loops that open a record, told apart by length first (this runs for every loop of every
  // transaction; comparing against each id in turn showed up as memcmp calls).
  enum class LoopKind : std::uint8_t { other, dependent, event, line, event_provider, line_provider };
  static LoopKind loop_kind(std::string_view id) noexcept {
    if (id.size() == 5 && id.compare(0, 4, "2000") == 0) {
      return id[4] == 'D' ? LoopKind::dependent : id[4] == 'E' ? LoopKind::event : id[4] == 'F' ? LoopKind::line : LoopKind::other;
    }
    if (id == "2010EA") return LoopKind::event_provider;
    if (id == "2010F" || id == "2010FA") return LoopKind::line_provider;
    return LoopKind::other;
  }

  // The next service line: one this request (or an earlier one, through spare_lines) already had,
  // as it was (finish() resets what this transaction does not write), else a new one.
  ServiceLine& open_line() {
    const std::size_t k = lines++;
    if (k < r.lines.size()) return r.lines[k];
    if (!plans.spare_lines.empty()) {
      r.lines.push_back(std::move(plans.spare_lines.back()));
      plans.spare_lines.pop_back();
      return r.lines.back();
    }
    return r.lines.emplace_back();
  }

  // Completes the request: what this transaction did not write goes back to its default, and the
  // lines the previous request had beyond this one's count are kept for later.
  void finish_request() {
    while (r.lines.size() > lines) {
      plans.spare_lines.push_back(std::move(r.lines.back()));
      r.lines.pop_back();
    }
    finish(r.event, event_writes);
    finish(r.umo, umo_writes);
    finish(r.requester, requester_writes);
    finish(r.subscriber, subscriber_writes);
    if (!has_dependent) {
      r.dependent.reset();
    } else {
      finish(*r.dependent, dependent_writes);
    }
    r.requester_phone.clear();  // not bound
    if ((header_writes & written::bht_reference) == 0) r.bht_reference.clear();
    if ((header_writes & written::bht_date) == 0) r.bht_date.reset();
    if ((header_writes & written::bht_time) == 0) r.bht_time.clear();
    if ((header_writes & written::bht_type) == 0) r.bht_type.clear();
  }

  void enter(const ig::LoopNode& loop, LoopKind kind) {
    switch (kind) {
      case LoopKind::dependent:
        open_dependent();
        break;
      case LoopKind::event: {
        event = &r.event;
        event->at = loop.at;
        event_writes.fields |= written::event_at;
        // Size the service lines and providers once (a ServiceLine is large to move on regrowth).
        std::size_t lines_here = 0, providers_here = 0;
        for (const ig::LoopNode& child : loop.children) {
          const LoopKind k = loop_kind(child.id());
          lines_here += k == LoopKind::line;
          providers_here += k == LoopKind::event_provider;
        }
        r.lines.reserve(lines + lines_here);
        r.event.providers.reserve(event_writes.providers + providers_here);
        break;
      }
      case LoopKind::line:
        // A guide nests neither lines nor providers in their own kind, but should one, the record
        // open is completed before the next one replaces it.
        if (provider != nullptr) close_provider();
        if (line != nullptr) close_line();
        line = &open_line();
        line_writes = LineWrites{};
        line->line_number = lines;
        line->at = loop.at;
        break;
      case LoopKind::event_provider:
        if (provider != nullptr) close_provider();
        provider = &next_record(r.event.providers, event_writes.providers);
        provider_writes = written::at;
        provider->at = loop.at;
        break;
      case LoopKind::line_provider:
        if (line != nullptr) {
          if (provider != nullptr) close_provider();
          provider = &next_record(line->providers, line_writes.providers);
          provider_writes = written::at;
          provider->at = loop.at;
        }
        break;
      case LoopKind::other: break;
    }
  }

  void leave(LoopKind kind) {
    if ((kind == LoopKind::event_provider || kind == LoopKind::line_provider) && provider != nullptr) close_provider();
    if (kind == LoopKind::line && line != nullptr) close_line();
  }

  void close_provider() {
    finish(*provider, provider_writes);
    provider = nullptr;
  }

  void close_line() {
    finish(*line, line_writes);
    line = nullptr;
  }

  void walk(const ig::LoopNode& loop) {
    const LoopKind kind = loop_kind(loop.id());
    enter(loop, kind);
    for (const auto& node : loop.segments) segment(node, loop.def);
    for (const auto& child : loop.children) walk(child);
    leave(kind);
  }

  // The plan of `node`, a segment of a `def` loop, by way of Plan::next_rule.
  const Plan& plan_of(const ig::SegmentNode& node, const ig::LoopDef* def) {
    const ig::SegmentRule*& rule = previous->next_rule;
    Plan*& plan = previous->next_plan;
    if (rule != node.rule) {
      plan = &plans.plans[plans.plan(*node.rule, def, def != nullptr ? plans.loop_first(def) : 0)];
      rule = node.rule;
    }
    previous = plan;
    return *plan;
  }

  void segment(const ig::SegmentNode& node, const ig::LoopDef* def) {
    if (node.rule == nullptr) return;
    const Plan& plan = plan_of(node, def);
    if (plan.count == 0) return;
    const char* text = tx.text.data() + node.text_offset;
    const std::size_t length = node.text_length;
    const Slot* slots = plans.slots.data() + plan.first;
    SegmentMemo& memo = plans.memos[plan.memo];
    if (memo.in_use()) {
      const bool hit = memo.matches(text, length, tx.delimiters);
      memo.note(hit);
      if (!hit) {
        memo.bytes.resize(length + 16);  // Elements::assign may read the padding, never uses it
        std::memcpy(memo.bytes.data(), text, length);
        memo.length = length;
        memo.element = tx.delimiters.element;
        memo.component = tx.delimiters.component;
        memo.any = read(memo.bytes.data(), length, memo.bytes.size(), plan, slots, memo.elements, memo.values.data());
        memo.scope = Values(plan, slots, memo.values.data()).scope();
      }
      if (!memo.any) return;
      seg_at = node.at;
      apply(memo.elements, Values(plan, slots, memo.values.data()), memo.scope);
      return;
    }
    Elements& s = plans.elements;
    std::string_view* values = plans.values.data();
    if (!read(text, length, tx.text.size() - node.text_offset, plan, slots, s, values)) return;
    seg_at = node.at;
    const Values b(plan, slots, values);
    apply(s, b, b.scope());
  }

  // Tokenizes one segment of `length` bytes at `text` (`readable` bytes may be read there) into `s`
  // and fills `values` with its slots' values; false when every one is empty.
  bool read(const char* text, std::size_t length, std::size_t readable, const Plan& plan, const Slot* slots, Elements& s,
            std::string_view* values) {
    s.assign(text, length, readable, tx.delimiters.element, plan.last);
    ComponentCursor& components = plans.components;
    components.restart();
    bool any = false;
    // Slots come in element order, and most segments send fewer elements than their plan binds
    // (HI02-HI12, the SV1 modifiers): the first slot past the last element sent ends the reading.
    const std::size_t sent = s.count();
    const Slot* slot = slots;
    const Slot* const end = slots + plan.count;
    std::string_view* out = values;
    for (; slot != end && slot->position <= sent; ++slot, ++out) {
      const std::string_view v = slot->component == 0 ? s.present(slot->position)
                                                      : components.get(s, slot->position, slot->component, tx.delimiters.component);
      *out = v;
      any |= !v.empty();
    }
    for (; slot != end; ++slot, ++out) *out = {};
    return any;
  }

  // Values of one segment, grouped into the record they describe.
  // `scope` is b.scope().
  void apply(const Elements& s, const Values& b, Scope scope) {
    if (scope == Scope::header) {
      set(r.bht_reference, b.text(Field::reference));
      header_writes |= written::bht_reference;
    } else if (scope == Scope::umo) {
      party(r.umo, umo_writes, s, b);
    } else if (scope == Scope::requester) {
      party(r.requester, requester_writes, s, b);
    } else if (scope == Scope::subscriber || scope == Scope::dependent) {
      std::uint32_t* writes = nullptr;
      Person& p = person(scope, writes);
      person(p, *writes, s, b);
    } else if (scope == Scope::event || scope == Scope::line) {
      const bool on_line = scope == Scope::line;
      if (on_line && line == nullptr) return;
      if (!on_line && event == nullptr) event = &r.event;
      record(on_line, s, b);
    }
  }

  void party(Party& p, std::uint32_t& w, const Elements& s, const Values& b) {
    p.at = seg_at;
    set(p.entity_code, s.element(1));
    set(p.entity_type, s.element(2));
    w |= written::at | written::entity_code | written::entity_type;
    if (const int k = b.find(Field::name); k >= 0) {
      set(p.last_or_org_name.value, b.value(k));
      p.last_or_org_name.at = at(b, k);
      w |= written::name;
    }
    if (const int k = b.find(Field::first_name); k >= 0) {
      set(p.first_name, b.value(k));
      w |= written::first_name;
    }
    if (const int k = b.find(Field::id_qualifier); k >= 0) {
      set(p.id_qualifier, b.value(k));
      w |= written::id_qualifier;
    }
    for (Field f : {Field::id, Field::npi}) {
      if (const int k = b.find(f); k >= 0) {
        set(p.id.value, b.value(k));
        p.id.at = at(b, k);
        w |= written::id;
      }
    }
  }

  void person(Person& p, std::uint32_t& w, const Elements& s, const Values& b) {
    for (std::size_t k = 0; k < b.size(); ++k) {
      const std::string_view v = b.value(k);
      if (v.empty()) continue;
      const Field field = b.slot(k).field;
      const int slot = static_cast<int>(k);
      if (field == Field::last_name) {
        set(p.name.last_or_org_name.value, v);
        p.name.last_or_org_name.at = at(b, slot);
        p.name.at = seg_at;
        set(p.name.entity_code, s.element(1));
        set(p.name.entity_type, s.element(2));
        set(p.name.id_qualifier, s.element(8));
        w |= written::name | written::at | written::entity_code | written::entity_type | written::id_qualifier;
      } else if (field == Field::first_name) {
        set(p.name.first_name, v);
        w |= written::first_name;
      } else if (field == Field::member_id) {
        set(p.name.id.value, v);
        p.name.id.at = at(b, slot);
        w |= written::id;
      } else if (field == Field::zip) {
        set(p.name.zip, v);
        set(p.name.state, s.element(2));
        w |= written::zip | written::state;
      } else if (field == Field::birth_date) {
        if (is(s.element(1), "D8")) {
          if (auto d = plans.dates.date8(v)) {
            p.birth_date = Sourced<core::Date>{*d, at(b, slot)};
            w |= written::birth_date;
          }
        }
      } else if (field == Field::gender) {
        set(p.gender, v);
        w |= written::gender;
      }
    }
  }

  // A 2000E or 2000F segment. Each part first asks whether the segment's plan has its fields at all
  // (one test on a mask), so a DTP does not look for trace numbers, diagnoses and procedure codes.
  void record(bool on_line, const Elements& s, const Values& b) {
    const std::uint64_t fields = b.fields();
    const auto any_of = [fields](std::initializer_list<Field> wanted) {
      std::uint64_t mask = 0;
      for (Field f : wanted) mask |= std::uint64_t{1} << static_cast<unsigned>(f);
      return (fields & mask) != 0;
    };
    std::uint32_t& writes = on_line ? line_writes.fields : event_writes.fields;
    if (any_of({Field::trace})) trace(on_line, s, b);
    if (any_of({Field::request_category, Field::certification_type, Field::site_code})) review(on_line, b);
    if (any_of({Field::previous_auth, Field::previous_admin_reference})) {
      if (const int k = b.find(Field::previous_auth); k >= 0) {
        set(on_line ? line->previous_authorization : event->previous_authorization, b.value(k));
        writes |= written::previous_authorization;
      }
      if (const int k = b.find(Field::previous_admin_reference); k >= 0 && !on_line) {
        set(event->administrative_reference, b.value(k));
        writes |= written::administrative_reference;
      }
    }
    if (any_of({Field::date})) date(on_line, b);
    if (!on_line && any_of({Field::diagnosis})) diagnoses(s, b);
    if (any_of({Field::pwk_report_type, Field::pwk_transmission})) attachment(on_line, s, b);
    if (any_of({Field::message})) {
      if (const int k = b.find(Field::message); k >= 0) {
        set(on_line ? line->message : event->message, b.value(k));
        writes |= written::message;
      }
    }
    if (any_of({Field::provider_entity, Field::provider_npi})) provider_name(s, b);
    if (on_line && any_of({Field::procedure_code, Field::procedure_qualifier})) procedure(s, b);
  }

  // Written whole: a Trace is one TRN.
  void trace(bool on_line, const Elements& s, const Values& b) {
    const int k = b.find(Field::trace);
    if (k < 0) return;
    Trace& t = on_line ? next_record(line->traces, line_writes.traces) : next_record(event->traces, event_writes.traces);
    set(t.type, s.element(1));
    set(t.number, b.value(k));
    set(t.originator, b.text(Field::trace_originator));
    set(t.supplemental, b.text(Field::trace_sub_id));
    t.at = seg_at;
  }

  // Written whole, site included: a Review is one UM.
  void review(bool on_line, const Values& b) {
    const int code = b.find(Field::site_code);
    if (code < 0 && !b.has(Field::request_category) && !b.has(Field::certification_type)) return;
    Review& rv = on_line ? (line->review ? *line->review : line->review.emplace()) : event->review;
    (on_line ? line_writes.fields : event_writes.fields) |= written::review;
    set(rv.request_category, b.text(Field::request_category));
    set(rv.certification_type, b.text(Field::certification_type));
    set(rv.service_type, b.text(Field::service_type));
    rv.at = seg_at;
    if (code < 0) {
      rv.site.reset();
      return;
    }
    RequestedSite& site = rv.site ? *rv.site : rv.site.emplace();
    set(site.code, b.value(code));
    const std::string_view q = b.text(Field::site_qualifier);
    site.qualifier = is(q, "A") ? SiteQualifier::bill_type : is(q, "B") ? SiteQualifier::place_of_service : SiteQualifier::none;
    site.at = at(b, code);
    site.at.component = 0;
  }

  // Written whole: a DateSpan is one DTP.
  void date(bool on_line, const Values& b) {
    const int k = b.find(Field::date);
    if (k < 0) return;
    std::optional<x12::DateRange> span;
    if (is(b.text(Field::date_format), "RD8")) {
      span = plans.dates.range(b.value(k));
    } else if (auto d = plans.dates.date8(b.value(k))) {
      span = x12::DateRange{*d, *d};
    }
    if (!span) return;
    const std::string_view qualifier = b.text(Field::date_qualifier);
    DateSpan* target = nullptr;
    if (!on_line) {
      target = &next_record(event->dates, event_writes.dates);
    } else if ((line_writes.fields & written::service_dates) == 0 || is(qualifier, "472")) {
      target = line->service_dates ? &*line->service_dates : &line->service_dates.emplace();
      line_writes.fields |= written::service_dates;
    } else {
      return;  // a line keeps its first date unless a later one is the service date
    }
    set(target->qualifier, qualifier);
    target->first = span->first;
    target->last = span->last;
    target->at = seg_at;
  }

  // Written whole: a Diagnosis is one HI composite.
  void diagnoses(const Elements& s, const Values& b) {
    for (std::size_t k = b.first_slot(Field::diagnosis); k < b.size(); ++k) {
      const std::string_view v = b.value(k);
      if (v.empty() || b.slot(k).field != Field::diagnosis) continue;
      Diagnosis& d = next_record(event->diagnoses, event_writes.diagnoses);
      const std::string_view qualifier = first_component(s.element(b.slot(k).position), tx.delimiters.component);
      set(d.qualifier, qualifier);
      set(d.code_text, v);
      d.at = at(b, static_cast<int>(k));
      if (qualifier.starts_with("AB") || is(qualifier, "APR")) {
        // Read as the validator reads it (core/icd10.hpp): without a decimal point sent after the
        // category, and not at all when it is not ICD-10-CM shaped (the validator reported both), so
        // that a malformed code is never prefix-matched as evidence.
        const core::Icd10Reading r = core::read_icd10(v);
        if (r.problem == core::Icd10Problem::none) {
          d.icd10 = Icd10Code::parse(r.code());
        } else {
          d.icd10.reset();
        }
      } else {
        d.icd10.reset();
      }
    }
  }

  // Written whole: an Attachment is one PWK.
  void attachment(bool on_line, const Elements& s, const Values& b) {
    if (!b.has(Field::pwk_report_type) && !b.has(Field::pwk_transmission)) return;
    Attachment& a = on_line ? next_record(line->attachments, line_writes.attachments)
                            : next_record(event->attachments, event_writes.attachments);
    set(a.report_type, b.text(Field::pwk_report_type));
    set(a.transmission, b.text(Field::pwk_transmission));
    set(a.control_number, b.text(Field::pwk_control));
    set(a.description, s.element(7));
    a.at = seg_at;
  }

  void provider_name(const Elements& s, const Values& b) {
    const int npi = b.find(Field::provider_npi);
    if (provider == nullptr || (npi < 0 && !b.has(Field::provider_entity))) return;
    set(provider->entity_code, b.text(Field::provider_entity));
    set(provider->entity_type, s.element(2));
    set(provider->last_or_org_name.value, s.element(3));
    provider->last_or_org_name.at = seg_at;
    set(provider->first_name, s.element(4));
    set(provider->id_qualifier, s.element(8));
    provider_writes |= written::entity_code | written::entity_type | written::name | written::first_name |
                       written::id_qualifier | written::at;
    if (npi >= 0) {
      set(provider->id.value, b.value(npi));
      provider->id.at = at(b, npi);
      provider_writes |= written::id;
    }
    provider->at = seg_at;
  }

  void procedure(const Elements& s, const Values& b) {
    const int code = b.find(Field::procedure_code);
    if (code < 0 && !b.has(Field::procedure_qualifier)) return;
    std::uint32_t& w = line_writes.fields;
    set(line->service_segment, s.id());
    set(line->procedure_qualifier, b.text(Field::procedure_qualifier));
    w |= written::service_segment | written::procedure_qualifier | written::unit_basis;
    if (code >= 0) {
      set(line->procedure_text, b.value(code));
      w |= written::procedure_text;
      if (auto h = Hcpcs::parse(b.value(code))) {
        line->procedure = Sourced<Hcpcs>{*h, at(b, code)};
        w |= written::procedure;
      }
    }
    for (std::size_t k = b.first_slot(Field::modifier); k < b.size(); ++k)
      if (b.slot(k).field == Field::modifier && !b.value(k).empty()) set(next_record(line->modifiers, line_writes.modifiers), b.value(k));
    if (is(s.id(), "SV2")) {
      set(line->revenue_code, s.element(1));
      w |= written::revenue_code;
    }
    if (const int k = b.find(Field::amount); k >= 0) {
      line->amount = decimal(b.value(k));
      w |= written::amount;
    }
    set(line->unit_basis, b.text(Field::unit_basis));
    if (const int k = b.find(Field::units); k >= 0) {
      line->units = decimal(b.value(k));
      w |= written::units;
    }
  }

  // BHT04-06 carry no bind (they are not fields a decision reads) but the response echoes BHT03
  // and the report shows the date: read them from the heading.
  void heading() {
    const char separator = tx.delimiters.element;
    for (const auto& node : tx.root.segments) {
      const char* text = tx.text.data() + node.text_offset;
      const std::size_t length = node.text_length;
      if (length < 3 || !is(std::string_view(text, 3), "BHT") || (length > 3 && text[3] != separator)) continue;
      Elements& s = plans.elements;
      s.assign(text, length, tx.text.size() - node.text_offset, separator, 6);
      if ((header_writes & written::bht_reference) == 0 || r.bht_reference.empty()) set(r.bht_reference, s.element(3));
      r.bht_date = plans.dates.date8(s.element(4));
      set(r.bht_time, s.element(5));
      set(r.bht_type, s.element(6));
      header_writes |= written::bht_reference | written::bht_date | written::bht_time | written::bht_type;
    }
  }
};

}  // namespace

RequestBinder::RequestBinder() : plans_(std::make_unique<Plans>()) {}
RequestBinder::~RequestBinder() = default;
RequestBinder::RequestBinder(RequestBinder&&) noexcept = default;
RequestBinder& RequestBinder::operator=(RequestBinder&&) noexcept = default;

void RequestBinder::bind_into(AuthorizationRequest& r, const ig::TransactionResult& transaction,
                              const x12::InterchangeInfo& interchange, const x12::GroupInfo& group,
                              const x12::TransactionInfo& info) {
  const auto& h = interchange.isa;
  Envelope& e = r.envelope;
  set(e.isa_sender_qualifier, trimmed(h.sender_qualifier));
  set(e.isa_sender, trimmed(h.sender_id));
  set(e.isa_receiver_qualifier, trimmed(h.receiver_qualifier));
  set(e.isa_receiver, trimmed(h.receiver_id));
  set(e.isa_control, h.control_number);
  set(e.isa_date, h.date);
  set(e.isa_time, h.time);
  set(e.usage, h.usage);
  set(e.gs_sender, group.sender);
  set(e.gs_receiver, group.receiver);
  set(e.gs_control, group.control_number);
  set(e.gs_version, group.version);
  set(e.st_control, info.control_number);
  set(e.st_convention, info.convention);
  Binder b{*plans_, r, transaction};
  b.walk(transaction.root);
  b.heading();
  b.finish_request();
}

AuthorizationRequest RequestBinder::bind(const ig::TransactionResult& transaction, const x12::InterchangeInfo& interchange,
                                         const x12::GroupInfo& group, const x12::TransactionInfo& info) {
  AuthorizationRequest r;
  bind_into(r, transaction, interchange, group, info);
  return r;
}

AuthorizationRequest bind_request(const ig::TransactionResult& transaction, const x12::InterchangeInfo& interchange,
                                  const x12::GroupInfo& group, const x12::TransactionInfo& info) {
  RequestBinder binder;
  return binder.bind(transaction, interchange, group, info);
}

}  // namespace soc278::model

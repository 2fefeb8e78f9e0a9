// Private to the binder (src/model/bind.cpp, its only includer). How bind_into writes over the request it is
// handed: which fields a transaction wrote, and resetting the rest when a record is complete.
#pragma once

#include <cstdint>
#include <vector>

#include "soc278/model/authorization_request.hpp"


namespace soc278::model::binding {

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
inline T& next_record(std::vector<T>& records, std::uint32_t& used) {
  const std::size_t k = used++;
  if (k < records.size()) return records[k];
  return records.emplace_back();
}

template <typename T>
[[gnu::noinline]] inline void erase_from(std::vector<T>& records, std::uint32_t used) {
  records.erase(records.begin() + used, records.end());
}

template <typename T>
inline void keep_first(std::vector<T>& records, std::uint32_t used) {
  if (records.size() > used) erase_from(records, used);
}

inline void finish(Party& p, std::uint32_t w) noexcept {
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

inline void finish(Person& p, std::uint32_t w) noexcept {
  finish(p.name, w);
  if ((w & written::birth_date) == 0) p.birth_date.reset();
  if ((w & written::gender) == 0) p.gender.clear();
}

inline void reset(Review& v) noexcept {
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

inline void finish(ServiceLine& l, const LineWrites& w) noexcept {
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

inline void finish(PatientEvent& e, const EventWrites& w) noexcept {
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

}  // namespace soc278::model::binding

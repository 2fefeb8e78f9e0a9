#include "soc278/model/bind.hpp"

// The binder's walk over a transaction's loop tree (see bind.hpp). Its parts, each included by
// this file alone: model/bind_plan.hpp (what a `bind:` names, plans and values), bind_elements.hpp
// (tokenizing a segment), bind_values.hpp (filing a value), bind_reuse.hpp (writing over the
// previous request), bind_plans.hpp (the binder's memory across transactions).
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "model/bind_plans.hpp"
#include "model/bind_reuse.hpp"
#include "soc278/core/icd10.hpp"

namespace soc278::model {
namespace {

std::string_view trimmed(std::string_view s) noexcept {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

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


#include "soc278/model/bind.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>
#include <string_view>

#include "soc278/x12/values.hpp"

namespace soc278::model {
namespace {

std::string trimmed(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return std::string(s);
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

// One bound value of one segment.
struct Bound {
  Scope scope = Scope::other;
  Field field = Field::other;
  std::string_view value;
  core::SourcePosition at;
  std::uint16_t element = 0;
};

// The bound values of one segment, in element order, with the first value of each field indexed.
// Reused from segment to segment: no allocation per segment once warm.
class BoundValues {
 public:
  void clear() noexcept {
    items_.clear();
    first_.fill(0);
  }
  void add(const Bound& b) {
    items_.push_back(b);
    std::uint16_t& slot = first_[static_cast<std::size_t>(b.field)];
    if (slot == 0) slot = static_cast<std::uint16_t>(items_.size());
  }
  [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
  [[nodiscard]] const Bound& front() const noexcept { return items_.front(); }
  [[nodiscard]] auto begin() const noexcept { return items_.begin(); }
  [[nodiscard]] auto end() const noexcept { return items_.end(); }
  [[nodiscard]] const Bound* find(Field f) const noexcept {
    const std::uint16_t slot = first_[static_cast<std::size_t>(f)];
    return slot == 0 ? nullptr : &items_[slot - 1U];
  }
  [[nodiscard]] bool has(Field f) const noexcept { return first_[static_cast<std::size_t>(f)] != 0; }
  [[nodiscard]] std::string text(Field f) const {
    const Bound* x = find(f);
    return x != nullptr ? std::string(x->value) : std::string();
  }

 private:
  std::vector<Bound> items_;
  std::array<std::uint16_t, static_cast<std::size_t>(Field::count)> first_{};  // index + 1 into items_, 0 = none
};

// One bound element or component of a guide segment occurrence, read from its `bind` once.
struct Slot {
  std::uint16_t position = 0;   // element, 1-based
  std::uint16_t component = 0;  // 0 = the whole element
  Field field = Field::other;
  Scope scope = Scope::other;
};

// make_plan appends the slots of one segment occurrence to `slots`.
void make_plan(const ig::SegmentRule& rule, std::vector<Slot>& slots) {
  auto add = [&](std::string_view name, std::uint16_t position, std::uint16_t component) {
    const auto dot = name.find('.');
    if (dot == std::string_view::npos) return;
    slots.push_back(Slot{position, component, field_of(name.substr(dot + 1)), scope_of(name.substr(0, dot))});
  };
  for (const ig::ElementRule& e : rule.elements) {
    if (!e.bind.empty()) add(e.bind, e.position, 0);
    for (std::size_t c = 0; c < e.components.size(); ++c)
      if (!e.components[c].bind.empty()) add(e.components[c].bind, e.position, static_cast<std::uint16_t>(c + 1));
  }
}

}  // namespace

// The plans of the segment occurrences met so far, by occurrence. The guide owns the rules, so
// their addresses are stable for as long as the guides live (RequestBinder's contract).
struct RequestBinder::Plans {
  // Open addressing on the rule's address (a node-based map cost a cache miss per segment): a
  // power-of-two table at most half full, each entry naming its run of slots in `slots`.
  struct Entry {
    const ig::SegmentRule* rule = nullptr;
    std::uint32_t first = 0, count = 0;
  };
  std::vector<Entry> table = std::vector<Entry>(256);
  std::size_t used = 0;
  std::vector<Slot> slots;
  BoundValues bound;      // reused for every segment
  x12::SegmentView view;  // likewise

  static std::size_t hash(const ig::SegmentRule* rule, std::size_t size) noexcept {
    return static_cast<std::size_t>((reinterpret_cast<std::uintptr_t>(rule) >> 4) * 0x9E3779B97F4A7C15ULL) & (size - 1);
  }

  std::span<const Slot> plan(const ig::SegmentRule& rule) {
    for (std::size_t i = hash(&rule, table.size());; i = (i + 1) & (table.size() - 1)) {
      const Entry& e = table[i];
      if (e.rule == &rule) return {slots.data() + e.first, e.count};
      if (e.rule == nullptr) break;
    }
    const auto first = static_cast<std::uint32_t>(slots.size());
    make_plan(rule, slots);
    insert(Entry{&rule, first, static_cast<std::uint32_t>(slots.size() - first)});
    return {slots.data() + first, slots.size() - first};
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
  RequestBinder::Plans& plans;
  BoundValues& bound;
  AuthorizationRequest& r;
  const ig::TransactionResult& tx;
  PatientEvent* event = nullptr;
  ServiceLine* line = nullptr;
  Party* provider = nullptr;  // the open 2010EA / 2010F provider, if any
  std::uint32_t lines = 0;

  Person& person(Scope scope) {
    if (scope == Scope::dependent) {
      if (!r.dependent) r.dependent.emplace();
      return *r.dependent;
    }
    return r.subscriber;
  }

  static std::optional<double> number(std::string_view v) { return x12::parse_decimal(v); }

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

  void enter(const ig::LoopNode& loop, LoopKind kind) {
    switch (kind) {
      case LoopKind::dependent:
        if (!r.dependent) r.dependent.emplace();
        break;
      case LoopKind::event: {
        event = &r.event;
        event->at = loop.at;
        // Size the service lines and providers once (a ServiceLine is large to move on regrowth).
        std::size_t lines_here = 0, providers_here = 0;
        for (const ig::LoopNode& child : loop.children) {
          const LoopKind k = loop_kind(child.id());
          lines_here += k == LoopKind::line;
          providers_here += k == LoopKind::event_provider;
        }
        r.lines.reserve(r.lines.size() + lines_here);
        r.event.providers.reserve(r.event.providers.size() + providers_here);
        break;
      }
      case LoopKind::line:
        r.lines.emplace_back();
        line = &r.lines.back();
        line->line_number = ++lines;
        line->at = loop.at;
        break;
      case LoopKind::event_provider:
        r.event.providers.emplace_back();
        provider = &r.event.providers.back();
        provider->at = loop.at;
        break;
      case LoopKind::line_provider:
        if (line != nullptr) {
          line->providers.emplace_back();
          provider = &line->providers.back();
          provider->at = loop.at;
        }
        break;
      case LoopKind::other: break;
    }
  }

  void leave(LoopKind kind) {
    if (kind == LoopKind::event_provider || kind == LoopKind::line_provider) provider = nullptr;
    if (kind == LoopKind::line) line = nullptr;
  }

  void walk(const ig::LoopNode& loop) {
    const LoopKind kind = loop_kind(loop.id());
    enter(loop, kind);
    for (const auto& node : loop.segments) segment(node);
    for (const auto& child : loop.children) walk(child);
    leave(kind);
  }

  void segment(const ig::SegmentNode& node) {
    if (node.rule == nullptr) return;
    const std::span<const Slot> plan = plans.plan(*node.rule);
    if (plan.empty()) return;
    // Tokenized into the binder's own view: TransactionResult::view() builds and returns a fresh
    // one (a 300-byte value, zeroed) for every segment.
    x12::SegmentView& s = plans.view;
    (void)s.assign(tx.text.data() + node.text_offset, node.text_length, tx.delimiters, node.at.byte_offset,
                   node.at.segment_in_file);
    bound.clear();
    for (const Slot& slot : plan) {
      const std::string_view v = slot.component == 0 ? s.element(slot.position) : s.component(slot.position, slot.component);
      if (v.empty()) continue;
      core::SourcePosition at = node.at;
      at.element = slot.position;
      at.component = slot.component;
      bound.add(Bound{slot.scope, slot.field, v, at, slot.position});
    }
    if (!bound.empty()) apply(s, node, bound);
  }

  // Values of one segment, grouped into the record they describe.
  void apply(const x12::SegmentView& s, const ig::SegmentNode& node, const BoundValues& b) {
    const Scope scope = b.front().scope;
    const core::SourcePosition seg_at = node.at;
    if (scope == Scope::header) {
      r.bht_reference = b.text(Field::reference);
      return;
    }
    if (scope == Scope::umo || scope == Scope::requester) {
      Party& p = scope == Scope::umo ? r.umo : r.requester;
      p.at = seg_at;
      p.entity_code.assign(s.element(1));
      p.entity_type.assign(s.element(2));
      if (const Bound* x = b.find(Field::name)) p.last_or_org_name = {std::string(x->value), x->at};
      if (const Bound* x = b.find(Field::first_name)) p.first_name.assign(x->value);
      if (const Bound* x = b.find(Field::id_qualifier)) p.id_qualifier.assign(x->value);
      for (Field f : {Field::id, Field::npi})
        if (const Bound* x = b.find(f)) p.id = {std::string(x->value), x->at};
      return;
    }
    if (scope == Scope::subscriber || scope == Scope::dependent) {
      Person& p = person(scope);
      for (const Bound& x : b) {
        if (x.field == Field::last_name) {
          p.name.last_or_org_name = {std::string(x.value), x.at};
          p.name.at = seg_at;
          p.name.entity_code.assign(s.element(1));
          p.name.entity_type.assign(s.element(2));
          p.name.id_qualifier.assign(s.element(8));
        } else if (x.field == Field::first_name) {
          p.name.first_name.assign(x.value);
        } else if (x.field == Field::member_id) {
          p.name.id = {std::string(x.value), x.at};
        } else if (x.field == Field::zip) {
          p.name.zip.assign(x.value);
          p.name.state.assign(s.element(2));
        } else if (x.field == Field::birth_date) {
          if (s.element(1) == "D8") {
            if (auto d = x12::parse_date(x.value)) p.birth_date = Sourced<core::Date>{*d, x.at};
          }
        } else if (x.field == Field::gender) {
          p.gender.assign(x.value);
        }
      }
      return;
    }
    if (scope != Scope::event && scope != Scope::line) return;
    const bool on_line = scope == Scope::line;
    if (on_line && line == nullptr) return;
    if (!on_line && event == nullptr) event = &r.event;

    if (b.find(Field::trace) != nullptr) {
      Trace t{std::string(s.element(1)), b.text(Field::trace), b.text(Field::trace_originator), b.text(Field::trace_sub_id), seg_at};
      (on_line ? line->traces : event->traces).push_back(std::move(t));
    }
    if (b.find(Field::request_category) != nullptr || b.find(Field::certification_type) != nullptr || b.find(Field::site_code) != nullptr) {
      Review rv;
      rv.request_category = b.text(Field::request_category);
      rv.certification_type = b.text(Field::certification_type);
      rv.service_type = b.text(Field::service_type);
      rv.at = seg_at;
      if (const Bound* code = b.find(Field::site_code)) {
        RequestedSite site;
        site.code.assign(code->value);
        const std::string q = b.text(Field::site_qualifier);
        site.qualifier = q == "A" ? SiteQualifier::bill_type : q == "B" ? SiteQualifier::place_of_service : SiteQualifier::none;
        site.at = code->at;
        site.at.component = 0;
        rv.site = site;
      }
      if (on_line) {
        line->review = std::move(rv);
      } else {
        event->review = std::move(rv);
      }
    }
    if (const Bound* x = b.find(Field::previous_auth))
      (on_line ? line->previous_authorization : event->previous_authorization).assign(x->value);
    if (const Bound* x = b.find(Field::previous_admin_reference); x != nullptr && !on_line)
      event->administrative_reference.assign(x->value);
    if (b.find(Field::date) != nullptr) {
      DateSpan span;
      span.qualifier = b.text(Field::date_qualifier);
      span.at = seg_at;
      const std::string format = b.text(Field::date_format);
      const std::string value = b.text(Field::date);
      bool ok = false;
      if (format == "RD8") {
        if (auto range = x12::parse_date_range(value)) {
          span.first = range->first;
          span.last = range->last;
          ok = true;
        }
      } else if (auto d = x12::parse_date(value)) {
        span.first = span.last = *d;
        ok = true;
      }
      if (ok) {
        if (on_line) {
          if (!line->service_dates || span.qualifier == "472") line->service_dates = span;
        } else {
          event->dates.push_back(span);
        }
      }
    }
    if (!on_line) {
      for (const Bound& x : b) {
        if (x.field != Field::diagnosis) continue;
        Diagnosis d;
        d.qualifier.assign(s.component(x.element, 1));
        d.code_text.assign(x.value);
        d.at = x.at;
        if (d.qualifier.rfind("AB", 0) == 0 || d.qualifier == "APR") d.icd10 = Icd10Code::parse(d.code_text);
        event->diagnoses.push_back(std::move(d));
      }
    }
    if (b.find(Field::pwk_report_type) != nullptr || b.find(Field::pwk_transmission) != nullptr) {
      Attachment a{b.text(Field::pwk_report_type), b.text(Field::pwk_transmission), b.text(Field::pwk_control),
                   std::string(s.element(7)), seg_at};
      (on_line ? line->attachments : event->attachments).push_back(std::move(a));
    }
    if (const Bound* x = b.find(Field::message)) (on_line ? line->message : event->message).assign(x->value);
    if (b.find(Field::provider_entity) != nullptr || b.find(Field::provider_npi) != nullptr) {
      if (provider != nullptr) {
        provider->entity_code = b.text(Field::provider_entity);
        provider->entity_type.assign(s.element(2));
        provider->last_or_org_name = {std::string(s.element(3)), seg_at};
        provider->first_name.assign(s.element(4));
        provider->id_qualifier.assign(s.element(8));
        if (const Bound* x = b.find(Field::provider_npi)) provider->id = {std::string(x->value), x->at};
        provider->at = seg_at;
      }
    }
    if (on_line && (b.find(Field::procedure_code) != nullptr || b.find(Field::procedure_qualifier) != nullptr)) {
      line->service_segment.assign(s.id());
      line->procedure_qualifier = b.text(Field::procedure_qualifier);
      if (const Bound* x = b.find(Field::procedure_code)) {
        line->procedure_text.assign(x->value);
        if (auto h = Hcpcs::parse(x->value)) line->procedure = Sourced<Hcpcs>{*h, x->at};
      }
      for (const Bound& x : b)
        if (x.field == Field::modifier) line->modifiers.emplace_back(x.value);
      if (s.is("SV2")) line->revenue_code.assign(s.element(1));
      if (const Bound* x = b.find(Field::amount)) line->amount = number(x->value);
      line->unit_basis = b.text(Field::unit_basis);
      if (const Bound* x = b.find(Field::units)) line->units = number(x->value);
    }
  }
};

}  // namespace

RequestBinder::RequestBinder() : plans_(std::make_unique<Plans>()) {}
RequestBinder::~RequestBinder() = default;
RequestBinder::RequestBinder(RequestBinder&&) noexcept = default;
RequestBinder& RequestBinder::operator=(RequestBinder&&) noexcept = default;

AuthorizationRequest RequestBinder::bind(const ig::TransactionResult& transaction, const x12::InterchangeInfo& interchange,
                                         const x12::GroupInfo& group, const x12::TransactionInfo& info) {
  AuthorizationRequest r;
  const auto& h = interchange.isa;
  r.envelope = Envelope{trimmed(h.sender_qualifier), trimmed(h.sender_id), trimmed(h.receiver_qualifier), trimmed(h.receiver_id),
                        h.control_number, h.date, h.time, h.usage, group.sender, group.receiver, group.control_number,
                        group.version, info.control_number, info.convention};
  Binder b{*plans_, plans_->bound, r, transaction};
  b.walk(transaction.root);
  // BHT04-06 carry no bind (they are not fields a decision reads) but the response echoes BHT03
  // and the report shows the date: read them from the heading.
  for (const auto& node : transaction.root.segments) {
    const x12::SegmentView s = transaction.view(node);
    if (!s.is("BHT")) continue;
    if (r.bht_reference.empty()) r.bht_reference = std::string(s.element(3));
    r.bht_date = x12::parse_date(s.element(4));
    r.bht_time = std::string(s.element(5));
    r.bht_type = std::string(s.element(6));
  }
  return r;
}

AuthorizationRequest bind_request(const ig::TransactionResult& transaction, const x12::InterchangeInfo& interchange,
                                  const x12::GroupInfo& group, const x12::TransactionInfo& info) {
  RequestBinder binder;
  return binder.bind(transaction, interchange, group, info);
}

}  // namespace soc278::model

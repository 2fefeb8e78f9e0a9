#include "soc278/model/bind.hpp"

#include <charconv>
#include <string_view>

#include "soc278/x12/values.hpp"

namespace soc278::model {
namespace {

std::string trimmed(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return std::string(s);
}

// One bound value of one segment.
struct Bound {
  std::string_view scope;  // "event"
  std::string_view field;  // "site_code"
  std::string_view value;
  core::SourcePosition at;
  std::uint16_t element = 0;
};

struct Binder {
  AuthorizationRequest& r;
  const ig::TransactionResult& tx;
  PatientEvent* event = nullptr;
  ServiceLine* line = nullptr;
  Party* provider = nullptr;  // the open 2010EA / 2010F provider, if any
  std::uint32_t lines = 0;

  Person& person(std::string_view scope) {
    if (scope == "dependent") {
      if (!r.dependent) r.dependent.emplace();
      return *r.dependent;
    }
    return r.subscriber;
  }

  static std::optional<double> number(std::string_view v) { return x12::parse_decimal(v); }

  void enter(const ig::LoopNode& loop) {
    const std::string_view id = loop.id();
    if (id == "2000D") {
      if (!r.dependent) r.dependent.emplace();
    } else if (id == "2000E") {
      event = &r.event;
      event->at = loop.at;
    } else if (id == "2000F") {
      r.lines.emplace_back();
      line = &r.lines.back();
      line->line_number = ++lines;
      line->at = loop.at;
    } else if (id == "2010EA") {
      r.event.providers.emplace_back();
      provider = &r.event.providers.back();
      provider->at = loop.at;
    } else if (id == "2010F" || id == "2010FA") {
      if (line != nullptr) {
        line->providers.emplace_back();
        provider = &line->providers.back();
        provider->at = loop.at;
      }
    }
  }

  void leave(const ig::LoopNode& loop) {
    const std::string_view id = loop.id();
    if (id == "2010EA" || id == "2010F" || id == "2010FA") provider = nullptr;
    if (id == "2000F") line = nullptr;
  }

  void walk(const ig::LoopNode& loop) {
    enter(loop);
    for (const auto& node : loop.segments) segment(node);
    for (const auto& child : loop.children) walk(child);
    leave(loop);
  }

  void segment(const ig::SegmentNode& node) {
    if (node.rule == nullptr) return;
    const x12::SegmentView s = tx.view(node);
    std::vector<Bound> bound;
    for (const ig::ElementRule& e : node.rule->elements) {
      const std::size_t n = e.position;
      if (!e.bind.empty()) {
        const std::string_view v = s.element(n);
        if (!v.empty()) add(bound, e.bind, v, node.at, e.position, 0);
      }
      for (std::size_t c = 0; c < e.components.size(); ++c) {
        const ig::ValueRule& comp = e.components[c];
        if (comp.bind.empty()) continue;
        const std::string_view v = s.component(n, c + 1);
        if (!v.empty()) add(bound, comp.bind, v, node.at, e.position, static_cast<std::uint16_t>(c + 1));
      }
    }
    if (!bound.empty()) apply(s, node, bound);
  }

  static void add(std::vector<Bound>& out, std::string_view name, std::string_view value, core::SourcePosition at,
                  std::uint16_t element, std::uint16_t component) {
    const auto dot = name.find('.');
    if (dot == std::string_view::npos) return;
    at.element = element;
    at.component = component;
    out.push_back(Bound{name.substr(0, dot), name.substr(dot + 1), value, at, element});
  }

  static const Bound* find(const std::vector<Bound>& b, std::string_view field) {
    for (const auto& x : b)
      if (x.field == field) return &x;
    return nullptr;
  }
  static std::string text(const std::vector<Bound>& b, std::string_view field) {
    const Bound* x = find(b, field);
    return x != nullptr ? std::string(x->value) : std::string();
  }

  // Values of one segment, grouped into the record they describe.
  void apply(const x12::SegmentView& s, const ig::SegmentNode& node, const std::vector<Bound>& b) {
    const std::string_view scope = b.front().scope;
    const core::SourcePosition seg_at = node.at;
    if (scope == "header") {
      r.bht_reference = text(b, "reference");
      return;
    }
    if (scope == "umo" || scope == "requester") {
      Party& p = scope == "umo" ? r.umo : r.requester;
      p.at = seg_at;
      p.entity_code = std::string(s.element(1));
      p.entity_type = std::string(s.element(2));
      if (const Bound* x = find(b, "name")) p.last_or_org_name = {std::string(x->value), x->at};
      if (const Bound* x = find(b, "first_name")) p.first_name = std::string(x->value);
      if (const Bound* x = find(b, "id_qualifier")) p.id_qualifier = std::string(x->value);
      for (std::string_view f : {"id", "npi"})
        if (const Bound* x = find(b, f)) p.id = {std::string(x->value), x->at};
      return;
    }
    if (scope == "subscriber" || scope == "dependent") {
      Person& p = person(scope);
      for (const Bound& x : b) {
        if (x.field == "last_name") {
          p.name.last_or_org_name = {std::string(x.value), x.at};
          p.name.at = seg_at;
          p.name.entity_code = std::string(s.element(1));
          p.name.entity_type = std::string(s.element(2));
          p.name.id_qualifier = std::string(s.element(8));
        } else if (x.field == "first_name") {
          p.name.first_name = std::string(x.value);
        } else if (x.field == "member_id") {
          p.name.id = {std::string(x.value), x.at};
        } else if (x.field == "zip") {
          p.name.zip = std::string(x.value);
          p.name.state = std::string(s.element(2));
        } else if (x.field == "birth_date") {
          if (s.element(1) == "D8") {
            if (auto d = x12::parse_date(x.value)) p.birth_date = Sourced<core::Date>{*d, x.at};
          }
        } else if (x.field == "gender") {
          p.gender = std::string(x.value);
        }
      }
      return;
    }
    if (scope != "event" && scope != "line") return;
    const bool on_line = scope == "line";
    if (on_line && line == nullptr) return;
    if (!on_line && event == nullptr) event = &r.event;

    if (find(b, "trace") != nullptr) {
      Trace t{std::string(s.element(1)), text(b, "trace"), text(b, "trace_originator"), text(b, "trace_sub_id"), seg_at};
      (on_line ? line->traces : event->traces).push_back(std::move(t));
    }
    if (find(b, "request_category") != nullptr || find(b, "certification_type") != nullptr || find(b, "site_code") != nullptr) {
      Review rv;
      rv.request_category = text(b, "request_category");
      rv.certification_type = text(b, "certification_type");
      rv.service_type = text(b, "service_type");
      rv.at = seg_at;
      if (const Bound* code = find(b, "site_code")) {
        RequestedSite site;
        site.code = std::string(code->value);
        const std::string q = text(b, "site_qualifier");
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
    if (const Bound* x = find(b, "previous_auth")) (on_line ? line->previous_authorization : event->previous_authorization) = std::string(x->value);
    if (const Bound* x = find(b, "previous_admin_reference"); x != nullptr && !on_line) event->administrative_reference = std::string(x->value);
    if (find(b, "date") != nullptr) {
      DateSpan span;
      span.qualifier = text(b, "date_qualifier");
      span.at = seg_at;
      const std::string format = text(b, "date_format");
      const std::string value = text(b, "date");
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
        if (x.field != "diagnosis") continue;
        Diagnosis d;
        d.qualifier = std::string(s.component(x.element, 1));
        d.code_text = std::string(x.value);
        d.at = x.at;
        if (d.qualifier.rfind("AB", 0) == 0 || d.qualifier == "APR") d.icd10 = Icd10Code::parse(d.code_text);
        event->diagnoses.push_back(std::move(d));
      }
    }
    if (find(b, "pwk_report_type") != nullptr || find(b, "pwk_transmission") != nullptr) {
      Attachment a{text(b, "pwk_report_type"), text(b, "pwk_transmission"), text(b, "pwk_control"), std::string(s.element(7)), seg_at};
      (on_line ? line->attachments : event->attachments).push_back(std::move(a));
    }
    if (const Bound* x = find(b, "message")) (on_line ? line->message : event->message) = std::string(x->value);
    if (find(b, "provider_entity") != nullptr || find(b, "provider_npi") != nullptr) {
      if (provider != nullptr) {
        provider->entity_code = text(b, "provider_entity");
        provider->entity_type = std::string(s.element(2));
        provider->last_or_org_name = {std::string(s.element(3)), seg_at};
        provider->first_name = std::string(s.element(4));
        provider->id_qualifier = std::string(s.element(8));
        if (const Bound* x = find(b, "provider_npi")) provider->id = {std::string(x->value), x->at};
        provider->at = seg_at;
      }
    }
    if (on_line && (find(b, "procedure_code") != nullptr || find(b, "procedure_qualifier") != nullptr)) {
      line->service_segment = std::string(s.id());
      line->procedure_qualifier = text(b, "procedure_qualifier");
      if (const Bound* x = find(b, "procedure_code")) {
        line->procedure_text = std::string(x->value);
        if (auto h = Hcpcs::parse(x->value)) line->procedure = Sourced<Hcpcs>{*h, x->at};
      }
      for (const Bound& x : b)
        if (x.field == "modifier") line->modifiers.emplace_back(x.value);
      if (s.is("SV2")) line->revenue_code = std::string(s.element(1));
      if (const Bound* x = find(b, "amount")) line->amount = number(x->value);
      line->unit_basis = text(b, "unit_basis");
      if (const Bound* x = find(b, "units")) line->units = number(x->value);
    }
  }
};

}  // namespace

AuthorizationRequest bind_request(const ig::TransactionResult& transaction, const x12::InterchangeInfo& interchange,
                                  const x12::GroupInfo& group, const x12::TransactionInfo& info) {
  AuthorizationRequest r;
  const auto& h = interchange.isa;
  r.envelope = Envelope{trimmed(h.sender_qualifier), trimmed(h.sender_id), trimmed(h.receiver_qualifier), trimmed(h.receiver_id),
                        h.control_number, h.date, h.time, h.usage, group.sender, group.receiver, group.control_number,
                        group.version, info.control_number, info.convention};
  Binder b{r, transaction};
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

}  // namespace soc278::model

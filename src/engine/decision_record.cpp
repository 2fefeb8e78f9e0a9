// The decision report's lines (soc278.decision/1): the one place its field names are written.
#include "soc278/engine/decision_record.hpp"

#include <optional>

#include "engine/json_line.hpp"
#include "soc278/engine/privacy.hpp"
#include "soc278/mapping/place_of_service.hpp"

namespace soc278::engine {
namespace {

std::string_view site_class_name(const std::optional<mapping::SiteClass>& c) {
  return c ? mapping::to_string(*c) : std::string_view();
}

void position(JsonLine& j, const core::SourcePosition& at) {
  j.begin_object().field("byte", at.byte_offset).field("segment", at.segment_in_file).field("set_position", at.segment_in_set);
  if (at.element != 0) j.field("element", at.element);
  if (at.component != 0) j.field("component", at.component);
  j.end_object();
}

void evidence(JsonLine& j, const std::vector<soc::EvidenceItem>& items, const PhiValues& phi) {
  j.begin_array();
  for (const auto& e : items) {
    j.begin_object().field("segment", e.segment).field("loop", e.loop).field("text", phi.scrub(e.text)).key("at");
    position(j, e.at);
    j.end_object();
  }
  j.end_array();
}

// The criteria tried, each with its outcome and the segments it used, and the facts read; the
// notes that say why a criterion was not met are in `soc278 explain`, which replays the decision.
void full_detail(JsonLine& j, const soc::LineDecision& d, const PhiValues& phi) {
  j.key("criteria").begin_array();
  for (const auto& c : d.explanation.criteria) {
    j.begin_object().field("criterion", c.criterion_id).field("outcome", soc::to_string(c.outcome));
    if (!c.evidence.empty()) {
      j.key("evidence");
      evidence(j, c.evidence, phi);
    }
    j.end_object();
  }
  j.end_array();
  j.key("facts");
  evidence(j, d.explanation.facts, phi);
}

// A file name that is not UTF-8 is written as "file" with U+FFFD for each bad byte (JsonLine's
// rule) and also as "file_bytes", from which the name's bytes can be recovered (%HH).
JsonLine& file_bytes(JsonLine& j, std::string_view file) {
  if (!core::valid_utf8(file)) j.field("file_bytes", core::percent_invalid_utf8(file));
  return j;
}

// The members every line of a set shares, after "schema": file, isa13, gs06, st02, trace.
JsonLine& set_members(JsonLine& j, const SetKey& s) {
  j.field("schema", "soc278.decision/1");
  std::size_t room = 64;  // the literals below
  for (const std::string_view v : {s.file, s.isa13, s.gs06, s.st02, s.trace}) room += detail::json_string_room(v);
  JsonRun r(j.begin_run(room));
  r.raw(",\"file\":").string(s.file).raw(",\"isa13\":").string(s.isa13).raw(",\"gs06\":").string(s.gs06);
  r.raw(",\"st02\":").string(s.st02).raw(",\"trace\":").string_or_null(s.trace);
  j.end_run(r);
  return file_bytes(j, s.file);
}

// The members of a line that has no service line: nulls where a decision would be.
void no_decision(JsonLine& j, std::string_view by, std::string_view explanation) {
  j.key("hcpcs").null().key("requested_pos").null().key("site_class").null();
  j.field("decision", "rejected").field("rejected_by", by);
  j.key("hcr01").null().key("hcr03").null().key("policy").null().key("section").null().key("rule").null();
  j.key("redirect_to").begin_array().end_array().key("certification").null();
  j.field("explanation", explanation);
}

}  // namespace

void DecisionReportWriter::write_line() {
  // Straight into the buffer (streambuf::sputn): std::ostream::write would build a sentry per line.
  out_->sputn(line_.data(), static_cast<std::streamsize>(line_.size()));
}

void DecisionReportWriter::rejected(const SetKey& set, std::string_view by, std::span<const std::string> reasons) {
  line_.clear();
  {
    JsonLine j(line_);
    set_members(j.begin_object(), set).field("line", std::uint64_t{0});
    no_decision(j, by, reasons.empty() ? std::string_view() : std::string_view(reasons.front()));
    j.key("reasons").begin_array();
    for (const auto& r : reasons) j.string(r);
    j.end_array().end_object().newline();
  }
  write_line();
}

void DecisionReportWriter::not_request(const SetKey& set, std::string_view reason) {
  line_.clear();
  {
    JsonLine j(line_);
    j.begin_object().field("schema", "soc278.decision/1").field("file", set.file).field("isa13", set.isa13);
    if (set.gs06.empty() && set.st02.empty()) {
      j.key("gs06").null().key("st02").null();
    } else {
      j.field("gs06", set.gs06).field("st02", set.st02);
    }
    j.key("trace").null();
    file_bytes(j, set.file).field("line", std::uint64_t{0});
    no_decision(j, "not_request", reason);
    j.key("reasons").begin_array().string(reason).end_array().end_object().newline();
  }
  write_line();
}

void DecisionReportWriter::decided(const DecisionRecord& record, const PhiValues& phi) {
  const soc::LineDecision& d = *record.decision;
  const SetKey& s = record.set;
  // The members up to "trace" are the same for every line of a set: escaped once, copied after.
  // The key is the set's bytes, so a set stored where the previous one was is never mistaken for it.
  const std::size_t key_size = s.file.size() + s.isa13.size() + s.gs06.size() + s.st02.size() + s.trace.size() + 5;
  bool same = prefix_key_.size() == key_size;
  if (same) {
    std::size_t at = 0;
    for (const std::string_view v : {s.file, s.isa13, s.gs06, s.st02, s.trace}) {
      if (prefix_key_.compare(at, v.size(), v) != 0 || prefix_key_[at + v.size()] != '\x1f') {
        same = false;
        break;
      }
      at += v.size() + 1;
    }
  }
  if (!same) {
    prefix_key_.clear();
    for (const std::string_view v : {s.file, s.isa13, s.gs06, s.st02, s.trace}) {
      prefix_key_.append(v);
      prefix_key_.push_back('\x1f');
    }
    prefix_.clear();
    JsonLine p(prefix_);
    set_members(p.begin_object(), s);
  }
  const std::string_view site_qualifier = d.requested_site.qualifier == model::SiteQualifier::bill_type          ? "A"
                                          : d.requested_site.qualifier == model::SiteQualifier::place_of_service ? "B"
                                                                                                                  : "";
  const std::string_view site_class = site_class_name(d.requested_site.site_class);
  const std::string_view outcome = soc::to_string(d.outcome);
  // The sentence may quote a value of the set (a date, a name in a free text): masked like every text.
  const std::string explanation = phi.scrub(d.explanation.sentence);
  const std::string_view authorized_pos = d.authorized_site ? std::string_view(d.authorized_site->code) : std::string_view();
  // The room the members below can take: their literals (under 512 bytes), numbers, and every
  // string at its worst-case escaped size.
  std::size_t room = 512;
  for (const std::string_view v : {std::string_view(d.hcpcs), std::string_view(d.requested_site.code), site_qualifier, site_class, outcome,
                                   std::string_view(d.hcr01), std::string_view(d.hcr03), std::string_view(d.policy_id),
                                   std::string_view(d.section), std::string_view(d.rule_id), authorized_pos, record.certification,
                                   record.tracking, std::string_view(explanation)})
    room += detail::json_string_room(v);
  for (auto c : d.redirect_to) room += detail::json_string_room(mapping::to_string(c)) + 1;
  for (const auto& doc : d.documents_needed) room += detail::json_string_room(doc) + 1;

  JsonLine j(line_, JsonLine::Scratch{});
  j.resume_object(prefix_);
  JsonRun r(j.begin_run(room));
  r.raw(",\"line\":").number(d.line_number);
  r.raw(",\"hcpcs\":").string(d.hcpcs).raw(",\"requested_pos\":").string_or_null(d.requested_site.code);
  r.raw(",\"site_qualifier\":").string(site_qualifier).raw(",\"site_class\":").string_or_null(site_class);
  r.raw(",\"decision\":").string(outcome).raw(",\"hcr01\":").string(d.hcr01).raw(",\"hcr03\":").string_or_null(d.hcr03);
  r.raw(",\"policy\":").string(d.policy_id).raw(",\"section\":").string(d.section).raw(",\"rule\":").string(d.rule_id);
  r.raw(",\"redirect_to\":[");
  for (std::size_t k = 0; k < d.redirect_to.size(); ++k) {
    if (k != 0) r.raw(",");
    r.string(mapping::to_string(d.redirect_to[k]));
  }
  r.raw("],\"certified_facility\":").boolean(d.certified_facility).raw(",\"authorized_pos\":").string_or_null(authorized_pos);
  r.raw(",\"certification\":").string_or_null(record.certification).raw(",\"tracking\":").string_or_null(record.tracking);
  if (d.approved_span && d.approved_span->first.year >= 0 && d.approved_span->first.year <= 9999 && d.approved_span->last.year >= 0 &&
      d.approved_span->last.year <= 9999) {
    const core::Date& from = d.approved_span->first;
    const core::Date& to = d.approved_span->last;
    r.raw(",\"approved_from\":").iso_date(from.year, from.month, from.day).raw(",\"approved_to\":").iso_date(to.year, to.month, to.day);
  } else if (d.approved_span) {  // a year past four digits: Date::iso() knows how to write it
    r.raw(",\"approved_from\":").string(d.approved_span->first.iso()).raw(",\"approved_to\":").string(d.approved_span->last.iso());
  } else {
    r.raw(",\"approved_from\":null,\"approved_to\":null");
  }
  r.raw(",\"documents_needed\":[");
  for (std::size_t k = 0; k < d.documents_needed.size(); ++k) {
    if (k != 0) r.raw(",");
    r.string(d.documents_needed[k]);
  }
  r.raw("],\"explanation\":").string(explanation);
  j.end_run(r);
  if (full_) full_detail(j, d, phi);
  j.end_object();
  j.newline();
  out_->sputn(j.text().data(), static_cast<std::streamsize>(j.text().size()));
}

}  // namespace soc278::engine

// soc278 explain FILE [--st WHICH] [--json]: for EDI analysts replaying an interchange. The loop tree
// with the guide's loop, segment and element names and the values, findings inline at their
// position, then each service line's decision with the criteria tried, the evidence found or
// missing, and the section. --json gives the same as one JSON document: every set selected, as a
// tree keyed by guide ids, and the envelope findings. --st picks sets (explain_select.hpp).
// Person-identifying values are masked everywhere (privacy.hpp) unless --show-phi.
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <map>

#include "app/commands.hpp"
#include "app/console_text.hpp"
#include "app/input.hpp"
#include "app/explain_select.hpp"
#include "app/engine_names.hpp"
#include "app/source_lines.hpp"
#include "app/run_common.hpp"
#include "soc278/engine/processor.hpp"

namespace soc278::app {
namespace {

using ordered_json = nlohmann::ordered_json;

struct Options {
  std::string file;
  std::string st;  // empty = every transaction set (explain_select.hpp)
  std::string decisions;  // the process run's decision report, for --st by certification number
  std::string data;
  std::string now;
  std::string policy;
  std::string quirks;
  bool json = false;
  bool show_phi = false;
  bool verbose = false;
  std::size_t max_lines = 5000;  // text lines per file (0: all)
  std::size_t max_sets = 100;    // transaction sets shown per file (0: all)
};

ordered_json at_json(const core::SourcePosition& at, SourceLines& lines) {
  ordered_json j;
  const LineColumn lc = lines.locate(at);
  j["line"] = lc.line;
  j["column"] = lc.column;
  j["byte"] = at.byte_offset;
  j["segment"] = at.segment_in_file;
  j["set_position"] = at.segment_in_set;
  if (at.element != 0) j["element"] = at.element;
  if (at.component != 0) j["component"] = at.component;
  return j;
}

// The engine's sets, printed: every set goes through the same TransactionProcessor as `process`
// (validation, answerability, routing, decision), with the notes and detail turned on.
class Explainer final : public engine::ProcessorEvents {
 public:
  Explainer(const Options& o, const SetSelector& select) : o_(o), select_(select), lines_(o.file) {}

  [[nodiscard]] std::size_t selected() const noexcept { return selected_; }
  [[nodiscard]] std::size_t seen() const noexcept { return ordinal_; }
  [[nodiscard]] SourceLines& lines() noexcept { return lines_; }
  [[nodiscard]] std::size_t json_sets() const noexcept { return json_sets_; }
  [[nodiscard]] std::size_t sets_left_out() const noexcept { return sets_left_out_; }
  [[nodiscard]] std::size_t lines_left_out() const noexcept { return lines_left_out_; }

  // Prints one text line through print_line() while --max-lines allows; counts the rest.
  void line(std::string_view text) {
    if (o_.max_lines != 0 && lines_printed_ >= o_.max_lines) {
      ++lines_left_out_;
      return;
    }
    ++lines_printed_;
    print_line(text);
  }

  void on_set(const engine::SetOutcome& o) override {
    const x12::InterchangeInfo& i = *o.interchange;
    const x12::GroupInfo& g = *o.group;
    const x12::TransactionInfo& t = *o.transaction;
    const ig::TransactionResult& r = *o.validation;
    ++ordinal_;
    if (!select_.matches(ordinal_, i, g, t, r)) return;
    ++selected_;
    if (o_.max_sets != 0 && selected_ > o_.max_sets) {
      ++sets_left_out_;
      return;
    }
    phi_.clear();
    if (!o_.show_phi) phi_.collect(r);
    // Findings by set position, without the IK3 that only carries the element findings after it.
    findings_.clear();
    for (std::size_t k = 0; k < r.findings.size(); ++k) {
      if (k + 1 < r.findings.size() && carried_by(r.findings[k], r.findings[k + 1])) continue;
      findings_.emplace(r.findings[k].at.segment_in_set, &r.findings[k]);
    }
    const bool envelope_rejected = engine::set_rejected(t, r) && !r.rejected;
    const bool decidable = o.status == engine::SetStatus::decided || o.status == engine::SetStatus::unanswerable;
    static const std::vector<soc::Rejection> no_rejections;
    const std::vector<soc::Rejection>& rejections = o.verdict != nullptr ? o.verdict->problems : no_rejections;
    const std::string routing = o.verdict != nullptr ? engine::routing_text(*o.verdict) : std::string();
    std::vector<const soc::LineDecision*> decisions;
    for (const auto& d : o.decisions) decisions.push_back(d.decision);
    if (o_.json) {
      ordered_json j;
      j["transaction"] = {{"ordinal", ordinal_}, {"isa13", i.isa.control_number}, {"gs06", g.control_number}, {"st02", t.control_number},
                          {"trace", r.trn02_trace}, {"guide", r.guide != nullptr ? r.guide->id : std::string()},
                          {"accepted", !r.rejected && !envelope_rejected}};
      j["cause"] = cause(t, r);
      j["tree"] = loop_json(r, r.root);
      ordered_json f = ordered_json::array();
      for (const auto& [position, d] : findings_) f.push_back(finding_json(*d));
      j["findings"] = f;
      j["routing"] = routing;
      ordered_json aaa = ordered_json::array();
      for (const auto& x : rejections)
        aaa.push_back({{"loop", x.loop}, {"aaa03", x.aaa03}, {"aaa04", x.aaa04}, {"message", text(x.message)}});
      j["unanswerable"] = aaa;
      ordered_json lines = ordered_json::array();
      for (const soc::LineDecision* d : decisions) lines.push_back(decision_json(*d));
      j["decisions"] = lines;
      // Streamed into the one document run_explain opened, a set at a time (memory stays one set's).
      std::cout << (json_sets_ == 0 ? "\n" : ",\n") << json_text(j, 2);
      ++json_sets_;
      return;
    }
    line(fmt::format("transaction {} of {}: ISA13 {}, GS06 {}, ST02 {} - guide {} ({})", ordinal_, o_.file, i.isa.control_number,
                             g.control_number, t.control_number, r.guide != nullptr ? r.guide->id : "none",
                             r.guide != nullptr ? r.guide->name : "no guide matched"));
    for (auto c : t.findings.codes) line(fmt::format("  ! envelope: {} - {}", core::name(c), core::info(c).summary));
    print_loop(r, r.root, 1);
    // Counted as validate counts them: the IK3 carrying element findings is not one of its own.
    std::size_t errors = r.errors, warnings = r.warnings;
    for (const auto& d : r.findings) {
      if (d.code != core::DiagCode::ig_segment_has_element_errors) continue;
      if (d.severity == core::Severity::error && errors > 0) --errors;
      if (d.severity == core::Severity::warning && warnings > 0) --warnings;
    }
    line(fmt::format("  verdict: {} ({} error(s), {} warning(s))", r.rejected || envelope_rejected ? "REJECTED (999 IK501 R)" : "accepted",
                             errors, warnings));
    if (const std::string why = cause(t, r); !why.empty()) line("  cause: " + why);
    if (!decidable) {
      line(std::string("  no decision: ") + (r.guide == nullptr || r.guide->purpose != "request" ? "not a 278 request" : "rejected by the validator"));
      line("");
      return;
    }
    for (const auto& x : rejections)
      line(fmt::format("  cannot be answered: {} AAA*{}**{}*{} - {}", x.loop, x.aaa01, x.aaa03, x.aaa04, text(x.message)));
    if (!routing.empty()) line("  routing: " + text(routing));
    for (const soc::LineDecision* d : decisions) print_decision(*d);
    line("");
  }

 private:
  // A free text of the decision trace (evidence, notes, AAA reasons) with the member's values masked.
  [[nodiscard]] std::string text(std::string_view t) const { return phi_.scrub(t); }

  // A value of the tree: masked when the content rule says element `e` may be a person's
  // (privacy.hpp; masked_ was filled for the segment by masked_elements()); a free text also loses
  // the set's masked values it quotes.
  [[nodiscard]] std::string shown(std::size_t e, std::string_view value) const {
    if (o_.show_phi) return std::string(value);
    if (e >= 1 && e <= masked_.size() && masked_[e - 1]) return mask_identifier(value);
    return phi_.scrub(value);
  }

  // Why a set is rejected, the real cause first: the envelope's first error, else the guide's
  // first error that is not the IK3 carrying element findings ("" when nothing rejects it).
  [[nodiscard]] std::string cause(const x12::TransactionInfo& t, const ig::TransactionResult& r) {
    for (auto c : t.findings.codes)
      if (core::info(c).severity == core::Severity::error) return fmt::format("{} - {}", core::name(c), core::info(c).summary);
    for (const auto& [position, d] : findings_) {
      if (d->severity != core::Severity::error) continue;
      const LineColumn lc = lines_.locate(d->at);
      return fmt::format("{} ({}, {}:{}:{})", finding_message(*d, o_.show_phi), core::name(d->code), o_.file, lc.line, lc.column);
    }
    (void)r;
    return {};
  }

  ordered_json finding_json(const core::Diagnostic& d) {
    return {{"code", core::name(d.code)}, {"severity", core::to_string(d.severity)}, {"loop", d.loop_id},
            {"segment_id", d.segment()}, {"at", at_json(d.at, lines_)}, {"message", finding_message(d, o_.show_phi)}};
  }

  // A segment's id as printed: text that did not split on the element separator is masked past its
  // first three characters (privacy.hpp), unless --show-phi.
  [[nodiscard]] std::string shown_id(const x12::SegmentView& s) const {
    return o_.show_phi ? std::string(s.id()) : engine::printable_segment_id(s.id());
  }

  ordered_json segment_json(const ig::TransactionResult& r, const ig::SegmentNode& n, std::string_view loop) {
    const x12::SegmentView s = r.view(n);
    masked_elements(s, loop, masked_);
    const std::string id = shown_id(s);
    ordered_json j;
    j["id"] = id;
    j["name"] = n.rule != nullptr ? n.rule->name : std::string();
    j["at"] = at_json(n.at, lines_);
    ordered_json elements = ordered_json::object();
    for (std::size_t e = 1; e <= s.element_count(); ++e) {
      if (s.element(e).empty()) continue;
      const ig::ElementRule* rule = n.rule != nullptr ? n.rule->element(e) : nullptr;
      const std::string key = fmt::format("{}{:02}", id, e);
      ordered_json v;
      v["name"] = rule != nullptr ? rule->name : std::string();
      if (rule != nullptr && !rule->components.empty()) {
        ordered_json comps = ordered_json::object();
        for (std::size_t c = 1; c <= s.component_count(e); ++c) {
          if (s.component(e, c).empty()) continue;
          comps[fmt::format("{}-{}", key, c)] = {
              {"name", c <= rule->components.size() ? rule->components[c - 1].name : std::string()},
              {"value", shown(e, s.component(e, c))}};
        }
        v["components"] = comps;
      } else {
        v["value"] = shown(e, s.element(e));
      }
      elements[key] = v;
    }
    j["elements"] = elements;
    ordered_json f = ordered_json::array();
    const auto range = findings_.equal_range(n.at.segment_in_set);
    for (auto it = range.first; it != range.second; ++it) f.push_back(finding_json(*it->second));
    if (!f.empty()) j["findings"] = f;
    return j;
  }

  ordered_json loop_json(const ig::TransactionResult& r, const ig::LoopNode& loop) {
    ordered_json j;
    j["loop"] = loop.id().empty() ? "transaction" : std::string(loop.id());
    j["name"] = loop.def != nullptr ? loop.def->name : std::string();
    ordered_json segs = ordered_json::array();
    for (const auto& n : loop.segments) segs.push_back(segment_json(r, n, loop.id()));
    j["segments"] = segs;
    ordered_json children = ordered_json::object();
    for (const auto& c : loop.children) {
      const std::string id(c.id());
      if (!children.contains(id)) children[id] = ordered_json::array();
      children[id].push_back(loop_json(r, c));
    }
    if (!children.empty()) j["loops"] = children;
    return j;
  }

  void print_loop(const ig::TransactionResult& r, const ig::LoopNode& loop, int depth) {
    const std::string pad(static_cast<std::size_t>(depth) * 2, ' ');
    if (!loop.id().empty()) line(fmt::format("{}{} {}", pad, loop.id(), loop.def != nullptr ? loop.def->name : ""));
    // Segments and child loops in transmission order (the root holds ST and the heading before
    // the loops, the trailer and SE after them).
    const auto print_segment = [&](const ig::SegmentNode& n) {
      const x12::SegmentView s = r.view(n);
      masked_elements(s, loop.id(), masked_);
      const std::string id = shown_id(s);
      const LineColumn lc = lines_.locate(n.at);
      line(fmt::format("{}  {} {} ({}:{}:{}, segment {}, set position {}{})", pad, id, n.rule != nullptr ? n.rule->name : "",
                               o_.file, lc.line, lc.column, n.at.segment_in_file, n.at.segment_in_set,
                               o_.verbose ? fmt::format(", byte {}", n.at.byte_offset) : std::string()));
      for (std::size_t e = 1; e <= s.element_count(); ++e) {
        if (s.element(e).empty()) continue;
        const ig::ElementRule* rule = n.rule != nullptr ? n.rule->element(e) : nullptr;
        if (rule != nullptr && !rule->components.empty()) {
          for (std::size_t c = 1; c <= s.component_count(e); ++c) {
            if (s.component(e, c).empty()) continue;
            const ig::ValueRule* cr = c <= rule->components.size() ? &rule->components[c - 1] : nullptr;
            line(fmt::format("{}      {}{:02}-{} {} = {}", pad, id, e, c, cr != nullptr ? cr->name : "",
                                     shown(e, s.component(e, c))));
          }
        } else {
          line(fmt::format("{}      {}{:02} {} = {}", pad, id, e, rule != nullptr ? rule->name : "",
                                   shown(e, s.element(e))));
        }
      }
      const auto range = findings_.equal_range(n.at.segment_in_set);
      for (auto it = range.first; it != range.second; ++it)
        line(fmt::format("{}    ! {} {}: {}", pad, core::to_string(it->second->severity), core::name(it->second->code),
                                 finding_message(*it->second, o_.show_phi)));
        };
    std::size_t next_child = 0;
    for (const auto& n : loop.segments) {
      while (next_child < loop.children.size() && loop.children[next_child].at.segment_in_set < n.at.segment_in_set)
        print_loop(r, loop.children[next_child++], depth + 1);
      print_segment(n);
    }
    while (next_child < loop.children.size()) print_loop(r, loop.children[next_child++], depth + 1);
  }

  ordered_json evidence_json(const std::vector<soc::EvidenceItem>& items) {
    ordered_json a = ordered_json::array();
    for (const auto& e : items)
      a.push_back({{"segment", e.segment}, {"loop", e.loop}, {"text", text(e.text)}, {"at", at_json(e.at, lines_)}});
    return a;
  }

  ordered_json decision_json(const soc::LineDecision& d) {
    ordered_json j;
    j["line"] = d.line_number;
    j["hcpcs"] = d.hcpcs;
    j["requested_site"] = {{"code", d.requested_site.code}, {"loop", d.requested_site.loop},
                           {"site_class", d.requested_site.site_class ? std::string(mapping::to_string(*d.requested_site.site_class)) : ""}};
    j["decision"] = soc::to_string(d.outcome);
    j["hcr01"] = d.hcr01;
    j["hcr03"] = d.hcr03;
    j["policy"] = d.policy_id;
    j["section"] = d.section;
    j["rule"] = d.rule_id;
    ordered_json to = ordered_json::array();
    for (auto c : d.redirect_to) to.push_back(mapping::to_string(c));
    j["redirect_to"] = to;
    j["documents_needed"] = d.documents_needed;
    ordered_json criteria = ordered_json::array();
    for (const auto& c : d.explanation.criteria)
      criteria.push_back({{"criterion", c.criterion_id}, {"section", c.section}, {"outcome", soc::to_string(c.outcome)},
                          {"note", text(c.note)}, {"evidence", evidence_json(c.evidence)}});
    j["criteria"] = criteria;
    j["facts"] = evidence_json(d.explanation.facts);
    j["explanation"] = text(d.explanation.sentence);
    return j;
  }

  void print_decision(const soc::LineDecision& d) {
    line(fmt::format("  line {}: {} at {} ({}) -> {} (HCR01 {}{}), {} {} [{}]", d.line_number, d.hcpcs,
                             d.requested_site.code.empty() ? "no site" : d.requested_site.code,
                             d.requested_site.site_class ? mapping::to_string(*d.requested_site.site_class) : "unknown",
                             soc::to_string(d.outcome), d.hcr01, d.hcr03.empty() ? "" : ", HCR03 " + d.hcr03, d.policy_id, d.section, d.rule_id));
    for (const auto& c : d.explanation.criteria) {
      line(fmt::format("      {:<16} {:<15} {}", c.criterion_id, soc::to_string(c.outcome), text(c.note)));
      for (const auto& e : c.evidence)
        line(fmt::format("          {} {} (segment {}, set position {}): {}", e.loop, e.segment, e.at.segment_in_file,
                                 e.at.segment_in_set, text(e.text)));
    }
    for (const auto& doc : d.documents_needed) line("      needed: " + doc);
    line("      " + text(d.explanation.sentence));
  }

  const Options& o_;
  const SetSelector& select_;
  SourceLines lines_;
  std::size_t ordinal_ = 0;
  std::size_t selected_ = 0;
  std::multimap<std::uint32_t, const core::Diagnostic*> findings_;
  PhiValues phi_;
  std::vector<bool> masked_;  // of the segment being printed
  std::size_t json_sets_ = 0;  // sets printed into the --json document
  std::size_t sets_left_out_ = 0;
  std::size_t lines_printed_ = 0;
  std::size_t lines_left_out_ = 0;
};

int run_explain(const Options& o) {
  const auto dir = data_dir(o.data);
  const auto guides = load_guides_or_report(dir);
  if (!guides) return exit_usage;
  const auto mappings = load_mappings_or_report(dir, *guides);
  if (!mappings) return exit_usage;
  if (!o.policy.empty() && mappings->policy(o.policy) == nullptr) {
    print_line(std::cerr, fmt::format("soc278: --policy: no policy '{}'", o.policy));
    return exit_usage;
  }
  const auto now = now_option(o.now);
  if (!now) return exit_usage;
  // The same quirk switches as the `process` run being replayed, or its findings would differ.
  auto validation = quirks_option(o.quirks);
  if (!validation) return exit_usage;
  validation->build_tree = true;  // the explanation walks the loop tree
  auto in = open_input(o.file);
  if (!in->source) {
    print_line(std::cerr, fmt::format("soc278: {}: cannot open: {}", o.file, in->error));
    return exit_usage;
  }
  std::string error;
  const auto select = SetSelector::parse(o.st, o.decisions, error);
  if (!select) {
    print_line(std::cerr, fmt::format("soc278: --st {}: {}", o.st, error));
    return exit_usage;
  }
  Explainer explainer(o, *select);
  // --json: one document for the whole file, whatever the number of sets; the sets are streamed
  // into its "transactions" array as they are read.
  if (o.json) {
    std::cout << "{\"schema\": \"soc278.explain/1\", \"file\": " << json_string(o.file);
    if (!core::valid_utf8(o.file)) std::cout << ", \"file_bytes\": " << json_string(core::percent_invalid_utf8(o.file));
    std::cout << ", \"transactions\": [";
  }
  core::DiagnosticList envelope_findings(200);
  // The same engine as `process`, writing nothing: control numbers are never drawn.
  respond::ControlNumberSequence no_numbers(1);
  engine::ProcessorConfig config;
  config.guides = &*guides;
  config.validation = *validation;
  config.mappings = &*mappings;
  config.forced_policy = o.policy;
  config.now = *now;
  config.numbers = &no_numbers;
  config.explain = true;
  config.forward_set_findings = false;  // each set's findings are printed inside it
  engine::TransactionProcessor processor(config, engine::Outputs{}, envelope_findings, &explainer);
  const engine::FileReport summary = processor.run(*in->source, o.file);
  if (o.json) {
    ordered_json envelope = ordered_json::array();
    for (const auto& d : envelope_findings.items()) {
      envelope.push_back({{"code", core::name(d.code)}, {"severity", core::to_string(d.severity)}, {"segment_id", d.segment()},
                          {"at", at_json(d.at, explainer.lines())}, {"message", finding_message(d, o.show_phi)}});
    }
    std::cout << (explainer.json_sets() == 0 ? "" : "\n") << "],\n\"envelope_findings\": " << json_text(envelope, 2);
    if (explainer.sets_left_out() > 0) std::cout << ",\n\"sets_left_out\": " << explainer.sets_left_out();
    std::cout << "}\n";
  } else {
    std::size_t shown = 0;
    for (const auto& d : envelope_findings.items()) {
      if (o.max_lines != 0 && ++shown > default_max_findings) break;
      print_line(format_finding(o.file, d, &explainer.lines(), o.verbose, o.show_phi));
    }
    if (o.max_lines != 0 && envelope_findings.items().size() > default_max_findings)
      print_line(fmt::format("... and {} more envelope findings (--max-lines 0 prints all)", envelope_findings.items().size() - default_max_findings));
    if (explainer.lines_left_out() > 0)
      print_line(fmt::format("... and {} more lines (--max-lines 0 prints all; --st picks one set)", explainer.lines_left_out()));
    if (explainer.sets_left_out() > 0)
      print_line(fmt::format("... and {} more transaction sets (--max-sets 0 shows all; --st picks one)", explainer.sets_left_out()));
  }
  if (!select->all() && explainer.selected() == 0) {
    print_line(std::cerr, fmt::format("soc278: --st {}: no transaction set of the file matches (it has {})", o.st, summary.transactions));
    return exit_usage;
  }
  return summary.rejected > 0 || envelope_findings.count(core::Severity::error) > 0 ? exit_rejected : exit_clean;
}

}  // namespace

Verb add_explain(CLI::App& app) {
  auto o = std::make_shared<Options>();
  Verb v;
  v.command = app.add_subcommand("explain",
                                 "Show each transaction's loop tree with the guide's names, findings inline, and each line's decision\n"
                                 "with the criteria tried and the evidence. Exit 0 when accepted, 1 when anything was rejected.");
  v.command->add_option("file", o->file, "X12 file ('-' reads standard input)")->required();
  v.command->add_option("--st", o->st,
                        "only these transaction sets: N (the Nth of the file), GS06:ST02 (e.g. 5:0001), a TRN02 trace\n"
                        "(or trace:VALUE), a certification number (cert:VALUE, with --decisions)");
  v.command->add_option("--decisions", o->decisions, "the process run's decision report (<stem>.decisions.jsonl), for --st by certification number");
  v.command->add_flag("--json", o->json, "one JSON document: each set as a tree keyed by guide ids (2000E, UM04), each value with its position");
  v.command->add_flag("--verbose", o->verbose, "also print byte offsets (positions print FILE:LINE:COL)");
  v.command->add_option("--policy", o->policy, "apply this policy whatever routing.yaml says");
  v.command->add_option("--now", o->now, "decision date, YYYY-MM-DD (default: today, UTC)");
  v.command->add_option("--quirks", o->quirks, "partner quirk switches (YAML), as given to the process run replayed");
  v.command->add_option("--data", o->data, "folder holding grammars/ and mappings/");
  v.command->add_flag("--show-phi", o->show_phi, "show member names, ids, birth dates and street addresses in full");
  v.command->add_option("--max-lines", o->max_lines, "print at most this many text lines per file, then their count (default 5000; 0: all)");
  v.command->add_option("--max-sets", o->max_sets, "show at most this many transaction sets per file, then their count (default 100; 0: all)");
  v.run = [o] { return run_explain(*o); };
  return v;
}

}  // namespace soc278::app

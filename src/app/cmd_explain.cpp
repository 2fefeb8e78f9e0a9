// soc278 explain FILE [--st N] [--json]: for EDI analysts replaying an interchange. The loop tree
// with the guide's loop, segment and element names and the values, findings inline at their
// position, then each service line's decision with the criteria tried, the evidence found or
// missing, and the section. --json gives the same as a tree keyed by guide ids.
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <map>

#include "app/commands.hpp"
#include "app/input.hpp"
#include "app/privacy.hpp"
#include "app/run_common.hpp"
#include "soc278/model/bind.hpp"
#include "soc278/soc/answerable.hpp"
#include "soc278/soc/evaluate.hpp"

namespace soc278::app {
namespace {

using ordered_json = nlohmann::ordered_json;

struct Options {
  std::string file;
  std::size_t st = 0;  // 0 = every transaction set
  std::string data;
  std::string now;
  std::string policy;
  std::string quirks;
  bool json = false;
  bool show_phi = false;
};

// Values that identify a person are masked unless --show-phi (the bind names say which).
bool personal(std::string_view bind) {
  if (bind.rfind("subscriber.", 0) != 0 && bind.rfind("dependent.", 0) != 0) return false;
  return bind.find("name") != std::string_view::npos || bind.find("member_id") != std::string_view::npos ||
         bind.find("birth_date") != std::string_view::npos;
}

std::string shown(std::string_view value, std::string_view bind, bool show_phi) {
  return !show_phi && personal(bind) ? mask_identifier(value) : std::string(value);
}

ordered_json at_json(const core::SourcePosition& at) {
  ordered_json j;
  j["byte"] = at.byte_offset;
  j["segment"] = at.segment_in_file;
  j["set_position"] = at.segment_in_set;
  if (at.element != 0) j["element"] = at.element;
  if (at.component != 0) j["component"] = at.component;
  return j;
}

class Explainer {
 public:
  Explainer(const Options& o, const mapping::MappingSet& m, core::DateTime now) : o_(o), mappings_(m), now_(now) {}

  void transaction(const x12::InterchangeInfo& i, const x12::GroupInfo& g, const x12::TransactionInfo& t, ig::TransactionResult& r) {
    ++ordinal_;
    if (o_.st != 0 && o_.st != ordinal_) return;
    findings_.clear();
    for (const auto& d : r.findings) findings_.emplace(d.at.segment_in_set, &d);
    std::vector<soc::LineDecision> decisions;
    std::vector<soc::Rejection> rejections;
    std::string routing;
    const bool envelope_rejected = [&] {
      for (auto c : t.findings.codes)
        if (core::info(c).severity == core::Severity::error) return true;
      return false;
    }();
    const bool decidable = !r.rejected && !envelope_rejected && r.guide != nullptr && r.guide->purpose == "request";
    if (decidable) {
      const auto request = model::bind_request(r, i, g, t);
      rejections = soc::check_answerable(request, now_.date);
      if (rejections.empty()) {
        static const soc::NoHistory history;
        const soc::EvaluationContext ctx{now_.date};
        if (!o_.policy.empty()) {
          decisions = soc::evaluate(request, *mappings_.policy(o_.policy), mappings_, history, ctx);
          routing = fmt::format("policy {} (--policy)", o_.policy);
        } else {
          auto d = soc::decide(request, mappings_, history, ctx);
          routing = d.routing.routed() ? fmt::format("policy {} (matched {} = {})", d.routing.policy_id, d.routing.matched_by,
                                                     d.routing.matched_value)
                                       : fmt::format("no policy: {}", d.routing.reason);
          decisions = std::move(d.lines);
        }
      }
    }
    if (o_.json) {
      ordered_json j;
      j["transaction"] = {{"ordinal", ordinal_}, {"isa13", i.isa.control_number}, {"gs06", g.control_number}, {"st02", t.control_number},
                          {"guide", r.guide != nullptr ? r.guide->id : std::string()}, {"accepted", !r.rejected && !envelope_rejected}};
      j["tree"] = loop_json(r, r.root);
      ordered_json f = ordered_json::array();
      for (const auto& d : r.findings) f.push_back(finding_json(d));
      j["findings"] = f;
      j["routing"] = routing;
      ordered_json aaa = ordered_json::array();
      for (const auto& x : rejections) aaa.push_back({{"loop", x.loop}, {"aaa03", x.aaa03}, {"aaa04", x.aaa04}, {"message", x.message}});
      j["unanswerable"] = aaa;
      ordered_json lines = ordered_json::array();
      for (const auto& d : decisions) lines.push_back(decision_json(d));
      j["decisions"] = lines;
      std::cout << j.dump(2) << '\n';
      return;
    }
    std::cout << fmt::format("transaction {} of {}: ISA13 {}, GS06 {}, ST02 {} - guide {} ({})\n", ordinal_, o_.file, i.isa.control_number,
                             g.control_number, t.control_number, r.guide != nullptr ? r.guide->id : "none",
                             r.guide != nullptr ? r.guide->name : "no guide matched");
    for (auto c : t.findings.codes) std::cout << fmt::format("  ! envelope: {} - {}\n", core::name(c), core::info(c).summary);
    print_loop(r, r.root, 1);
    std::cout << fmt::format("  verdict: {} ({} error(s), {} warning(s))\n", r.rejected || envelope_rejected ? "REJECTED (999 IK501 R)" : "accepted",
                             r.errors, r.warnings);
    if (!decidable) {
      std::cout << "  no decision: " << (r.guide == nullptr || r.guide->purpose != "request" ? "not a 278 request" : "rejected by the validator")
                << "\n\n";
      return;
    }
    for (const auto& x : rejections)
      std::cout << fmt::format("  cannot be answered: {} AAA*{}**{}*{} - {}\n", x.loop, x.aaa01, x.aaa03, x.aaa04, x.message);
    if (!routing.empty()) std::cout << "  routing: " << routing << '\n';
    for (const auto& d : decisions) print_decision(d);
    std::cout << '\n';
  }

 private:
  ordered_json finding_json(const core::Diagnostic& d) const {
    return {{"code", core::name(d.code)}, {"severity", core::to_string(d.severity)}, {"loop", d.loop_id},
            {"segment_id", d.segment()}, {"at", at_json(d.at)}, {"message", d.message}};
  }

  ordered_json segment_json(const ig::TransactionResult& r, const ig::SegmentNode& n) const {
    const x12::SegmentView s = r.view(n);
    ordered_json j;
    j["id"] = s.id();
    j["name"] = n.rule != nullptr ? n.rule->name : std::string();
    j["at"] = at_json(n.at);
    ordered_json elements = ordered_json::object();
    for (std::size_t e = 1; e <= s.element_count(); ++e) {
      if (s.element(e).empty()) continue;
      const ig::ElementRule* rule = n.rule != nullptr ? n.rule->element(e) : nullptr;
      const std::string key = fmt::format("{}{:02}", s.id(), e);
      ordered_json v;
      v["name"] = rule != nullptr ? rule->name : std::string();
      const std::string bind = rule != nullptr ? rule->bind : std::string();
      if (rule != nullptr && !rule->components.empty()) {
        ordered_json comps = ordered_json::object();
        for (std::size_t c = 1; c <= s.component_count(e); ++c) {
          if (s.component(e, c).empty()) continue;
          const std::string cbind = c <= rule->components.size() ? rule->components[c - 1].bind : std::string();
          comps[fmt::format("{}-{}", key, c)] = {
              {"name", c <= rule->components.size() ? rule->components[c - 1].name : std::string()},
              {"value", shown(s.component(e, c), cbind, o_.show_phi)}};
        }
        v["components"] = comps;
      } else {
        v["value"] = shown(s.element(e), bind, o_.show_phi);
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

  ordered_json loop_json(const ig::TransactionResult& r, const ig::LoopNode& loop) const {
    ordered_json j;
    j["loop"] = loop.id().empty() ? "transaction" : std::string(loop.id());
    j["name"] = loop.def != nullptr ? loop.def->name : std::string();
    ordered_json segs = ordered_json::array();
    for (const auto& n : loop.segments) segs.push_back(segment_json(r, n));
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

  void print_loop(const ig::TransactionResult& r, const ig::LoopNode& loop, int depth) const {
    const std::string pad(static_cast<std::size_t>(depth) * 2, ' ');
    if (!loop.id().empty()) std::cout << fmt::format("{}{} {}\n", pad, loop.id(), loop.def != nullptr ? loop.def->name : "");
    // Segments and child loops in transmission order (the root holds ST and the heading before
    // the loops, the trailer and SE after them).
    const auto print_segment = [&](const ig::SegmentNode& n) {
      const x12::SegmentView s = r.view(n);
      std::cout << fmt::format("{}  {} {} (segment {}, set position {}, byte {})\n", pad, s.id(), n.rule != nullptr ? n.rule->name : "",
                               n.at.segment_in_file, n.at.segment_in_set, n.at.byte_offset);
      for (std::size_t e = 1; e <= s.element_count(); ++e) {
        if (s.element(e).empty()) continue;
        const ig::ElementRule* rule = n.rule != nullptr ? n.rule->element(e) : nullptr;
        if (rule != nullptr && !rule->components.empty()) {
          for (std::size_t c = 1; c <= s.component_count(e); ++c) {
            if (s.component(e, c).empty()) continue;
            const ig::ValueRule* cr = c <= rule->components.size() ? &rule->components[c - 1] : nullptr;
            std::cout << fmt::format("{}      {}{:02}-{} {} = {}\n", pad, s.id(), e, c, cr != nullptr ? cr->name : "",
                                     shown(s.component(e, c), cr != nullptr ? cr->bind : "", o_.show_phi));
          }
        } else {
          std::cout << fmt::format("{}      {}{:02} {} = {}\n", pad, s.id(), e, rule != nullptr ? rule->name : "",
                                   shown(s.element(e), rule != nullptr ? rule->bind : "", o_.show_phi));
        }
      }
      const auto range = findings_.equal_range(n.at.segment_in_set);
      for (auto it = range.first; it != range.second; ++it)
        std::cout << fmt::format("{}    ! {} {}: {}\n", pad, core::to_string(it->second->severity), core::name(it->second->code),
                                 it->second->message);
        };
    std::size_t next_child = 0;
    for (const auto& n : loop.segments) {
      while (next_child < loop.children.size() && loop.children[next_child].at.segment_in_set < n.at.segment_in_set)
        print_loop(r, loop.children[next_child++], depth + 1);
      print_segment(n);
    }
    while (next_child < loop.children.size()) print_loop(r, loop.children[next_child++], depth + 1);
  }

  static ordered_json evidence_json(const std::vector<soc::EvidenceItem>& items) {
    ordered_json a = ordered_json::array();
    for (const auto& e : items) a.push_back({{"segment", e.segment}, {"loop", e.loop}, {"text", e.text}, {"at", at_json(e.at)}});
    return a;
  }

  static ordered_json decision_json(const soc::LineDecision& d) {
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
      criteria.push_back({{"criterion", c.criterion_id}, {"section", c.section}, {"outcome", soc::to_string(c.outcome)}, {"note", c.note},
                          {"evidence", evidence_json(c.evidence)}});
    j["criteria"] = criteria;
    j["facts"] = evidence_json(d.explanation.facts);
    j["explanation"] = d.explanation.sentence;
    return j;
  }

  static void print_decision(const soc::LineDecision& d) {
    std::cout << fmt::format("  line {}: {} at {} ({}) -> {} (HCR01 {}{}), {} {} [{}]\n", d.line_number, d.hcpcs,
                             d.requested_site.code.empty() ? "no site" : d.requested_site.code,
                             d.requested_site.site_class ? mapping::to_string(*d.requested_site.site_class) : "unknown",
                             soc::to_string(d.outcome), d.hcr01, d.hcr03.empty() ? "" : ", HCR03 " + d.hcr03, d.policy_id, d.section, d.rule_id);
    for (const auto& c : d.explanation.criteria) {
      std::cout << fmt::format("      {:<16} {:<15} {}\n", c.criterion_id, soc::to_string(c.outcome), c.note);
      for (const auto& e : c.evidence)
        std::cout << fmt::format("          {} {} (segment {}, set position {}): {}\n", e.loop, e.segment, e.at.segment_in_file,
                                 e.at.segment_in_set, e.text);
    }
    for (const auto& doc : d.documents_needed) std::cout << "      needed: " << doc << '\n';
    std::cout << "      " << d.explanation.sentence << '\n';
  }

  const Options& o_;
  const mapping::MappingSet& mappings_;
  core::DateTime now_;
  std::size_t ordinal_ = 0;
  std::multimap<std::uint32_t, const core::Diagnostic*> findings_;
};

int run_explain(const Options& o) {
  const auto dir = data_dir(o.data);
  const auto guides = load_guides_or_report(dir);
  if (!guides) return exit_usage;
  const auto mappings = load_mappings_or_report(dir);
  if (!mappings) return exit_usage;
  if (!o.policy.empty() && mappings->policy(o.policy) == nullptr) {
    std::cerr << "soc278: --policy: no policy '" << o.policy << "'\n";
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
    std::cerr << fmt::format("soc278: {}: cannot open: {}\n", o.file, in->error);
    return exit_usage;
  }
  Explainer explainer(o, *mappings, *now);
  FindingPrinter printer(o.file, o.json, true);  // guide findings are shown inline, envelope ones below
  core::DiagnosticList envelope_findings(200);
  const auto summary = ig::validate_stream(
      *in->source, *guides, *validation, envelope_findings,
      [&](const x12::InterchangeInfo& i, const x12::GroupInfo& g, const x12::TransactionInfo& t, ig::TransactionResult& r) {
        explainer.transaction(i, g, t, r);
      });
  if (!o.json) {
    for (const auto& d : envelope_findings.items()) std::cout << format_diagnostic(o.file, d) << '\n';
  }
  if (o.st != 0 && o.st > summary.transactions) {
    std::cerr << fmt::format("soc278: --st {}: the file has {} transaction set(s)\n", o.st, summary.transactions);
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
  v.command->add_option("--st", o->st, "only the Nth transaction set of the file (1-based)");
  v.command->add_flag("--json", o->json, "a JSON tree keyed by guide ids (2000E, UM04), each value with its position");
  v.command->add_option("--policy", o->policy, "apply this policy whatever routing.yaml says");
  v.command->add_option("--now", o->now, "decision date, YYYY-MM-DD (default: today, UTC)");
  v.command->add_option("--quirks", o->quirks, "partner quirk switches (YAML), as given to the process run replayed");
  v.command->add_option("--data", o->data, "folder holding grammars/ and mappings/");
  v.command->add_flag("--show-phi", o->show_phi, "show member names, ids and birth dates in full");
  v.run = [o] { return run_explain(*o); };
  return v;
}

}  // namespace soc278::app

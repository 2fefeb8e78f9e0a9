// load_mappings(): reads mappings/*.yaml into the immutable tables of soc278::mapping.
//
// Cold path, run once at start-up. The files come as yaml::Document trees (src/yaml/: parsed once, or
// read from the start-up cache). Every problem is recorded as "<file>:<line>: message" (yaml_file.hpp)
// and reading goes on with the next row and the next file; load_mappings() returns them all in one
// Diagnostic, so nothing escapes the library boundary and a data author sees every mistake at once.
#include "soc278/mapping/load.hpp"

#include "load_parts.hpp"
#include "yaml_file.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace soc278::mapping {
namespace {

namespace fs = std::filesystem;
using core::DiagCode;
using detail::attempt;
using detail::fail_at;
using detail::File;
using detail::Skip;

// ---- X12 code lists the tables are checked against -------------------------------------------
// Read from the loaded guides (grammars/codes/*.yaml), the one place they are written.

struct CodeLists {
  const ig::CodeList* hcr01 = nullptr;  // hcr01_action (element 306), reference 3.3
  const ig::CodeList* hcr03 = nullptr;  // hcr03_decision_reason (code source 886), reference 3.4
  const ig::CodeList* pwk01 = nullptr;  // pwk01_report_type (element 755), reference 2.8
  const ig::CodeList* pwk02 = nullptr;  // pwk02_transmission (element 756)
};

// A list the guides lack was reported once by load_all(); its values are not checked again.
bool listed(const ig::CodeList* list, std::string_view v) {
  if (list == nullptr) return true;
  const auto it = std::lower_bound(list->entries.begin(), list->entries.end(), v,
                                   [](const std::pair<std::string, std::string>& e, std::string_view x) { return e.first < x; });
  return it != list->entries.end() && it->first == v;
}

template <std::size_t N>
bool in(const std::string_view (&list)[N], std::string_view v) {
  return std::find(std::begin(list), std::end(list), v) != std::end(list);
}

// ---- place-of-service.yaml -------------------------------------------------------------------

SiteClass site_class_at(const File& f, const yaml::Node& n, std::string_view what) {
  const std::string s = f.scalar(n, what);
  const auto c = site_class_from_string(s);
  if (!c)
    f.fail(DiagCode::mapping_invalid, n,
           fmt::format("unknown site class '{}' in {} (allowed: hospital_outpatient, infusion_suite_or_office, home, "
                       "pharmacy, out_of_scope)", s, what), s);
  return *c;
}

SiteTable load_sites(const File& f) {
  const yaml::Node& root = f.root();
  f.keys(root, "place-of-service.yaml", {"source", "site_classes", "place_of_service", "bill_types", "redirect_site_codes"});
  (void)f.str(root, "source", "place-of-service.yaml");

  std::set<SiteClass> declared;
  f.each(f.require(root, "site_classes", "place-of-service.yaml"), "site_classes", [&](const yaml::Node& n) {
    const SiteClass c = site_class_at(f, n, "site_classes");
    if (!declared.insert(c).second)
      f.fail(DiagCode::mapping_duplicate, n, fmt::format("site class '{}' is listed twice", to_string(c)), std::string(to_string(c)));
  });

  std::vector<yaml::Node> bill_nodes;  // the row of each entry of `bills`
  auto rows = [&](std::string_view key, bool pos) {
    std::vector<SiteCode> out;
    std::map<std::string, std::uint32_t> seen;
    const std::string what = fmt::format("a {} row", key);
    f.each(f.require(root, key, "place-of-service.yaml"), key, [&](const yaml::Node& r) {
      if (pos) f.keys(r, what, {"code", "name", "site_class"});
      else f.keys(r, what, {"code", "name", "site_class", "pos"});
      SiteCode s;
      s.code = f.str(r, "code", what);
      const yaml::Node code_node = f.get(r, "code");
      const bool two_digits = s.code.size() == 2 && std::isdigit(static_cast<unsigned char>(s.code[0])) &&
                              std::isdigit(static_cast<unsigned char>(s.code[1]));
      if (pos ? !model::PlaceOfService::parse(s.code) || !two_digits : !model::BillTypePrefix::parse(s.code) || !two_digits)
        f.fail(DiagCode::mapping_invalid, code_node,
               fmt::format("{} code '{}' is not two digits", pos ? "place-of-service" : "bill type", s.code), s.code);
      s.name = f.str(r, "name", what);
      s.site_class = site_class_at(f, f.require(r, "site_class", what), what);
      if (!declared.contains(s.site_class))
        f.fail(DiagCode::mapping_dangling_reference, f.get(r, "site_class"),
               fmt::format("site class '{}' is not in site_classes", to_string(s.site_class)), std::string(to_string(s.site_class)));
      s.line = f.line(r);
      if (auto [it, fresh] = seen.emplace(s.code, s.line); !fresh)
        f.fail(DiagCode::mapping_duplicate, code_node,
               fmt::format("{} code '{}' is listed twice (first at line {})", pos ? "place-of-service" : "bill type", s.code, it->second),
               s.code);
      out.push_back(std::move(s));
      if (!pos) bill_nodes.push_back(r);
    });
    return out;
  };
  std::vector<SiteCode> pos = rows("place_of_service", true);
  std::vector<SiteCode> bills = rows("bill_types", false);
  // A bill type names the place-of-service codes of the same setting and must be classed like them,
  // so the two UM04 qualifiers never classify one setting differently (bill type 83 / POS 24).
  for (std::size_t i = 0; i < bills.size(); ++i) attempt([&] {
    const yaml::Node r = bill_nodes[i];
    const std::string what = fmt::format("bill type '{}'", bills[i].code);
    for (auto& [code, n] : f.strings(f.require(r, "pos", what), "pos")) {
      // (A named copy: clang 14 cannot capture a structured binding.)
      const auto row = std::find_if(pos.begin(), pos.end(), [&, &wanted = code](const SiteCode& s) { return s.code == wanted; });
      if (row == pos.end())
        f.fail(DiagCode::mapping_dangling_reference, n, fmt::format("{}: pos '{}' is not a listed place of service", what, code), code);
      if (row->site_class != bills[i].site_class)
        f.fail(DiagCode::mapping_invalid, n,
               fmt::format("{} is classed {} but names place of service {} ({}), classed {}: the same setting must get the same class",
                           what, to_string(bills[i].site_class), code, row->name, to_string(row->site_class)), code);
      bills[i].pos.push_back(code);
    }
    if (bills[i].pos.empty()) f.fail(DiagCode::mapping_missing_key, r, fmt::format("{}: pos must name at least one place of service", what));
  });

  // UM04 written in a response that certifies a site class (redirect target); reference 7.
  std::array<std::string, all_site_classes.size()> redirect{};
  const yaml::Node rc = f.require(root, "redirect_site_codes", "place-of-service.yaml");
  f.keys(rc, "redirect_site_codes", {"hospital_outpatient", "infusion_suite_or_office", "home", "pharmacy", "out_of_scope"});
  for (const auto& kv : rc) attempt([&] {
    const auto known = site_class_from_string(kv.first.Scalar());
    if (!known) return;  // an unknown key, already reported by keys()
    const SiteClass c = *known;
    if (c == SiteClass::hospital_outpatient || c == SiteClass::out_of_scope)
      f.fail(DiagCode::mapping_invalid, kv.first,
             fmt::format("redirect_site_codes cannot name '{}': a redirect goes to a lower-cost site", to_string(c)));
    const std::string code = f.scalar(kv.second, "a redirect_site_codes value");
    const auto row = std::find_if(pos.begin(), pos.end(), [&](const SiteCode& s) { return s.code == code; });
    if (row == pos.end())
      f.fail(DiagCode::mapping_dangling_reference, kv.second,
             fmt::format("redirect code '{}' for {} is not a listed place of service", code, to_string(c)), code);
    if (row->site_class != c)
      f.fail(DiagCode::mapping_invalid, kv.second,
             fmt::format("redirect code '{}' is classed {}, not {}", code, to_string(row->site_class), to_string(c)), code);
    redirect[static_cast<std::size_t>(c)] = code;
  });
  return SiteTable(std::move(pos), std::move(bills), std::move(redirect));
}

// ---- evidence.yaml ---------------------------------------------------------------------------

struct GroupRef {
  std::string criterion;
  yaml::Mark at;
};

EvidenceTable load_evidence(const File& f, std::map<std::string, GroupRef>& refs, const CodeLists& lists) {
  const yaml::Node& root = f.root();
  f.keys(root, "evidence.yaml", {"source", "groups", "documentation"});
  (void)f.str(root, "source", "evidence.yaml");

  std::vector<EvidenceGroup> groups;
  std::map<std::string, std::uint32_t> group_ids;
  f.each(f.require(root, "groups", "evidence.yaml"), "groups", [&](const yaml::Node& g) {
    f.keys(g, "an evidence group", {"id", "criterion", "summary", "icd10"});
    const std::string id = f.str(g, "id", "an evidence group");
    if (auto [it, fresh] = group_ids.emplace(id, f.line(g)); !fresh)
      f.fail(DiagCode::mapping_duplicate, f.get(g, "id"), fmt::format("group id '{}' is used twice (first at line {})", id, it->second), id);
    const std::string criterion = f.str(g, "criterion", "an evidence group");
    refs[id] = GroupRef{criterion, f.get(g, "criterion").Mark()};
    const std::string summary = f.str(g, "summary", "an evidence group");

    std::vector<EvidenceCode> codes;
    std::map<std::string, std::uint32_t> seen;
    const std::string what = fmt::format("an icd10 row of group '{}'", id);
    f.each(f.require(g, "icd10", "an evidence group"), "icd10", [&](const yaml::Node& r) {
      f.keys(r, what, {"code", "match", "reason", "label", "source", "family"});
      EvidenceCode c;
      c.code = f.str(r, "code", what);
      const yaml::Node code_node = f.get(r, "code");
      if (c.code.find('.') != std::string::npos)
        f.fail(DiagCode::mapping_invalid, code_node,
               fmt::format("ICD-10-CM code '{}' must be written without the decimal point, as X12 HI sends it", c.code), c.code);
      const auto parsed = model::Icd10Code::parse(c.code);
      if (!parsed || parsed->view() != c.code)
        f.fail(DiagCode::mapping_invalid, code_node, fmt::format("'{}' is not an upper-case ICD-10-CM code or category", c.code), c.code);
      const std::string match = f.str(r, "match", what);
      if (match == "exact") c.match = MatchKind::exact;
      else if (match == "prefix") c.match = MatchKind::prefix;
      else f.fail(DiagCode::mapping_invalid, f.get(r, "match"), fmt::format("match must be exact or prefix, found '{}'", match), match);
      c.reason = f.str(r, "reason", what);
      c.label = f.str(r, "label", what);
      c.source = f.str(r, "source", what);
      c.family = f.str(r, "family", what);
      c.line = f.line(r);
      if (auto [it, fresh] = seen.emplace(c.code, c.line); !fresh)
        f.fail(DiagCode::mapping_duplicate, code_node,
               fmt::format("ICD-10 code '{}' is listed twice in group '{}' (first at line {})", c.code, id, it->second), c.code);
      codes.push_back(std::move(c));
    });
    if (codes.size() > 0xFFFF) f.fail(DiagCode::mapping_invalid, g, "an evidence group holds more than 65535 codes");
    groups.emplace_back(id, criterion, summary, std::move(codes), f.line(g));
  });

  const yaml::Node doc = f.require(root, "documentation", "evidence.yaml");
  f.keys(doc, "documentation", {"pwk_transmission_submitted", "pwk_transmission_not_submitted", "pwk_report_types_counted",
                                 "pwk_transmission_in_transit"});
  auto codes = [&](std::string_view key, auto check, std::string_view kind) {
    std::vector<std::string> out;
    for (auto& [v, n] : f.strings(f.require(doc, key, "documentation"), key)) {
      // Recorded, and the value left out: the rest of the file (its groups) is still good.
      if (!check(v)) {
        f.note(DiagCode::mapping_invalid, n, fmt::format("'{}' is not a {} code (x12-278-reference.md 2.8)", v, kind), v);
        continue;
      }
      if (std::find(out.begin(), out.end(), v) != out.end()) {
        f.note(DiagCode::mapping_duplicate, n, fmt::format("'{}' is listed twice in {}", v, key), v);
        continue;
      }
      out.push_back(v);
    }
    return out;
  };
  auto pwk02 = [&](const std::string& v) { return listed(lists.pwk02, v); };
  auto pwk01 = [&](const std::string& v) { return listed(lists.pwk01, v); };
  std::vector<std::string> sent = codes("pwk_transmission_submitted", pwk02, "PWK02 transmission");
  std::vector<std::string> not_sent = codes("pwk_transmission_not_submitted", pwk02, "PWK02 transmission");
  for (const auto& v : not_sent)
    if (std::find(sent.begin(), sent.end(), v) != sent.end())
      f.fail(DiagCode::mapping_duplicate, f.get(doc, "pwk_transmission_not_submitted"),
             fmt::format("PWK02 '{}' is in both pwk_transmission_submitted and pwk_transmission_not_submitted", v), v);
  std::vector<std::string> counted = codes("pwk_report_types_counted", pwk01, "278 PWK01 report type");
  // Sent on paper: a subset of the submitted codes (docs/policies.md section 3).
  std::vector<std::string> in_transit = codes("pwk_transmission_in_transit", pwk02, "PWK02 transmission");
  for (const auto& v : in_transit)
    if (std::find(sent.begin(), sent.end(), v) == sent.end())
      f.fail(DiagCode::mapping_invalid, f.get(doc, "pwk_transmission_in_transit"),
             fmt::format("PWK02 '{}' is in pwk_transmission_in_transit but not in pwk_transmission_submitted", v), v);
  return EvidenceTable(std::move(groups),
                       DocumentationRules(std::move(sent), std::move(not_sent), std::move(counted), std::move(in_transit)));
}

// ---- administration-codes.yaml ---------------------------------------------------------------

AdministrationCodes load_administration(const File& f) {
  const yaml::Node& root = f.root();
  f.keys(root, "administration-codes.yaml", {"source", "codes"});
  (void)f.str(root, "source", "administration-codes.yaml");
  std::vector<AdministrationCode> rows;
  std::map<std::string, std::uint32_t> seen;
  f.each(f.require(root, "codes", "administration-codes.yaml"), "codes", [&](const yaml::Node& r) {
    f.keys(r, "a codes row", {"code", "description"});
    const std::string code = f.str(r, "code", "a codes row");
    const auto parsed = model::Hcpcs::parse(code);
    if (!parsed || code.find_first_not_of("0123456789") != std::string::npos)
      f.fail(DiagCode::mapping_invalid, f.get(r, "code"), fmt::format("'{}' is not a 5-digit CPT code", code), code);
    if (auto [it, fresh] = seen.emplace(code, f.line(r)); !fresh)
      f.fail(DiagCode::mapping_duplicate, f.get(r, "code"), fmt::format("code '{}' is listed twice (first at line {})", code, it->second), code);
    rows.push_back(AdministrationCode{*parsed, f.str(r, "description", "a codes row"), f.line(r)});
  });
  return AdministrationCodes(std::move(rows));
}

// ---- decision-codes.yaml ---------------------------------------------------------------------

DecisionCodes load_decision_codes(const File& f, const CodeLists& lists) {
  const yaml::Node& root = f.root();
  f.keys(root, "decision-codes.yaml", {"source", "hcr01", "hcr03", "summary_msg"});
  (void)f.str(root, "source", "decision-codes.yaml");
  DecisionCodes d;

  const yaml::Node h1 = f.require(root, "hcr01", "decision-codes.yaml");
  f.keys(h1, "hcr01", {"approve", "redirect", "pend", "approve_shortened", "cancel", "partial"});
  auto hcr01 = [&](std::string_view key) {
    const std::string v = f.str(h1, key, "hcr01");
    if (!listed(lists.hcr01, v)) f.fail(DiagCode::mapping_invalid, f.get(h1, key), fmt::format("'{}' is not an HCR01 action code (reference 3.3)", v), v);
    // Every hcr01 key codes one service line, and a 2000F HCR01 is never A2 (certified in part): that
    // code only summarises an event's lines at 2000E (X217 response; x217-crosscheck row 5).
    if (v == "A2")
      f.fail(DiagCode::mapping_invalid, f.get(h1, key),
             fmt::format("hcr01.{} is A2 (certified in part), which is not a service-line (2000F) action code; A2 only summarises an event", key), v);
    return v;
  };
  d.hcr01_approve = hcr01("approve");
  d.hcr01_redirect = hcr01("redirect");
  if (d.hcr01_redirect != "A6" && d.hcr01_redirect != "A3")
    f.fail(DiagCode::mapping_invalid, f.get(h1, "redirect"), "hcr01.redirect must be A6 (modified) or A3 (not certified)", d.hcr01_redirect);
  d.hcr01_pend = hcr01("pend");
  d.hcr01_approve_shortened = hcr01("approve_shortened");
  if (d.hcr01_approve_shortened == d.hcr01_approve)
    f.fail(DiagCode::mapping_invalid, f.get(h1, "approve_shortened"),
           "hcr01.approve_shortened must differ from hcr01.approve: a span shorter than asked is not approved as requested",
           d.hcr01_approve_shortened);
  d.hcr01_cancel = hcr01("cancel");
  // The 2000E summary of an event whose lines were certified in part: an event-level code, so it is
  // the one key that may (and, per reference 3.3, does) hold A2.
  d.hcr01_partial = f.str(h1, "partial", "hcr01");
  if (!listed(lists.hcr01, d.hcr01_partial))
    f.fail(DiagCode::mapping_invalid, f.get(h1, "partial"),
           fmt::format("'{}' is not an HCR01 action code (reference 3.3)", d.hcr01_partial), d.hcr01_partial);

  // summary_msg: MSG-safe text (the 278 writer writes it as it is), placeholders only in `partial`.
  const yaml::Node sm = f.require(root, "summary_msg", "decision-codes.yaml");
  f.keys(sm, "summary_msg", {"pended_documents_needed", "pended_no_documents", "partial"});
  auto summary = [&](std::string_view key, bool counts) {
    const std::string v = f.str(sm, key, "summary_msg");
    std::size_t filled = v.size();
    for (std::string_view p : {"{certified}", "{decided}", "{pended}"}) {
      const auto at = v.find(p);
      if (counts && at == std::string::npos)
        f.fail(DiagCode::mapping_invalid, f.get(sm, key), fmt::format("summary_msg.{} lacks the placeholder {}", key, p), v);
      if (at != std::string::npos) filled = filled - p.size() + 10;  // a count has at most 10 digits
    }
    std::string plain = v;
    for (std::string_view p : {"{certified}", "{decided}", "{pended}"})
      if (const auto at = plain.find(p); counts && at != std::string::npos) plain.erase(at, p.size());
    const bool safe = !plain.empty() && plain.back() != ' ' && std::all_of(plain.begin(), plain.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '\'' || c == '(' || c == ')' ||
             c == ',' || c == '-' || c == '.' || c == '/' || c == ';';
    });
    if (!safe || filled > 264)
      f.fail(DiagCode::mapping_invalid, f.get(sm, key),
             fmt::format("summary_msg.{} must be MSG-safe text (A-Z 0-9 space ' ( ) , - . / ; at most 264 characters, no "
                         "trailing space{})", key, counts ? ", placeholders {certified} {decided} {pended}" : ", no placeholders"),
             v);
    return v;
  };
  d.msg_pended_documents_needed = summary("pended_documents_needed", false);
  d.msg_pended_no_documents = summary("pended_no_documents", false);
  d.msg_partial = summary("partial", true);

  const yaml::Node h3 = f.require(root, "hcr03", "decision-codes.yaml");
  f.keys(h3, "hcr03", {"approve", "redirect", "pend_documentation", "pend_clinical_review", "pend_not_listed",
                       "pend_unknown_payer", "pend_history", "pend_site", "approve_shortened", "cancel"});
  auto hcr03 = [&](std::string_view key, bool nullable) -> std::string {
    const yaml::Node n = f.require(h3, key, "hcr03");
    if (n.IsNull()) {
      if (nullable) return {};
      f.fail(DiagCode::mapping_invalid, n, fmt::format("hcr03.{} must be a code, not null", key));
    }
    const std::string v = f.scalar(n, fmt::format("hcr03.{}", key));
    if (!listed(lists.hcr03, v))
      f.fail(DiagCode::mapping_invalid, n, fmt::format("'{}' is not an HCR03 decision reason (code source 886, reference 3.4)", v), v);
    return v;
  };
  d.hcr03_approve = hcr03("approve", true);
  d.hcr03_redirect = hcr03("redirect", false);
  d.hcr03_pend_documentation = hcr03("pend_documentation", false);
  d.hcr03_pend_clinical_review = hcr03("pend_clinical_review", false);
  d.hcr03_pend_not_listed = hcr03("pend_not_listed", false);
  d.hcr03_pend_unknown_payer = hcr03("pend_unknown_payer", false);
  d.hcr03_pend_history = hcr03("pend_history", false);
  d.hcr03_pend_site = hcr03("pend_site", false);
  d.hcr03_approve_shortened = hcr03("approve_shortened", true);
  d.hcr03_cancel = hcr03("cancel", true);
  return d;
}

// ---- policies/*.yaml -------------------------------------------------------------------------

struct RawParameters {   // each value with the node it came from; unset = not in this file
  std::optional<int> max_approval_months, restart_window_months, pediatric_age_under;
  std::optional<std::string> redirect_hcr01;
  std::optional<NotListedAction> not_listed_action;
  std::optional<DocumentationWithoutEvidence> documentation_without_evidence;
  std::optional<DocumentationCountsWhen> documentation_counts_when;
  std::optional<bool> pediatric_is_exception;
  std::optional<std::vector<SiteClass>> preferred_sites;
};

struct RawPolicy {
  File file;
  PolicyInfo info;
  RawParameters parameters;
  yaml::Mark parameters_at;
  yaml::Mark based_on_at;
  std::shared_ptr<const std::vector<Criterion>> criteria;  // null when based_on
  std::shared_ptr<const DrugTable> drugs;                  // null when based_on
  PolicySections sections;                                 // empty when based_on
};

std::string month(const File& f, const yaml::Node& map, std::string_view key) {
  const std::string v = f.opt_str(map, key, "policy");
  if (v.empty()) return v;
  const bool ok = v.size() == 7 && v[4] == '-' && std::all_of(v.begin(), v.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }) &&
                  std::isdigit(static_cast<unsigned char>(v[5])) && std::isdigit(static_cast<unsigned char>(v[6])) &&
                  ((v[5] == '0' && v[6] != '0') || (v[5] == '1' && v[6] <= '2'));
  if (!ok) f.fail(DiagCode::mapping_invalid, f.get(map, key), fmt::format("policy.{} must be \"YYYY-MM\", found '{}'", key, v), v);
  return v;
}

RawParameters load_parameters(const File& f, const yaml::Node& p, const SiteTable& sites) {
  f.keys(p, "parameters", {"max_approval_months", "restart_window_months", "redirect_hcr01", "not_listed_action",
                           "documentation_without_evidence", "documentation_counts_when", "pediatric_is_exception",
                           "pediatric_age_under", "preferred_sites"});
  RawParameters r;
  if (f.has(p, "max_approval_months")) r.max_approval_months = f.integer(f.get(p, "max_approval_months"), "max_approval_months", 1, 12);
  if (f.has(p, "restart_window_months"))
    r.restart_window_months = f.integer(f.get(p, "restart_window_months"), "restart_window_months", 1, 120);
  if (f.has(p, "pediatric_age_under")) r.pediatric_age_under = f.integer(f.get(p, "pediatric_age_under"), "pediatric_age_under", 1, 30);
  if (f.has(p, "redirect_hcr01")) {
    const std::string v = f.scalar(f.get(p, "redirect_hcr01"), "redirect_hcr01");
    if (v != "A6" && v != "A3")
      f.fail(DiagCode::mapping_invalid, f.get(p, "redirect_hcr01"), fmt::format("redirect_hcr01 must be A6 or A3, found '{}'", v), v);
    r.redirect_hcr01 = v;
  }
  if (f.has(p, "not_listed_action")) {
    const std::string v = f.scalar(f.get(p, "not_listed_action"), "not_listed_action");
    if (v != "pend") f.fail(DiagCode::mapping_invalid, f.get(p, "not_listed_action"), fmt::format("not_listed_action must be pend, found '{}'", v), v);
    r.not_listed_action = NotListedAction::pend;
  }
  if (f.has(p, "documentation_without_evidence")) {
    const std::string v = f.scalar(f.get(p, "documentation_without_evidence"), "documentation_without_evidence");
    if (v == "pend") r.documentation_without_evidence = DocumentationWithoutEvidence::pend;
    else if (v == "redirect") r.documentation_without_evidence = DocumentationWithoutEvidence::redirect;
    else f.fail(DiagCode::mapping_invalid, f.get(p, "documentation_without_evidence"),
                fmt::format("documentation_without_evidence must be pend or redirect, found '{}'", v), v);
  }
  if (f.has(p, "documentation_counts_when")) {
    const std::string v = f.scalar(f.get(p, "documentation_counts_when"), "documentation_counts_when");
    if (v == "sent") r.documentation_counts_when = DocumentationCountsWhen::sent;
    else if (v == "received") r.documentation_counts_when = DocumentationCountsWhen::received;
    else f.fail(DiagCode::mapping_invalid, f.get(p, "documentation_counts_when"),
                fmt::format("documentation_counts_when must be sent or received, found '{}'", v), v);
  }
  if (f.has(p, "pediatric_is_exception")) r.pediatric_is_exception = f.boolean(f.get(p, "pediatric_is_exception"), "pediatric_is_exception");
  if (f.has(p, "preferred_sites")) {
    std::vector<SiteClass> out;
    f.each(f.get(p, "preferred_sites"), "preferred_sites", [&](const yaml::Node& n) {
      const SiteClass c = site_class_at(f, n, "preferred_sites");
      if (c == SiteClass::hospital_outpatient || c == SiteClass::out_of_scope)
        f.fail(DiagCode::mapping_invalid, n, fmt::format("preferred_sites cannot hold '{}': it lists lower-cost sites", to_string(c)),
               std::string(to_string(c)));
      if (std::find(out.begin(), out.end(), c) != out.end())
        f.fail(DiagCode::mapping_duplicate, n, fmt::format("site class '{}' is listed twice in preferred_sites", to_string(c)),
               std::string(to_string(c)));
      if (sites.redirect_code(c).empty())
        f.fail(DiagCode::mapping_dangling_reference, n,
               fmt::format("site class '{}' has no redirect code in place-of-service.yaml redirect_site_codes", to_string(c)),
               std::string(to_string(c)));
      out.push_back(c);
    });
    if (out.empty()) f.fail(DiagCode::mapping_invalid, f.get(p, "preferred_sites"), "preferred_sites must name at least one site class");
    r.preferred_sites = std::move(out);
  }
  return r;
}

std::vector<Criterion> load_criteria(const File& f, const yaml::Node& list, const EvidenceTable& evidence) {
  std::vector<Criterion> out;
  std::map<std::string, std::uint32_t> seen;
  constexpr std::string_view what = "a criteria row";
  f.each(list, "criteria", [&](const yaml::Node& r) {
    f.keys(r, what, {"id", "section", "summary", "kind", "evidence", "flag", "evidence_group", "documentation", "documents"});
    Criterion c;
    c.id = f.str(r, "id", what);
    c.line = f.line(r);
    if (auto [it, fresh] = seen.emplace(c.id, c.line); !fresh)
      f.fail(DiagCode::mapping_duplicate, f.get(r, "id"), fmt::format("criterion id '{}' is used twice (first at line {})", c.id, it->second), c.id);
    c.section = f.str(r, "section", what);
    c.summary = f.str(r, "summary", what);
    const std::string kind = f.str(r, "kind", what);
    bool kind_ok = false;
    for (auto k : {CriterionKind::exception_group, CriterionKind::exception, CriterionKind::non_qualifying,
                   CriterionKind::continued_approval, CriterionKind::redirect})
      if (to_string(k) == kind) c.kind = k, kind_ok = true;
    if (!kind_ok)
      f.fail(DiagCode::mapping_invalid, f.get(r, "kind"),
             fmt::format("kind must be exception_group, exception, non_qualifying, continued_approval or redirect, found '{}'", kind), kind);

    const std::string ev = f.opt_str(r, "evidence", what);
    if (ev.empty() && f.has(r, "evidence")) f.fail(DiagCode::mapping_invalid, f.get(r, "evidence"), "evidence is empty");
    if (ev.empty()) c.evidence = EvidenceKind::none;
    else if (ev == "drug_flag") c.evidence = EvidenceKind::drug_flag;
    else if (ev == "history") c.evidence = EvidenceKind::history;
    else if (ev == "diagnosis") c.evidence = EvidenceKind::diagnosis;
    else f.fail(DiagCode::mapping_invalid, f.get(r, "evidence"), fmt::format("evidence must be drug_flag, history or diagnosis, found '{}'", ev), ev);

    if (c.evidence == EvidenceKind::drug_flag) {
      const std::string flag = f.str(r, "flag", "a criteria row with evidence: drug_flag");
      c.flag = drug_flag_from_string(flag);
      if (!c.flag) f.fail(DiagCode::mapping_invalid, f.get(r, "flag"), fmt::format("unknown drug flag '{}'", flag), flag);
    } else if (f.has(r, "flag")) {
      f.fail(DiagCode::mapping_invalid, f.get(r, "flag"), "flag is only allowed with evidence: drug_flag");
    }
    if (c.evidence == EvidenceKind::diagnosis) {
      c.evidence_group = f.str(r, "evidence_group", "a criteria row with evidence: diagnosis");
      const EvidenceGroup* g = evidence.group(c.evidence_group);
      if (!g)
        f.fail(DiagCode::mapping_dangling_reference, f.get(r, "evidence_group"),
               fmt::format("evidence_group '{}' is not a group in evidence.yaml", c.evidence_group), c.evidence_group);
      if (g->criterion() != c.id)
        f.fail(DiagCode::mapping_dangling_reference, f.get(r, "evidence_group"),
               fmt::format("evidence group '{}' evidences criterion '{}' (evidence.yaml line {}), not '{}'", c.evidence_group,
                           g->criterion(), g->line(), c.id), c.evidence_group);
    } else if (f.has(r, "evidence_group")) {
      f.fail(DiagCode::mapping_invalid, f.get(r, "evidence_group"), "evidence_group is only allowed with evidence: diagnosis");
    }
    if (f.has(r, "documentation")) {
      const std::string d = f.scalar(f.get(r, "documentation"), "documentation");
      if (d != "required") f.fail(DiagCode::mapping_invalid, f.get(r, "documentation"), fmt::format("documentation must be required, found '{}'", d), d);
      c.documentation_required = true;
    }
    c.documents = f.opt_str(r, "documents", what);
    out.push_back(std::move(c));
  });
  auto count = [&](CriterionKind k) { return std::count_if(out.begin(), out.end(), [&](const Criterion& c) { return c.kind == k; }); };
  // The evaluator cites these rows for renewals (R3) and redirects (R5, R6)...
  if (count(CriterionKind::redirect) != 1)
    f.fail(DiagCode::mapping_invalid, list, "criteria must hold exactly one row of kind redirect (the section a redirect cites)");
  if (count(CriterionKind::continued_approval) != 1)
    f.fail(DiagCode::mapping_invalid, list, "criteria must hold exactly one row of kind continued_approval (the section a renewal cites)");
  // ... and this one for every exception it assesses or finds missing (R4-R6).
  if (count(CriterionKind::exception_group) != 1)
    f.fail(DiagCode::mapping_invalid, list, "criteria must hold exactly one row of kind exception_group (the section an exception cites)");
  return out;
}

DrugTable load_drugs(const File& f, const yaml::Node& list, const DrugGroups& groups) {
  std::vector<Drug> rows;
  std::map<std::pair<std::string, std::string>, std::uint32_t> seen;
  constexpr std::string_view what = "a drugs row";
  f.each(list, "drugs", [&](const yaml::Node& r) {
    f.keys(r, what, {"hcpcs", "generic", "brand", "note", "flags", "review"});
    Drug d;
    const std::string code = f.str(r, "hcpcs", what);
    const auto parsed = model::Hcpcs::parse(code);
    if (!parsed || parsed->view() != code)
      f.fail(DiagCode::mapping_invalid, f.get(r, "hcpcs"), fmt::format("'{}' is not an upper-case HCPCS/CPT code", code), code);
    d.hcpcs = *parsed;
    d.generic = f.str(r, "generic", what);
    d.brand = f.str(r, "brand", what);
    d.note = f.opt_str(r, "note", what);
    d.review = f.opt_str(r, "review", what);
    if (f.has(r, "flags")) {
      for (auto& [flag, n] : f.strings(f.get(r, "flags"), "flags")) {
        const auto fl = drug_flag_from_string(flag);
        if (!fl)
          f.fail(DiagCode::mapping_invalid, n,
                 fmt::format("unknown drug flag '{}' (allowed: self_administration_excluded, certified_facility_required, "
                             "first_visit_at_infusion_suite, includes_biosimilars, requires_facility_administration)", flag), flag);
        if (d.flags.has(*fl)) f.fail(DiagCode::mapping_duplicate, n, fmt::format("flag '{}' is listed twice", flag), flag);
        d.flags.set(*fl);
      }
    }
    d.line = f.line(r);
    // "includes biosimilars" is inherited through drug-groups.yaml: the group must exist.
    if (d.flags.has(DrugFlag::includes_biosimilars) && groups.by_reference(d.hcpcs) == nullptr)
      f.fail(DiagCode::mapping_dangling_reference, f.get(r, "flags"),
             fmt::format("{} has flag includes_biosimilars, but drug-groups.yaml has no group with reference {}", code, code), code);
    if (auto [it, fresh] = seen.emplace(std::pair{code, d.brand}, d.line); !fresh)
      f.fail(DiagCode::mapping_duplicate, f.get(r, "hcpcs"),
             fmt::format("drug row {} / {} repeats the row at line {}", code, d.brand, it->second), code);
    rows.push_back(std::move(d));
  });
  if (rows.empty()) f.fail(DiagCode::mapping_invalid, list, "drugs must hold at least one row");
  return DrugTable(std::move(rows), &groups);
}

RawPolicy load_policy(File file, const EvidenceTable& evidence, const SiteTable& sites, const DrugGroups& groups) {
  RawPolicy p{std::move(file), {}, {}, {}, {}, nullptr, nullptr, {}};
  File& f = p.file;
  f.parse();
  const yaml::Node& root = f.root();
  f.keys(root, "a policy file", {"policy", "parameters", "sections", "criteria", "drugs"});

  const yaml::Node meta = f.require(root, "policy", "a policy file");
  f.keys(meta, "policy", {"id", "title", "line_of_business", "effective", "last_review", "source", "based_on", "text_available"});
  p.info.id = f.str(meta, "id", "policy");
  if (p.info.id != f.path().stem().string())
    f.fail(DiagCode::mapping_invalid, f.get(meta, "id"),
           fmt::format("policy.id '{}' must equal the file name '{}'", p.info.id, f.path().stem().string()), p.info.id);
  p.info.title = f.str(meta, "title", "policy");
  p.info.line_of_business = f.str(meta, "line_of_business", "policy");
  p.info.effective = month(f, meta, "effective");
  p.info.last_review = month(f, meta, "last_review");
  p.info.source = f.str(meta, "source", "policy");
  p.info.based_on = f.opt_str(meta, "based_on", "policy");
  if (f.has(meta, "based_on")) p.based_on_at = f.get(meta, "based_on").Mark();
  if (f.has(meta, "text_available")) p.info.text_available = f.boolean(f.get(meta, "text_available"), "text_available");
  p.info.file = f.name();

  const yaml::Node params = f.require(root, "parameters", "a policy file");
  p.parameters_at = params.Mark();
  p.parameters = load_parameters(f, params, sites);

  if (!p.info.based_on.empty()) {
    // Taken by reference from the base (docs/policies.md 1.1): the rows must not be repeated here.
    for (std::string_view key : {"sections", "criteria", "drugs"})
      if (f.has(root, key))
        f.fail(DiagCode::mapping_invalid, f.get(root, key),
               fmt::format("a policy with based_on must not have '{}': it is taken from {}", key, p.info.based_on));
  } else {
    p.criteria = std::make_shared<const std::vector<Criterion>>(
        load_criteria(f, f.require(root, "criteria", "a policy file without based_on"), evidence));
    p.drugs = std::make_shared<const DrugTable>(load_drugs(f, f.require(root, "drugs", "a policy file without based_on"), groups));
    const yaml::Node sec = f.require(root, "sections", "a policy file without based_on");
    f.keys(sec, "sections", {"drug_list", "site", "review_type", "pediatric_exception"});
    p.sections.drug_list = f.str(sec, "drug_list", "sections");
    p.sections.site = f.str(sec, "site", "sections");
    p.sections.review_type = f.str(sec, "review_type", "sections");
    p.sections.pediatric_exception = f.str(sec, "pediatric_exception", "sections");
  }
  return p;
}

PolicyParameters resolve_parameters(const RawPolicy& p, const RawPolicy* base, std::vector<std::string>& inherited) {
  PolicyParameters out;
  bool missing = false;
  auto pick = [&](std::string_view name, auto own, auto from_base, auto& target) {
    if ((p.parameters.*own).has_value()) {
      target = *(p.parameters.*own);
    } else if (base) {
      target = *(base->parameters.*from_base);
      inherited.emplace_back(name);
    } else {
      p.file.problems().add(DiagCode::mapping_missing_key, p.file.name(), p.parameters_at,
                            fmt::format("parameters lacks the required key '{}'", name));
      missing = true;
    }
  };
  pick("max_approval_months", &RawParameters::max_approval_months, &RawParameters::max_approval_months, out.max_approval_months);
  pick("restart_window_months", &RawParameters::restart_window_months, &RawParameters::restart_window_months, out.restart_window_months);
  pick("redirect_hcr01", &RawParameters::redirect_hcr01, &RawParameters::redirect_hcr01, out.redirect_hcr01);
  pick("not_listed_action", &RawParameters::not_listed_action, &RawParameters::not_listed_action, out.not_listed_action);
  pick("documentation_without_evidence", &RawParameters::documentation_without_evidence,
       &RawParameters::documentation_without_evidence, out.documentation_without_evidence);
  pick("documentation_counts_when", &RawParameters::documentation_counts_when, &RawParameters::documentation_counts_when,
       out.documentation_counts_when);
  pick("pediatric_is_exception", &RawParameters::pediatric_is_exception, &RawParameters::pediatric_is_exception, out.pediatric_is_exception);
  pick("pediatric_age_under", &RawParameters::pediatric_age_under, &RawParameters::pediatric_age_under, out.pediatric_age_under);
  pick("preferred_sites", &RawParameters::preferred_sites, &RawParameters::preferred_sites, out.preferred_sites);
  if (missing) throw Skip{};
  return out;
}

// `failed`: the ids (file names) of the policy files that could not be read, so that a reference to
// one of them is not reported a second time as dangling.
std::vector<Policy> load_policies(const fs::path& dir, const yaml::Folder& folder, yaml::Problems& problems, const EvidenceTable& evidence,
                                  const SiteTable& sites, const DrugGroups& groups, std::set<std::string>& failed) {
  std::error_code ec;
  const std::string where = dir.lexically_normal().string();
  if (!fs::is_directory(dir, ec)) fail_at(problems, DiagCode::mapping_io_error, where, yaml::Mark::null_mark(), "policies folder not found");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".yaml") files.push_back(e.path());
  if (ec) fail_at(problems, DiagCode::mapping_io_error, where, yaml::Mark::null_mark(), "cannot list: " + ec.message());
  std::sort(files.begin(), files.end());
  if (files.empty()) fail_at(problems, DiagCode::mapping_io_error, where, yaml::Mark::null_mark(), "no policy file (*.yaml) found");

  std::vector<RawPolicy> raw;
  raw.reserve(files.size());
  for (auto& path : files) {
    const std::string rel = "policies/" + path.filename().string();
    if (!attempt([&] { raw.push_back(load_policy(File(path, folder, rel, problems), evidence, sites, groups)); }))
      failed.insert(path.stem().string());
  }

  std::vector<Policy> out;
  for (const RawPolicy& p : raw) {
    const bool ok = attempt([&] {
      const RawPolicy* base = nullptr;
      if (!p.info.based_on.empty()) {
        for (const RawPolicy& q : raw)
          if (q.info.id == p.info.based_on) base = &q;
        if (!base && failed.contains(p.info.based_on)) throw Skip{};  // its base's problems are reported already
        if (!base)
          p.file.fail(DiagCode::mapping_dangling_reference, p.based_on_at,
                      fmt::format("based_on '{}' names no policy in {}", p.info.based_on, where), p.info.based_on);
        if (!base->info.based_on.empty())
          p.file.fail(DiagCode::mapping_invalid, p.based_on_at,
                      fmt::format("based_on '{}' is itself based on '{}'; a base must be self-contained", p.info.based_on,
                                  base->info.based_on), p.info.based_on);
      }
      std::vector<std::string> inherited;
      PolicyParameters params = resolve_parameters(p, base, inherited);
      PolicyInfo info = p.info;
      info.sections = base ? base->sections : p.sections;
      out.emplace_back(std::move(info), std::move(params), base ? base->criteria : p.criteria, base ? base->drugs : p.drugs,
                       std::move(inherited));
    });
    if (!ok) failed.insert(p.info.id);
  }
  std::sort(out.begin(), out.end(), [](const Policy& a, const Policy& b) { return a.id() < b.id(); });
  return out;
}

// ---- the folder ------------------------------------------------------------------------------

constexpr std::string_view kTopFiles[] = {"place-of-service.yaml", "evidence.yaml", "administration-codes.yaml",
                                          "decision-codes.yaml", "routing.yaml", "drug-groups.yaml", "wording.yaml"};

constexpr std::size_t kMaxReported = 25;

MappingSet load_all(const fs::path& dir, const ig::GuideSet& guides, yaml::Problems& problems) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    fail_at(problems, DiagCode::mapping_io_error, dir.lexically_normal().string(), yaml::Mark::null_mark(), "mappings folder not found");
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file() || (e.path().extension() != ".yaml" && e.path().extension() != ".yml")) continue;
    const std::string name = e.path().filename().string();
    if (!in(kTopFiles, name))
      problems.add(DiagCode::mapping_io_error, e.path().lexically_normal().string(), yaml::Mark::null_mark(),
                   "unexpected mapping file: expected only place-of-service.yaml, evidence.yaml, administration-codes.yaml, "
                   "decision-codes.yaml, drug-groups.yaml, routing.yaml, wording.yaml and policies/*.yaml");
  }
  const yaml::Folder folder = yaml::Folder::read(dir);

  CodeLists lists;
  auto list = [&](std::string_view id) {
    const ig::CodeList* l = guides.code_list(id);
    if (l == nullptr)
      problems.add(DiagCode::mapping_dangling_reference, dir.lexically_normal().string(), yaml::Mark::null_mark(),
                   fmt::format("the loaded guides have no code list '{}' (grammars/codes/{}.yaml) to check the mappings against", id, id));
    return l;
  };
  lists.hcr01 = list("hcr01_action");
  lists.hcr03 = list("hcr03_decision_reason");
  lists.pwk01 = list("pwk01_report_type");
  lists.pwk02 = list("pwk02_transmission");

  // Each file is read even when an earlier one failed, so every file's problems are reported.
  auto file = [&](std::string_view rel) { return File(dir / rel, folder, std::string(rel), problems); };
  MappingSet set;
  set.dir = dir;
  File sites = file("place-of-service.yaml");
  attempt([&] {
    sites.parse();
    set.sites = load_sites(sites);
  });

  File evidence = file("evidence.yaml");
  std::map<std::string, GroupRef> group_refs;
  attempt([&] {
    evidence.parse();
    set.evidence = load_evidence(evidence, group_refs, lists);
  });

  File admin = file("administration-codes.yaml");
  attempt([&] {
    admin.parse();
    set.administration = load_administration(admin);
  });

  File codes = file("decision-codes.yaml");
  attempt([&] {
    codes.parse();
    set.decision_codes = load_decision_codes(codes, lists);
  });

  File wording = file("wording.yaml");
  attempt([&] {
    wording.parse();
    set.wording = detail::load_wording(wording);
  });

  File groups = file("drug-groups.yaml");
  attempt([&] {
    groups.parse();
    set.drug_groups = detail::load_drug_groups(groups);
  });

  std::set<std::string> failed;  // policy files that could not be read
  const bool policies_read =
      attempt([&] { set.policies = load_policies(dir / "policies", folder, problems, set.evidence, set.sites, set.drug_groups, failed); });

  // Every evidence group must evidence a criterion some policy defines (docs/policies.md section 3);
  // when a policy file failed, the criterion may be in it: its problems are reported instead.
  if (policies_read && failed.empty()) {
    for (const auto& [id, ref] : group_refs) {
      const bool known = std::any_of(set.policies.begin(), set.policies.end(),
                                     [&criterion = ref.criterion](const Policy& p) { return p.criterion(criterion) != nullptr; });
      if (!known)
        evidence.problems().add(DiagCode::mapping_dangling_reference, evidence.name(), ref.at,
                                fmt::format("group '{}' names criterion '{}', which no policy in policies/ defines", id, ref.criterion),
                                ref.criterion);
    }
  }

  File routing = file("routing.yaml");
  attempt([&] {
    routing.parse();
    if (!policies_read) return;  // every route would dangle: the policies folder's problem is reported
    set.routing = detail::load_routing(routing, set.policies, failed);
  });
  return set;
}

}  // namespace

core::Result<MappingSet> load_mappings(const std::filesystem::path& dir, const ig::GuideSet& guides) {
  yaml::Problems problems;
  try {
    MappingSet set = load_all(dir, guides, problems);
    if (problems.empty()) return set;
  } catch (const Skip&) {
    // recorded in problems
  } catch (const std::exception& e) {
    problems.add_message(DiagCode::mapping_io_error, fmt::format("{}: cannot load mappings: {}", dir.lexically_normal().string(), e.what()));
  }
  return problems.diagnostic(kMaxReported);
}

}  // namespace soc278::mapping

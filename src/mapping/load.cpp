// load_mappings(): reads mappings/*.yaml into the immutable tables of soc278::mapping.
//
// Cold path, run once at start-up. yaml-cpp throws, and so does this file's own schema checking
// (LoadFailure): both are caught in load_mappings() and turned into a Diagnostic whose message begins
// "<file>:<line>: " (yaml-cpp Mark().line + 1), so nothing escapes the library boundary.
#include "soc278/mapping/load.hpp"

#include "load_parts.hpp"
#include "yaml_file.hpp"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

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
using detail::fail_at;
using detail::File;
using detail::LoadFailure;
using detail::line_of;

// ---- X12 code lists the tables are checked against -------------------------------------------
// These mirror grammars/codes/{hcr01_action,hcr03_decision_reason,pwk01_report_type,pwk02_transmission}.yaml
// (x12-278-reference.md 3.3, 3.4, 2.8). The mapping stage cannot read ig's compiled code lists
// (it is handed only the mappings folder), so a change to one of those files must be repeated here.

// HCR01 (element 306), reference 3.3.
constexpr std::string_view kHcr01[] = {"A1", "A2", "A3", "A4", "A6", "C", "CT", "NA"};
// HCR03 (code source 886), reference 3.4: the 50-code snapshot.
constexpr std::string_view kHcr03[] = {
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "0A", "0B", "0C", "0D", "0E", "0F", "0G", "0H",
    "0J", "0K", "0L", "0M", "0N", "0P", "0Q", "0R", "0S", "0T", "0U", "0V", "0W", "0X", "0Y", "0Z", "10",
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "26"};
// PWK01 (element 755), reference 2.8: the 66 codes both 278 lists carry. The 837-only CT/EB/MT/OZ are
// deliberately absent: they can never count as documentation for a 278.
constexpr std::string_view kPwk01[] = {
    "03", "04", "05", "06", "07", "08", "09", "10", "11", "13", "15", "21", "48", "55", "59", "77", "A3",
    "A4", "AM", "AS", "AT", "B2", "B3", "BR", "BS", "BT", "CB", "CK", "D2", "DA", "DB", "DG", "DJ", "DS",
    "FM", "HC", "HR", "I5", "IR", "LA", "M1", "NN", "OB", "OC", "OD", "OE", "OX", "P4", "P5", "P6", "P7",
    "PE", "PN", "PO", "PQ", "PY", "PZ", "QC", "QR", "RB", "RR", "RT", "RX", "SG", "V5", "XP"};
// PWK02 (element 756): the X217 request list (x217-crosscheck row 27). FT (file transfer) is not a
// 278 code: a table naming it would tell providers to send what the 278 cannot carry.
constexpr std::string_view kPwk02[] = {"AA", "BM", "EL", "EM", "FX", "VO"};

template <std::size_t N>
bool in(const std::string_view (&list)[N], std::string_view v) {
  return std::find(std::begin(list), std::end(list), v) != std::end(list);
}

// ---- place-of-service.yaml -------------------------------------------------------------------

SiteClass site_class_at(const File& f, const YAML::Node& n, std::string_view what) {
  const std::string s = f.scalar(n, what);
  const auto c = site_class_from_string(s);
  if (!c)
    f.fail(DiagCode::mapping_invalid, n,
           fmt::format("unknown site class '{}' in {} (allowed: hospital_outpatient, infusion_suite_or_office, home, "
                       "pharmacy, out_of_scope)", s, what), s);
  return *c;
}

SiteTable load_sites(const File& f) {
  const YAML::Node& root = f.root();
  f.keys(root, "place-of-service.yaml", {"source", "site_classes", "place_of_service", "bill_types", "redirect_site_codes"});
  (void)f.str(root, "source", "place-of-service.yaml");

  std::set<SiteClass> declared;
  for (const YAML::Node& n : f.seq(f.require(root, "site_classes", "place-of-service.yaml"), "site_classes")) {
    const SiteClass c = site_class_at(f, n, "site_classes");
    if (!declared.insert(c).second)
      f.fail(DiagCode::mapping_duplicate, n, fmt::format("site class '{}' is listed twice", to_string(c)), std::string(to_string(c)));
  }

  auto rows = [&](std::string_view key, bool pos) {
    std::vector<SiteCode> out;
    std::map<std::string, std::uint32_t> seen;
    const std::string what = fmt::format("a {} row", key);
    for (const YAML::Node& r : f.seq(f.require(root, key, "place-of-service.yaml"), key)) {
      if (pos) f.keys(r, what, {"code", "name", "site_class"});
      else f.keys(r, what, {"code", "name", "site_class", "pos"});
      SiteCode s;
      s.code = f.str(r, "code", what);
      const YAML::Node code_node = f.get(r, "code");
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
    }
    return out;
  };
  std::vector<SiteCode> pos = rows("place_of_service", true);
  std::vector<SiteCode> bills = rows("bill_types", false);
  // A bill type names the place-of-service codes of the same setting and must be classed like them,
  // so the two UM04 qualifiers never classify one setting differently (bill type 83 / POS 24).
  const YAML::Node bill_nodes = f.get(root, "bill_types");
  for (std::size_t i = 0; i < bills.size(); ++i) {
    const YAML::Node r = bill_nodes[i];
    const std::string what = fmt::format("bill type '{}'", bills[i].code);
    for (auto& [code, n] : f.strings(f.require(r, "pos", what), "pos")) {
      const auto row = std::find_if(pos.begin(), pos.end(), [&](const SiteCode& s) { return s.code == code; });
      if (row == pos.end())
        f.fail(DiagCode::mapping_dangling_reference, n, fmt::format("{}: pos '{}' is not a listed place of service", what, code), code);
      if (row->site_class != bills[i].site_class)
        f.fail(DiagCode::mapping_invalid, n,
               fmt::format("{} is classed {} but names place of service {} ({}), classed {}: the same setting must get the same class",
                           what, to_string(bills[i].site_class), code, row->name, to_string(row->site_class)), code);
      bills[i].pos.push_back(code);
    }
    if (bills[i].pos.empty()) f.fail(DiagCode::mapping_missing_key, r, fmt::format("{}: pos must name at least one place of service", what));
  }

  // UM04 written in a response that certifies a site class (redirect target); reference 7.
  std::array<std::string, all_site_classes.size()> redirect{};
  const YAML::Node rc = f.require(root, "redirect_site_codes", "place-of-service.yaml");
  f.keys(rc, "redirect_site_codes", {"hospital_outpatient", "infusion_suite_or_office", "home", "pharmacy", "out_of_scope"});
  for (const auto& kv : rc) {
    const SiteClass c = *site_class_from_string(kv.first.Scalar());
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
  }
  return SiteTable(std::move(pos), std::move(bills), std::move(redirect));
}

// ---- evidence.yaml ---------------------------------------------------------------------------

struct GroupRef {
  std::string criterion;
  YAML::Mark at;
};

EvidenceTable load_evidence(const File& f, std::map<std::string, GroupRef>& refs) {
  const YAML::Node& root = f.root();
  f.keys(root, "evidence.yaml", {"source", "groups", "documentation"});
  (void)f.str(root, "source", "evidence.yaml");

  std::vector<EvidenceGroup> groups;
  std::map<std::string, std::uint32_t> group_ids;
  for (const YAML::Node& g : f.seq(f.require(root, "groups", "evidence.yaml"), "groups")) {
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
    for (const YAML::Node& r : f.seq(f.require(g, "icd10", "an evidence group"), "icd10")) {
      f.keys(r, what, {"code", "match", "reason", "label", "source", "family"});
      EvidenceCode c;
      c.code = f.str(r, "code", what);
      const YAML::Node code_node = f.get(r, "code");
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
    }
    if (codes.size() > 0xFFFF) f.fail(DiagCode::mapping_invalid, g, "an evidence group holds more than 65535 codes");
    groups.emplace_back(id, criterion, summary, std::move(codes), f.line(g));
  }

  const YAML::Node doc = f.require(root, "documentation", "evidence.yaml");
  f.keys(doc, "documentation", {"pwk_transmission_submitted", "pwk_transmission_not_submitted", "pwk_report_types_counted",
                                 "pwk_transmission_in_transit"});
  auto codes = [&](std::string_view key, auto check, std::string_view kind) {
    std::vector<std::string> out;
    for (auto& [v, n] : f.strings(f.require(doc, key, "documentation"), key)) {
      if (!check(v)) f.fail(DiagCode::mapping_invalid, n, fmt::format("'{}' is not a {} code (x12-278-reference.md 2.8)", v, kind), v);
      if (std::find(out.begin(), out.end(), v) != out.end())
        f.fail(DiagCode::mapping_duplicate, n, fmt::format("'{}' is listed twice in {}", v, key), v);
      out.push_back(v);
    }
    return out;
  };
  auto pwk02 = [](const std::string& v) { return in(kPwk02, v); };
  auto pwk01 = [](const std::string& v) { return in(kPwk01, v); };
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
  const YAML::Node& root = f.root();
  f.keys(root, "administration-codes.yaml", {"source", "codes"});
  (void)f.str(root, "source", "administration-codes.yaml");
  std::vector<AdministrationCode> rows;
  std::map<std::string, std::uint32_t> seen;
  for (const YAML::Node& r : f.seq(f.require(root, "codes", "administration-codes.yaml"), "codes")) {
    f.keys(r, "a codes row", {"code", "description"});
    const std::string code = f.str(r, "code", "a codes row");
    const auto parsed = model::Hcpcs::parse(code);
    if (!parsed || code.find_first_not_of("0123456789") != std::string::npos)
      f.fail(DiagCode::mapping_invalid, f.get(r, "code"), fmt::format("'{}' is not a 5-digit CPT code", code), code);
    if (auto [it, fresh] = seen.emplace(code, f.line(r)); !fresh)
      f.fail(DiagCode::mapping_duplicate, f.get(r, "code"), fmt::format("code '{}' is listed twice (first at line {})", code, it->second), code);
    rows.push_back(AdministrationCode{*parsed, f.str(r, "description", "a codes row"), f.line(r)});
  }
  return AdministrationCodes(std::move(rows));
}

// ---- decision-codes.yaml ---------------------------------------------------------------------

DecisionCodes load_decision_codes(const File& f) {
  const YAML::Node& root = f.root();
  f.keys(root, "decision-codes.yaml", {"source", "hcr01", "hcr03", "summary_msg"});
  (void)f.str(root, "source", "decision-codes.yaml");
  DecisionCodes d;

  const YAML::Node h1 = f.require(root, "hcr01", "decision-codes.yaml");
  f.keys(h1, "hcr01", {"approve", "redirect", "pend", "approve_shortened", "cancel", "partial"});
  auto hcr01 = [&](std::string_view key) {
    const std::string v = f.str(h1, key, "hcr01");
    if (!in(kHcr01, v)) f.fail(DiagCode::mapping_invalid, f.get(h1, key), fmt::format("'{}' is not an HCR01 action code (reference 3.3)", v), v);
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
  if (!in(kHcr01, d.hcr01_partial))
    f.fail(DiagCode::mapping_invalid, f.get(h1, "partial"),
           fmt::format("'{}' is not an HCR01 action code (reference 3.3)", d.hcr01_partial), d.hcr01_partial);

  // summary_msg: MSG-safe text (the 278 writer writes it as it is), placeholders only in `partial`.
  const YAML::Node sm = f.require(root, "summary_msg", "decision-codes.yaml");
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

  const YAML::Node h3 = f.require(root, "hcr03", "decision-codes.yaml");
  f.keys(h3, "hcr03", {"approve", "redirect", "pend_documentation", "pend_clinical_review", "pend_not_listed",
                       "pend_unknown_payer", "pend_history", "pend_site", "approve_shortened", "cancel"});
  auto hcr03 = [&](std::string_view key, bool nullable) -> std::string {
    const YAML::Node n = f.require(h3, key, "hcr03");
    if (n.IsNull()) {
      if (nullable) return {};
      f.fail(DiagCode::mapping_invalid, n, fmt::format("hcr03.{} must be a code, not null", key));
    }
    const std::string v = f.scalar(n, fmt::format("hcr03.{}", key));
    if (!in(kHcr03, v))
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
  YAML::Mark parameters_at;
  YAML::Mark based_on_at;
  std::shared_ptr<const std::vector<Criterion>> criteria;  // null when based_on
  std::shared_ptr<const DrugTable> drugs;                  // null when based_on
};

std::string month(const File& f, const YAML::Node& map, std::string_view key) {
  const std::string v = f.opt_str(map, key, "policy");
  if (v.empty()) return v;
  const bool ok = v.size() == 7 && v[4] == '-' && std::all_of(v.begin(), v.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }) &&
                  std::isdigit(static_cast<unsigned char>(v[5])) && std::isdigit(static_cast<unsigned char>(v[6])) &&
                  ((v[5] == '0' && v[6] != '0') || (v[5] == '1' && v[6] <= '2'));
  if (!ok) f.fail(DiagCode::mapping_invalid, f.get(map, key), fmt::format("policy.{} must be \"YYYY-MM\", found '{}'", key, v), v);
  return v;
}

RawParameters load_parameters(const File& f, const YAML::Node& p, const SiteTable& sites) {
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
    for (const YAML::Node& n : f.seq(f.get(p, "preferred_sites"), "preferred_sites")) {
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
    }
    if (out.empty()) f.fail(DiagCode::mapping_invalid, f.get(p, "preferred_sites"), "preferred_sites must name at least one site class");
    r.preferred_sites = std::move(out);
  }
  return r;
}

std::vector<Criterion> load_criteria(const File& f, const YAML::Node& list, const EvidenceTable& evidence) {
  std::vector<Criterion> out;
  std::map<std::string, std::uint32_t> seen;
  constexpr std::string_view what = "a criteria row";
  for (const YAML::Node& r : f.seq(list, "criteria")) {
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
  }
  auto count = [&](CriterionKind k) { return std::count_if(out.begin(), out.end(), [&](const Criterion& c) { return c.kind == k; }); };
  // The evaluator cites these two rows for renewals (R3) and redirects (R6).
  if (count(CriterionKind::redirect) != 1)
    f.fail(DiagCode::mapping_invalid, list, "criteria must hold exactly one row of kind redirect (the section a redirect cites)");
  if (count(CriterionKind::continued_approval) != 1)
    f.fail(DiagCode::mapping_invalid, list, "criteria must hold exactly one row of kind continued_approval (the section a renewal cites)");
  return out;
}

DrugTable load_drugs(const File& f, const YAML::Node& list, const DrugGroups& groups) {
  std::vector<Drug> rows;
  std::map<std::pair<std::string, std::string>, std::uint32_t> seen;
  constexpr std::string_view what = "a drugs row";
  for (const YAML::Node& r : f.seq(list, "drugs")) {
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
  }
  if (rows.empty()) f.fail(DiagCode::mapping_invalid, list, "drugs must hold at least one row");
  return DrugTable(std::move(rows), &groups);
}

RawPolicy load_policy(fs::path path, const EvidenceTable& evidence, const SiteTable& sites, const DrugGroups& groups) {
  RawPolicy p{File(std::move(path)), {}, {}, {}, {}, nullptr, nullptr};
  File& f = p.file;
  f.parse();
  const YAML::Node& root = f.root();
  f.keys(root, "a policy file", {"policy", "parameters", "criteria", "drugs"});

  const YAML::Node meta = f.require(root, "policy", "a policy file");
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

  const YAML::Node params = f.require(root, "parameters", "a policy file");
  p.parameters_at = params.Mark();
  p.parameters = load_parameters(f, params, sites);

  if (!p.info.based_on.empty()) {
    // Taken by reference from the base (docs/policies.md 1.1): the rows must not be repeated here.
    for (std::string_view key : {"criteria", "drugs"})
      if (f.has(root, key))
        f.fail(DiagCode::mapping_invalid, f.get(root, key),
               fmt::format("a policy with based_on must not have '{}': it is taken from {}", key, p.info.based_on));
  } else {
    p.criteria = std::make_shared<const std::vector<Criterion>>(
        load_criteria(f, f.require(root, "criteria", "a policy file without based_on"), evidence));
    p.drugs = std::make_shared<const DrugTable>(load_drugs(f, f.require(root, "drugs", "a policy file without based_on"), groups));
  }
  return p;
}

PolicyParameters resolve_parameters(const RawPolicy& p, const RawPolicy* base, std::vector<std::string>& inherited) {
  PolicyParameters out;
  auto pick = [&](std::string_view name, auto own, auto from_base, auto& target) {
    if ((p.parameters.*own).has_value()) {
      target = *(p.parameters.*own);
    } else if (base) {
      target = *(base->parameters.*from_base);
      inherited.emplace_back(name);
    } else {
      p.file.fail(DiagCode::mapping_missing_key, p.parameters_at, fmt::format("parameters lacks the required key '{}'", name));
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
  return out;
}

std::vector<Policy> load_policies(const fs::path& dir, const EvidenceTable& evidence, const SiteTable& sites, const DrugGroups& groups) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    fail_at(DiagCode::mapping_io_error, dir.lexically_normal().string(), YAML::Mark::null_mark(), "policies folder not found");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".yaml") files.push_back(e.path());
  if (ec) fail_at(DiagCode::mapping_io_error, dir.lexically_normal().string(), YAML::Mark::null_mark(), "cannot list: " + ec.message());
  std::sort(files.begin(), files.end());
  if (files.empty())
    fail_at(DiagCode::mapping_io_error, dir.lexically_normal().string(), YAML::Mark::null_mark(), "no policy file (*.yaml) found");

  std::vector<RawPolicy> raw;
  raw.reserve(files.size());
  for (auto& path : files) raw.push_back(load_policy(path, evidence, sites, groups));

  std::vector<Policy> out;
  for (const RawPolicy& p : raw) {
    const RawPolicy* base = nullptr;
    if (!p.info.based_on.empty()) {
      for (const RawPolicy& q : raw)
        if (q.info.id == p.info.based_on) base = &q;
      if (!base)
        p.file.fail(DiagCode::mapping_dangling_reference, p.based_on_at,
                    fmt::format("based_on '{}' names no policy in {}", p.info.based_on, dir.lexically_normal().string()), p.info.based_on);
      if (!base->info.based_on.empty())
        p.file.fail(DiagCode::mapping_invalid, p.based_on_at,
                    fmt::format("based_on '{}' is itself based on '{}'; a base must be self-contained", p.info.based_on,
                                base->info.based_on), p.info.based_on);
    }
    std::vector<std::string> inherited;
    PolicyParameters params = resolve_parameters(p, base, inherited);
    out.emplace_back(p.info, std::move(params), base ? base->criteria : p.criteria, base ? base->drugs : p.drugs,
                     std::move(inherited));
  }
  std::sort(out.begin(), out.end(), [](const Policy& a, const Policy& b) { return a.id() < b.id(); });
  return out;
}

// ---- routing.yaml ----------------------------------------------------------------------------

RoutingTable load_routing(const File& f, const std::vector<Policy>& policies) {
  const YAML::Node& root = f.root();
  f.keys(root, "routing.yaml", {"default_action", "routes"});
  const std::string action = f.str(root, "default_action", "routing.yaml");
  if (action != "pend")
    f.fail(DiagCode::mapping_invalid, f.get(root, "default_action"),
           fmt::format("default_action must be pend (an unknown payer is never approved or redirected), found '{}'", action), action);

  std::vector<Route> routes;
  std::map<std::string, std::uint32_t> seen;  // "<key>=<value>" -> line of the route that has it
  for (const YAML::Node& r : f.seq(f.require(root, "routes", "routing.yaml"), "routes")) {
    f.keys(r, "a routes row", {"policy", "match"});
    Route route;
    route.policy = f.str(r, "policy", "a routes row");
    route.line = f.line(r);
    const bool known = std::any_of(policies.begin(), policies.end(), [&](const Policy& p) { return p.id() == route.policy; });
    if (!known)
      f.fail(DiagCode::mapping_dangling_reference, f.get(r, "policy"),
             fmt::format("policy '{}' has no file in policies/", route.policy), route.policy);
    const YAML::Node m = f.require(r, "match", "a routes row");
    f.keys(m, "match", {"isa08", "gs03", "umo_id"});
    if (m.size() == 0) f.fail(DiagCode::mapping_missing_key, m, "match needs at least one of isa08, gs03, umo_id");
    auto ids = [&](std::string_view key, std::vector<std::string>& target) {
      if (!f.has(m, key)) return;
      for (auto& [v, n] : f.strings(f.get(m, key), key)) {
        if (v.empty()) f.fail(DiagCode::mapping_invalid, n, fmt::format("an empty {} identifier never matches", key));
        if (auto [it, fresh] = seen.emplace(fmt::format("{}={}", key, v), route.line); !fresh)
          f.fail(DiagCode::mapping_duplicate, n, fmt::format("{} '{}' already routes at line {}", key, v, it->second), v);
        target.push_back(v);
      }
    };
    ids("isa08", route.isa08);
    ids("gs03", route.gs03);
    ids("umo_id", route.umo_id);
    if (route.isa08.empty() && route.gs03.empty() && route.umo_id.empty())
      f.fail(DiagCode::mapping_missing_key, m, "match needs at least one identifier");
    routes.push_back(std::move(route));
  }
  return RoutingTable(DefaultAction::pend, std::move(routes));
}

// ---- the folder ------------------------------------------------------------------------------

constexpr std::string_view kTopFiles[] = {"place-of-service.yaml", "evidence.yaml", "administration-codes.yaml",
                                          "decision-codes.yaml", "routing.yaml", "drug-groups.yaml"};

MappingSet load_all(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    fail_at(DiagCode::mapping_io_error, dir.lexically_normal().string(), YAML::Mark::null_mark(), "mappings folder not found");
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file() || (e.path().extension() != ".yaml" && e.path().extension() != ".yml")) continue;
    const std::string name = e.path().filename().string();
    if (!in(kTopFiles, name))
      fail_at(DiagCode::mapping_io_error, e.path().lexically_normal().string(), YAML::Mark::null_mark(),
              "unexpected mapping file: expected only place-of-service.yaml, evidence.yaml, administration-codes.yaml, "
              "decision-codes.yaml, drug-groups.yaml, routing.yaml and policies/*.yaml");
  }

  MappingSet set;
  set.dir = dir;
  File sites(dir / "place-of-service.yaml");
  sites.parse();
  set.sites = load_sites(sites);

  File evidence(dir / "evidence.yaml");
  evidence.parse();
  std::map<std::string, GroupRef> group_refs;
  set.evidence = load_evidence(evidence, group_refs);

  File admin(dir / "administration-codes.yaml");
  admin.parse();
  set.administration = load_administration(admin);

  File codes(dir / "decision-codes.yaml");
  codes.parse();
  set.decision_codes = load_decision_codes(codes);

  File groups(dir / "drug-groups.yaml");
  groups.parse();
  set.drug_groups = detail::load_drug_groups(groups);

  set.policies = load_policies(dir / "policies", set.evidence, set.sites, set.drug_groups);

  // Every evidence group must evidence a criterion some policy defines (docs/policies.md section 3).
  for (const auto& [id, ref] : group_refs) {
    const bool known = std::any_of(set.policies.begin(), set.policies.end(),
                                   [&](const Policy& p) { return p.criterion(ref.criterion) != nullptr; });
    if (!known)
      evidence.fail(DiagCode::mapping_dangling_reference, ref.at,
                    fmt::format("group '{}' names criterion '{}', which no policy in policies/ defines", id, ref.criterion),
                    ref.criterion);
  }

  File routing(dir / "routing.yaml");
  routing.parse();
  set.routing = load_routing(routing, set.policies);
  return set;
}

}  // namespace

core::Result<MappingSet> load_mappings(const std::filesystem::path& dir) {
  try {
    return load_all(dir);
  } catch (const LoadFailure& f) {
    return f.diag;
  } catch (const YAML::Exception& e) {
    // Anything yaml-cpp raises outside parse() (a conversion we did not foresee): still file-less but
    // positioned, and never an escaping exception.
    core::SourcePosition at;
    if (e.mark.pos >= 0) at.byte_offset = static_cast<std::uint64_t>(e.mark.pos);
    return core::make_diagnostic(DiagCode::mapping_yaml_syntax, at, "",
                                 fmt::format("{}:{}: {}", dir.lexically_normal().string(), line_of(e.mark), e.msg));
  } catch (const std::exception& e) {
    return core::make_diagnostic(DiagCode::mapping_io_error, {}, "",
                                 fmt::format("{}: cannot load mappings: {}", dir.lexically_normal().string(), e.what()));
  }
}

}  // namespace soc278::mapping

// The immutable tables of soc278::mapping: constructors that build the lookup indices, and lookups.
#include <algorithm>
#include <bit>
#include <cstring>

#include "core/simd.hpp"
#include "soc278/mapping/administration_codes.hpp"
#include "soc278/mapping/evidence.hpp"
#include "soc278/mapping/load.hpp"
#include "soc278/mapping/place_of_service.hpp"
#include "soc278/mapping/policy.hpp"
#include "soc278/mapping/routing.hpp"

namespace soc278::mapping {
namespace {

// "13" -> 13; -1 when not exactly two digits.
int two_digits(std::string_view s) noexcept {
  if (s.size() != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return -1;
  return (s[0] - '0') * 10 + (s[1] - '0');
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A code of at most 7 characters packed big-endian with its length in the low byte: integer order
// is the codes' lexicographic order (codes hold no NUL), so sorted tables search by integers, not
// by string comparisons (these lookups run several times per service line).
std::uint64_t code_key(std::string_view code) noexcept {
  unsigned char b[8] = {};
  std::memcpy(b, code.data(), code.size() < 7 ? code.size() : 7);
  std::uint64_t k = 0;
  for (unsigned char c : b) k = (k << 8) | c;  // big-endian; b[7] is 0: the length goes there
  return k | (code.size() < 0xff ? code.size() : 0xff);
}

constexpr std::size_t max_key_length = 7;

std::uint64_t hcpcs_key(const model::Hcpcs& code) noexcept {
  // code_key for at most 5 characters, without the variable-length copy.
  const std::string_view v = code.view();
  if (v.size() == 5) {  // nearly every HCPCS/CPT code: its bytes big-endian in the top five, 5 in the low byte
    const std::uint32_t head = core::simd::load_be32(v.data());
    return static_cast<std::uint64_t>(head) << 32 | static_cast<std::uint64_t>(static_cast<unsigned char>(v[4])) << 24 | 5U;
  }
  std::uint64_t k = 0;
  for (std::size_t i = 0; i < 7; ++i) k = (k << 8) | (i < v.size() ? static_cast<unsigned char>(v[i]) : 0U);
  return (k << 8) | v.size();
}

// The bit of EvidenceGroup::heads_ for a code's first three characters (the code has at least three).
std::uint64_t head_bit(std::string_view code) noexcept {
  const std::uint64_t head = static_cast<std::uint64_t>(static_cast<unsigned char>(code[0])) << 16 |
                             static_cast<std::uint64_t>(static_cast<unsigned char>(code[1])) << 8 |
                             static_cast<unsigned char>(code[2]);
  return std::uint64_t{1} << ((head * 0x9E3779B97F4A7C15ULL) >> 58);
}

std::size_t key_slot(std::uint64_t key, std::size_t size) noexcept {
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> 32) & (size - 1);
}

std::string route_key(RouteKey k, std::string_view value) {
  std::string key(to_string(k));
  key += '\x1f';
  key += value;
  return key;
}

}  // namespace

// ---- site classes ----------------------------------------------------------------------------

std::string_view to_string(SiteClass c) noexcept {
  switch (c) {
    case SiteClass::hospital_outpatient: return "hospital_outpatient";
    case SiteClass::infusion_suite_or_office: return "infusion_suite_or_office";
    case SiteClass::home: return "home";
    case SiteClass::pharmacy: return "pharmacy";
    case SiteClass::out_of_scope: return "out_of_scope";
  }
  return "out_of_scope";
}

std::string_view describe(SiteClass c) noexcept {
  switch (c) {
    case SiteClass::hospital_outpatient: return "hospital outpatient";
    case SiteClass::infusion_suite_or_office: return "infusion suite/office";
    case SiteClass::home: return "home";
    case SiteClass::pharmacy: return "pharmacy";
    case SiteClass::out_of_scope: return "a setting outside the policy";
  }
  return "a setting outside the policy";
}

std::optional<SiteClass> site_class_from_string(std::string_view text) noexcept {
  for (SiteClass c : all_site_classes)
    if (to_string(c) == text) return c;
  return std::nullopt;
}

SiteTable::SiteTable(std::vector<SiteCode> places_of_service, std::vector<SiteCode> bill_types,
                     std::array<std::string, all_site_classes.size()> redirect_codes)
    : pos_rows_(std::move(places_of_service)), bill_rows_(std::move(bill_types)),
      redirect_codes_(std::move(redirect_codes)) {
  for (std::size_t i = 0; i < pos_rows_.size(); ++i)
    if (const int n = two_digits(pos_rows_[i].code); n >= 0) pos_index_[static_cast<std::size_t>(n)] = static_cast<std::int16_t>(i + 1);
  for (std::size_t i = 0; i < bill_rows_.size(); ++i)
    if (const int n = two_digits(bill_rows_[i].code); n >= 0) bill_index_[static_cast<std::size_t>(n)] = static_cast<std::int16_t>(i + 1);
}

const SiteCode* SiteTable::place_of_service(std::string_view code) const noexcept {
  const int n = two_digits(trim(code));
  if (n < 0 || pos_index_[static_cast<std::size_t>(n)] == 0) return nullptr;
  return &pos_rows_[static_cast<std::size_t>(pos_index_[static_cast<std::size_t>(n)] - 1)];
}

const SiteCode* SiteTable::bill_type(std::string_view code) const noexcept {
  code = trim(code);
  // UM04-1 with qualifier A is the first two digits of the type of bill; tolerate the 3-digit form.
  if (code.size() == 3 && code[2] >= '0' && code[2] <= '9') code = code.substr(0, 2);
  const int n = two_digits(code);
  if (n < 0 || bill_index_[static_cast<std::size_t>(n)] == 0) return nullptr;
  return &bill_rows_[static_cast<std::size_t>(bill_index_[static_cast<std::size_t>(n)] - 1)];
}

const SiteCode* SiteTable::classify(const model::RequestedSite& site) const noexcept {
  switch (site.qualifier) {
    case model::SiteQualifier::place_of_service: return place_of_service(site.code);
    case model::SiteQualifier::bill_type: return bill_type(site.code);
    case model::SiteQualifier::none: return nullptr;
  }
  return nullptr;
}

std::string_view SiteTable::redirect_code(SiteClass c) const noexcept {
  return redirect_codes_[static_cast<std::size_t>(c)];
}

// ---- evidence --------------------------------------------------------------------------------

EvidenceGroup::EvidenceGroup(std::string id, std::string criterion, std::string summary,
                             std::vector<EvidenceCode> codes, std::uint32_t line)
    : id_(std::move(id)), criterion_(std::move(criterion)), summary_(std::move(summary)), codes_(std::move(codes)),
      line_(line) {
  sorted_.resize(codes_.size());
  for (std::size_t i = 0; i < codes_.size(); ++i) sorted_[i] = static_cast<std::uint16_t>(i);
  std::sort(sorted_.begin(), sorted_.end(), [&](std::uint16_t a, std::uint16_t b) { return codes_[a].code < codes_[b].code; });
  // ICD-10-CM codes have at most 7 characters: then the sorted codes search as integers.
  bool short_codes = true;
  for (const EvidenceCode& c : codes_) short_codes = short_codes && c.code.size() <= max_key_length;
  for (const EvidenceCode& c : codes_)
    if (c.code.size() >= 3) heads_ |= head_bit(c.code);
  if (short_codes) {
    keys_.reserve(sorted_.size());
    for (std::uint16_t i : sorted_) {
      keys_.push_back(code_key(codes_[i].code));
      key_lengths_ = static_cast<std::uint8_t>(key_lengths_ | (1U << codes_[i].code.size()));
    }
  }
}

const EvidenceCode* EvidenceGroup::match(const model::Icd10Code& code) const noexcept {
  const std::string_view v = code.view();
  // Every prefix tried has 3 characters or more, so a row it matches starts with v's first three.
  if (v.size() < 3 || (heads_ & head_bit(v)) == 0) return nullptr;
  // Longest first: a more specific row (exact E8770) beats a broader prefix of the same code.
  if (!keys_.empty() || codes_.empty()) {
    // The prefixes' keys come from the whole code's: its first len bytes, and len in the low byte.
    // Lengths no code has (and any over 7, which key_lengths_ never has) are skipped before the shift.
    const std::uint64_t whole = code_key(v) & ~std::uint64_t{0xff};
    for (std::size_t len = v.size(); len >= 3; --len) {
      if ((key_lengths_ >> len & 1U) == 0) continue;   // no code that long: no lower_bound for nothing
      const std::uint64_t key = (whole & (~std::uint64_t{0} << (64 - 8 * len))) | len;
      const auto it = std::lower_bound(keys_.begin(), keys_.end(), key);
      if (it == keys_.end() || *it != key) continue;
      const EvidenceCode& row = codes_[sorted_[static_cast<std::size_t>(it - keys_.begin())]];
      if (row.match == MatchKind::prefix || len == v.size()) return &row;
    }
    return nullptr;
  }
  for (std::size_t len = v.size(); len >= 3; --len) {
    const std::string_view head = v.substr(0, len);
    const auto it = std::lower_bound(sorted_.begin(), sorted_.end(), head,
                                     [&](std::uint16_t i, std::string_view h) { return codes_[i].code < h; });
    if (it == sorted_.end() || codes_[*it].code != head) continue;
    const EvidenceCode& row = codes_[*it];
    if (row.match == MatchKind::prefix || len == v.size()) return &row;
  }
  return nullptr;
}

std::string_view to_string(PwkStatus s) noexcept {
  switch (s) {
    case PwkStatus::submitted: return "submitted";
    case PwkStatus::not_submitted: return "not_submitted";
    case PwkStatus::not_counted: return "not_counted";
    case PwkStatus::unknown_transmission: return "unknown_transmission";
  }
  return "unknown_transmission";
}

DocumentationRules::DocumentationRules(std::vector<std::string> submitted, std::vector<std::string> not_submitted,
                                       std::vector<std::string> counted_report_types, std::vector<std::string> in_transit)
    : submitted_(std::move(submitted)), not_submitted_(std::move(not_submitted)), counted_(std::move(counted_report_types)),
      in_transit_(std::move(in_transit)), counted_sorted_(counted_) {
  std::sort(counted_sorted_.begin(), counted_sorted_.end());
  packed_ = true;
  auto pack = [&](const std::vector<std::string>& codes, std::vector<std::uint64_t>& keys) {
    for (const std::string& c : codes) {
      packed_ = packed_ && c.size() <= max_key_length;
      keys.push_back(code_key(c));
    }
  };
  pack(submitted_, submitted_keys_);
  pack(not_submitted_, not_submitted_keys_);
  pack(counted_, counted_keys_);
}

namespace {
// Whether the trimmed `code` is one of `codes` (file order), through their keys when packed.
bool listed(std::string_view code, const std::vector<std::string>& codes, const std::vector<std::uint64_t>& keys, bool packed) noexcept {
  code = trim(code);
  if (!packed || code.size() > max_key_length) return std::find(codes.begin(), codes.end(), code) != codes.end();
  const std::uint64_t key = code_key(code);  // equal keys: equal codes (at most 7 characters, length included)
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}
}  // namespace

bool DocumentationRules::transmission_submitted(std::string_view pwk02) const noexcept {
  return listed(pwk02, submitted_, submitted_keys_, packed_);
}

bool DocumentationRules::transmission_not_submitted(std::string_view pwk02) const noexcept {
  return listed(pwk02, not_submitted_, not_submitted_keys_, packed_);
}

bool DocumentationRules::transmission_in_transit(std::string_view pwk02) const noexcept {
  pwk02 = trim(pwk02);
  return std::find(in_transit_.begin(), in_transit_.end(), pwk02) != in_transit_.end();
}

bool DocumentationRules::report_type_counted(std::string_view pwk01) const noexcept {
  return listed(pwk01, counted_, counted_keys_, packed_);
}

PwkStatus DocumentationRules::classify(const model::Attachment& pwk) const noexcept {
  if (transmission_not_submitted(pwk.transmission)) return PwkStatus::not_submitted;
  if (!transmission_submitted(pwk.transmission)) return PwkStatus::unknown_transmission;
  return report_type_counted(pwk.report_type) ? PwkStatus::submitted : PwkStatus::not_counted;
}

EvidenceTable::EvidenceTable(std::vector<EvidenceGroup> groups, DocumentationRules documentation)
    : groups_(std::move(groups)), documentation_(std::move(documentation)) {}

const EvidenceGroup* EvidenceTable::group(std::string_view id) const noexcept {
  for (const EvidenceGroup& g : groups_)
    if (g.id() == id) return &g;
  return nullptr;
}

// ---- drugs and policies ----------------------------------------------------------------------

std::string_view to_string(DrugFlag f) noexcept {
  switch (f) {
    case DrugFlag::self_administration_excluded: return "self_administration_excluded";
    case DrugFlag::certified_facility_required: return "certified_facility_required";
    case DrugFlag::first_visit_at_infusion_suite: return "first_visit_at_infusion_suite";
    case DrugFlag::includes_biosimilars: return "includes_biosimilars";
    case DrugFlag::requires_facility_administration: return "requires_facility_administration";
  }
  return "";
}

std::optional<DrugFlag> drug_flag_from_string(std::string_view text) noexcept {
  for (std::size_t i = 0; i < drug_flag_count; ++i) {
    const auto f = static_cast<DrugFlag>(i);
    if (to_string(f) == text) return f;
  }
  return std::nullopt;
}

std::string_view to_string(CriterionKind k) noexcept {
  switch (k) {
    case CriterionKind::exception_group: return "exception_group";
    case CriterionKind::exception: return "exception";
    case CriterionKind::non_qualifying: return "non_qualifying";
    case CriterionKind::continued_approval: return "continued_approval";
    case CriterionKind::redirect: return "redirect";
  }
  return "";
}

std::string_view to_string(EvidenceKind k) noexcept {
  switch (k) {
    case EvidenceKind::none: return "none";
    case EvidenceKind::drug_flag: return "drug_flag";
    case EvidenceKind::history: return "history";
    case EvidenceKind::diagnosis: return "diagnosis";
  }
  return "";
}

DrugTable::DrugTable(std::vector<Drug> rows, const DrugGroups* groups) : rows_(std::move(rows)) {
  auto lower = [&](const model::Hcpcs& code) {
    return std::lower_bound(index_.begin(), index_.end(), code, [](const Entry& e, const model::Hcpcs& c) { return e.code < c; });
  };
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    const Drug& d = rows_[i];
    auto it = lower(d.hcpcs);
    if (it != index_.end() && it->code == d.hcpcs) {
      it->flags |= d.flags;
    } else {
      index_.insert(it, Entry{hcpcs_key(d.hcpcs), d.hcpcs, static_cast<std::uint32_t>(i), d.flags});
    }
  }
  // "includes biosimilars" (Appendix B notes of J1745 and J9312): the reference row's other flags
  // apply to each biosimilar's code as well.
  if (groups != nullptr) {
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      const Drug& d = rows_[i];
      if (!d.flags.has(DrugFlag::includes_biosimilars)) continue;
      const DrugGroup* g = groups->by_reference(d.hcpcs);
      if (g == nullptr) continue;   // the loader rejects this; a hand-built table just inherits nothing
      DrugFlags lent;
      for (std::size_t f = 0; f < drug_flag_count; ++f)
        if (const auto flag = static_cast<DrugFlag>(f); flag != DrugFlag::includes_biosimilars && d.flags.has(flag)) lent.set(flag);
      for (const DrugGroupMember& m : g->members) {
        auto it = lower(m.hcpcs);
        if (it == index_.end() || it->code != m.hcpcs)
          it = index_.insert(it, Entry{hcpcs_key(m.hcpcs), m.hcpcs, static_cast<std::uint32_t>(i), {}});
        it->flags |= lent;
        if (it->inherited_row == kNoRow) it->inherited_row = static_cast<std::uint32_t>(i);
      }
    }
  }
  std::size_t size = 16;
  while (size < 2 * index_.size()) size *= 2;
  slots_.assign(size, 0);
  for (std::size_t i = 0; i < index_.size(); ++i) {
    std::size_t at = key_slot(index_[i].key, size);
    while (slots_[at] != 0) at = (at + 1) & (size - 1);
    slots_[at] = static_cast<std::uint32_t>(i + 1);
  }
}

const DrugTable::Entry* DrugTable::entry(const model::Hcpcs& code) const noexcept {
  if (slots_.empty()) return nullptr;
  const std::uint64_t key = hcpcs_key(code);
  for (std::size_t at = key_slot(key, slots_.size());; at = (at + 1) & (slots_.size() - 1)) {
    const std::uint32_t slot = slots_[at];
    if (slot == 0) return nullptr;
    if (index_[slot - 1].key == key) return &index_[slot - 1];
  }
}

const Drug* DrugTable::find(const model::Hcpcs& code) const noexcept {
  const Entry* e = entry(code);
  return e ? &rows_[e->first_row] : nullptr;
}

std::vector<const Drug*> DrugTable::find_all(const model::Hcpcs& code) const {
  std::vector<const Drug*> out;
  const Entry* e = entry(code);
  if (!e) return out;
  for (std::size_t i = e->first_row; i < rows_.size(); ++i)
    if (rows_[i].hcpcs == code) out.push_back(&rows_[i]);
  return out;
}

DrugTable::Listing DrugTable::listing(const model::Hcpcs& code) const noexcept {
  const Entry* e = entry(code);
  if (!e) return Listing{};
  return Listing{&rows_[e->first_row], e->flags, e->inherited_row == kNoRow ? nullptr : &rows_[e->inherited_row]};
}

DrugFlags DrugTable::flags(const model::Hcpcs& code) const noexcept {
  const Entry* e = entry(code);
  return e ? e->flags : DrugFlags{};
}

std::string_view to_string(DocumentationCountsWhen w) noexcept {
  return w == DocumentationCountsWhen::sent ? "sent" : "received";
}

Policy::Policy(PolicyInfo info, PolicyParameters parameters, std::shared_ptr<const std::vector<Criterion>> criteria,
               std::shared_ptr<const DrugTable> drugs, std::vector<std::string> inherited_parameters)
    : info_(std::move(info)), parameters_(std::move(parameters)), criteria_(std::move(criteria)),
      drugs_(std::move(drugs)), inherited_(std::move(inherited_parameters)) {}

std::span<const Criterion> Policy::criteria() const noexcept { return {criteria_->data(), criteria_->size()}; }

const Criterion* Policy::criterion(std::string_view id) const noexcept {
  for (const Criterion& c : *criteria_)
    if (c.id == id) return &c;
  return nullptr;
}

const Criterion* Policy::first_of_kind(CriterionKind kind) const noexcept {
  for (const Criterion& c : *criteria_)
    if (c.kind == kind) return &c;
  return nullptr;
}

// ---- routing ---------------------------------------------------------------------------------

std::string_view to_string(RouteKey k) noexcept {
  switch (k) {
    case RouteKey::isa08: return "isa08";
    case RouteKey::gs03: return "gs03";
    case RouteKey::umo_id: return "umo_id";
  }
  return "";
}

RoutingTable::RoutingTable(DefaultAction default_action, std::vector<Route> routes)
    : default_action_(default_action), routes_(std::move(routes)) {
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto idx = static_cast<std::uint32_t>(i);
    for (const auto& v : routes_[i].isa08) by_key_.emplace(route_key(RouteKey::isa08, trim(v)), idx);
    for (const auto& v : routes_[i].gs03) by_key_.emplace(route_key(RouteKey::gs03, v), idx);
    for (const auto& v : routes_[i].umo_id) by_key_.emplace(route_key(RouteKey::umo_id, v), idx);
  }
}

std::optional<RouteMatch> RoutingTable::match(std::string_view isa08, std::string_view gs03,
                                              std::string_view umo_id) const {
  const std::pair<RouteKey, std::string_view> probes[] = {
      {RouteKey::isa08, trim(isa08)}, {RouteKey::gs03, trim(gs03)}, {RouteKey::umo_id, trim(umo_id)}};
  std::optional<RouteMatch> best;
  std::uint32_t best_index = 0;
  // Every transaction is routed: build the probe keys in one buffer per thread, not three fresh
  // strings per call (match() is const and may run on several threads at once).
  thread_local std::string probe;
  for (const auto& [key, value] : probes) {
    if (value.empty()) continue;
    probe.assign(to_string(key)) += '\x1f';
    probe += value;
    const auto it = by_key_.find(probe);
    if (it == by_key_.end()) continue;
    // Routes are tried in file order: the earliest route any identifier matches wins.
    if (!best || it->second < best_index) {
      best_index = it->second;
      best = RouteMatch{&routes_[it->second], key, std::string(value)};
    }
  }
  return best;
}

// ---- administration codes and the set -------------------------------------------------------

AdministrationCodes::AdministrationCodes(std::vector<AdministrationCode> rows) : rows_(std::move(rows)) {
  std::stable_sort(rows_.begin(), rows_.end(),
                   [](const AdministrationCode& a, const AdministrationCode& b) { return a.code < b.code; });
  keys_.reserve(rows_.size());
  for (const AdministrationCode& r : rows_) keys_.push_back(hcpcs_key(r.code));
}

const AdministrationCode* AdministrationCodes::find(const model::Hcpcs& code) const noexcept {
  const std::uint64_t key = hcpcs_key(code);
  const auto it = std::lower_bound(keys_.begin(), keys_.end(), key);
  return it != keys_.end() && *it == key ? &rows_[static_cast<std::size_t>(it - keys_.begin())] : nullptr;
}

const Policy* MappingSet::policy(std::string_view id) const noexcept {
  auto it = std::lower_bound(policies.begin(), policies.end(), id,
                             [](const Policy& p, std::string_view v) { return p.id() < v; });
  return it != policies.end() && it->id() == id ? &*it : nullptr;
}

}  // namespace soc278::mapping

// soc278/mapping/policy.hpp
//
// Provides Policy, the compiled form of one mappings/policies/<ID>.yaml: metadata, parameters,
// criteria (id, section, summary, kind, coded evidence) and the drug table with typed flags.
//
// A policy with `based_on` (NY.CP.PHAR.493 -> GA.PMN.34) shares its base's criteria and drug table
// through shared_ptr: the rows exist once in memory, exactly as they exist once in the YAML, and a
// correction to the base reaches both. Its parameters are the base's with its own values on top.
//
// Built once by load_mappings(); immutable afterwards. Drug lookups are a binary search over an index
// sorted by HCPCS, so the evaluator may call them per service line.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "soc278/mapping/drug_groups.hpp"
#include "soc278/mapping/place_of_service.hpp"
#include "soc278/model/codes.hpp"

namespace soc278::mapping {

// What the Notes column of a drug table says, as flags (docs/policies.md section 1.4).
enum class DrugFlag : std::uint8_t {
  self_administration_excluded,     // "does not include self-administration"
  certified_facility_required,      // "Facility must be certified" (natalizumab, TOUCH program)
  first_visit_at_infusion_suite,    // "1st visit in AIS" (rituximab)
  includes_biosimilars,             // "includes (all) biosimilars"
  requires_facility_administration, // the FDA label requires facility administration (I.A.1.a)
};
inline constexpr std::size_t drug_flag_count = 5;

[[nodiscard]] std::string_view to_string(DrugFlag f) noexcept;
[[nodiscard]] std::optional<DrugFlag> drug_flag_from_string(std::string_view text) noexcept;

class DrugFlags {
 public:
  constexpr DrugFlags() = default;
  [[nodiscard]] constexpr bool has(DrugFlag f) const noexcept { return (bits_ >> static_cast<unsigned>(f)) & 1U; }
  constexpr void set(DrugFlag f) noexcept { bits_ = static_cast<std::uint8_t>(bits_ | (1U << static_cast<unsigned>(f))); }
  [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
  constexpr DrugFlags& operator|=(DrugFlags o) noexcept { bits_ = static_cast<std::uint8_t>(bits_ | o.bits_); return *this; }
  friend constexpr bool operator==(DrugFlags, DrugFlags) = default;

 private:
  std::uint8_t bits_ = 0;
};

struct Drug {                       // one row of the policy's drug table, spelled as published
  model::Hcpcs hcpcs;
  std::string generic;
  std::string brand;
  std::string note;                 // Notes column verbatim ("" when empty)
  DrugFlags flags;
  std::string review;               // why the row looks wrong ("" = nothing); the row is used as published
  std::uint32_t line = 0;           // line in the policy file
};

// The drug table in source order plus an index by HCPCS. Several rows may share a code (J0885 Epogen
// and Procrit); a service line carries only the code, so lookups return every row of that code.
//
// "includes biosimilars": a row with flag includes_biosimilars lends its other flags to every member
// of the drug-groups.yaml group whose reference product is the row's code. A member listed in the
// table keeps its own row and gains the flags; a member not listed becomes listed through the
// reference row (Listing::first is then the reference row). Listing::inherited_from names the row
// whose note was inherited, for explanations.
class DrugTable {
 public:
  DrugTable() = default;
  explicit DrugTable(std::vector<Drug> rows, const DrugGroups* groups = nullptr);

  [[nodiscard]] const std::vector<Drug>& rows() const noexcept { return rows_; }
  [[nodiscard]] std::size_t size() const noexcept { return rows_.size(); }
  [[nodiscard]] bool contains(const model::Hcpcs& code) const noexcept { return find(code) != nullptr; }
  // The first row (source order) with this code, or nullptr.
  [[nodiscard]] const Drug* find(const model::Hcpcs& code) const noexcept;
  // Every row with this code, in source order (empty when not listed).
  [[nodiscard]] std::vector<const Drug*> find_all(const model::Hcpcs& code) const;
  // The union of the flags of every row with this code: a line names a code, not a brand, so a flag
  // on any row of the code applies (conservative: J2323 needs a certified facility whatever the brand).
  [[nodiscard]] DrugFlags flags(const model::Hcpcs& code) const noexcept;
  // find() and flags() in one lookup, for a caller that needs both (the evaluator, per line).
  struct Listing {
    const Drug* first = nullptr;   // find(code), or the reference row for an unlisted biosimilar
    DrugFlags flags;               // flags(code), inherited flags included
    const Drug* inherited_from = nullptr;   // the "includes biosimilars" row whose flags apply, or nullptr
  };
  [[nodiscard]] Listing listing(const model::Hcpcs& code) const noexcept;

 private:
  struct Entry {
    std::uint64_t key;         // the code packed for integer comparison (tables.cpp hcpcs_key)
    model::Hcpcs code;
    std::uint32_t first_row;   // first row with the code (source order)
    DrugFlags flags;           // union over the code's rows, plus flags inherited from a reference product
    std::uint32_t inherited_row = kNoRow;   // the reference row whose flags were inherited
  };
  static constexpr std::uint32_t kNoRow = 0xFFFFFFFFu;
  std::vector<Drug> rows_;
  std::vector<Entry> index_;   // sorted by code, one entry per distinct code
  // Open-addressing hash of index_ by Entry::key (slot = index + 1, 0 = empty; power-of-two size,
  // at most half full): a service line asks for its code several times.
  std::vector<std::uint32_t> slots_;
  [[nodiscard]] const Entry* entry(const model::Hcpcs& code) const noexcept;
};

enum class CriterionKind : std::uint8_t { exception_group, exception, non_qualifying, continued_approval, redirect };
enum class EvidenceKind : std::uint8_t {
  none,       // no coded evidence in a 278: documentation and clinical review only
  drug_flag,  // a flag on the drug row
  history,    // prior administrations of the drug (initial dose / restart)
  diagnosis,  // an ICD-10-CM match in an evidence.yaml group
};

[[nodiscard]] std::string_view to_string(CriterionKind k) noexcept;
[[nodiscard]] std::string_view to_string(EvidenceKind k) noexcept;

struct Criterion {
  std::string id;                  // "I.A.1.d", "non_qualifying"
  std::string section;             // as printed: "I.A.1.d", "I.A.1 (non-qualifying examples)"
  std::string summary;             // paraphrase of the policy sentence
  CriterionKind kind = CriterionKind::exception;
  EvidenceKind evidence = EvidenceKind::none;
  std::optional<DrugFlag> flag;    // evidence = drug_flag
  std::string evidence_group;      // evidence = diagnosis: an evidence.yaml group id
  bool documentation_required = false;
  std::string documents;           // what a pend asks for when this criterion lacks documentation ("" = use summary)
  std::uint32_t line = 0;          // line in the policy file that defines it (the base's file when inherited)
};

enum class NotListedAction : std::uint8_t { pend };
enum class DocumentationWithoutEvidence : std::uint8_t { pend, redirect };
// When a PWK counts as documentation for an approval (docs/decisions.md section 6): `sent` - as soon as
// PWK02 says it was sent; `received` - only once the payer holds it: a document sent on paper (PWK02 in
// evidence.yaml pwk_transmission_in_transit: fax, mail) counts only when History says its PWK06
// control number was received.
enum class DocumentationCountsWhen : std::uint8_t { sent, received };
[[nodiscard]] std::string_view to_string(DocumentationCountsWhen w) noexcept;   // "sent", "received"

struct PolicyParameters {
  int max_approval_months = 12;                 // I/II "Approval duration: Up to one year"
  int restart_window_months = 6;                // I.A.1.b "restart ... after a 6-month disruption"
  std::string redirect_hcr01 = "A6";            // III.A redirect action (A6 modified or A3 not certified)
  NotListedAction not_listed_action = NotListedAction::pend;
  DocumentationWithoutEvidence documentation_without_evidence = DocumentationWithoutEvidence::pend;
  DocumentationCountsWhen documentation_counts_when = DocumentationCountsWhen::received;   // Policy/Criteria, I.A.1.c/d
  bool pediatric_is_exception = false;          // I.A.1 non-qualifying "pediatrics"
  int pediatric_age_under = 18;                 // project convention
  std::vector<SiteClass> preferred_sites;       // Description: redirect order (home, infusion suite/office, pharmacy)
};

// Where in the policy text the rules that no criterion row covers are found: the drug list (rule 1),
// the site-of-care description (rule 2), the review types (rule 0), and what a pediatric exception
// cites (parameter pediatric_is_exception). A based_on policy shares its base's.
struct PolicySections {
  std::string drug_list;            // GA.PMN.34: "Appendix B"
  std::string site;                 // "Description"
  std::string review_type;          // "Policy/Criteria"
  std::string pediatric_exception;  // "parameter pediatric_is_exception"
};

struct PolicyInfo {
  std::string id;                    // "GA.PMN.34" (= the file name)
  std::string title;
  std::string line_of_business;
  std::string effective;             // "YYYY-MM" or "" when not known
  std::string last_review;           // "YYYY-MM" or ""
  std::string source;
  std::string based_on;              // "" = self-contained
  bool text_available = true;
  std::string file;                  // path of the YAML file it was loaded from
  PolicySections sections;
};

class Policy {
 public:
  Policy() = default;
  Policy(PolicyInfo info, PolicyParameters parameters, std::shared_ptr<const std::vector<Criterion>> criteria,
         std::shared_ptr<const DrugTable> drugs, std::vector<std::string> inherited_parameters);

  [[nodiscard]] const PolicyInfo& info() const noexcept { return info_; }
  [[nodiscard]] const std::string& id() const noexcept { return info_.id; }
  [[nodiscard]] const PolicyParameters& parameters() const noexcept { return parameters_; }
  [[nodiscard]] std::span<const Criterion> criteria() const noexcept;
  [[nodiscard]] const Criterion* criterion(std::string_view id) const noexcept;
  // The first criterion of a kind (policy order), or nullptr: e.g. the continued_approval row (II.A).
  [[nodiscard]] const Criterion* first_of_kind(CriterionKind kind) const noexcept;
  [[nodiscard]] const DrugTable& drugs() const noexcept { return *drugs_; }
  // Parameter names taken from the base policy (empty when self-contained).
  [[nodiscard]] const std::vector<std::string>& inherited_parameters() const noexcept { return inherited_; }
  // True when this policy and `other` share the same criteria and drug rows in memory.
  [[nodiscard]] bool shares_tables_with(const Policy& other) const noexcept {
    return criteria_ == other.criteria_ && drugs_ == other.drugs_;
  }

 private:
  PolicyInfo info_;
  PolicyParameters parameters_;
  std::shared_ptr<const std::vector<Criterion>> criteria_ = std::make_shared<const std::vector<Criterion>>();
  std::shared_ptr<const DrugTable> drugs_ = std::make_shared<const DrugTable>();
  std::vector<std::string> inherited_;
};

}  // namespace soc278::mapping

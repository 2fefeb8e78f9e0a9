// soc278/mapping/evidence.hpp
//
// Provides the compiled form of mappings/evidence.yaml: EvidenceGroup (ICD-10-CM codes, exact or
// prefix, that evidence one policy criterion, each with its reason and source sentence) and
// DocumentationRules (which PWK01 report types count as clinical documentation and which PWK02
// transmission codes mean "sent" or "not sent").
//
// Built once by load_mappings(); immutable afterwards. Matching a diagnosis costs at most one binary
// search per prefix length (3..7), so the evaluator may call it for every HI composite.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "soc278/model/authorization_request.hpp"
#include "soc278/model/codes.hpp"

namespace soc278::mapping {

enum class MatchKind : std::uint8_t {
  exact,   // the HI code equals `code`
  prefix,  // the HI code starts with `code` (subcodes, 7th characters)
};

struct EvidenceCode {              // one icd10 row
  std::string code;                // ICD-10-CM without the decimal point ("T886")
  MatchKind match = MatchKind::exact;
  std::string reason;              // sub-type: anaphylaxis, trypanophobia, ...
  std::string label;               // ICD-10-CM title
  std::string source;              // the policy sentence the code evidences
  std::uint32_t line = 0;          // line in evidence.yaml
  std::string family;              // the clinical family the code belongs to ("chronic_obstructive_lung_disease");
                                   // every code of a family gives the same answer
};

class EvidenceGroup {
 public:
  EvidenceGroup() = default;
  // Codes must be distinct (the loader checks that); they are kept in file order and indexed.
  EvidenceGroup(std::string id, std::string criterion, std::string summary, std::vector<EvidenceCode> codes,
                std::uint32_t line);

  [[nodiscard]] const std::string& id() const noexcept { return id_; }
  [[nodiscard]] const std::string& criterion() const noexcept { return criterion_; }  // policy criterion id
  [[nodiscard]] const std::string& summary() const noexcept { return summary_; }
  [[nodiscard]] const std::vector<EvidenceCode>& codes() const noexcept { return codes_; }
  [[nodiscard]] std::uint32_t line() const noexcept { return line_; }

  // The row a diagnosis matches (the longest matching prefix wins; exact rows only on equality), or
  // nullptr.
  [[nodiscard]] const EvidenceCode* match(const model::Icd10Code& code) const noexcept;

 private:
  std::string id_, criterion_, summary_;
  std::vector<EvidenceCode> codes_;                 // file order
  std::vector<std::uint16_t> sorted_;               // indices into codes_, ordered by code
  std::vector<std::uint64_t> keys_;                 // codes of sorted_ packed (tables.cpp code_key); empty if any is longer than 7
  std::uint8_t key_lengths_ = 0;                    // bit n set: some code of keys_ has n characters (1..7)
  // One bit per hash of the first three characters of each code of 3 or more (tables.cpp head_bit):
  // a diagnosis whose first three have no bit set matches no row, which is the common answer.
  std::uint64_t heads_ = 0;
  std::uint32_t line_ = 0;
};

// What one PWK segment says about documentation (evidence.yaml `documentation`).
enum class PwkStatus : std::uint8_t {
  submitted,            // PWK01 counted and PWK02 in pwk_transmission_submitted
  not_submitted,        // PWK02 in pwk_transmission_not_submitted (AA, VO): nothing was sent
  not_counted,          // sent, but PWK01 is not a clinical report type under the policy
  unknown_transmission, // PWK02 in neither list: treated as not sent
};

[[nodiscard]] std::string_view to_string(PwkStatus s) noexcept;

class DocumentationRules {
 public:
  DocumentationRules() = default;
  DocumentationRules(std::vector<std::string> submitted, std::vector<std::string> not_submitted,
                     std::vector<std::string> counted_report_types, std::vector<std::string> in_transit = {});

  [[nodiscard]] PwkStatus classify(const model::Attachment& pwk) const noexcept;
  [[nodiscard]] bool transmission_submitted(std::string_view pwk02) const noexcept;
  [[nodiscard]] bool transmission_not_submitted(std::string_view pwk02) const noexcept;
  [[nodiscard]] bool report_type_counted(std::string_view pwk01) const noexcept;
  // PWK02 says the document was sent on paper (fax, mail): the payer holds it only once it arrives
  // (policy parameter documentation_counts_when). A subset of the submitted codes.
  [[nodiscard]] bool transmission_in_transit(std::string_view pwk02) const noexcept;
  [[nodiscard]] const std::vector<std::string>& in_transit() const noexcept { return in_transit_; }

  [[nodiscard]] const std::vector<std::string>& submitted() const noexcept { return submitted_; }
  [[nodiscard]] const std::vector<std::string>& not_submitted() const noexcept { return not_submitted_; }
  [[nodiscard]] const std::vector<std::string>& counted_report_types() const noexcept { return counted_; }

 private:
  std::vector<std::string> submitted_, not_submitted_, counted_, in_transit_;  // file order
  std::vector<std::string> counted_sorted_;
  // The three lists packed as integers (tables.cpp code_key), searched instead of the strings: a PWK
  // is classified for every transaction. Empty (`packed_` false) when a code is longer than 7.
  std::vector<std::uint64_t> submitted_keys_, not_submitted_keys_, counted_keys_;
  bool packed_ = false;
};

class EvidenceTable {
 public:
  EvidenceTable() = default;
  EvidenceTable(std::vector<EvidenceGroup> groups, DocumentationRules documentation);

  [[nodiscard]] const EvidenceGroup* group(std::string_view id) const noexcept;
  [[nodiscard]] const std::vector<EvidenceGroup>& groups() const noexcept { return groups_; }
  [[nodiscard]] const DocumentationRules& documentation() const noexcept { return documentation_; }

 private:
  std::vector<EvidenceGroup> groups_;
  DocumentationRules documentation_;
};

}  // namespace soc278::mapping

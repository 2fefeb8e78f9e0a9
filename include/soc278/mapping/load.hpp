// soc278/mapping/load.hpp
//
// Provides MappingSet (every table of mappings/, compiled) and load_mappings(), which reads the
// folder once at start-up. Front ends load it once and share it read-only between workers; nothing
// in it changes after load, so concurrent evaluators need no locks.
//
// The loader rejects unknown keys, wrong types, bad codes (HCPCS, POS, bill type, ICD-10, PWK, HCR),
// unknown flags and site classes, duplicate rows and dangling references (criterion, evidence group,
// policy, based_on). Every problem found is reported: the Diagnostic (mapping.* codes) carries the
// first problem's code and found value, and a message with one "<file>:<line>: " line per problem
// (at most 25, then "(and N more)"). Files are read in a fixed order, so the answer is the same on
// every run. The schema is docs/policies.md.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "soc278/core/result.hpp"
#include "soc278/ig/guide.hpp"
#include "soc278/mapping/administration_codes.hpp"
#include "soc278/mapping/decision_codes.hpp"
#include "soc278/mapping/drug_groups.hpp"
#include "soc278/mapping/evidence.hpp"
#include "soc278/mapping/place_of_service.hpp"
#include "soc278/mapping/policy.hpp"
#include "soc278/mapping/wording.hpp"
#include "soc278/mapping/routing.hpp"

namespace soc278::mapping {

struct MappingSet {
  std::vector<Policy> policies;        // sorted by id
  SiteTable sites;                     // place-of-service.yaml
  EvidenceTable evidence;              // evidence.yaml
  AdministrationCodes administration;  // administration-codes.yaml
  DrugGroups drug_groups;              // drug-groups.yaml (biosimilars of a reference product)
  RoutingTable routing;                // routing.yaml
  DecisionCodes decision_codes;        // decision-codes.yaml
  Wording wording;                     // wording.yaml: the evaluator's sentences
  std::filesystem::path dir;           // the folder it was loaded from

  // nullptr when no policy has this id.
  [[nodiscard]] const Policy* policy(std::string_view id) const noexcept;
};

// Reads `dir`/place-of-service.yaml, evidence.yaml, administration-codes.yaml, decision-codes.yaml,
// drug-groups.yaml, policies/*.yaml and routing.yaml (in that order). Other *.yaml files at the top level are rejected
// (a misspelled file name must not be silently ignored); non-YAML files (README.md) are ignored.
// The X12 codes the tables name (HCR01, HCR03, PWK01, PWK02) are checked against the code lists of
// `guides` (grammars/codes/), loaded first: those lists are written once, in grammars/.
[[nodiscard]] core::Result<MappingSet> load_mappings(const std::filesystem::path& dir, const ig::GuideSet& guides);

}  // namespace soc278::mapping

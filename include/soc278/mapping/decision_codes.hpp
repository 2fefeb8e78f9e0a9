// soc278/mapping/decision_codes.hpp
//
// Provides DecisionCodes, the compiled form of mappings/decision-codes.yaml: the HCR01 action code
// per outcome and the HCR03 decision reason (code source 886) per kind of outcome. The evaluator
// copies them onto each decision, so the response writer never chooses a line's code itself; the one
// event-level code (hcr01_partial, the 2000E summary of lines certified in part) it reads from here.
// The initial values mirror the shipped file for tests that build a DecisionCodes by hand; the
// product always loads them from mappings/decision-codes.yaml.
// A policy's parameters.redirect_hcr01 overrides hcr01_redirect for that policy.
#pragma once

#include <string>

namespace soc278::mapping {

struct DecisionCodes {
  std::string hcr01_approve = "A1";
  std::string hcr01_redirect = "A6";
  std::string hcr01_pend = "A4";
  std::string hcr01_approve_shortened = "A6";      // approved at the requested site for a shorter span than asked
  std::string hcr01_cancel = "C";                  // a cancellation (UM02 3) confirmed
  std::string hcr01_partial = "A2";                // 2000E summary only: some lines certified, some pended

  std::string hcr03_approve;                       // "" = no HCR03 on a full certification (YAML null)
  std::string hcr03_redirect = "16";               // inappropriate facility type
  std::string hcr03_pend_documentation = "0U";     // additional patient information required
  std::string hcr03_pend_clinical_review = "0V";   // requires medical review
  std::string hcr03_pend_not_listed = "0V";        // drug not on the policy's list (rule 1)
  std::string hcr03_pend_unknown_payer = "0W";     // no route matched
  std::string hcr03_pend_history = "0V";           // I.A.1.b cannot be confirmed
  std::string hcr03_pend_site = "0V";              // requested site missing, unknown or out of scope
  std::string hcr03_approve_shortened = "0L";      // the span asked for exceeds the policy's approval duration
  std::string hcr03_cancel;                        // "" = no HCR03 on a confirmed cancellation (YAML null)

  // summary_msg: the 2000E MSG01 when every decided line is pended (documents asked for or not), and
  // when some lines are certified and some pended ({certified}, {decided}, {pended}: line counts).
  // MSG-safe (A-Z 0-9 space ' ( ) , - . / ;), checked by the loader.
  std::string msg_pended_documents_needed = "PENDED - SEE SERVICE LINES FOR THE DOCUMENTATION NEEDED";
  std::string msg_pended_no_documents = "PENDED - SEE SERVICE LINES FOR THE REASON, NO DOCUMENTS REQUESTED";
  std::string msg_partial = "CERTIFIED IN PART - {certified} OF {decided} SERVICE LINES CERTIFIED, {pended} PENDED";
};

}  // namespace soc278::mapping

// soc278/mapping/wording.hpp
//
// Provides Wording, the compiled form of mappings/wording.yaml: the sentence each rule of the
// evaluator writes (the decision report's `sentence`, explain's text), the notes on each criterion
// checked, and the documents a pend asks for, as text with {slot} placeholders. The evaluator decides; the words are data, so a payer can
// reword a sentence (or translate it) without touching C++. Each phrase is split into its literal
// parts and slots once, at load; the loader refuses a missing phrase, an unknown key and a slot the
// phrase cannot have (wording.def lists which slots each phrase may use).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace soc278::mapping {

// What a phrase's {placeholders} may name. The evaluator fills the ones a phrase uses.
enum class Slot : std::uint8_t {
  policy,             // the policy id: GA.PMN.34
  section,            // the section the rule cites (the decision's `section`)
  exception_section,  // the policy's exception criterion section (I.A.1)
  hcpcs,              // the line's HCPCS/CPT code
  procedure,          // the line's procedure code as sent, when it is not a readable code
  generic,            // the drug's generic name (Appendix B row)
  drug_note,          // the Appendix B note that sends the drug elsewhere, quoted
  um02,               // UM02 as sent
  review,             // what UM02 means: "renewal", "appeal - standard"
  a_review,           // the same with its article: "a renewal", "an extension"
  um04,               // the requested site as sent: "22:B"
  site_code,          // UM04-1 alone
  site_name,          // the site code's name (place-of-service.yaml)
  site_class,         // the site's class in words: "home"
  preferred_sites,    // the policy's lower-cost sites in words: "home, infusion suite/office or pharmacy"
  redirect_target,    // where the line is redirected, in words
  from,               // the certified span's first day, CCYY-MM-DD
  to,                 // the certified span's last day
  met_section,        // the section of the first exception met
  met_evidence,       // the evidence that met it, joined: "X and Y"
  docs,               // the documentation submitted: "PWK M1 by EL"
  docs_awaited,       // the documentation announced and not yet received
  docs_sent,          // docs when any was received, else docs_awaited
  not_submitted,      // the PWK02 codes that mean nothing was sent: "AA, NS or VO"
  non_qualifying,     // " (trypanophobia (F40.231) is non-qualifying)", or nothing
  previous,           // the certification a cancellation names (REF*BB)
  drug_line,          // an administration line's drug line: its number, code, site, outcome, policy,
  drug_hcpcs,         //   section and sentence
  drug_site,
  drug_outcome,
  drug_policy,
  drug_section,
  drug_sentence,
  reason,             // why a request has no policy (R0.no_route, rendered)
  isa08,              // the envelope and UMO ids routing looked at
  gs03,
  umo,
  flag,               // a drug flag's name: certified_facility_required
  evidence_group,     // an evidence group's id (evidence.yaml)
  age,                // the member's age on the service start
  last,               // the last prior administration on record, CCYY-MM-DD
  window,             // the policy's restart window, in months
  start,              // the service start, CCYY-MM-DD
  items,              // a list in words: "trypanophobia (F40.231) and pediatrics (age 9)"
  submitted,          // the PWK02 codes that count as documentation sent: "BM, EL, EM or FX"
  count_
};
inline constexpr std::size_t slot_count = static_cast<std::size_t>(Slot::count_);
static_assert(slot_count <= 64, "a phrase's slots are a 64-bit mask");

[[nodiscard]] std::string_view to_string(Slot s) noexcept;

enum class Phrase : std::uint8_t {
#define SOC278_PHRASE(name, key, slots) name,
#include "soc278/mapping/wording.def"
#undef SOC278_PHRASE
  count_
};
inline constexpr std::size_t phrase_count = static_cast<std::size_t>(Phrase::count_);

// "R1.not_listed": the phrase's key in wording.yaml.
[[nodiscard]] std::string_view key_of(Phrase p) noexcept;
// The slots a phrase may use (bit i = Slot i).
[[nodiscard]] std::uint64_t allowed_slots(Phrase p) noexcept;

// One phrase, split at load: literal text and slots in order.
struct Template {
  struct Part {
    std::string text;  // the literal, when slot is count_
    Slot slot = Slot::count_;
  };
  std::vector<Part> parts;
  std::uint64_t slots = 0;  // bit i set: the phrase uses Slot i

  [[nodiscard]] bool uses(Slot s) const noexcept { return (slots >> static_cast<unsigned>(s)) & 1u; }
  // Appends the phrase to `out`, each slot replaced by values[slot].
  void render(std::string& out, const std::array<std::string_view, slot_count>& values) const;
};

// Splits "text {slot} text" into parts. Returns false and sets `error` on an unclosed or unknown
// placeholder. "{{" and "}}" stand for literal braces.
[[nodiscard]] bool parse_template(std::string_view text, Template& out, std::string& error);

class Wording {
 public:
  // The shipped wording is always loaded from mappings/wording.yaml; a default Wording has empty
  // phrases (tests that build a MappingSet by hand set the phrases they need).
  [[nodiscard]] const Template& operator[](Phrase p) const noexcept { return phrases_[static_cast<std::size_t>(p)]; }
  Template& operator[](Phrase p) noexcept { return phrases_[static_cast<std::size_t>(p)]; }

 private:
  std::array<Template, phrase_count> phrases_{};
};

}  // namespace soc278::mapping

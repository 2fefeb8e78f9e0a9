#include "soc278/soc/decision.hpp"

#include <cctype>

namespace soc278::soc {

std::string_view to_string(Outcome o) noexcept {
  switch (o) {
    case Outcome::approve: return "approve";
    case Outcome::redirect: return "redirect";
    case Outcome::pend: return "pend";
  }
  return "pend";
}

std::string_view to_string(CriterionOutcome o) noexcept {
  switch (o) {
    case CriterionOutcome::met: return "met";
    case CriterionOutcome::not_met: return "not met";
    case CriterionOutcome::not_assessed: return "not assessed";
    case CriterionOutcome::non_qualifying: return "non-qualifying";
  }
  return "not assessed";
}

namespace {

// MSG01 is AN 1-264. Keep letters, digits and a few punctuation marks that are never chosen as X12
// delimiters in practice; anything else (* ~ : ^ | > and non-ASCII) becomes a space.
std::string msg_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) && u < 0x80) out += static_cast<char>(std::toupper(u));
    else if (c == ' ' || c == '.' || c == ',' || c == ';' || c == '(' || c == ')' || c == '/' || c == '-' || c == '\'')
      out += c;
    else out += ' ';
  }
  // Collapse runs of spaces so the 264 characters carry words.
  std::string squeezed;
  for (char c : out)
    if (!(c == ' ' && (squeezed.empty() || squeezed.back() == ' '))) squeezed += c;
  while (!squeezed.empty() && squeezed.back() == ' ') squeezed.pop_back();
  if (squeezed.size() > 264) {
    // Cut at a word boundary so the last word is not half a code.
    squeezed.resize(264);
    if (const auto space = squeezed.rfind(' '); space != std::string::npos && space > 200) squeezed.resize(space);
    while (!squeezed.empty() && (squeezed.back() == ' ' || squeezed.back() == ',' || squeezed.back() == ';' || squeezed.back() == '('))
      squeezed.pop_back();
  }
  return squeezed;
}

std::string site_list(const std::vector<mapping::SiteClass>& sites) {
  std::string s;
  for (std::size_t i = 0; i < sites.size(); ++i) {
    if (i) s += i + 1 == sites.size() ? " OR " : ", ";
    s += mapping::describe(sites[i]);
  }
  return s;
}

}  // namespace

std::string response_message(const LineDecision& d) {
  const std::string cite = d.policy_id.empty() ? std::string("ROUTING") : d.policy_id + " " + d.section;
  std::string text;
  switch (d.outcome) {
    case Outcome::approve:
      text = "SITE OF CARE APPROVED AS REQUESTED PER " + cite;
      break;
    case Outcome::redirect: {
      text = "SITE OF CARE REDIRECT PER " + cite + ". APPROVED AT " + site_list(d.redirect_to);
      if (d.certified_facility) text += " (CERTIFIED FACILITY ONLY)";
      if (d.requested_site.site_class) text += ". REQUESTED " + std::string(mapping::describe(*d.requested_site.site_class)) + " NOT APPROVED";
      if (!d.non_qualifying.empty()) {
        text += ". NOT QUALIFYING: ";
        for (std::size_t i = 0; i < d.non_qualifying.size(); ++i) text += (i ? ", " : "") + d.non_qualifying[i];
      }
      break;
    }
    case Outcome::pend: {
      if (d.policy_id.empty()) {   // no policy decided it (unknown payer): the sentence says why
        text = d.explanation.sentence;
        break;
      }
      if (!d.documents_needed.empty()) {
        text = "PENDED PER " + cite + ". SEND: ";
        for (std::size_t i = 0; i < d.documents_needed.size(); ++i) text += (i ? "; " : "") + d.documents_needed[i];
      } else {
        // A review pend: the sentence says why; make sure it cites the policy and section.
        text = d.explanation.sentence;
        if (text.find(d.policy_id) == std::string::npos) text += " PER " + cite;
      }
      break;
    }
  }
  return msg_safe(text);
}

}  // namespace soc278::soc

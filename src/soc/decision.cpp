#include "soc278/soc/decision.hpp"

#include <algorithm>
#include <array>

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

// MSG01 is AN 1-264. Keep letters (upper-cased), digits and a few punctuation marks that are never
// chosen as X12 delimiters in practice; anything else (* ~ : ^ | > and non-ASCII) becomes a space.
constexpr std::array<char, 256> msg_chars = [] {
  std::array<char, 256> t{};
  for (std::size_t c = 0; c < t.size(); ++c) t[c] = ' ';
  for (char c = '0'; c <= '9'; ++c) t[static_cast<unsigned char>(c)] = c;
  for (char c = 'A'; c <= 'Z'; ++c) t[static_cast<unsigned char>(c)] = c;
  for (char c = 'a'; c <= 'z'; ++c) t[static_cast<unsigned char>(c)] = static_cast<char>(c - 'a' + 'A');
  for (char c : {' ', '.', ',', ';', '(', ')', '/', '-', '\''}) t[static_cast<unsigned char>(c)] = c;
  return t;
}();

// Writes text made MSG-safe into `out` as it comes, collapsing runs of spaces so that the 264
// characters carry words (one pass: the message is built for every service line). Once more than
// 264 characters are written and the last is not a space, the message will be cut at 264 whatever
// follows, so the rest is not even read.
class MsgText {
 public:
  explicit MsgText(std::string& out) : out_(out) { out_.clear(); }
  MsgText& operator<<(std::string_view text) {
    if (full_) return *this;
    // Room for all of it: the bytes are written through a pointer, the size fixed in finish().
    if (out_.size() < n_ + text.size()) out_.resize(std::max(n_ + text.size(), 2 * out_.size()));
    char* const base = out_.data();
    std::size_t n = n_;
    bool space = space_;
    for (char c : text) {
      const char m = msg_chars[static_cast<unsigned char>(c)];
      if (m == ' ') {
        if (space) continue;
        space = true;
      } else {
        space = false;
        if (n >= 264) {  // the 265th character, not a space: the cut is certain
          base[n++] = m;
          full_ = true;
          break;
        }
      }
      base[n++] = m;
    }
    n_ = n;
    space_ = space;
    return *this;
  }
  void finish() {
    out_.resize(n_);
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();
    if (out_.size() > 264) {
      // Cut at a word boundary so the last word is not half a code.
      out_.resize(264);
      if (const auto space = out_.rfind(' '); space != std::string::npos && space > 200) out_.resize(space);
      while (!out_.empty() && (out_.back() == ' ' || out_.back() == ',' || out_.back() == ';' || out_.back() == '('))
        out_.pop_back();
    }
  }

 private:
  std::string& out_;
  std::size_t n_ = 0;    // characters written
  bool space_ = true;    // the last written is a space, or nothing is written yet: drop a space
  bool full_ = false;
};

void site_list(MsgText& m, const std::vector<mapping::SiteClass>& sites) {
  for (std::size_t i = 0; i < sites.size(); ++i) {
    if (i) m << (i + 1 == sites.size() ? " OR " : ", ");
    m << mapping::describe(sites[i]);
  }
}

}  // namespace

void response_message(const LineDecision& d, std::string& out) {
  MsgText m(out);
  auto cite = [&] {
    if (d.policy_id.empty()) {
      m << "ROUTING";
    } else {
      m << d.policy_id << " " << d.section;
    }
  };
  switch (d.outcome) {
    case Outcome::approve:
      m << "SITE OF CARE APPROVED AS REQUESTED PER ";
      cite();
      break;
    case Outcome::redirect: {
      m << "SITE OF CARE REDIRECT PER ";
      cite();
      m << ". APPROVED AT ";
      site_list(m, d.redirect_to);
      if (d.certified_facility) m << " (CERTIFIED FACILITY ONLY)";
      if (d.requested_site.site_class) m << ". REQUESTED " << mapping::describe(*d.requested_site.site_class) << " NOT APPROVED";
      if (!d.non_qualifying.empty()) {
        m << ". NOT QUALIFYING: ";
        for (std::size_t i = 0; i < d.non_qualifying.size(); ++i) m << (i ? ", " : "") << d.non_qualifying[i];
      }
      break;
    }
    case Outcome::pend: {
      if (d.policy_id.empty()) {   // no policy decided it (unknown payer): the sentence says why
        m << d.explanation.sentence;
        break;
      }
      if (!d.documents_needed.empty()) {
        m << "PENDED PER ";
        cite();
        m << ". SEND: ";
        for (std::size_t i = 0; i < d.documents_needed.size(); ++i) m << (i ? "; " : "") << d.documents_needed[i];
      } else {
        // A review pend: the sentence says why; make sure it cites the policy and section.
        m << d.explanation.sentence;
        if (d.explanation.sentence.find(d.policy_id) == std::string::npos) {
          m << " PER ";
          cite();
        }
      }
      break;
    }
  }
  m.finish();
}

std::string response_message(const LineDecision& d) {
  std::string out;
  response_message(d, out);
  return out;
}

}  // namespace soc278::soc

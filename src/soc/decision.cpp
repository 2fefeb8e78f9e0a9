#include "soc278/soc/decision.hpp"

#include "soc278/core/bytes.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "core/simd.hpp"

namespace soc278::soc {

std::string_view to_string(Outcome o) noexcept {
  switch (o) {
    case Outcome::approve: return "approve";
    case Outcome::redirect: return "redirect";
    case Outcome::pend: return "pend";
    case Outcome::cancel: return "cancel";
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
// Runs of spaces collapse to one so that the 264 characters carry words.
//
// The message is made for every service line, so MsgText copies the pieces as they come into a
// buffer on the stack and makes them MSG-safe 16 bytes at a time. That equals applying the rule one
// character at a time, which looks at a character and at whether the last one written is a space,
// never at where a piece ends (tests/unit/soc/response_message_test.cpp keeps that reference).
constexpr std::size_t kMsgMax = 264;
// Once this many characters are written the cut at 264 is certain (no two spaces in a row, so one of
// the 265th and 266th is not a space) and the rest of the text cannot change the message.
constexpr std::size_t kMsgEnough = kMsgMax + 2;
constexpr std::size_t kBlock = 16;

// Appends the first `len` bytes of `in` made MSG-safe at out + n, dropping each space that follows a
// space; `space` says whether the last written character is a space (or nothing is written yet).
// Reads 16 bytes at `in` and may write 16 at out + n whatever len is. Returns the new n. The speed
// fence (core/simd.hpp) holds it: 16 bytes at a time with SSE2, a table lookup per byte otherwise.
using core::simd::put_msg_block;

using core::copy_short;

// Collects the text of a message and writes it MSG-safe, as described above.
class MsgText {
 public:
  // The message's opening words: a literal that is MSG-safe already, so it goes straight out.
  explicit MsgText(std::string_view opening) {
    std::memcpy(msg_.data(), opening.data(), opening.size());
    n_ = opening.size();
    space_ = n_ == 0 || opening.back() == ' ';
  }
  [[gnu::always_inline]] MsgText& operator<<(std::string_view text) {
    if (text.size() > kPending - pending_) [[unlikely]] text = make_room(text);
    if (text.empty()) return *this;  // an empty view may hold no pointer at all (make_room's {}): memcpy must not see it
    copy_short(pending_text_.data() + pending_, text.data(), text.size());
    pending_ += text.size();
    return *this;
  }
  void finish(std::string& out) {
    std::fill_n(pending_text_.data() + pending_, kBlock, ' ');   // the last block is read whole
    convert_pending();
    std::size_t n = n_;
    while (n != 0 && msg_[n - 1] == ' ') --n;
    if (n > kMsgMax) {
      // Cut at a word boundary so the last word is not half a code.
      n = kMsgMax;
      if (const auto space = std::string_view(msg_.data(), n).rfind(' '); space != std::string_view::npos && space > 200) n = space;
      while (n != 0 && (msg_[n - 1] == ' ' || msg_[n - 1] == ',' || msg_[n - 1] == ';' || msg_[n - 1] == '(')) --n;
    }
    out.assign(msg_.data(), n);
  }

 private:
  static constexpr std::size_t kPending = 16 * kBlock;

  // Converts whole pending buffers of `text` until the rest fits; returns the rest.
  [[gnu::noinline]] std::string_view make_room(std::string_view text) {
    while (text.size() > kPending - pending_) {
      if (n_ >= kMsgEnough) return {};   // the rest cannot change the message
      const std::size_t room = kPending - pending_;
      std::memcpy(pending_text_.data() + pending_, text.data(), room);
      text.remove_prefix(room);
      pending_ = kPending;
      convert_pending();
    }
    return text;
  }

  // Writes the pending text out, block by block, and empties it.
  void convert_pending() {
    std::size_t i = 0;
    for (; i + kBlock <= pending_; i += kBlock) {
      if (n_ >= kMsgEnough) break;
      n_ = put_msg_block(pending_text_.data() + i, kBlock, msg_.data(), n_, space_);
    }
    if (i < pending_ && n_ < kMsgEnough) n_ = put_msg_block(pending_text_.data() + i, static_cast<unsigned>(pending_ - i), msg_.data(), n_, space_);
    pending_ = 0;
  }

  alignas(kBlock) std::array<char, kPending + kBlock> pending_text_;   // copied, not yet converted
  std::size_t pending_ = 0;
  std::array<char, kMsgEnough + 2 * kBlock> msg_;   // a block may write kBlock bytes from n_ < kMsgEnough
  std::size_t n_ = 0;                               // characters in msg_
  bool space_ = true;                               // msg_ ends with a space, or is empty
};

void site_list(MsgText& m, const std::vector<mapping::SiteClass>& sites) {
  for (std::size_t i = 0; i < sites.size(); ++i) {
    if (i) m << (i + 1 == sites.size() ? " OR " : ", ");
    m << mapping::describe(sites[i]);
  }
}

std::string_view opening(const LineDecision& d) noexcept {
  switch (d.outcome) {
    // "As requested" only when nothing was changed: a span cut short is approved, not as requested.
    case Outcome::approve: return d.requested_end ? "SITE OF CARE APPROVED FOR A SHORTER SPAN PER " : "SITE OF CARE APPROVED AS REQUESTED PER ";
    case Outcome::redirect: return "SITE OF CARE REDIRECT PER ";
    case Outcome::pend: return !d.policy_id.empty() && !d.documents_needed.empty() ? "PENDED PER " : "";
    case Outcome::cancel: return "CANCELLATION CONFIRMED AS REQUESTED (UM02 3). NOTHING IS CERTIFIED FOR THIS SERVICE";
  }
  return "";
}

}  // namespace

// ". CERTIFIED 2026-12-01 TO 2027-11-30, NOT TO 2028-05-31 AS REQUESTED: APPROVAL DURATION LIMIT", when the
// certified span was cut short.
void shortened(MsgText& m, const LineDecision& d) {
  if (!d.requested_end || !d.approved_span) return;
  m << ". CERTIFIED " << d.approved_span->first.iso() << " TO " << d.approved_span->last.iso() << ", NOT TO "
    << d.requested_end->iso() << " AS REQUESTED - BEYOND THE POLICY APPROVAL DURATION";
}

void response_message(const LineDecision& d, std::string& out) {
  MsgText m(opening(d));
  auto cite = [&] {
    if (d.policy_id.empty()) {
      m << "ROUTING";
    } else {
      m << d.policy_id << " " << d.section;
    }
  };
  switch (d.outcome) {
    case Outcome::approve:
      cite();
      shortened(m, d);
      break;
    case Outcome::cancel:
      break;
    case Outcome::redirect: {
      cite();
      m << ". APPROVED AT ";
      site_list(m, d.redirect_to);
      if (d.certified_facility) m << " (CERTIFIED FACILITY ONLY)";
      if (d.requested_site.site_class) m << ". REQUESTED " << mapping::describe(*d.requested_site.site_class) << " NOT APPROVED";
      if (!d.non_qualifying.empty()) {
        m << ". NOT QUALIFYING: ";
        for (std::size_t i = 0; i < d.non_qualifying.size(); ++i) m << (i ? ", " : "") << d.non_qualifying[i];
      }
      shortened(m, d);
      break;
    }
    case Outcome::pend: {
      if (d.policy_id.empty()) {   // no policy decided it (unknown payer): the sentence says why
        m << d.explanation.sentence;
        break;
      }
      if (!d.documents_needed.empty()) {   // opened with "PENDED PER "
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
  m.finish(out);
}

bool same_response_message(const LineDecision& a, const LineDecision& b) noexcept {
  // The fields response_message reads, outcome by outcome; keep the two functions in step
  // (tests/unit/soc/response_message_test.cpp checks each field).
  if (a.outcome != b.outcome || a.policy_id != b.policy_id) return false;
  const bool same_cite = a.policy_id.empty() || a.section == b.section;
  const bool same_span = !a.requested_end ? !b.requested_end
                                          : b.requested_end && *a.requested_end == *b.requested_end && a.approved_span == b.approved_span;
  switch (a.outcome) {
    case Outcome::approve: return same_cite && same_span;
    case Outcome::cancel: return true;
    case Outcome::redirect:
      return same_cite && same_span && a.redirect_to == b.redirect_to && a.certified_facility == b.certified_facility &&
             a.requested_site.site_class == b.requested_site.site_class && a.non_qualifying == b.non_qualifying;
    case Outcome::pend:
      if (a.policy_id.empty() || a.documents_needed.empty() || b.documents_needed.empty())
        return a.documents_needed.empty() == b.documents_needed.empty() && same_cite &&
               a.explanation.sentence == b.explanation.sentence;
      return same_cite && a.documents_needed == b.documents_needed;
  }
  return false;
}

std::string response_message(const LineDecision& d) {
  std::string out;
  response_message(d, out);
  return out;
}

}  // namespace soc278::soc

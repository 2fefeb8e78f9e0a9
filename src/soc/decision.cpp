#include "soc278/soc/decision.hpp"

#include "soc278/core/bytes.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

#if defined(__SSE2__)
// 0xFF in the bytes of v between lo and hi (as unsigned bytes, so never a byte >= 0x80 here):
// v - lo <= hi - lo unsigned, which a signed compare sees after the bias 0x80.
inline __m128i bytes_between(__m128i v, char lo, char hi) {
  const __m128i biased = _mm_add_epi8(v, _mm_set1_epi8(static_cast<char>(0x80 - lo)));
  return _mm_cmplt_epi8(biased, _mm_set1_epi8(static_cast<char>(hi - lo - 0x7F)));
}

// Appends the first `len` bytes of `in` made MSG-safe at out + n, dropping each space that follows a
// space; `space` says whether the last written character is a space (or nothing is written yet).
// Reads 16 bytes at `in` and writes 16 at out + n whatever len is. Returns the new n.
inline std::size_t put_msg_block(const char* in, unsigned len, char* out, std::size_t n, bool& space) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
  const __m128i letter = bytes_between(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z');
  // ' ( ) , - . / 0-9 are 0x27..0x39 without 0x2A (*) and 0x2B (+).
  const __m128i star_plus = _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8(static_cast<char>(0xFE))), _mm_set1_epi8('*'));
  const __m128i punct = _mm_andnot_si128(star_plus, bytes_between(v, '\'', '9'));
  const __m128i kept = _mm_or_si128(_mm_or_si128(letter, punct), _mm_cmpeq_epi8(v, _mm_set1_epi8(';')));
  const __m128i upper = _mm_andnot_si128(_mm_and_si128(letter, _mm_set1_epi8(0x20)), v);
  const __m128i m = _mm_or_si128(_mm_and_si128(kept, upper), _mm_andnot_si128(kept, _mm_set1_epi8(' ')));
  const unsigned valid = len == kBlock ? 0xFFFFu : (1u << len) - 1u;
  const unsigned spaces = ~static_cast<unsigned>(_mm_movemask_epi8(kept)) & valid;   // a kept byte is never a space
  unsigned dropped = spaces & ((spaces << 1) | (space ? 1u : 0u));
  space = ((spaces >> (len - 1)) & 1u) != 0;
  if (dropped == 0) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + n), m);
    return n + len;
  }
  // Copy the runs between dropped spaces (usually one, after ": " or a delimiter next to a blank).
  alignas(kBlock) char mapped[2 * kBlock];
  _mm_store_si128(reinterpret_cast<__m128i*>(mapped), m);
  _mm_store_si128(reinterpret_cast<__m128i*>(mapped + kBlock), _mm_set1_epi8(' '));
  unsigned from = 0;
  for (; dropped != 0; dropped &= dropped - 1) {
    const auto at = static_cast<unsigned>(__builtin_ctz(dropped));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + n), _mm_loadu_si128(reinterpret_cast<const __m128i*>(mapped + from)));
    n += at - from;
    from = at + 1;
  }
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out + n), _mm_loadu_si128(reinterpret_cast<const __m128i*>(mapped + from)));
  return n + (len - from);
}
#else
constexpr std::array<char, 256> msg_chars = [] {
  std::array<char, 256> t{};
  for (std::size_t c = 0; c < t.size(); ++c) t[c] = ' ';
  for (char c = '0'; c <= '9'; ++c) t[static_cast<unsigned char>(c)] = c;
  for (char c = 'A'; c <= 'Z'; ++c) t[static_cast<unsigned char>(c)] = c;
  for (char c = 'a'; c <= 'z'; ++c) t[static_cast<unsigned char>(c)] = static_cast<char>(c - 'a' + 'A');
  for (char c : {' ', '.', ',', ';', '(', ')', '/', '-', '\''}) t[static_cast<unsigned char>(c)] = c;
  return t;
}();

inline std::size_t put_msg_block(const char* in, unsigned len, char* out, std::size_t n, bool& space) {
  for (unsigned k = 0; k < len; ++k) {
    const char m = msg_chars[static_cast<unsigned char>(in[k])];
    if (m == ' ') {
      if (space) continue;
      space = true;
    } else {
      space = false;
    }
    out[n++] = m;
  }
  return n;
}
#endif

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

#include "soc278/respond/response_278.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iterator>

#include "respond/echo_guard.hpp"
#include "respond/reply_envelope.hpp"

namespace soc278::respond {
namespace {

// FNV-1a over `s`, then a 0xff separator byte. Four bytes per iteration: the same hash with less
// loop overhead (it runs for every certified or pended line).
std::uint64_t mix(std::uint64_t h, std::string_view s) {
  constexpr std::uint64_t prime = 1099511628211ULL;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size();
  for (; n >= 4; n -= 4, p += 4) {
    h = (h ^ p[0]) * prime;
    h = (h ^ p[1]) * prime;
    h = (h ^ p[2]) * prime;
    h = (h ^ p[3]) * prime;
  }
  for (; n != 0; --n, ++p) h = (h ^ *p) * prime;
  h ^= 0xff;
  return h * prime;
}

// <prefix><hash>-<line, at least two digits>, written at `out` (room for 26 bytes): "SOC0ZQI559RXQ-01".
std::size_t numbered(std::string_view prefix, const char* hash, std::uint32_t line, char* out) {
  char* p = out;
  std::memcpy(p, prefix.data(), prefix.size());
  p += prefix.size();
  std::memcpy(p, hash, 10);
  p += 10;
  *p++ = '-';
  if (line < 10) *p++ = '0';
  p = std::to_chars(p, p + 10, line).ptr;
  return static_cast<std::size_t>(p - out);
}

std::string_view qualifier_code(model::SiteQualifier q) {
  switch (q) {
    case model::SiteQualifier::bill_type: return "A";
    case model::SiteQualifier::place_of_service: return "B";
    case model::SiteQualifier::none: return "";
  }
  return "";
}

// Free text (MSG01) must not contain a delimiter of the interchange it goes into (X12 has no
// escape), nor a character outside the X12 character set (printable ASCII). The characters that
// are replaced, for the delimiters in force.
std::array<bool, 256> unsafe_chars(const x12::Delimiters& d) {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[static_cast<std::size_t>(c)] = c < 0x20 || c > 0x7e;
  for (char c : {d.element, d.component, d.segment}) t[static_cast<unsigned char>(c)] = true;
  if (d.repetition != '\0') t[static_cast<unsigned char>(d.repetition)] = true;
  return t;
}

// Whether text made only of the characters soc::response_message writes (A-Z 0-9 space
// ' ( ) , - . / ;) can hold none of the characters `unsafe` marks: then it needs no cleaning.
bool message_chars_safe(const std::array<bool, 256>& unsafe) {
  const auto safe = [&](char c) { return !unsafe[static_cast<unsigned char>(c)]; };
  for (char c = 'A'; c <= 'Z'; ++c)
    if (!safe(c)) return false;
  for (char c = '0'; c <= '9'; ++c)
    if (!safe(c)) return false;
  for (char c : {' ', '\'', '(', ')', ',', '-', '.', '/', ';'})
    if (!safe(c)) return false;
  return true;
}

// `value`, or `fallback` when it is empty (a view: no string is copied).
std::string_view or_default(std::string_view value, std::string_view fallback) noexcept {
  return value.empty() ? fallback : value;
}

// MSG01 is AN 1-264.
constexpr std::size_t msg_max = 264;

// A set's segments go to the stream when the set ends, or in blocks of this size before (an event
// of many service lines): the writer's buffer stays bounded whatever the number of lines.
constexpr std::size_t drain_at = 64 * 1024;

// CCYYMMDD written at `out` (room for 16 bytes): Date::ccyymmdd without building a string. Values no
// valid date has fall back to Date::ccyymmdd's own spelling.
std::string_view ccyymmdd(char* out, const core::Date& d) {
  if (d.year < 0 || d.year > 9999 || d.month > 99 || d.day > 99) {
    const std::string s = d.ccyymmdd();
    const std::size_t n = std::min<std::size_t>(s.size(), 16);
    std::memcpy(out, s.data(), n);
    return {out, n};
  }
  // Two digits per table lookup: dates are written several times per response set.
  static constexpr auto pairs = [] {
    std::array<char, 200> t{};
    for (unsigned v = 0; v < 100; ++v) {
      t[2 * v] = static_cast<char>('0' + v / 10);
      t[2 * v + 1] = static_cast<char>('0' + v % 10);
    }
    return t;
  }();
  const auto put2 = [](char* p, unsigned v) { std::memcpy(p, &pairs[2 * v], 2); };
  const auto y = static_cast<unsigned>(d.year);
  put2(out, y / 100);
  put2(out + 2, y % 100);
  put2(out + 4, d.month);
  put2(out + 6, d.day);
  return {out, 8};
}

// SV102 / SV104 as fmt's "{}" writes a double (shortest round trip), at `out` (room for
// number_max bytes). Whole amounts, nearly all of them, are written as integers directly; anything
// else goes through fmt. The shortest round trip of a double takes at most 24 characters.
constexpr std::size_t number_max = 32;
std::size_t write_number(char* out, double v) {
  if (v >= -1e15 && v <= 1e15 && v == static_cast<double>(static_cast<long long>(v)) && !(v == 0 && std::signbit(v))) {
    return static_cast<std::size_t>(std::to_chars(out, out + number_max, static_cast<long long>(v)).ptr - out);
  }
  return fmt::format_to_n(out, number_max, "{}", v).size;
}

// CCYYMMDD-CCYYMMDD (RD8) at `out` (room for 33 bytes).
std::size_t write_rd8(char* out, const core::Date& first, const core::Date& last) {
  const std::size_t n = ccyymmdd(out, first).size();
  out[n] = '-';
  return n + 1 + ccyymmdd(out + n + 1, last).size();
}

}  // namespace

CertificationNumbers::GroupHash CertificationNumbers::group_hash(const model::AuthorizationRequest& r) const noexcept {
  std::uint64_t h = 1469598103934665603ULL ^ seed_;
  h = mix(h, r.envelope.isa_sender);
  h = mix(h, r.envelope.isa_control);
  h = mix(h, r.envelope.gs_control);
  return GroupHash{h};
}

CertificationNumbers::RequestHash CertificationNumbers::request_hash(GroupHash group, const model::AuthorizationRequest& r) noexcept {
  std::uint64_t h = group.state;
  h = mix(h, r.envelope.st_control);
  h = mix(h, r.bht_reference);
  return RequestHash{h};
}

CertificationNumbers::RequestHash CertificationNumbers::request_hash(const model::AuthorizationRequest& r) const noexcept {
  return request_hash(group_hash(r), r);
}

void CertificationNumbers::hash36(RequestHash request, std::uint32_t line, char* out) noexcept {
  char decimal[10];  // the line as std::to_string spells it
  const std::uint64_t h =
      mix(request.state, std::string_view(decimal, static_cast<std::size_t>(std::to_chars(decimal, decimal + 10, line).ptr - decimal)));
  // The low ten base-36 digits of h, most significant first. Split into two halves of five digits
  // (each below 36^5 < 2^32) and written two digits per table lookup: the same characters as ten
  // 64-bit divisions by 36, for a quarter of the work.
  static constexpr char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  static constexpr auto pairs = [] {
    std::array<char, 2 * 36 * 36> t{};
    for (unsigned v = 0; v < 36 * 36; ++v) {
      t[2 * v] = digits[v / 36];
      t[2 * v + 1] = digits[v % 36];
    }
    return t;
  }();
  constexpr std::uint64_t pow5 = 36ULL * 36 * 36 * 36 * 36;  // 60466176
  const std::uint64_t low10 = h % (pow5 * pow5);
  const auto five = [](std::uint32_t v, char* at) {
    std::memcpy(at + 3, &pairs[2 * (v % 1296)], 2);
    v /= 1296;
    std::memcpy(at + 1, &pairs[2 * (v % 1296)], 2);
    at[0] = digits[v / 1296];
  };
  five(static_cast<std::uint32_t>(low10 / pow5), out);
  five(static_cast<std::uint32_t>(low10 % pow5), out + 5);
}

std::string CertificationNumbers::for_line(const model::AuthorizationRequest& r, std::uint32_t line) const {
  std::string out;
  for_line(request_hash(r), line, out);
  return out;
}

void CertificationNumbers::for_line(const model::AuthorizationRequest& r, std::uint32_t line, std::string& out) const {
  for_line(request_hash(r), line, out);
}

void CertificationNumbers::for_line(RequestHash request, std::uint32_t line, std::string& out) const {
  if (source_ != nullptr) return sequenced_text("SOC", request, line, out);
  char hash[10];
  hash36(request, line, hash);
  char text[32];
  out.assign(text, numbered("SOC", hash, line, text));
}

std::string CertificationNumbers::tracking(const model::AuthorizationRequest& r, std::uint32_t line) const {
  std::string out;
  tracking(request_hash(r), line, out);
  return out;
}

void CertificationNumbers::tracking(const model::AuthorizationRequest& r, std::uint32_t line, std::string& out) const {
  tracking(request_hash(r), line, out);
}

void CertificationNumbers::tracking(RequestHash request, std::uint32_t line, std::string& out) const {
  if (source_ != nullptr) return sequenced_text("PND", request, line, out);
  char hash[10];
  hash36(request, line, hash);
  char text[32];
  out.assign(text, numbered("PND", hash, line, text));
}

namespace {
const mapping::DecisionCodes& initial_codes() {
  static const mapping::DecisionCodes codes;
  return codes;
}
}  // namespace

namespace {
// `text` (decision-codes.yaml summary_msg.partial) with its placeholders replaced by the counts, into `out`.
void summary_counts(std::string_view text, std::size_t certified, std::size_t decided, std::size_t pended, std::string& out) {
  out.clear();
  while (!text.empty()) {
    const auto open = text.find('{');
    out.append(text.substr(0, open));
    if (open == std::string_view::npos) break;
    text.remove_prefix(open);
    std::size_t value = 0;
    std::size_t length = 0;
    if (text.starts_with("{certified}")) {
      value = certified, length = 11;
    } else if (text.starts_with("{decided}")) {
      value = decided, length = 9;
    } else if (text.starts_with("{pended}")) {
      value = pended, length = 8;
    }
    if (length == 0) {  // not a placeholder (the loader lets none through): kept as written
      out.push_back('{');
      text.remove_prefix(1);
      continue;
    }
    fmt::format_to(std::back_inserter(out), "{}", value);
    text.remove_prefix(length);
  }
}
}  // namespace

Response278Writer::Response278Writer(std::ostream& out, ControlNumberSequence& numbers, core::DateTime now,
                                     std::string_view line_break)
    : Response278Writer(out, numbers, now, initial_codes(), line_break) {}

Response278Writer::Response278Writer(std::ostream& out, ControlNumberSequence& numbers, core::DateTime now,
                                     const mapping::DecisionCodes& codes, std::string_view line_break)
    : out_(out), envelope_writer_(out, x12::Delimiters{}, line_break), writer_(x12::Delimiters{}, line_break),
      numbers_(numbers), now_(now), codes_(&codes), guard_(std::make_unique<detail::EchoGuard>()) {
  unsafe_ = unsafe_chars(writer_.delimiters());
  replacement_ = detail::replacement_char(writer_.delimiters());
  msg_safe_ = message_chars_safe(unsafe_);
  date8_ = now.date.ccyymmdd();
  date6_ = now.date.yymmdd();
  time4_ = now.time.hhmm();
}

Response278Writer::~Response278Writer() = default;

void Response278Writer::check_against(const ig::GuideSet* guides, core::DiagnosticSink* findings, std::uint32_t file) {
  guard_->use(guides, findings);
  guard_->set_file(file);
  um_event_ = guard_->in_guide("278-response", "2000E", "UM");
  um_line_ = guard_->in_guide("278-response", "2000F", "UM");
}

void Response278Writer::begin_interchange(const x12::InterchangeInfo& received) {
  received_isa_ = received.isa;
  isa_offset_ = received.byte_offset;
  isa_ordinal_ = received.ordinal;
  interchange_open_ = true;
  isa_written_ = false;
  groups_written_ = 0;
  // Answer with the delimiters the sender used (reference 1.1; what a trading partner parses).
  // '-' is the writer's own (RD8 dates, certification and tracking numbers): never a delimiter of a response.
  const x12::Delimiters d = detail::reply_delimiters(received_isa_.delimiters, "-");
  envelope_writer_.set_delimiters(d);
  writer_.set_delimiters(d);
  unsafe_ = unsafe_chars(d);
  replacement_ = detail::replacement_char(d);
  msg_safe_ = message_chars_safe(unsafe_);
}

void Response278Writer::begin_group(const x12::GroupInfo& received) {
  received_group_ = received;
  guard_->locate(received.byte_offset, received.ordinal);
  group_open_ = true;
  st_in_group_ = 0;
  isa_written_in_group_ = false;
  writer_.clear_buffered();
}

void Response278Writer::open_group_output() {
  if (!isa_written_) {
    isa_number_ = numbers_.next();
    isa13_ = ControlNumberSequence::isa13(isa_number_);
    guard_->locate(isa_offset_, isa_ordinal_);
    envelope_writer_.write_isa(detail::reply_isa(received_isa_, date6_, time4_, isa13_, *guard_, envelope_writer_.delimiters()));
    guard_->locate(received_group_.byte_offset, received_group_.ordinal);
    isa_written_ = true;
    isa_written_in_group_ = true;
  }
  gs_number_ = numbers_.next();
  gs06_ = ControlNumberSequence::gs06(gs_number_);
  const detail::ReplyParties parties =
      detail::reply_gs_parties(received_isa_, received_group_, *guard_, envelope_writer_.delimiters());
  envelope_writer_.begin("GS").element("HI").element(parties.sender).element(parties.receiver).element(date8_).element(time4_).element(gs06_).element("X").element(
      "005010X217");
  envelope_writer_.end();
  envelope_writer_.flush();
}

void Response278Writer::drain() {
  const std::string_view set = writer_.buffered();
  out_.write(set.data(), static_cast<std::streamsize>(set.size()));
  writer_.clear_buffered();
}

bool Response278Writer::end_group(bool keep) {
  if (!group_open_) return true;
  group_open_ = false;
  const bool in_group = isa_written_in_group_;
  isa_written_in_group_ = false;
  if (st_in_group_ == 0) return true;  // nothing was written for it
  if (!keep) {
    transactions_ -= st_in_group_;
    // Numbers drawn last come back first: the GS06, then the ISA13 if this group wrote the ISA.
    if (numbers_.give_back(gs_number_) && in_group) (void)numbers_.give_back(isa_number_);
    if (in_group) isa_written_ = false;
    return false;
  }
  // GE01 counts the sets written into this group (they went through the other writer).
  envelope_writer_.begin("GE").element(static_cast<std::uint64_t>(st_in_group_)).element(gs06_);
  envelope_writer_.end();
  ++groups_written_;
  return true;
}

void Response278Writer::write_span(std::string_view qualifier, const core::Date& first, const core::Date& last) {
  // DTP03 with RD8: CCYYMMDD-CCYYMMDD. Service and certified spans repeat from line to line and
  // request to request, so the last one formatted is kept and copied when it comes again.
  static_assert(sizeof(core::Date) == 4, "a span's key is its two dates' bytes");
  std::uint64_t key = 0;
  std::memcpy(&key, &first, 4);
  std::memcpy(reinterpret_cast<char*>(&key) + 4, &last, 4);
  if (!rd8_cached_ || key != rd8_key_) {
    rd8_size_ = write_rd8(rd8_text_.data(), first, last);
    rd8_key_ = key;
    rd8_cached_ = true;
  }
  writer_.segment("DTP").element(qualifier).element("RD8").element(std::string_view(rd8_text_.data(), rd8_size_)).end();
}

void Response278Writer::write_msg(std::string_view text) {
  auto msg = writer_.segment("MSG");
  clean_element(msg, text);
  msg.end();
}

void Response278Writer::write_safe_msg(std::string_view text) {
  if (!msg_safe_) {
    write_msg(text);
    return;
  }
  writer_.segment("MSG").element(text).end();
}

void Response278Writer::clean_element(x12::SegmentWriter::Segment& segment, std::string_view text) {
  const std::size_t n = std::min(text.size(), msg_max);
  segment.element_with(n, [&](char* out) {
    if (n != 0) std::memcpy(out, text.data(), n);
    // Only text that may hold an unsafe character comes here (write_safe_msg writes the rest as it
    // is): at most 264 bytes, one table lookup each.
    for (std::size_t i = 0; i < n; ++i)
      if (unsafe_[static_cast<unsigned char>(out[i])]) out[i] = replacement_;
    std::size_t size = n;
    while (size != 0 && out[size - 1] == ' ') --size;
    return size;
  });
}

void Response278Writer::index_lines(const model::AuthorizationRequest& r) {
  // The lines sorted by number, stable: among lines of the same number the last stays last, the one
  // a decision names (line numbers are the 2000F positions, so there are none such in a bound request).
  line_index_.clear();
  line_index_.reserve(r.lines.size());
  for (const auto& l : r.lines) line_index_.push_back(&l);
  std::stable_sort(line_index_.begin(), line_index_.end(),
                   [](const model::ServiceLine* a, const model::ServiceLine* b) { return a->line_number < b->line_number; });
}

const model::ServiceLine* Response278Writer::find_line(const model::AuthorizationRequest&, std::uint32_t number) const {
  const auto it = std::upper_bound(line_index_.begin(), line_index_.end(), number,
                                   [](std::uint32_t n, const model::ServiceLine* l) { return n < l->line_number; });
  if (it == line_index_.begin() || (*(it - 1))->line_number != number) return nullptr;
  return *(it - 1);
}

void Response278Writer::write_traces(const std::vector<model::Trace>& traces) {
  // Each request TRN comes back as TRN01 = 2 with TRN02-TRN04 unchanged (reference 3.6).
  for (const auto& t : traces) {
    writer_.segment("TRN").element("2").element(t.number).element(t.originator).element(t.supplemental).end();
  }
}

void Response278Writer::write_aaa(const std::vector<soc::Rejection>* rejections, std::string_view loop) {
  if (rejections == nullptr) return;
  for (const auto& r : *rejections) {
    if (r.loop != loop) continue;
    // AAA01 is N at every response loop but 2000A, the only one whose AAA01 may say Y (X217:
    // docs/conformance.md §3), whatever the rejection says.
    const std::string_view aaa01 = loop == "2000A" ? std::string_view(r.aaa01) : std::string_view("N");
    writer_.segment("AAA").element(aaa01).element("").element(r.aaa03).element(r.aaa04).end();
  }
}

void Response278Writer::write_um(const model::Review& review, const std::optional<soc::AuthorizedSite>& site, bool line_level) {
  const x12::Delimiters& d = writer_.delimiters();
  const ig::SegmentRule* rule = line_level ? um_line_ : um_event_;
  std::array<std::string, 3>& fitted = um_fitted_[line_level ? 1 : 0];
  if (rule != nullptr && fitted[0] == review.request_category && fitted[1] == review.certification_type &&
      fitted[2] == review.service_type && !fitted[0].empty())
    rule = nullptr;  // the same values fitted last time
  std::string_view um01 = review.request_category;
  std::string_view um02 = review.certification_type;
  if (rule != nullptr && (!guard_->fits(rule, 1, 0, um01, d) || !guard_->fits(rule, 2, 0, um02, d))) {
    if (line_level) {  // situational: the line goes back without its UM
      guard_->report("UM01", "2000F UM01/UM02", std::string(um01) + "/" + std::string(um02), "");
      return;
    }
    um01 = guard_->echo(rule, 1, 0, um01, "HS", d, "UM01", "UM01");
    um02 = guard_->echo(rule, 2, 0, um02, "I", d, "UM02", "UM02");
  }
  const std::string_view um03 =
      rule == nullptr ? std::string_view(review.service_type) : guard_->echo(rule, 3, 0, review.service_type, "", d, "UM03", "UM03");
  if (rule != nullptr && um01 == review.request_category && um02 == review.certification_type && um03 == review.service_type) {
    fitted = {review.request_category, review.certification_type, review.service_type};
  }
  auto um = writer_.segment("UM");
  um.element(um01).element(um02).element(um03);
  if (site) {
    um.element(site->code).component(qualifier_code(site->qualifier));
  } else if (review.site) {
    um.element(review.site->code).component(qualifier_code(review.site->qualifier));
  }
  um.end();
}

void Response278Writer::write_parties(const model::AuthorizationRequest& r, const std::vector<soc::Rejection>* rejections,
                                      bool event_follows, std::uint32_t& hl, std::uint32_t& event_parent) {
  // 2000A / 2010A: the UMO as the request named it.
  writer_.segment("HL").element("1").element("").element("20").element("1").end();
  writer_.segment("NM1").element(or_default(r.umo.entity_code, "X3")).element(or_default(r.umo.entity_type, "2"))
      .element(r.umo.last_or_org_name.value).element("").element("").element("").element("").element(r.umo.id_qualifier).element(r.umo.id.value).end();
  // 2000B / 2010B
  writer_.segment("HL").element("2").element("1").element("21").element("1").end();
  // The response's 2010B NM101 takes only 1P and FA (EdiFabric NM1_RequesterName_2), while the
  // request also allows 2B, 36 and PR: those requesters are answered as 1P (provider), the generic
  // requester role; NM102 and the name stay as received (docs/conformance.md section 3).
  const std::string_view requester_code = r.requester.entity_code == "FA" ? std::string_view("FA") : std::string_view("1P");
  writer_.segment("NM1").element(requester_code)
      .element(or_default(r.requester.entity_type, "2")).element(r.requester.last_or_org_name.value)
      .element(r.requester.first_name).element("").element("").element("").element(r.requester.id_qualifier).element(r.requester.id.value).end();
  write_aaa(rejections, "2010B");
  // 2000C / 2010C
  // HL04 says whether a child HL follows (reference 5.11): the dependent, else the event.
  writer_.segment("HL").element("3").element("2").element("22").element(r.dependent || event_follows ? "1" : "0").end();
  const model::Party& s = r.subscriber.name;
  writer_.segment("NM1").element("IL").element(or_default(s.entity_type, "1")).element(s.last_or_org_name.value)
      .element(s.first_name).element("").element("").element("").element(or_default(s.id_qualifier, "MI")).element(s.id.value).end();
  write_aaa(rejections, "2010C");
  hl = 3;
  event_parent = 3;
  if (r.dependent) {
    // 2000D / 2010D
    writer_.segment("HL").element("4").element("3").element("23").element(event_follows ? "1" : "0").end();
    const model::Party& d = r.dependent->name;
    writer_.segment("NM1").element("QC").element("1").element(d.last_or_org_name.value).element(d.first_name).end();
    write_aaa(rejections, "2010D");
    hl = 4;
    event_parent = 4;
  }
}

void Response278Writer::add_rejected(const model::AuthorizationRequest& r, const std::vector<soc::Rejection>& rejections) {
  if (st_in_group_ == 0) open_group_output();
  ++st_in_group_;
  ++transactions_;
  char st02_text[10];
  const std::string_view st02 = ControlNumberSequence::st02(st_in_group_, st02_text);
  writer_.segment("ST").element("278").element(st02).element("005010X217").end();
  writer_.segment("BHT").element("0007").element("11").element(r.bht_reference).element(date8_).element(time4_).element("18").end();
  // 2000E comes back with its AAA (and its UM, which the response requires) when the problem is
  // the event's own; otherwise it is not returned (RFI 2445: lower loops are not sent when a
  // higher level cannot be processed).
  bool event_level = false;
  for (const auto& x : rejections) event_level = event_level || x.loop == "2000E";
  std::uint32_t hl = 0;
  std::uint32_t parent = 0;
  write_parties(r, &rejections, event_level, hl, parent);
  if (event_level) {
    writer_.segment("HL").element(std::uint64_t{hl + 1}).element(std::uint64_t{parent}).element("EV").element("0").end();
    write_traces(r.event.traces);
    write_aaa(&rejections, "2000E");
    write_um(r.event.review, std::nullopt, false);
  }
  writer_.write_se(st02);
  drain();
}

void Response278Writer::add_decided(const model::AuthorizationRequest& r, const std::vector<LineAnswer>& lines) {
  if (st_in_group_ == 0) open_group_output();
  ++st_in_group_;
  ++transactions_;
  char st02_text[10];
  const std::string_view st02 = ControlNumberSequence::st02(st_in_group_, st02_text);
  writer_.segment("ST").element("278").element(st02).element("005010X217").end();
  writer_.segment("BHT").element("0007").element("11").element(r.bht_reference).element(date8_).element(time4_).element("18").end();
  std::uint32_t hl = 0;
  std::uint32_t parent = 0;
  write_parties(r, nullptr, true, hl, parent);

  // 2000E: the summary of the lines (docs/decisions.md section 3): every line cancelled -> the cancel
  // code; every other line approved as requested -> A1; every line certified, some at another site or
  // for a shorter span -> that line's code (A6); every line pended -> A4; some certified and some
  // pended -> decision-codes.yaml hcr01.partial (A2, certified in part). Cancelled lines beside others do not change the summary.
  std::size_t approved = 0, redirected = 0, pended = 0, cancelled = 0, modified = 0;
  const soc::LineDecision* first_redirect = nullptr;
  const soc::LineDecision* first_modified = nullptr;   // redirected, or approved for a shorter span
  const soc::LineDecision* first_pend = nullptr;
  const soc::LineDecision* first_cancel = nullptr;
  bool documents_asked = false;
  std::optional<soc::DateRange> span;
  for (const auto& a : lines) {
    const auto& d = *a.decision;
    if (d.outcome == soc::Outcome::approve) ++approved;
    if (d.outcome == soc::Outcome::redirect) {
      ++redirected;
      if (first_redirect == nullptr) first_redirect = &d;
    }
    if (d.outcome == soc::Outcome::redirect || (d.outcome == soc::Outcome::approve && d.requested_end)) {
      ++modified;
      if (first_modified == nullptr) first_modified = &d;
    }
    if (d.outcome == soc::Outcome::pend) {
      ++pended;
      if (first_pend == nullptr) first_pend = &d;
      documents_asked = documents_asked || !d.documents_needed.empty();
    }
    if (d.outcome == soc::Outcome::cancel) {
      ++cancelled;
      if (first_cancel == nullptr) first_cancel = &d;
    }
    if (d.approved_span) {
      if (!span) {
        span = d.approved_span;
      } else {
        span->first = std::min(span->first, d.approved_span->first);
        span->last = std::max(span->last, d.approved_span->last);
      }
    }
  }
  std::string_view hcr01, hcr03;
  message_.clear();
  std::optional<soc::AuthorizedSite> event_site;
  const std::size_t decided = lines.size() - cancelled;
  if (cancelled != 0 && decided == 0) {
    hcr01 = first_cancel->hcr01;
    hcr03 = first_cancel->hcr03;
    soc::response_message(*first_cancel, message_);
  } else if (pended == decided) {
    hcr01 = first_pend->hcr01;
    hcr03 = first_pend->hcr03;
    // Ask for documents only when a line needs some (a review pend or documents already sent ask for none).
    message_ = documents_asked ? codes_->msg_pended_documents_needed : codes_->msg_pended_no_documents;
  } else if (pended > 0) {
    hcr01 = codes_->hcr01_partial;
    hcr03 = first_pend->hcr03;
    summary_counts(codes_->msg_partial, approved + redirected, decided, pended, message_);
  } else if (modified > 0) {
    hcr01 = first_modified->hcr01;
    hcr03 = first_modified->hcr03;
    soc::response_message(*first_modified, message_);
    // UM04 at 2000E changes only when every line moved to the same site.
    bool same = approved == 0 && first_redirect != nullptr;
    for (const auto& a : lines)
      same = same && (a.decision->outcome == soc::Outcome::cancel ||
                      (a.decision->authorized_site && first_redirect->authorized_site &&
                       a.decision->authorized_site->code == first_redirect->authorized_site->code));
    if (same) event_site = first_redirect->authorized_site;
  } else {
    for (const auto& a : lines)
      if (hcr01.empty() && a.decision->outcome == soc::Outcome::approve) hcr01 = a.decision->hcr01;
    hcr03 = "";
  }
  writer_.segment("HL").element(std::uint64_t{hl + 1}).element(std::uint64_t{parent}).element("EV").element(lines.empty() ? "0" : "1").end();
  const std::uint32_t event_hl = hl + 1;
  write_traces(r.event.traces);
  write_um(r.event.review, event_site, false);
  // The event's certification number: the first certified line's (providers quote one number per event).
  std::string_view event_certification;
  std::string_view event_tracking;
  for (const auto& a : lines) {
    if (event_certification.empty() && !a.certification.empty()) event_certification = a.certification;
    if (event_tracking.empty() && !a.tracking.empty()) event_tracking = a.tracking;
  }
  writer_.segment("HCR").element(hcr01).element(event_certification).element(hcr03).end();
  if (event_certification.empty() && !event_tracking.empty()) {
    writer_.segment("REF").element("NT").element(event_tracking).end();
  }
  if (!r.event.previous_authorization.empty()) {
    writer_.segment("REF").element("BB").element(r.event.previous_authorization).end();
  }
  // The event's certified span, as on the lines: DTP*007*RD8 (docs/conformance.md §3).
  if (span) write_span("007", span->first, span->last);
  if (!message_.empty()) write_safe_msg(message_);
  // The last MSG01 text built and the decision it was built from: a line with the same text (an
  // administration code following its drug line) writes it again instead of building it twice. A
  // redirect summary's text is its first redirected line's, so that line starts as the last built.
  const soc::LineDecision* built_from = modified > 0 && pended == 0 && decided != 0 ? first_modified
                                        : cancelled != 0 && decided == 0              ? first_cancel
                                                                                      : nullptr;
  const std::string* built_text = &message_;
  std::uint32_t next_hl = event_hl + 1;
  index_lines(r);
  for (const auto& a : lines) {
    const auto& d = *a.decision;
    const model::ServiceLine* line = find_line(r, d.line_number);
    if (line == nullptr) continue;
    writer_.segment("HL").element(std::uint64_t{next_hl++}).element(std::uint64_t{event_hl}).element("SS").element("0").end();
    write_traces(line->traces);
    // UM is echoed from the line (or, when the line had none, from the event), with UM04 set to
    // the authorized site on a redirect.
    // The event's UM01 may be AR or IN, which 2000F does not take (HS and SC only): a line UM built
    // from the event's says HS then (docs/conformance.md section 3), so the line keeps its UM and,
    // on a redirect, the authorized site in UM04. What else does not fit is left out (write_um).
    const model::Review* review = line->review ? &*line->review : &r.event.review;
    model::Review from_event;
    if (!line->review && review->request_category != "HS" && review->request_category != "SC") {
      from_event = *review;
      from_event.request_category = "HS";
      review = &from_event;
    }
    std::optional<soc::AuthorizedSite> site;
    if (d.outcome == soc::Outcome::redirect) site = d.authorized_site;
    write_um(*review, site, true);
    writer_.segment("HCR").element(d.hcr01).element(a.certification).element(d.hcr03).end();
    if (a.certification.empty() && !a.tracking.empty()) {
      writer_.segment("REF").element("NT").element(a.tracking).end();
    }
    if (!line->previous_authorization.empty()) {
      writer_.segment("REF").element("BB").element(line->previous_authorization).end();
    }
    if (line->service_dates) {
      const auto& sd = *line->service_dates;
      if (sd.first == sd.last) {
        writer_.segment("DTP").element("472").element("D8").element_with(16, [&](char* out) { return ccyymmdd(out, sd.first).size(); }).end();
      } else {
        write_span("472", sd.first, sd.last);
      }
    }
    // The certified span: DTP*007*RD8 (certification effective), the only DTP the X217 response 2000F
    // has for it (its DTPs are 472, 102, 036 and 007; no AAH). 036 would repeat the RD8's end and 102
    // BHT04, so neither is written (docs/conformance.md §3).
    if (d.approved_span) write_span("007", d.approved_span->first, d.approved_span->last);
    // The service the HCR applies to, as requested (reference 3.5).
    if (!line->service_segment.empty()) {
      const bool institutional = line->service_segment == "SV2";
      auto sv = writer_.segment(institutional ? std::string_view("SV2") : std::string_view("SV1"));
      if (institutional) sv.element(line->revenue_code);
      sv.element(line->procedure_qualifier).component(line->procedure_text);
      for (const auto& m : line->modifiers) sv.component(m);
      const auto amount = [](const std::optional<double>& v) {
        return [&v](char* out) { return v ? write_number(out, *v) : std::size_t{0}; };
      };
      sv.element_with(number_max, amount(line->amount));
      sv.element(line->unit_basis).element_with(number_max, amount(line->units));
      sv.end();
    }
    if (built_from == nullptr || (&d != built_from && !soc::same_response_message(d, *built_from))) {
      soc::response_message(d, line_message_);
      built_from = &d;
      built_text = &line_message_;
    }
    write_safe_msg(*built_text);
    // An event of many lines goes out in blocks: the writer holds at most one block of the set.
    if (writer_.buffered().size() >= drain_at) drain();
  }
  writer_.write_se(st02);
  drain();
}

bool Response278Writer::end_interchange() {
  if (group_open_) (void)end_group(true);
  const bool wrote = isa_written_;
  if (isa_written_) {
    envelope_writer_.begin("IEA").element(static_cast<std::uint64_t>(groups_written_)).element(isa13_);
    envelope_writer_.end();
    envelope_writer_.flush();
  }
  interchange_open_ = false;
  isa_written_ = false;
  return wrote;
}

}  // namespace soc278::respond

// The X3 rules of the x12 stage; see grammar.hpp for why they are all here.
#include "x12/grammar/grammar.hpp"

#include <boost/spirit/home/x3.hpp>

namespace soc278::x12::grammar {
namespace x3 = boost::spirit::x3;

namespace {

const x3::uint_parser<unsigned, 10, 2, 2> two_digits{};
const x3::uint_parser<unsigned, 10, 4, 4> four_digits{};

template <typename Parser>
bool whole(std::string_view text, const Parser& p) {
  auto first = text.begin();
  const auto last = text.end();
  return x3::parse(first, last, p) && first == last;
}

// The number, date and time rules accept ASCII digits only, and X3's standard digit test asserts
// (std::isdigit's domain) on a byte above 0x7f: such a value is simply not of the type.
bool ascii(std::string_view text) noexcept {
  for (char c : text)
    if (static_cast<unsigned char>(c) > 0x7f) return false;
  return true;
}

}  // namespace

bool isa_fixed_layout(std::string_view s, char sep) noexcept {
  if (s.size() < 106) return false;
  // Any byte but the separator fills a field; the widths are the ISA's fixed ones (reference 1.1).
  const auto f = [sep](unsigned n) { return x3::omit[x3::repeat(n)[~x3::char_(sep)]]; };
  const auto d = x3::lit(sep);
  const auto rule = x3::lit("ISA") >> d >> f(2) >> d >> f(10) >> d >> f(2) >> d >> f(10) >> d >> f(2) >> d >> f(15) >>
                    d >> f(2) >> d >> f(15) >> d >> f(6) >> d >> f(4) >> d >> f(1) >> d >> f(5) >> d >> f(9) >> d >>
                    f(1) >> d >> f(1) >> d >> f(1) >> x3::omit[x3::char_];
  return whole(s.substr(0, 106), rule);
}

bool date8(std::string_view text, int& year, int& month, int& day) noexcept {
  if (!ascii(text)) return false;
  unsigned y = 0, m = 0, d = 0;
  const auto rule = four_digits[([&](auto& c) { y = x3::_attr(c); })] >> two_digits[([&](auto& c) { m = x3::_attr(c); })] >>
                    two_digits[([&](auto& c) { d = x3::_attr(c); })];
  if (!whole(text, rule)) return false;
  year = static_cast<int>(y);
  month = static_cast<int>(m);
  day = static_cast<int>(d);
  return true;
}

bool date6(std::string_view text, int& yy, int& month, int& day) noexcept {
  if (!ascii(text)) return false;
  unsigned y = 0, m = 0, d = 0;
  const auto rule = two_digits[([&](auto& c) { y = x3::_attr(c); })] >> two_digits[([&](auto& c) { m = x3::_attr(c); })] >>
                    two_digits[([&](auto& c) { d = x3::_attr(c); })];
  if (!whole(text, rule)) return false;
  yy = static_cast<int>(y);
  month = static_cast<int>(m);
  day = static_cast<int>(d);
  return true;
}

bool time(std::string_view text, int& hour, int& minute, int& second) noexcept {
  if (!ascii(text)) return false;
  unsigned h = 0, m = 0, s = 0;
  const auto rule = two_digits[([&](auto& c) { h = x3::_attr(c); })] >> two_digits[([&](auto& c) { m = x3::_attr(c); })] >>
                    -(two_digits[([&](auto& c) { s = x3::_attr(c); })] >> x3::omit[x3::repeat(0, 2)[x3::digit]]);
  if (!whole(text, rule)) return false;
  if (h > 23 || m > 59 || s > 59) return false;
  hour = static_cast<int>(h);
  minute = static_cast<int>(m);
  second = static_cast<int>(s);
  return true;
}

bool integer(std::string_view text) noexcept {
  if (!ascii(text)) return false;
  return whole(text, -x3::lit('-') >> +x3::digit);
}

bool decimal(std::string_view text) noexcept {
  if (!ascii(text)) return false;
  const auto number = (+x3::digit >> -(x3::lit('.') >> *x3::digit)) | (x3::lit('.') >> +x3::digit);
  return whole(text, -x3::lit('-') >> number);
}

bool digits(std::string_view text, std::size_t n) noexcept {
  if (!ascii(text)) return false;
  return text.size() == n && whole(text, +x3::digit);
}

}  // namespace soc278::x12::grammar

// The sequenced mode of CertificationNumbers (response_278.hpp): numbers drawn from a durable
// source instead of hashed from a seed. The seeded mode lives beside the 278 writer.
#include <charconv>

#include "soc278/respond/response_278.hpp"

namespace soc278::respond {

CertificationNumbers::RequestHash CertificationNumbers::next_request() const {
  return RequestHash{source_ != nullptr ? source_->next() : 0};
}

void CertificationNumbers::sequenced_text(std::string_view prefix, RequestHash request, std::uint32_t line, std::string& out) const {
  // Base 36, at least 7 characters (78 billion requests before the number grows a character):
  // short enough to read over the phone, in the same alphabet as the seeded numbers.
  static constexpr char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  char number[16];
  std::size_t n = 0;
  for (std::uint64_t v = request.state; v != 0 || n < 7; v /= 36) number[n++] = digits[v % 36];
  out.assign(prefix);
  out.append(source_->stem());
  out.push_back('-');
  while (n != 0) out.push_back(number[--n]);
  out.push_back('-');
  if (line < 10) out.push_back('0');
  char decimal[10];
  out.append(decimal, static_cast<std::size_t>(std::to_chars(decimal, decimal + sizeof decimal, line).ptr - decimal));
}

}  // namespace soc278::respond

// The sequenced mode of CertificationNumbers (response_278.hpp): numbers drawn from a durable
// source instead of hashed from a seed. The seeded mode lives beside the 278 writer.
#include <algorithm>
#include <charconv>
#include <cstring>

#include "soc278/respond/response_278.hpp"

namespace soc278::respond {

CertificationNumbers::RequestHash CertificationNumbers::next_request() const {
  return RequestHash{source_ != nullptr ? source_->next() : 0};
}

void CertificationNumbers::sequenced_text(std::string_view prefix, RequestHash request, std::uint32_t line, std::string& out) const {
  // Base 36, at least 7 characters (78 billion requests before the number grows a character):
  // short enough to read over the phone, in the same alphabet as the seeded numbers. Built in a
  // local buffer and assigned once: it runs for every certified or pended line.
  static constexpr char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const std::string_view stem = source_->stem().substr(0, 16);
  char text[64];  // prefix 3 + stem 16 + '-' + 13 digits + '-' + 10 digits
  char* p = text;
  std::memcpy(p, prefix.data(), std::min<std::size_t>(prefix.size(), 3));
  p += std::min<std::size_t>(prefix.size(), 3);
  std::memcpy(p, stem.data(), stem.size());
  p += stem.size();
  *p++ = '-';
  char number[16];
  std::size_t n = 0;
  for (std::uint64_t v = request.state; v != 0 || n < 7; v /= 36) number[n++] = digits[v % 36];
  while (n != 0) *p++ = number[--n];
  *p++ = '-';
  if (line < 10) *p++ = '0';
  p = std::to_chars(p, text + sizeof text, line).ptr;
  out.assign(text, static_cast<std::size_t>(p - text));
}

}  // namespace soc278::respond

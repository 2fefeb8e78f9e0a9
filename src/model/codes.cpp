#include "soc278/model/codes.hpp"

namespace soc278::model {
namespace {

bool digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool letter(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool alnum(char c) noexcept { return digit(c) || letter(c); }

}  // namespace

std::optional<Hcpcs> Hcpcs::parse(std::string_view t) noexcept {
  if (t.size() != 5) return std::nullopt;
  const bool level2 = letter(t[0]) && digit(t[1]) && digit(t[2]) && digit(t[3]) && digit(t[4]);
  const bool cpt = digit(t[0]) && digit(t[1]) && digit(t[2]) && digit(t[3]) && alnum(t[4]);
  if (!level2 && !cpt) return std::nullopt;
  Hcpcs h;
  h.assign(t);
  return h;
}

std::optional<PlaceOfService> PlaceOfService::parse(std::string_view t) noexcept {
  if (t.size() != 2 || !digit(t[0]) || !digit(t[1])) return std::nullopt;
  PlaceOfService p;
  p.assign(t);
  return p;
}

std::optional<BillTypePrefix> BillTypePrefix::parse(std::string_view t) noexcept {
  // Some senders put the full 3-digit type of bill; the first two digits are the facility/care type.
  if (t.size() == 3 && digit(t[2])) t = t.substr(0, 2);
  if (t.size() != 2 || !digit(t[0]) || !digit(t[1])) return std::nullopt;
  BillTypePrefix b;
  b.assign(t);
  return b;
}

std::optional<Icd10Code> Icd10Code::parse(std::string_view t) noexcept {
  if (t.size() < 3 || t.size() > 7) return std::nullopt;
  if (!letter(t[0]) || !digit(t[1]) || !alnum(t[2])) return std::nullopt;
  for (char c : t)
    if (!alnum(c)) return std::nullopt;
  Icd10Code c;
  c.assign(t);
  return c;
}

std::string Icd10Code::dotted() const {
  const std::string_view v = view();
  if (v.size() <= 3) return std::string(v);
  return std::string(v.substr(0, 3)) + "." + std::string(v.substr(3));
}

}  // namespace soc278::model

#include "support/mutate.hpp"

#include <array>
#include <utility>
#include <vector>

namespace soc278::test {
namespace {

using namespace std::string_view_literals;

struct Frame {
  char element = '*';
  char terminator = '~';
};

// The delimiters an ISA declares (or the usual ones when there is no readable ISA).
Frame frame_of(const std::string& s) {
  Frame f;
  const auto isa = s.find("ISA");
  if (isa != std::string::npos && isa + 106 <= s.size()) {
    f.element = s[isa + 3];
    f.terminator = s[isa + 105];
  }
  return f;
}

// [begin, end) of each segment, the terminator included.
std::vector<std::pair<std::size_t, std::size_t>> segments_of(const std::string& s, char terminator) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == terminator) {
      std::size_t end = i + 1;
      while (end < s.size() && (s[end] == '\r' || s[end] == '\n')) ++end;
      out.emplace_back(start, end);
      start = end;
      i = end - 1;
    }
  }
  if (start < s.size()) out.emplace_back(start, s.size());
  return out;
}

// Values a broken sender writes: empty, padded, too long, outside the X12 character sets.
constexpr std::array<std::string_view, 16> odd_values = {
    ""sv, " ", "      ", "X", "0", "99999999999999999999999999999999", "\xC3\x28", "\xFF\xFE", "\x1B[2J", "\n", "ZZ", "00000000",
    "20301332", "-1", "1.5E3", "ABC DEF GHI JKL MNO PQR STU VWX YZ 0123456789 0123456789 0123456789"};
// Bytes a broken sender inserts: delimiters, controls, high bytes.
constexpr std::string_view odd_bytes = "*~:^|>\r\n\t \x00\x1B\x7F\x80\xC3\xFF" "0A"sv;

}  // namespace

std::uint64_t Mutator::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::string Mutator::mutant(std::string_view text, std::string_view other, std::string* what) {
  std::string s(text);
  const std::size_t count = 1 + below(4);
  for (std::size_t i = 0; i < count; ++i) one(s, other, what);
  return s;
}

void Mutator::one(std::string& s, std::string_view other, std::string* what) {
  const auto note = [&](const std::string& m) {
    if (what != nullptr) *what += (what->empty() ? "" : ", ") + m;
  };
  const Frame f = frame_of(s);
  const auto segs = segments_of(s, f.terminator);
  switch (below(12)) {
    case 0: {  // flip a byte
      if (s.empty()) return;
      const std::size_t at = below(s.size());
      s[at] = static_cast<char>(next() & 0xFF);
      note("byte " + std::to_string(at) + " replaced");
      return;
    }
    case 1: {  // insert a delimiter-like, control or high byte
      const std::size_t at = below(s.size() + 1);
      s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), odd_bytes[below(odd_bytes.size())]);
      note("byte inserted at " + std::to_string(at));
      return;
    }
    case 2: {  // delete a short run of bytes
      if (s.empty()) return;
      const std::size_t at = below(s.size());
      const std::size_t n = 1 + below(8);
      s.erase(at, n);
      note("bytes deleted at " + std::to_string(at));
      return;
    }
    case 3:  // delete a segment
    case 4:  // duplicate a segment
    case 5: {  // move a segment elsewhere
      if (segs.size() < 2) return;
      const auto [b, e] = segs[below(segs.size())];
      const std::string seg = s.substr(b, e - b);
      const int kind = static_cast<int>(below(3));
      if (kind == 0) {
        s.erase(b, e - b);
        note("segment deleted at " + std::to_string(b));
      } else if (kind == 1) {
        s.insert(e, seg);
        note("segment duplicated at " + std::to_string(b));
      } else {
        s.erase(b, e - b);
        const auto to = segments_of(s, f.terminator);
        const std::size_t at = to.empty() ? 0 : to[below(to.size())].first;
        s.insert(at, seg);
        note("segment moved from " + std::to_string(b) + " to " + std::to_string(at));
      }
      return;
    }
    case 6:
    case 7:
    case 8: {  // replace one element's value
      if (segs.empty()) return;
      const auto [b, e] = segs[below(segs.size())];
      std::vector<std::size_t> seps;
      for (std::size_t i = b; i < e; ++i)
        if (s[i] == f.element) seps.push_back(i);
      if (seps.empty()) return;
      const std::size_t k = below(seps.size());
      const std::size_t from = seps[k] + 1;
      std::size_t to = k + 1 < seps.size() ? seps[k + 1] : e;
      while (to > from && (s[to - 1] == f.terminator || s[to - 1] == '\n' || s[to - 1] == '\r')) --to;
      if (to < from) return;
      s.replace(from, to - from, odd_values[below(odd_values.size())]);
      note("element value replaced at " + std::to_string(from));
      return;
    }
    case 9: {  // the terminator (or element separator) changed everywhere after the ISA
      constexpr std::string_view choices = " \n|!>^~*:";
      const char to = choices[below(choices.size())];
      const char from = below(2) == 0 ? f.terminator : f.element;
      for (std::size_t i = 106; i < s.size(); ++i)
        if (s[i] == from) s[i] = to;
      note(std::string("delimiter '") + from + "' became '" + to + "'");
      return;
    }
    case 10: {  // truncated
      if (s.empty()) return;
      s.resize(below(s.size()));
      note("truncated at " + std::to_string(s.size()));
      return;
    }
    default: {  // spliced: the head of this file, the tail of another
      if (other.empty()) return;
      const std::size_t at = below(s.size() + 1), from = below(other.size() + 1);
      s = s.substr(0, at) + std::string(other.substr(from));
      note("spliced at " + std::to_string(at));
      return;
    }
  }
}

}  // namespace soc278::test

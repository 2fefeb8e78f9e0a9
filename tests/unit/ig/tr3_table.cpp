#include "tr3_table.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "support/test_support.hpp"

namespace soc278::test::tr3 {
namespace {

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (true) {
    const auto next = s.find(sep, at);
    out.emplace_back(s.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at));
    if (next == std::string_view::npos) break;
    at = next + 1;
  }
  return out;
}

std::vector<std::string> words(const std::string& s) {  // the comma-separated code columns
  if (s.empty()) return {};
  return split(s, ',');
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}

bool contains(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

std::string Row::segment_id() const { return segment.substr(0, segment.find('(')); }

std::vector<std::string> Row::qualifier() const {
  const auto open = segment.find('(');
  if (open == std::string::npos) return {};
  return split(std::string_view(segment).substr(open + 1, segment.size() - open - 2), ',');
}

int Row::position() const {
  const auto id = segment_id();
  return element.size() >= id.size() + 2 ? std::stoi(element.substr(id.size(), 2)) : 0;
}

int Row::component() const {
  const auto dash = element.find('-');
  return dash == std::string::npos ? 0 : std::stoi(element.substr(dash + 1));
}

std::vector<std::string> Row::allowed_out() const {
  if ((verdict == "same" || verdict == "src" || verdict == "tol") && !source_codes.empty()) return source_codes;
  return our_any ? std::vector<std::string>{} : our_codes;
}

std::string Row::where() const { return guide + " " + loop + " " + segment + " " + element; }

std::filesystem::path table_path() { return source_dir() / "tests" / "conformance" / "x217-tr3-codes.tsv"; }

std::vector<Row> load_table(const std::filesystem::path& tsv) {
  std::vector<Row> rows;
  std::istringstream in(read_file(tsv));
  std::size_t n = 0;
  bool header = true;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    if (header) {  // the column names
      header = false;
      continue;
    }
    const auto f = split(line, '\t');
    if (f.size() != 8) throw std::runtime_error("x217-tr3-codes.tsv:" + std::to_string(n) + ": not 8 columns");
    Row r;
    r.guide = f[0];
    r.loop = f[1];
    r.segment = f[2];
    r.element = f[3];
    r.source_codes = words(f[4]);
    r.source = f[5];
    r.verdict = f[6];
    r.our_any = f[7] == "*";
    if (!r.our_any && f[7] != "-") r.our_codes = words(f[7]);
    r.line = n;
    rows.push_back(std::move(r));
  }
  return rows;
}

namespace {

struct Delims {
  char element = '*', component = ':', repetition = 0, segment = '~';
};

// The loop a 278 NM1 starts under an HL loop: the table's NM101 rows of the child loops ("2010E*").
std::string nm1_loop(const std::vector<Row>& table, const std::string& guide, const std::string& hl_loop,
                     const std::string& nm101) {
  if (hl_loop.size() < 5) return "";
  const std::string prefix = "2010" + hl_loop.substr(4);
  for (const auto& r : table)
    if (r.guide == guide && r.element == "NM101" && r.loop.rfind(prefix, 0) == 0 && contains(r.our_codes, nm101)) return r.loop;
  return "";
}

std::string hl_loop(std::string_view hl03) {
  static const std::map<std::string, std::string, std::less<>> m{{"20", "2000A"}, {"21", "2000B"}, {"22", "2000C"},
                                                                {"23", "2000D"}, {"EV", "2000E"}, {"SS", "2000F"}};
  const auto it = m.find(hl03);
  return it == m.end() ? "" : it->second;
}

// The segments of one interchange, placed by HL03 / NM101 / the first element and checked against the table.
void check_interchange(const std::vector<Row>& table, const Delims& d, std::string_view text, const std::string& label,
                       std::size_t* checked, std::vector<std::string>& out) {
  std::string guide, loop, hl;
  std::size_t n = 0;  // position in the set, ST = 1
  for (auto raw : split(text, d.segment)) {
    const auto b = raw.find_first_not_of(" \r\n\t");
    if (b == std::string::npos) continue;
    const auto seg = raw.substr(b);
    const auto el = split(seg, d.element);
    const std::string& id = el[0];
    auto value = [&](std::size_t p) { return p < el.size() ? el[p] : std::string(); };
    if (id == "ST") {
      n = 1;
      guide = value(1) == "999" ? "999" : "";
      loop = "header";
      hl.clear();
      continue;
    }
    if (id == "ISA" || id == "GS" || id == "GE" || id == "IEA" || id == "TA1" || id == "SE") continue;
    ++n;
    const std::string at = label + ": segment " + std::to_string(n) + " " + id;
    if (id == "BHT") guide = value(2) == "11" ? "response" : "request";
    if (guide.empty()) continue;
    if (guide == "999") {
      if (id == "AK1") loop = "header";
      else if (id == "AK2" || id == "IK5") loop = "2000";
      else if (id == "IK3") loop = "2100";
      else if (id == "IK4") loop = "2110";
      else if (id == "AK9") loop = "trailer";
    } else if (id == "HL") {
      hl = hl_loop(value(3));
      loop = hl;
      if (hl.empty()) out.push_back(at + ": HL03 '" + value(3) + "' is no 278 level");
    } else if (id == "NM1") {
      loop = nm1_loop(table, guide, hl, value(1));
      if (loop.empty()) {
        out.push_back(at + ": NM101 '" + value(1) + "' starts no loop under " + guide + " " + hl);
        continue;
      }
    }
    if (loop.empty()) continue;
    // The occurrence: the rows of this loop and segment id, told apart by element 1 (999 CTX: CTX01-1).
    std::vector<const Row*> rows;
    bool qualified = false;
    for (const auto& r : table)
      if (r.guide == guide && r.loop == loop && r.segment_id() == id) {
        rows.push_back(&r);
        qualified = qualified || r.segment.find('(') != std::string::npos;
      }
    if (qualified) {
      std::string q = split(value(1), d.component)[0];
      std::string name;
      if (guide == "999" && id == "CTX") name = q == "SITUATIONAL TRIGGER" ? "CTX(segment)" : "CTX(business-unit)";
      std::vector<const Row*> mine;
      for (const auto* r : rows)
        if (name.empty() ? contains(r->qualifier(), q) : r->segment == name) mine.push_back(r);
      if (mine.empty()) {
        out.push_back(at + ": " + id + "01 '" + q + "' is no occurrence of " + id + " in " + guide + " " + loop);
        continue;
      }
      rows = std::move(mine);
    }
    for (const auto* r : rows) {
      if (r->verdict == "absent") {
        out.push_back(at + ": " + r->segment + " is not allowed in " + guide + " " + loop + " (" + r->source + ")");
        continue;
      }
      const auto allowed = r->allowed_out();
      if (allowed.empty()) continue;
      const auto v = value(static_cast<std::size_t>(r->position()));
      if (v.empty()) continue;
      const auto reps = d.repetition ? split(v, d.repetition) : std::vector<std::string>{v};
      for (const auto& rep : reps) {
        std::string x = rep;
        if (r->component() > 0) {
          const auto c = split(rep, d.component);
          x = static_cast<std::size_t>(r->component()) <= c.size() ? c[static_cast<std::size_t>(r->component()) - 1] : "";
        }
        if (!x.empty() && checked != nullptr) ++*checked;
        if (!x.empty() && !contains(allowed, x))
          out.push_back(at + ": " + r->element + " '" + x + "' not allowed in " + guide + " " + loop + " " + r->segment +
                        " (allowed: " + join(allowed) + "; " + r->source + ")");
      }
    }
  }
}

}  // namespace

std::vector<std::string> check_written(const std::vector<Row>& table, std::string_view text, const std::string& label,
                                       std::size_t* checked) {
  std::vector<std::string> out;
  // One interchange at a time: each ISA sets its own delimiters (a file may hold several).
  std::vector<std::pair<Delims, std::string_view>> interchanges;
  for (std::size_t at = text.find("ISA"); at != std::string_view::npos;) {
    if (text.size() < at + 106) return {label + ": ISA cut short"};
    Delims d;
    d.element = text[at + 3];
    d.repetition = text[at + 82];
    if (std::isalnum(static_cast<unsigned char>(d.repetition))) d.repetition = 0;
    d.component = text[at + 104];
    d.segment = text[at + 105];
    // The interchange ends after its IEA segment (segments may be followed by line breaks).
    std::size_t end = at;
    while (end < text.size()) {
      auto next = text.find(d.segment, end);
      next = next == std::string_view::npos ? text.size() : next + 1;
      const auto seg = text.substr(end, next - end);
      const auto b = seg.find_first_not_of(" \r\n\t");
      end = next;
      if (b != std::string_view::npos && seg.substr(b, 4) == std::string("IEA") + d.element) break;
    }
    interchanges.emplace_back(d, text.substr(at, end - at));
    at = text.find("ISA", end);
  }
  if (interchanges.empty()) return {label + ": not an interchange"};
  for (const auto& [d, one] : interchanges) check_interchange(table, d, one, label, checked, out);
  return out;
}

}  // namespace soc278::test::tr3

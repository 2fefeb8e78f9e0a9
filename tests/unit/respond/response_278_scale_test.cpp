// One event of many service lines: the 278 response costs time linear in its lines (each decision
// finds its line through an index, not a scan of every line) and the writer holds at most one block
// of the set, whatever the number of lines (docs/PERFORMANCE.md, "One event of many lines").
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include "respond_builders.hpp"
#include "soc278/respond/response_278.hpp"

using namespace soc278;

namespace {

const core::DateTime now{{2026, 11, 20}, {9, 30, 0}};

// Counts what is written, keeps none of it: the size of every write and the number of SV1 segments.
class Counting final : public std::streambuf {
 public:
  std::uint64_t bytes = 0;
  std::uint64_t largest_write = 0;
  std::uint64_t sv1 = 0;

 protected:
  int_type overflow(int_type ch) override {
    if (!traits_type::eq_int_type(ch, traits_type::eof())) count(traits_type::to_char_type(ch));
    return traits_type::not_eof(ch);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    largest_write = std::max<std::uint64_t>(largest_write, static_cast<std::uint64_t>(n));
    for (std::streamsize i = 0; i < n; ++i) count(s[i]);
    return n;
  }

 private:
  void count(char c) {
    ++bytes;
    // "SV1*" at the start of a line.
    window_ = (window_ << 8) | static_cast<unsigned char>(c);
    if ((window_ & 0xffffffffffULL) == 0x0a5356312aULL) ++sv1;
  }
  std::uint64_t window_ = 0x0a;
};

// A request of one event with `n` service lines, each approved.
struct Event {
  model::AuthorizationRequest request;
  std::vector<soc::LineDecision> decisions;
  std::vector<respond::LineAnswer> answers;
  explicit Event(std::uint32_t n) {
    model::AuthorizationRequest& r = request;
    r.bht_reference = "REQ1";
    r.umo.last_or_org_name.value = "EXAMPLEPLAN";
    r.umo.id_qualifier = "PI";
    r.umo.id.value = "99999";
    r.requester.last_or_org_name.value = "EXAMPLEGROUP";
    r.requester.id_qualifier = "XX";
    r.requester.id.value = "1234567893";
    r.subscriber.name.last_or_org_name.value = "DOE";
    r.subscriber.name.id.value = "XYZ1";
    r.event.review = {"HS", "I", "1", model::RequestedSite{"22", model::SiteQualifier::place_of_service, {}}, {}};
    r.lines.resize(n);
    decisions.resize(n);
    answers.resize(n);
    for (std::uint32_t k = 0; k < n; ++k) {
      model::ServiceLine& l = r.lines[k];
      l.line_number = k + 1;
      l.service_segment = "SV1";
      l.procedure_qualifier = "HC";
      l.procedure_text = "J1745";
      l.unit_basis = "UN";
      l.units = 4.0;
      soc::LineDecision& d = decisions[k];
      d.line_number = k + 1;
      d.outcome = soc::Outcome::approve;
      d.hcr01 = "A1";
      d.policy_id = "GA.PMN.34";
      answers[k].decision = &d;
      answers[k].certification = "C-" + std::to_string(k + 1);  // short: no allocation per line
    }
  }
};

Counting write(const Event& e) {
  Counting counted;
  std::ostream out(&counted);
  respond::ControlNumberSequence numbers(5001);
  respond::Response278Writer w(out, numbers, now, "\n");
  w.begin_interchange(test::received_interchange());
  w.begin_group(test::received_group());
  w.add_decided(e.request, e.answers);
  (void)w.end_group(true);
  (void)w.end_interchange();
  out.flush();
  return counted;
}

}  // namespace

TEST_CASE("one event of 200,000 service lines is answered well inside a CPU limit a quadratic writer exceeds", "[respond][scale]") {
  // A child under RLIMIT_CPU writes the response: linear writing takes a few seconds of CPU even in a
  // Debug build; the old line lookup (every line scanned for every decision: 2 * 10^10 steps here)
  // ran into the limit and was killed by SIGXCPU. Not a timing: the limit is over ten times what the
  // linear writer needs.
  constexpr std::uint32_t lines = 200'000;
  constexpr rlim_t cpu_seconds = 20;
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const rlimit limit{cpu_seconds, cpu_seconds + 5};
    (void)setrlimit(RLIMIT_CPU, &limit);
    const Event e(lines);
    const Counting c = write(e);
    _exit(c.sv1 == lines ? 0 : 3);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  INFO("child status " << status << (WIFSIGNALED(status) ? " (killed by a signal: over the CPU limit)" : ""));
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("the 278 writer holds at most one block of a set: its largest write does not grow with the lines", "[respond][scale]") {
  const Counting small = write(Event(2'000));
  const Counting large = write(Event(8'000));
  CHECK(small.sv1 == 2'000);
  CHECK(large.sv1 == 8'000);
  CHECK(large.bytes > 3 * small.bytes);
  // Blocks of 64 KiB plus the line that crossed the mark; the whole set (over 1 MB here) in one write
  // before.
  CHECK(large.largest_write < 72 * 1024);
  CHECK(large.largest_write <= small.largest_write + 1024);
}

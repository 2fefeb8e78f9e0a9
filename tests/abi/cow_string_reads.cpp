// Built with -D_GLIBCXX_USE_CXX11_ABI=0: libstdc++'s copy-on-write std::string, which has no
// short-string buffer, so a string of n characters may own only n + 1 bytes. JsonRun::string(const
// std::string&) (src/engine/json_line.hpp) and SegmentWriter::Segment::element(const std::string&)
// (include/soc278/x12/writer.hpp, its writer.cpp compiled in) must read none past them: under
// AddressSanitizer (the CI's SOC278_SANITIZE build) any such read stops this program. Without the
// sanitizer it still checks what is written. No Catch2 and no soc278 library: they are built with
// the other string ABI.
#include <cstdio>
#include <string>

#include "engine/json_line.hpp"
#include "soc278/x12/writer.hpp"

int main() {
  int failures = 0;
  for (std::size_t n = 0; n <= 20; ++n) {
    for (std::size_t bad = 0; bad <= n; ++bad) {  // bad == n: no character needs an escape
      std::string v(n, 'a');
      if (bad < n) v[bad] = '"';
      v.reserve(n);  // keep the allocation as small as the ABI allows
      std::string expected = "{\"k\":\"v\",\"s\":\"";
      for (char c : v) expected += c == '"' ? std::string("\\\"") : std::string(1, c);
      expected += "\"}";
      std::string scratch;
      soc278::engine::JsonLine line(scratch, soc278::engine::JsonLine::Scratch{});
      line.begin_object().field("k", "v");
      soc278::engine::JsonRun run(line.begin_run(16 + soc278::engine::detail::json_string_room(v)));
      run.raw(",\"s\":").string(v);
      line.end_run(run).end_object();
      const std::string out(line.text());
      if (out != expected) {
        std::fprintf(stderr, "size %zu, '\"' at %zu: wrote %s, expected %s\n", n, bad, out.c_str(), expected.c_str());
        ++failures;
      }
      soc278::x12::SegmentWriter writer;
      writer.segment("NTE").element(v).end();
      const std::string segment = "NTE*" + v + "~";
      if (n != 0 && writer.buffered() != segment) {
        std::fprintf(stderr, "size %zu: wrote %.*s, expected %s\n", n, static_cast<int>(writer.buffered().size()),
                     writer.buffered().data(), segment.c_str());
        ++failures;
      }
    }
  }
  std::printf("cow_string_reads: %d failure(s)\n", failures);
  return failures == 0 ? 0 : 1;
}

// soc278/engine/output.hpp
//
// Provides OutputSink: where the engine streams one output (a 999, a TA1, the 278 responses, the
// decision report). The engine writes as it goes and, when a functional group is rejected at its GE
// or an interchange at its IEA after answers were already written, drops what it wrote for them by
// rewinding the sink to a position it took before (a truncate, never a buffer of the group). So an
// output costs constant memory, whatever the size of the group.
//
// Two sinks come with the engine: OutputFile (output_file.hpp: a temporary file renamed when
// complete, what the command line uses) and MemoryOutput (below: a string, for embedders and tests).
#pragma once

#include <cstdint>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace soc278::engine {

class OutputSink : public std::streambuf {
 public:
  OutputSink() : stream_(this) {}
  OutputSink(const OutputSink&) = delete;
  OutputSink& operator=(const OutputSink&) = delete;
  ~OutputSink() override = default;

  [[nodiscard]] std::ostream& stream() noexcept { return stream_; }
  // Bytes written so far (buffered ones included): a mark for rewind().
  [[nodiscard]] virtual std::uint64_t position() const noexcept = 0;
  // Drops everything written after `mark` (a value position() returned). False on an I/O error.
  virtual bool rewind(std::uint64_t mark) = 0;

 private:
  std::ostream stream_;
};

// An output kept in memory: what an embedder that answers over a socket, or a test, reads back.
class MemoryOutput final : public OutputSink {
 public:
  [[nodiscard]] std::uint64_t position() const noexcept override { return text_.size(); }
  bool rewind(std::uint64_t mark) override {
    if (mark < text_.size()) text_.resize(static_cast<std::size_t>(mark));
    return true;
  }
  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  void clear() noexcept { text_.clear(); }

 protected:
  int_type overflow(int_type ch) override {
    if (!traits_type::eq_int_type(ch, traits_type::eof())) text_.push_back(traits_type::to_char_type(ch));
    return traits_type::not_eof(ch);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    text_.append(s, static_cast<std::size_t>(n));
    return n;
  }

 private:
  std::string text_;
};

}  // namespace soc278::engine

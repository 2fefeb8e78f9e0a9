// What the engine tests share: the loaded guides and mappings, a processor configuration with the
// numbers and the clock pinned, and an input generated on the fly.
#pragma once

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include <fmt/core.h>

#include "soc278/engine/processor.hpp"
#include "soc278/ig/guide.hpp"
#include "soc278/mapping/load.hpp"
#include "soc278/x12/byte_source.hpp"
#include "support/test_support.hpp"

namespace soc278::test {

inline const ig::GuideSet& engine_guides() {
  static const ig::GuideSet g = [] {
    auto r = ig::load_guides(source_dir() / "grammars");
    if (!r) throw std::runtime_error("grammars: " + r.error().message);
    return std::move(r).value();
  }();
  return g;
}

inline const mapping::MappingSet& engine_mappings() {
  static const mapping::MappingSet m = [] {
    auto r = mapping::load_mappings(source_dir() / "mappings", engine_guides());
    if (!r) throw std::runtime_error("mappings: " + r.error().message);
    return std::move(r).value();
  }();
  return m;
}

// A processor configuration as `process --now 2026-12-01T09:00 --control-start 1 --seed 278` has it.
struct EngineFixture {
  respond::ControlNumberSequence numbers{1};
  engine::ProcessorConfig config;
  EngineFixture() {
    config.guides = &engine_guides();
    config.mappings = &engine_mappings();
    config.now = core::DateTime{core::Date{2026, 12, 1}, core::TimeOfDay{9, 0, 0}};
    config.numbers = &numbers;
    config.certifications = respond::CertificationNumbers(278);
    config.validation.build_tree = true;
  }
};

// One interchange holding one functional group of as many copies of the first transaction set of
// `sample` (an X12 file with line breaks after its terminators, '~') as fill `target_bytes`, made
// while it is read: ST02 / SE02 and the TRN02 traces count up; odd sets carry an invalid DMG02
// (an error), even sets an HI code with its decimal point (a warning).
class GeneratedGroup final : public x12::ByteSource {
 public:
  GeneratedGroup(const std::string& sample, std::uint64_t target_bytes) {
    const auto gs = sample.find("GS*");
    const auto st = sample.find("ST*");
    const auto se = sample.find("SE*", st);
    const auto se_end = sample.find('~', se) + 1;
    const auto ge = sample.find("GE*", se_end);
    if (gs == std::string::npos || st == std::string::npos || se == std::string::npos || ge == std::string::npos)
      throw std::runtime_error("sample has no ISA/GS/ST/SE/GE");
    head_ = sample.substr(0, st);
    set_ = sample.substr(st, se - st);  // without its SE
    line_break_ = sample.substr(se_end, sample.find_first_not_of("\r\n", se_end) - se_end);
    segments_ = static_cast<std::uint64_t>(std::count(set_.begin(), set_.end(), '~')) + 1;  // + SE
    control_ = sample.substr(sample.find('*', ge + 3) + 1);
    control_ = control_.substr(0, control_.find('~'));
    isa13_ = sample.substr(90, 9);
    while (bytes_ < target_bytes) {
      bytes_ += set_.size() + 32;
      ++sets_;
    }
    bytes_ = 0;
  }
  [[nodiscard]] std::uint64_t sets() const noexcept { return sets_; }
  [[nodiscard]] std::uint64_t bytes() const noexcept { return bytes_; }

  [[nodiscard]] std::ptrdiff_t read(char* into, std::size_t capacity) override {
    while (pending_.size() - at_ < capacity && stage_ != Stage::done) refill();
    const std::size_t n = std::min(capacity, pending_.size() - at_);
    std::memcpy(into, pending_.data() + at_, n);
    at_ += n;
    bytes_ += n;
    if (at_ == pending_.size()) {
      pending_.clear();
      at_ = 0;
    }
    return static_cast<std::ptrdiff_t>(n);
  }

 private:
  enum class Stage { head, sets, tail, done };
  void refill() {
    if (at_ > 0) {
      pending_.erase(0, at_);
      at_ = 0;
    }
    switch (stage_) {
      case Stage::head:
        pending_ += head_;
        stage_ = Stage::sets;
        break;
      case Stage::sets: {
        ++written_;
        const std::string st02 = fmt::format("{:04}", written_);
        std::string set = set_;
        replace_all(set, "ST*278*0001*", "ST*278*" + st02 + "*");
        replace_all(set, "*REQ0001", fmt::format("*R{:07}", written_));
        if (written_ % 2 == 1) {
          replace_all(set, "DMG*D8*19800115", "DMG*D8*19801315");
        } else {
          replace_all(set, "HI*ABK:M0579", "HI*ABK:M05.79");
        }
        pending_ += set;
        pending_ += fmt::format("SE*{}*{}~{}", segments_, st02, line_break_);
        if (written_ == sets_) stage_ = Stage::tail;
        break;
      }
      case Stage::tail:
        pending_ += fmt::format("GE*{}*{}~{}IEA*1*{}~{}", sets_, control_, line_break_, isa13_, line_break_);
        stage_ = Stage::done;
        break;
      case Stage::done:
        break;
    }
  }
  static void replace_all(std::string& s, std::string_view from, const std::string& to) {
    for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  }

  std::string head_, set_, line_break_, control_, isa13_;
  std::uint64_t segments_ = 0, sets_ = 0, written_ = 0, bytes_ = 0;
  Stage stage_ = Stage::head;
  std::string pending_;
  std::size_t at_ = 0;
};

}  // namespace soc278::test

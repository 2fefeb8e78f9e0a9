#include "app/ledger_numbers.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "soc278/core/output_text.hpp"
#include "soc278/store/sqlite_ledger.hpp"

namespace soc278::app {

std::uint32_t LedgerNumbers::next(std::string_view partner) {
  if (error_) return 0;
  auto it = control_.find(partner);
  if (it == control_.end()) it = control_.emplace(std::string(partner), Block{{}, 0, control_block_first}).first;
  Block& b = it->second;
  if (b.next >= b.claimed.end()) {
    // Claimed and committed before the first of them is written anywhere.
    auto claimed = ledger_.claim_control_numbers(partner, b.size);
    if (!claimed) {
      error_ = claimed.error();
      return 0;
    }
    b.claimed = claimed.value();
    b.next = b.claimed.first;
    b.size = std::min(b.size * 2, control_block_max);
  }
  return static_cast<std::uint32_t>(b.next++);
}

bool LedgerNumbers::give_back(std::string_view partner, std::uint32_t n) {
  // Only the number handed out last, and only while it is still inside the block it came from.
  const auto it = control_.find(partner);
  if (it == control_.end()) return false;
  Block& b = it->second;
  if (n == 0 || b.next == 0 || b.next - 1 != n || n < b.claimed.first) return false;
  b.next = n;
  return true;
}

std::uint64_t LedgerNumbers::next() {
  if (error_) return 0;
  Block& b = certification_;
  if (b.size == 0) b.size = certification_block_first;
  if (b.next >= b.claimed.end()) {
    auto claimed = ledger_.claim_certification_numbers(b.size);
    if (!claimed) {
      error_ = claimed.error();
      return 0;
    }
    b.claimed = claimed.value();
    b.next = b.claimed.first;
    b.size = std::min(b.size * 2, certification_block_max);
  }
  return b.next++;
}

void LedgerNumbers::finish() {
  if (error_) return;
  for (auto& [partner, b] : control_) {
    if (b.next >= b.claimed.end()) continue;
    auto released = ledger_.release_control_numbers(partner, {b.next, b.claimed.end() - b.next});
    if (!released) {
      error_ = released.error();
      return;
    }
    b.claimed.count = b.next - b.claimed.first;
  }
  if (certification_.next < certification_.claimed.end()) {
    auto released =
        ledger_.release_certification_numbers({certification_.next, certification_.claimed.end() - certification_.next});
    if (!released) {
      error_ = released.error();
      return;
    }
    certification_.claimed.count = certification_.next - certification_.claimed.first;
  }
}

bool RunNumbers::ledger_failed(const std::string& file) const {
  if (from_ledger == nullptr || !from_ledger->failed()) return false;
  std::cerr << "soc278: " << core::printable(file) << ": " << core::name(from_ledger->error()->code) << ": " << from_ledger->error()->message
            << "; this file's outputs were not written\n";
  return true;
}

void RunNumbers::finish() {
  if (from_ledger == nullptr || from_ledger->failed()) return;
  from_ledger->finish();
  if (from_ledger->failed()) {
    std::cerr << "soc278: warning: unused numbers not given back to the ledger (" << from_ledger->error()->message << ")\n";
  }
}

std::optional<RunNumbers> run_numbers_or_report(std::optional<std::uint32_t> control_start, std::optional<std::uint64_t> seed,
                                                const std::string& db_option) {
  RunNumbers n;
  if (!control_start || !seed) {
    std::optional<std::filesystem::path> path;
    if (!db_option.empty()) {
      path = db_option;
    } else {
      const auto env = [](const char* name) {
        const char* v = std::getenv(name);
        return std::string_view(v != nullptr ? v : "");
      };
      path = store::default_ledger_path(env("SOC278_STATE_DIR"), env("XDG_STATE_HOME"), env("HOME"));
      if (!path) {
        std::cerr << "soc278: no ledger: set --db FILE or SOC278_STATE_DIR (HOME is not set either)\n";
        return std::nullopt;
      }
    }
    auto opened = store::SqliteLedger::open(*path);
    if (!opened) {
      std::cerr << "soc278: " << core::name(opened.error().code) << ": " << opened.error().message << '\n';
      return std::nullopt;
    }
    n.ledger = std::move(opened).value();
    n.from_ledger = std::make_unique<LedgerNumbers>(*n.ledger);
  }
  n.control = control_start ? std::make_unique<respond::ControlNumberSequence>(*control_start)
                            : std::make_unique<respond::ControlNumberSequence>(static_cast<respond::ControlNumberSource&>(*n.from_ledger));
  n.certifications = seed ? respond::CertificationNumbers(*seed)
                          : respond::CertificationNumbers(static_cast<respond::CertificationSource&>(*n.from_ledger));
  return n;
}

}  // namespace soc278::app

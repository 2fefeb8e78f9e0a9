// src/app/ledger_numbers.hpp — private: the ledger's numbers, handed to respond's writers one at a
// time. Claims blocks from a store::Ledger (one transaction each, committed before any number of
// the block is used), hands the numbers out from memory, and at the end of the run gives back what
// it did not use (the ledger takes a tail back only when nobody claimed after it). Blocks grow as
// a partner or the run asks for more, so a long run costs a few dozen transactions, not one per
// interchange or per request.
//
// A ledger failure is sticky: every later number is 0, error() says why, and the command must not
// deliver what it wrote since (cmd_process and cmd_validate discard that file's outputs and exit 2).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "soc278/core/diagnostic.hpp"
#include "soc278/respond/control_numbers.hpp"
#include "soc278/respond/response_278.hpp"
#include "soc278/store/ledger.hpp"

namespace soc278::app {

class LedgerNumbers final : public respond::ControlNumberSource, public respond::CertificationSource {
 public:
  explicit LedgerNumbers(store::Ledger& ledger) : ledger_(ledger) {}
  LedgerNumbers(const LedgerNumbers&) = delete;
  LedgerNumbers& operator=(const LedgerNumbers&) = delete;

  // ISA13 / GS06 for `partner` (respond::ControlNumberSource).
  [[nodiscard]] std::uint32_t next(std::string_view partner) override;
  bool give_back(std::string_view partner, std::uint32_t n) override;
  // Request numbers for certification numbers (respond::CertificationSource).
  [[nodiscard]] std::string_view stem() const noexcept override { return ledger_.instance_id(); }
  [[nodiscard]] std::uint64_t next() override;

  // Gives the unused tails back; call once, at the end of the run. A failure to give back only
  // leaves a gap in the numbers, so it is reported in error() without failing the run's outputs.
  void finish();
  [[nodiscard]] bool failed() const noexcept { return error_.has_value(); }
  [[nodiscard]] const std::optional<core::Diagnostic>& error() const noexcept { return error_; }

  // Block sizes: the first claim and the most one claim takes (each refill doubles).
  static constexpr std::uint32_t control_block_first = 8, control_block_max = 1024;
  static constexpr std::uint32_t certification_block_first = 64, certification_block_max = 65536;

 private:
  struct Block {
    store::NumberBlock claimed;  // what the ledger granted
    std::uint64_t next = 0;      // the next number to hand out; claimed.end() when used up
    std::uint32_t size = 0;      // what the next claim asks for
  };
  store::Ledger& ledger_;
  std::map<std::string, Block, std::less<>> control_;
  Block certification_;
  std::optional<core::Diagnostic> error_;
};

// The numbers one run writes with (process, validate --ack): ISA13 / GS06 from --control-start when
// given, else from the ledger per partner; certification numbers from --seed when given, else from
// the ledger. The ledger is opened only when one of them needs it, so a run with both options
// (the golden tests) never touches it.
struct RunNumbers {
  std::unique_ptr<store::Ledger> ledger;
  std::unique_ptr<LedgerNumbers> from_ledger;  // null when the ledger is not used
  std::unique_ptr<respond::ControlNumberSequence> control;
  respond::CertificationNumbers certifications;

  // After each file: when the ledger failed, prints why to stderr and returns true (the file's
  // outputs must be discarded and the run stops with exit 2).
  [[nodiscard]] bool ledger_failed(const std::string& file) const;
  // At the end of the run: gives back unused numbers (a failure only leaves a gap: printed).
  void finish();
};

// --db FILE, else the default path (store::default_ledger_path over $SOC278_STATE_DIR,
// $XDG_STATE_HOME and $HOME). Prints why and returns nullopt when it cannot be set up.
[[nodiscard]] std::optional<RunNumbers> run_numbers_or_report(std::optional<std::uint32_t> control_start, std::optional<std::uint64_t> seed,
                                                              const std::string& db_option);

}  // namespace soc278::app

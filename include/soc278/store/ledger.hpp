// soc278/store/ledger.hpp
//
// Provides Ledger: the product's durable memory, behind one small interface so that nothing
// outside src/store/ touches SQL. Today it hands out the numbers that must never repeat:
//   - outbound interchange / group control numbers (ISA13, GS06), one counter per trading partner,
//     1..999999999 and then 1 again (ISA13 is N0 9/9);
//   - the request numbers that make certification numbers (HCR02) and pend tracking numbers
//     (REF*NT) unique, one counter per ledger, never wrapping.
// Every claim is committed before it returns: a run that dies after a claim never gives the same
// number to anyone else (the unused rest of its block is simply skipped). Two runs on one ledger at
// once never share a number (the SQLite ledger serialises claims with BEGIN IMMEDIATE).
//
// Implementations: SqliteLedger (sqlite_ledger.hpp). Callers: the app, which claims blocks and
// hands numbers to respond's ControlNumberSequence and CertificationNumbers one at a time.
// Cold path only: a claim costs a transaction (and an fsync), so callers claim blocks, not numbers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "soc278/core/result.hpp"

namespace soc278::store {

// The numbers [first, first + count); count may be less than asked for (see claim_control_numbers).
struct NumberBlock {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
  [[nodiscard]] std::uint64_t end() const noexcept { return first + count; }
  friend bool operator==(const NumberBlock&, const NumberBlock&) = default;
};

class Ledger {
 public:
  static constexpr std::uint64_t control_number_max = 999'999'999;  // ISA13 N0 9/9; GS06 N0 1/9

  virtual ~Ledger() = default;

  // Six base-36 characters (0-9, A-Z) drawn at random when the ledger was created and kept for
  // its life: two ledgers (two machines) number their certifications apart by it.
  [[nodiscard]] virtual std::string_view instance_id() const noexcept = 0;

  // Claims up to `count` (at least 1) consecutive control numbers for `partner` (its key, as the
  // caller defines it). Numbers run 1..999999999; a claim never crosses the wrap, so a block that
  // would is cut at 999999999 and the next claim starts at 1 again.
  [[nodiscard]] virtual core::Result<NumberBlock> claim_control_numbers(std::string_view partner, std::uint32_t count) = 0;
  // Gives back a claimed block's unused tail when nobody has claimed after it (the counter still
  // ends where `unused` ends); returns whether it was given back. Never makes a used number free.
  [[nodiscard]] virtual core::Result<bool> release_control_numbers(std::string_view partner, NumberBlock unused) = 0;

  // Claims `count` (at least 1) consecutive request numbers for certification numbers, from 1 up.
  [[nodiscard]] virtual core::Result<NumberBlock> claim_certification_numbers(std::uint32_t count) = 0;
  [[nodiscard]] virtual core::Result<bool> release_certification_numbers(NumberBlock unused) = 0;

  // The last control number claimed for `partner` (0 when none yet); for operators and tests.
  [[nodiscard]] virtual core::Result<std::uint64_t> last_control_number(std::string_view partner) = 0;
};

// Where the ledger lives when no --db is given: $SOC278_STATE_DIR/ledger.db, else
// $XDG_STATE_HOME/soc278/ledger.db, else $HOME/.local/state/soc278/ledger.db (the values of those
// variables are passed in; an empty one counts as unset). nullopt when none is set.
[[nodiscard]] std::optional<std::filesystem::path> default_ledger_path(std::string_view soc278_state_dir, std::string_view xdg_state_home,
                                                                       std::string_view home);

}  // namespace soc278::store

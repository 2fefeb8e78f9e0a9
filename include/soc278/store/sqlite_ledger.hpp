// soc278/store/sqlite_ledger.hpp
//
// Provides SqliteLedger: the Ledger in one SQLite database file. Opening it creates the file (and
// its folder) when missing, turns on WAL mode and migrates the schema to the version this build
// knows, all before the first claim. The schema version is PRAGMA user_version; migrations are an
// ordered list applied in one transaction, so a ledger is either at its old version or at the new
// one, never in between. A ledger written by a newer soc278 (a higher version) is refused rather
// than guessed at.
//
// Claims run in BEGIN IMMEDIATE transactions (the write lock is taken first, so two processes
// never read the same counter and both write it back), with a busy timeout so a second run waits
// instead of failing, and synchronous=FULL so a committed claim survives a power cut as well as a
// crash. One SqliteLedger is one connection: use it from one thread at a time (each process or
// thread opens its own).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "soc278/store/ledger.hpp"

struct sqlite3;

namespace soc278::store {

struct SqliteOptions {
  int busy_timeout_ms = 30'000;  // how long a claim waits for another run's transaction
  // Migrate no further than this version (0: the latest). Tests use it to make a ledger as an
  // older soc278 left it.
  int migrate_to = 0;
};

class SqliteLedger final : public Ledger {
 public:
  // The schema version this build writes (the number of migrations).
  [[nodiscard]] static int latest_schema_version() noexcept;

  // Opens (creating when missing) and migrates the ledger at `file`. Failures are a Diagnostic
  // store.ledger_error (cannot create, open, lock, migrate) or store.schema_newer.
  [[nodiscard]] static core::Result<std::unique_ptr<SqliteLedger>> open(const std::filesystem::path& file, SqliteOptions options = {});

  ~SqliteLedger() override;
  SqliteLedger(const SqliteLedger&) = delete;
  SqliteLedger& operator=(const SqliteLedger&) = delete;

  [[nodiscard]] std::string_view instance_id() const noexcept override { return instance_id_; }
  [[nodiscard]] core::Result<NumberBlock> claim_control_numbers(std::string_view partner, std::uint32_t count) override;
  [[nodiscard]] core::Result<bool> release_control_numbers(std::string_view partner, NumberBlock unused) override;
  [[nodiscard]] core::Result<NumberBlock> claim_certification_numbers(std::uint32_t count) override;
  [[nodiscard]] core::Result<bool> release_certification_numbers(NumberBlock unused) override;
  [[nodiscard]] core::Result<std::uint64_t> last_control_number(std::string_view partner) override;

  // What the file says now: PRAGMA user_version and PRAGMA journal_mode ("wal").
  [[nodiscard]] int schema_version() const;
  [[nodiscard]] std::string journal_mode() const;
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  SqliteLedger(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::filesystem::path path_;
  std::string instance_id_;
};

}  // namespace soc278::store

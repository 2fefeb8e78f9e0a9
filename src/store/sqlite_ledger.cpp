#include "soc278/store/sqlite_ledger.hpp"

#include <fmt/core.h>
#include <sqlite3.h>

#include <array>
#include <chrono>
#include <random>
#include <system_error>

namespace soc278::store {
namespace {

// The schema, one step per version, applied in order: a ledger at version N runs steps N+1.. up to
// the latest. A step is never edited once released (a ledger in the field already ran it); a change
// is a new step. Plain SQL that PostgreSQL also reads, so the same tables can move there.
constexpr std::array<std::string_view, 2> migrations = {
    // 1: who this ledger is, and the outbound control numbers per trading partner.
    "CREATE TABLE ledger_info ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL);"
    "CREATE TABLE control_counter ("
    "  partner TEXT PRIMARY KEY,"                                   // see docs/operations.md: ISA05:ISA06 received
    "  last_claimed INTEGER NOT NULL CHECK (last_claimed BETWEEN 0 AND 999999999),"
    "  updated_at TEXT NOT NULL);",
    // 2: the request numbers behind certification (HCR02) and tracking (REF*NT) numbers.
    "CREATE TABLE certification_counter ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  last_claimed INTEGER NOT NULL CHECK (last_claimed >= 0),"
    "  updated_at TEXT NOT NULL);"
    "INSERT INTO certification_counter (id, last_claimed, updated_at) VALUES (1, 0, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));",
};

core::Diagnostic ledger_error(const std::filesystem::path& file, std::string_view what, std::string_view why) {
  return core::make_diagnostic(core::DiagCode::store_ledger_error, {}, "",
                               fmt::format("ledger {}: {}: {}", file.string(), what, why));
}

// Six base-36 characters from the operating system's random source mixed with the clock, so
// two ledgers created on two machines (or twice on one) are told apart.
std::string random_instance_id() {
  std::random_device device;
  std::uint64_t v = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  v ^= static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) * 0x9E3779B97F4A7C15ULL;
  static constexpr char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string id(6, '0');
  for (char& c : id) {
    c = digits[v % 36];
    v /= 36;
  }
  return id;
}

// One prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql) { rc_ = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  [[nodiscard]] bool ok() const noexcept { return rc_ == SQLITE_OK && stmt_ != nullptr; }
  Statement& bind(int i, std::string_view text) {
    if (ok()) rc_ = sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::uint64_t v) {
    if (ok()) rc_ = sqlite3_bind_int64(stmt_, i, static_cast<sqlite3_int64>(v));
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return ok() ? sqlite3_step(stmt_) : rc_; }
  [[nodiscard]] std::uint64_t column_u64(int i) const { return static_cast<std::uint64_t>(sqlite3_column_int64(stmt_, i)); }
  [[nodiscard]] std::string column_text(int i) const {
    const auto* p = sqlite3_column_text(stmt_, i);
    return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
};

bool exec(sqlite3* db, std::string_view sql, std::string& why) {
  char* message = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db, text.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return true;
  why = message != nullptr ? message : sqlite3_errmsg(db);
  sqlite3_free(message);
  return false;
}

// A write transaction taken with BEGIN IMMEDIATE (the write lock first: no two claimers can both
// read a counter before either writes it); rolled back unless committed.
class WriteTransaction {
 public:
  explicit WriteTransaction(sqlite3* db) : db_(db) { open_ = exec(db_, "BEGIN IMMEDIATE", why_); }
  ~WriteTransaction() {
    if (open_) {
      std::string ignored;
      (void)exec(db_, "ROLLBACK", ignored);
    }
  }
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  [[nodiscard]] bool begun() const noexcept { return open_; }
  [[nodiscard]] bool commit() {
    if (!open_) return false;
    open_ = false;
    if (exec(db_, "COMMIT", why_)) return true;
    std::string ignored;
    (void)exec(db_, "ROLLBACK", ignored);
    return false;
  }
  [[nodiscard]] const std::string& why() const noexcept { return why_; }

 private:
  sqlite3* db_;
  bool open_ = false;
  std::string why_;
};

int user_version(sqlite3* db) {
  Statement s(db, "PRAGMA user_version");
  return s.step() == SQLITE_ROW ? static_cast<int>(s.column_u64(0)) : -1;
}

}  // namespace

int SqliteLedger::latest_schema_version() noexcept { return static_cast<int>(migrations.size()); }

core::Result<std::unique_ptr<SqliteLedger>> SqliteLedger::open(const std::filesystem::path& file, SqliteOptions options) {
  if (file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) return ledger_error(file, "cannot create its folder", ec.message());
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<SqliteLedger> ledger(new SqliteLedger(raw, file));
  if (rc != SQLITE_OK) return ledger_error(file, "cannot open", raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  std::string why;
  // WAL: readers never block the one writer, and a claim commits with one append to the log.
  // journal_mode is persistent in the file, but asking again is cheap and covers a file made elsewhere.
  {
    Statement wal(raw, "PRAGMA journal_mode=WAL");
    const int step = wal.step();
    if (step != SQLITE_ROW) return ledger_error(file, "cannot turn on WAL mode", sqlite3_errmsg(raw));
    if (wal.column_text(0) != "wal") return ledger_error(file, "cannot turn on WAL mode", "journal_mode is " + wal.column_text(0));
  }
  if (!exec(raw, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", why)) return ledger_error(file, "cannot set its pragmas", why);

  const int target = options.migrate_to > 0 && options.migrate_to < latest_schema_version() ? options.migrate_to : latest_schema_version();
  WriteTransaction tx(raw);
  if (!tx.begun()) return ledger_error(file, "cannot lock it to migrate", tx.why());
  const int found = user_version(raw);
  if (found < 0) return ledger_error(file, "cannot read its schema version", sqlite3_errmsg(raw));
  if (found > latest_schema_version()) {
    return core::make_diagnostic(core::DiagCode::store_schema_newer, {}, "",
                                 fmt::format("ledger {}: schema version {} was written by a newer soc278; this one knows up to {}",
                                             file.string(), found, latest_schema_version()));
  }
  for (int v = found; v < target; ++v) {
    if (!exec(raw, migrations[static_cast<std::size_t>(v)], why)) return ledger_error(file, fmt::format("migration to version {} failed", v + 1), why);
  }
  if (target > found && !exec(raw, fmt::format("PRAGMA user_version = {}", target), why)) {
    return ledger_error(file, "cannot record its schema version", why);
  }
  if (std::max(found, target) >= 1) {
    Statement add(raw, "INSERT OR IGNORE INTO ledger_info (key, value) VALUES ('instance_id', ?1)");
    if (add.bind(1, random_instance_id()).step() != SQLITE_DONE) return ledger_error(file, "cannot record its instance id", sqlite3_errmsg(raw));
    Statement get(raw, "SELECT value FROM ledger_info WHERE key = 'instance_id'");
    if (get.step() != SQLITE_ROW) return ledger_error(file, "cannot read its instance id", sqlite3_errmsg(raw));
    ledger->instance_id_ = get.column_text(0);
  }
  if (!tx.commit()) return ledger_error(file, "cannot commit its migration", tx.why());
  return ledger;
}

SqliteLedger::~SqliteLedger() { sqlite3_close_v2(db_); }

int SqliteLedger::schema_version() const { return user_version(db_); }

std::string SqliteLedger::journal_mode() const {
  Statement s(db_, "PRAGMA journal_mode");
  return s.step() == SQLITE_ROW ? s.column_text(0) : std::string();
}

core::Result<NumberBlock> SqliteLedger::claim_control_numbers(std::string_view partner, std::uint32_t count) {
  if (count == 0) count = 1;
  WriteTransaction tx(db_);
  if (!tx.begun()) return ledger_error(path_, "cannot lock it to claim control numbers", tx.why());
  std::uint64_t last = 0;
  {
    Statement get(db_, "SELECT last_claimed FROM control_counter WHERE partner = ?1");
    const int rc = get.bind(1, partner).step();
    if (rc == SQLITE_ROW) {
      last = get.column_u64(0);
    } else if (rc != SQLITE_DONE) {
      return ledger_error(path_, "cannot read a control counter", sqlite3_errmsg(db_));
    }
  }
  // After 999999999 comes 1 (ISA13 is 9 digits); a block never crosses the wrap.
  const std::uint64_t first = last >= control_number_max ? 1 : last + 1;
  const std::uint64_t granted = std::min<std::uint64_t>(count, control_number_max - first + 1);
  Statement put(db_,
                "INSERT INTO control_counter (partner, last_claimed, updated_at) VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) "
                "ON CONFLICT (partner) DO UPDATE SET last_claimed = excluded.last_claimed, updated_at = excluded.updated_at");
  if (put.bind(1, partner).bind(2, first + granted - 1).step() != SQLITE_DONE) {
    return ledger_error(path_, "cannot write a control counter", sqlite3_errmsg(db_));
  }
  if (!tx.commit()) return ledger_error(path_, "cannot commit a control-number claim", tx.why());
  return NumberBlock{first, granted};
}

core::Result<bool> SqliteLedger::release_control_numbers(std::string_view partner, NumberBlock unused) {
  if (unused.count == 0 || unused.first == 0) return false;
  WriteTransaction tx(db_);
  if (!tx.begun()) return ledger_error(path_, "cannot lock it to give back control numbers", tx.why());
  // Only when the counter still ends where this block ends: then nobody holds a later number.
  Statement put(db_, "UPDATE control_counter SET last_claimed = ?1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
                     "WHERE partner = ?2 AND last_claimed = ?3");
  if (put.bind(1, unused.first - 1).bind(2, partner).bind(3, unused.end() - 1).step() != SQLITE_DONE) {
    return ledger_error(path_, "cannot write a control counter", sqlite3_errmsg(db_));
  }
  const bool released = sqlite3_changes(db_) == 1;
  if (!tx.commit()) return ledger_error(path_, "cannot commit a control-number release", tx.why());
  return released;
}

core::Result<NumberBlock> SqliteLedger::claim_certification_numbers(std::uint32_t count) {
  if (count == 0) count = 1;
  WriteTransaction tx(db_);
  if (!tx.begun()) return ledger_error(path_, "cannot lock it to claim certification numbers", tx.why());
  Statement put(db_, "UPDATE certification_counter SET last_claimed = last_claimed + ?1, "
                     "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = 1 RETURNING last_claimed");
  if (put.bind(1, std::uint64_t{count}).step() != SQLITE_ROW) {
    return ledger_error(path_, "cannot advance the certification counter", sqlite3_errmsg(db_));
  }
  const std::uint64_t last = put.column_u64(0);
  if (put.step() != SQLITE_DONE) return ledger_error(path_, "cannot advance the certification counter", sqlite3_errmsg(db_));
  if (!tx.commit()) return ledger_error(path_, "cannot commit a certification-number claim", tx.why());
  return NumberBlock{last - count + 1, count};
}

core::Result<bool> SqliteLedger::release_certification_numbers(NumberBlock unused) {
  if (unused.count == 0 || unused.first == 0) return false;
  WriteTransaction tx(db_);
  if (!tx.begun()) return ledger_error(path_, "cannot lock it to give back certification numbers", tx.why());
  Statement put(db_, "UPDATE certification_counter SET last_claimed = ?1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
                     "WHERE id = 1 AND last_claimed = ?2");
  if (put.bind(1, unused.first - 1).bind(2, unused.end() - 1).step() != SQLITE_DONE) {
    return ledger_error(path_, "cannot write the certification counter", sqlite3_errmsg(db_));
  }
  const bool released = sqlite3_changes(db_) == 1;
  if (!tx.commit()) return ledger_error(path_, "cannot commit a certification-number release", tx.why());
  return released;
}

core::Result<std::uint64_t> SqliteLedger::last_control_number(std::string_view partner) {
  Statement get(db_, "SELECT last_claimed FROM control_counter WHERE partner = ?1");
  const int rc = get.bind(1, partner).step();
  if (rc == SQLITE_ROW) return get.column_u64(0);
  if (rc == SQLITE_DONE) return std::uint64_t{0};
  return ledger_error(path_, "cannot read a control counter", sqlite3_errmsg(db_));
}

std::optional<std::filesystem::path> default_ledger_path(std::string_view soc278_state_dir, std::string_view xdg_state_home,
                                                         std::string_view home) {
  if (!soc278_state_dir.empty()) return std::filesystem::path(soc278_state_dir) / "ledger.db";
  if (!xdg_state_home.empty()) return std::filesystem::path(xdg_state_home) / "soc278" / "ledger.db";
  if (!home.empty()) return std::filesystem::path(home) / ".local" / "state" / "soc278" / "ledger.db";
  return std::nullopt;
}

}  // namespace soc278::store

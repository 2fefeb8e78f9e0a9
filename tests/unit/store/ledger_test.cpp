// store::default_ledger_path: where the ledger lives when no --db is given (docs/operations.md).
#include "soc278/store/ledger.hpp"

#include <catch2/catch.hpp>

using soc278::store::default_ledger_path;

TEST_CASE("the default ledger path prefers SOC278_STATE_DIR then XDG_STATE_HOME then HOME", "[store]") {
  CHECK(default_ledger_path("/srv/soc278", "/x", "/home/a") == std::filesystem::path("/srv/soc278/ledger.db"));
  CHECK(default_ledger_path("", "/x", "/home/a") == std::filesystem::path("/x/soc278/ledger.db"));
  CHECK(default_ledger_path("", "", "/home/a") == std::filesystem::path("/home/a/.local/state/soc278/ledger.db"));
  CHECK_FALSE(default_ledger_path("", "", "").has_value());
}

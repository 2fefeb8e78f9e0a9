// src/engine/set_log.hpp — private: the sets of the open interchange, kept on disk.
//
// When a functional group is rejected at its GE, or an interchange at its IEA, the decision report
// gets a rejected line for every set it took down, so the processor must still know each set's
// GS06, ST02 and trace after the set is gone. Kept in memory they grew with the group (a
// clearinghouse sends 100,000 sets in one GS); here they go to an unlinked temporary file, a few
// dozen bytes per set, read back only when a trailer rejects. When no temporary file can be made,
// or a write to it fails, the records stay in memory (correct, just not constant).
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

namespace soc278::engine {

class SetLog {
 public:
  SetLog();
  ~SetLog();
  SetLog(const SetLog&) = delete;
  SetLog& operator=(const SetLog&) = delete;

  // Forgets every record (a new interchange).
  void clear();
  // Where the next record goes: a mark for read_from().
  [[nodiscard]] std::uint64_t mark() const noexcept { return size_; }
  void append(std::string_view gs06, std::string_view st02, std::string_view trace);
  // Calls `f` with every record from `mark` on, in order. False when the log could not be read back.
  bool read_from(std::uint64_t mark, const std::function<void(std::string_view gs06, std::string_view st02, std::string_view trace)>& f);

 private:
  void put(std::string_view v);
  std::FILE* file_ = nullptr;  // null: every record stays in pending_
  bool writable_ = true;       // false once a write failed (a full disk): the rest stays in pending_
  std::string pending_;        // the records after the first in_file_ bytes
  std::uint64_t size_ = 0;     // bytes of records so far
  std::uint64_t in_file_ = 0;  // of which written to file_
};

}  // namespace soc278::engine

// soc278/engine/output_set.hpp
//
// Provides commit_together(): the outputs of one input (`<stem>.278`, `.999`, `.ta1`,
// `.decisions.jsonl`) are delivered as one unit, all of them or none.
//
//   1. Every temporary is sealed (flushed, trimmed, given its mode, fsync'ed, closed). If one
//      fails (a full disk, an I/O error, a write that failed earlier), every temporary is removed
//      and the folder is as it was.
//   2. Then each output is published in turn, relative to the folder's descriptor: a new file is
//      renamed to its final name (renameat2 RENAME_NOREPLACE); with `replace`, an existing file
//      of that name is first kept aside by a hard link to a temporary name, and the rename replaces
//      it atomically (a link at the final name is replaced, never followed). An output the run did
//      not write (an empty one that is not kept: no TA1 due, no 278 because everything was
//      rejected) removes, with `replace`, the earlier run's file of that name: it is renamed aside.
//   3. If a step of 2 fails, everything this call did is undone in reverse order (the earlier
//      files come back under their names, new ones are removed), then the folder is fsync'ed.
//      On success the folder is fsync'ed and the copies kept aside are removed.
//
// A process killed during step 2 (a window of a few system calls) may leave some outputs of the new
// run beside earlier ones; the copies kept aside then carry temporary names, removed by the next run
// (remove_stale_temporaries).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "soc278/engine/output_file.hpp"

namespace soc278::engine {

struct SetMember {
  OutputFile* file = nullptr;
  bool keep_empty = true;  // false: an empty output is not delivered (and, with replace, removes an earlier one)
};

struct SetCommitResult {
  bool ok = false;
  std::vector<std::string> delivered;  // final names now holding this run's output (on success)
  std::vector<std::string> removed;    // earlier outputs removed because this run wrote none (on success)
  std::string error;                   // what failed (on failure)
  // On failure, what could not be put back as it was (each a sentence naming the file); empty when
  // the folder holds exactly what it held before the call.
  std::vector<std::string> not_restored;
};

// All members must be open in the same OutputDir. Never throws.
SetCommitResult commit_together(std::span<const SetMember> members, bool replace);

}  // namespace soc278::engine

// src/app/input_list.hpp — private: the inputs of `process`, from the command line, from lists and
// from folders, for runs of hundreds of thousands of files (beyond the argument-list limit).
#pragma once

#include <string>
#include <vector>

namespace soc278::app {

struct InputSpec {
  std::vector<std::string> args;  // files, folders, '-' as given on the command line
  std::string list;               // --from-list FILE ('-': standard input), one path a line
  std::string list0;              // --from-list0 FILE: paths separated by NUL bytes (find -print0)
};

// Expands `spec` into the files to read, in order: the command line's, then the list's.
//  - a folder stands for the regular files directly inside it (symbolic links to regular files
//    included), sorted by name (bytes); no subfolder is entered; names starting with '.' (hidden
//    files, soc278's own temporaries) are skipped;
//  - a list (text) has one path a line; empty lines and lines starting with '#' are skipped, and a
//    final '\r' is dropped (a list saved on Windows). Relative paths are relative to the current
//    folder. A path in a list may be a folder, expanded as above;
//  - a NUL-separated list takes every byte between NULs as it is (empty entries skipped).
// Returns false and sets `error` (no prefix) when a list or a folder cannot be read, or standard
// input is asked for twice. Files are not opened here: each is checked when it is read.
bool expand_inputs(const InputSpec& spec, std::vector<std::string>& files, std::string& error);

}  // namespace soc278::app

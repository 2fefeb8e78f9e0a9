// src/yaml/folder.hpp (private to the project: the loaders of grammars/ and mappings/)
//
// Every *.yaml file of a data folder (grammars/ or mappings/, sub-folders included), each read into
// a Document. The folder's trees are cached between runs: the cache file is keyed by a hash of every
// file's relative path and bytes, so any change to the folder gives another key and the YAML is
// parsed again (YAML stays the source; the cache is only a faster way to the same trees).
//
// Where: $SOC278_CACHE_DIR, else $XDG_CACHE_HOME/soc278, else $HOME/.cache/soc278. SOC278_CACHE_DIR
// set to "" or "off" turns the cache off. Writing is atomic (a temporary file renamed into place);
// a cache file that is truncated, damaged or written for other content is ignored and rewritten;
// a cache folder that cannot be written is no error (the run just parses YAML). Only folders whose
// every file parses are cached, so syntax errors are always reported from the YAML itself.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "yaml/document.hpp"

namespace soc278::yaml {

struct FolderFile {
  std::string rel;       // "codes/hcr01_action.yaml", '/'-separated
  bool readable = true;  // false: the file exists but could not be read
  bool parsed = false;   // false: see error_line, error
  int error_line = -1;   // 0-based, -1 unknown
  std::string error;
  Document doc;
};

enum class CacheUse { off, miss, hit };

class Folder {
 public:
  // Reads `dir`. A folder that does not exist gives an empty Folder (the loaders report it).
  [[nodiscard]] static Folder read(const std::filesystem::path& dir);
  // Same, with the cache folder given (nullopt: no cache).
  [[nodiscard]] static Folder read(const std::filesystem::path& dir, const std::optional<std::filesystem::path>& cache_dir);

  // nullptr when the folder has no such file.
  [[nodiscard]] const FolderFile* find(std::string_view rel) const;
  [[nodiscard]] const std::vector<FolderFile>& files() const { return files_; }
  [[nodiscard]] CacheUse cache_use() const { return cache_; }
  // The cache file this folder's content maps to (empty when the cache is off).
  [[nodiscard]] const std::filesystem::path& cache_file() const { return cache_file_; }

 private:
  std::vector<FolderFile> files_;  // sorted by rel
  CacheUse cache_ = CacheUse::off;
  std::filesystem::path cache_file_;
};

// The cache folder from the environment (see above); nullopt when the cache is off.
[[nodiscard]] std::optional<std::filesystem::path> default_cache_dir();

// The binary form of a folder's trees, as cached (exposed for the tests).
[[nodiscard]] std::string folder_to_bytes(const std::vector<FolderFile>& files, std::string_view key);
// False when `bytes` is not a whole, undamaged cache of `key`; `files` then holds nothing useful.
[[nodiscard]] bool folder_from_bytes(std::string_view bytes, std::string_view key, std::vector<FolderFile>& files);

}  // namespace soc278::yaml

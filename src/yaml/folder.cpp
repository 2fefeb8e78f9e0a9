// A data folder's YAML trees, from the start-up cache when it holds this content (folder.hpp).
#include "yaml/folder.hpp"

#include <fmt/core.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <system_error>

namespace soc278::yaml {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "SOC278YT";  // 8 bytes
constexpr std::uint32_t kFormat = 1;               // bump when Document's binary form changes
constexpr std::size_t kMaxKept = 8;                // cache files kept besides the one just written

// A fast 64-bit hash, 8 bytes a step (not cryptographic: it names cache files and checks their
// integrity; two seeds give the 128-bit content key).
std::uint64_t hash64(std::string_view s, std::uint64_t h) {
  constexpr std::uint64_t m = 0x9E3779B97F4A7C15ULL;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * m;
    h ^= h >> 29;
  }
  std::uint64_t tail = s.size() - i;
  for (; i < s.size(); ++i) tail = (tail << 8) | static_cast<unsigned char>(s[i]);
  h = (h ^ tail) * m;
  h ^= h >> 32;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 31;
  return h;
}

void put32(std::string& out, std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put64(std::string& out, std::uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
template <typename T>
bool get(std::string_view& in, T& v) {
  if (in.size() < sizeof v) return false;
  std::memcpy(&v, in.data(), sizeof v);
  in.remove_prefix(sizeof v);
  return true;
}

bool read_all(const fs::path& p, std::string& out) {
  out.clear();
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0;
  if (ok && st.st_size > 0) out.resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (ok) {
    if (got == out.size()) out.resize(out.size() + 4096);  // grew since fstat, or a file without a size
    const ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0) {
      ok = errno == EINTR;
      continue;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  out.resize(got);
  return ok;
}

std::string label_of(const fs::path& dir) {
  std::string name = dir.lexically_normal().filename().string();
  if (name.empty()) name = dir.lexically_normal().parent_path().filename().string();
  std::string out;
  for (char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return out.empty() ? std::string("data") : out;
}

// Atomic: a reader sees the old file, the new file or none, never half of one. Every failure is
// silent: the cache is an optimisation.
void write_cache(const fs::path& cache_dir, const fs::path& file, const std::string& bytes, const std::string& label) {
  std::error_code ec;
  // Private to the user: whoever can write a cache file decides what the next run reads as its data.
  if (!fs::exists(cache_dir, ec) && fs::create_directories(cache_dir, ec)) fs::permissions(cache_dir, fs::perms::owner_all, ec);
  const fs::path tmp = cache_dir / fmt::format(".{}.{}.tmp", file.filename().string(), static_cast<long>(::getpid()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return;
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      fs::remove(tmp, ec);
      return;
    }
  }
  fs::rename(tmp, file, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return;
  }
  // Older trees of the same folder name are stale once the new one is in place; of the others (copies
  // of the data elsewhere, other versions) the newest kMaxKept stay.
  std::vector<std::pair<fs::file_time_type, fs::path>> others;
  for (const auto& e : fs::directory_iterator(cache_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (e.path() == file || !name.ends_with(".ytree")) continue;
    if (name.starts_with(label + "-")) {
      fs::remove(e.path(), ec);
    } else {
      others.emplace_back(e.last_write_time(ec), e.path());
    }
  }
  if (others.size() > kMaxKept) {
    std::sort(others.begin(), others.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = kMaxKept; i < others.size(); ++i) fs::remove(others[i].second, ec);
  }
}

}  // namespace

std::optional<fs::path> default_cache_dir() {
  if (const char* own = std::getenv("SOC278_CACHE_DIR"); own != nullptr) {
    const std::string_view v = own;
    if (v.empty() || v == "off") return std::nullopt;
    return fs::path(v);
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') return fs::path(xdg) / "soc278";
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return fs::path(home) / ".cache" / "soc278";
  return std::nullopt;
}

std::string folder_to_bytes(const std::vector<FolderFile>& files, std::string_view key) {
  std::string payload;
  put32(payload, static_cast<std::uint32_t>(files.size()));
  for (const FolderFile& f : files) {
    put32(payload, static_cast<std::uint32_t>(f.rel.size()));
    payload += f.rel;
    f.doc.to_bytes(payload);
  }
  std::string out(kMagic);
  put32(out, kFormat);
  put32(out, static_cast<std::uint32_t>(key.size()));
  out += key;
  put64(out, payload.size());
  put64(out, hash64(payload, 0x243F6A8885A308D3ULL));
  out += payload;
  return out;
}

bool folder_from_bytes(std::string_view in, std::string_view key, std::vector<FolderFile>& files) {
  files.clear();
  if (!in.starts_with(kMagic)) return false;
  in.remove_prefix(kMagic.size());
  std::uint32_t format = 0, key_size = 0;
  if (!get(in, format) || format != kFormat || !get(in, key_size) || key_size != key.size() || in.size() < key_size) return false;
  if (in.substr(0, key_size) != key) return false;
  in.remove_prefix(key_size);
  std::uint64_t size = 0, check = 0;
  if (!get(in, size) || !get(in, check) || size != in.size() || hash64(in, 0x243F6A8885A308D3ULL) != check) return false;
  std::uint32_t count = 0;
  if (!get(in, count) || count > in.size()) return false;
  files.resize(count);
  for (FolderFile& f : files) {
    std::uint32_t len = 0;
    if (!get(in, len) || len > in.size()) return false;
    f.rel.assign(in.substr(0, len));
    in.remove_prefix(len);
    if (!Document::from_bytes(in, f.doc)) return false;
    f.parsed = true;
  }
  return in.empty();
}

Folder Folder::read(const fs::path& dir) { return read(dir, default_cache_dir()); }

Folder Folder::read(const fs::path& dir, const std::optional<fs::path>& cache_dir) {
  Folder out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  std::vector<std::pair<std::string, fs::path>> paths;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& p = it->path();
    if (!it->is_regular_file(ec) || (p.extension() != ".yaml" && p.extension() != ".yml")) continue;
    paths.emplace_back(p.lexically_relative(dir).generic_string(), p);
  }
  std::sort(paths.begin(), paths.end());

  // The content key: every file's relative path, size and bytes.
  std::vector<std::string> texts(paths.size());
  std::string keyed;
  out.files_.resize(paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i) {
    FolderFile& f = out.files_[i];
    f.rel = paths[i].first;
    f.readable = read_all(paths[i].second, texts[i]);
    keyed += fmt::format("{}\n{}\n{}\n", f.rel, f.readable ? texts[i].size() : std::size_t{0}, f.readable ? 1 : 0);
    put64(keyed, hash64(texts[i], 0x13198A2E03707344ULL));
  }
  const std::string key = fmt::format("{:016x}{:016x}", hash64(keyed, 0xA4093822299F31D0ULL), hash64(keyed, 0x082EFA98EC4E6C89ULL));
  const std::string label = label_of(dir);
  if (cache_dir) {
    out.cache_file_ = *cache_dir / fmt::format("{}-{}.ytree", label, key);
    std::string bytes;
    std::vector<FolderFile> cached;
    if (read_all(out.cache_file_, bytes) && folder_from_bytes(bytes, key, cached) && cached.size() == out.files_.size() &&
        std::equal(cached.begin(), cached.end(), out.files_.begin(),
                   [](const FolderFile& a, const FolderFile& b) { return a.rel == b.rel && b.readable; })) {
      out.files_ = std::move(cached);
      out.cache_ = CacheUse::hit;
      return out;
    }
    out.cache_ = CacheUse::miss;
  }

  bool all_parsed = true;
  for (std::size_t i = 0; i < out.files_.size(); ++i) {
    FolderFile& f = out.files_[i];
    if (!f.readable) {
      all_parsed = false;
      continue;
    }
    f.parsed = parse(texts[i], f.doc, f.error_line, f.error);
    all_parsed = all_parsed && f.parsed;
  }
  if (cache_dir && all_parsed) write_cache(*cache_dir, out.cache_file_, folder_to_bytes(out.files_, key), label);
  return out;
}

const FolderFile* Folder::find(std::string_view rel) const {
  const auto it = std::lower_bound(files_.begin(), files_.end(), rel, [](const FolderFile& f, std::string_view r) { return f.rel < r; });
  return it != files_.end() && it->rel == rel ? &*it : nullptr;
}

}  // namespace soc278::yaml

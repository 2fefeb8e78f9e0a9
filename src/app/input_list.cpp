#include "app/input_list.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>

namespace soc278::app {
namespace {

bool is_folder(const std::string& path) {
  struct stat st {};
  return path != "-" && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool expand_folder(const std::string& dir, std::vector<std::string>& files, std::string& error) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR* d = fd >= 0 ? ::fdopendir(fd) : nullptr;
  if (d == nullptr) {
    error = dir + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return false;
  }
  const std::string prefix = dir.back() == '/' ? dir : dir + "/";
  std::vector<std::string> names;
  int err = 0;
  for (;;) {
    errno = 0;  // readdir's end and its failure differ only by errno
    const dirent* e = ::readdir(d);
    if (e == nullptr) {
      err = errno;
      break;
    }
    if (e->d_name[0] == '.') continue;  // hidden, ".", "..", and every temporary of ours
    struct stat st {};
    // A link is followed (to a regular file it is read); anything else but a regular file is skipped.
    if (::fstatat(fd, e->d_name, &st, 0) != 0 || !S_ISREG(st.st_mode)) continue;
    names.emplace_back(e->d_name);
  }
  ::closedir(d);
  if (err != 0) {
    error = dir + ": " + std::strerror(err);
    return false;
  }
  std::sort(names.begin(), names.end());
  files.reserve(files.size() + names.size());
  for (const auto& n : names) files.push_back(prefix + n);
  return true;
}

bool add(const std::string& path, std::vector<std::string>& files, std::string& error) {
  if (is_folder(path)) return expand_folder(path, files, error);
  files.push_back(path);
  return true;
}

bool read_list(const std::string& list, char separator, std::vector<std::string>& files, std::string& error) {
  std::FILE* f = list == "-" ? stdin : std::fopen(list.c_str(), "rbe");
  if (f == nullptr) {
    error = list + ": " + std::strerror(errno);
    return false;
  }
  std::string entry;
  bool ok = true;
  const auto take = [&] {
    if (separator == '\n') {
      if (!entry.empty() && entry.back() == '\r') entry.pop_back();
      if (!entry.empty() && entry[0] == '#') entry.clear();
    }
    if (!entry.empty() && !add(entry, files, error)) ok = false;
    entry.clear();
  };
  for (int c = std::getc(f); ok && c != EOF; c = std::getc(f)) {
    if (c == separator) take();
    else entry.push_back(static_cast<char>(c));
  }
  if (ok) take();
  if (ok && std::ferror(f)) {
    error = (list == "-" ? std::string("standard input") : list) + ": read error";
    ok = false;
  }
  if (f != stdin) std::fclose(f);
  return ok;
}

}  // namespace

bool expand_inputs(const InputSpec& spec, std::vector<std::string>& files, std::string& error) {
  const bool list_stdin = spec.list == "-" || spec.list0 == "-";
  if (!spec.list.empty() && !spec.list0.empty()) {
    error = "--from-list and --from-list0: give one list";
    return false;
  }
  if (list_stdin && std::find(spec.args.begin(), spec.args.end(), "-") != spec.args.end()) {
    error = "standard input cannot be both the list of inputs and an input";
    return false;
  }
  for (const auto& a : spec.args)
    if (!add(a, files, error)) return false;
  if (!spec.list.empty() && !read_list(spec.list, '\n', files, error)) return false;
  if (!spec.list0.empty() && !read_list(spec.list0, '\0', files, error)) return false;
  if (list_stdin && std::find(files.begin(), files.end(), "-") != files.end()) {
    error = "standard input cannot be both the list of inputs and an input";
    return false;
  }
  return true;
}

}  // namespace soc278::app

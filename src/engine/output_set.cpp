#include "soc278/engine/output_set.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace soc278::engine {

struct OutputSetAccess {
  static void published(OutputFile& f) noexcept { f.has_temp_ = false; }
};

namespace {

// A name for an earlier output kept aside while the new one takes its place: a temporary name of
// this process (".<name>.tmp-<pid>-<suffix>"), so that a run killed at that moment leaves nothing
// the next run does not clean up.
std::string aside_name(const std::string& name) {
  unsigned char b[6] = {};
  if (::getrandom(b, sizeof b, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof b)) {
    std::random_device rd;
    for (auto& c : b) c = static_cast<unsigned char>(rd());
  }
  char hex[13];
  std::snprintf(hex, sizeof hex, "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
  return "." + name + ".tmp-" + std::to_string(::getpid()) + "-" + hex;
}

// One step of the publication, kept so that it can be undone.
struct Step {
  enum Kind { placed_new, replaced, removed_old } kind;
  std::string name;   // the final name
  std::string aside;  // where the earlier file is kept (replaced, removed_old)
};

std::string describe(const std::filesystem::path& dir, const std::string& name) { return (dir / name).string(); }

}  // namespace

SetCommitResult commit_together(std::span<const SetMember> members, bool replace) {
  SetCommitResult result;
  if (members.empty()) {
    result.ok = true;
    return result;
  }
  const int dfd = members.front().file->dir_fd();
  const std::filesystem::path dir = members.front().file->dir_path();

  // 1. Seal every temporary; one failure delivers nothing.
  for (const SetMember& m : members) {
    if (!m.file->seal() && result.error.empty()) result.error = m.file->error().empty() ? "cannot write " + describe(dir, m.file->name()) : m.file->error();
  }
  if (!result.error.empty()) {
    for (const SetMember& m : members) m.file->discard();
    return result;
  }

  // 2. Publish in turn.
  std::vector<Step> steps;
  const auto fail_with = [&](const std::string& name, int err, const char* what) {
    result.error = describe(dir, name) + ": " + (err == EEXIST && !replace ? std::string("exists (use --force to replace it)") : std::string(what) + std::strerror(err));
  };
  for (const SetMember& m : members) {
    OutputFile& f = *m.file;
    struct stat st {};
    const bool exists = ::fstatat(dfd, f.name().c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (!m.keep_empty && f.size() == 0) {  // nothing to deliver: the earlier file of that name goes
      f.discard();
      if (exists && replace) {
        Step s{Step::removed_old, f.name(), aside_name(f.name())};
        if (::renameat2(dfd, f.name().c_str(), dfd, s.aside.c_str(), RENAME_NOREPLACE) != 0) {
          fail_with(f.name(), errno, "cannot remove the earlier file: ");
          break;
        }
        steps.push_back(std::move(s));
      }
      continue;
    }
    if (exists && replace) {
      // Keep the earlier file (or link: linkat never follows it) aside, then replace it atomically.
      Step s{Step::replaced, f.name(), aside_name(f.name())};
      if (::linkat(dfd, f.name().c_str(), dfd, s.aside.c_str(), 0) != 0) {
        fail_with(f.name(), errno, "cannot keep the earlier file aside: ");
        break;
      }
      if (::renameat(dfd, f.temp_name().c_str(), dfd, f.name().c_str()) != 0) {
        fail_with(f.name(), errno, "");
        ::unlinkat(dfd, s.aside.c_str(), 0);
        break;
      }
      OutputSetAccess::published(f);
      steps.push_back(std::move(s));
      continue;
    }
    if (::renameat2(dfd, f.temp_name().c_str(), dfd, f.name().c_str(), RENAME_NOREPLACE) != 0) {
      fail_with(f.name(), errno, "");
      break;
    }
    OutputSetAccess::published(f);
    steps.push_back(Step{Step::placed_new, f.name(), {}});
  }

  if (result.error.empty()) {
    (void)::fsync(dfd);
    for (const Step& s : steps) {
      if (s.kind == Step::removed_old) result.removed.push_back(s.name);
      else result.delivered.push_back(s.name);
      if (!s.aside.empty()) ::unlinkat(dfd, s.aside.c_str(), 0);
    }
    result.ok = true;
    return result;
  }

  // 3. Undo, last step first.
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    const Step& s = *it;
    switch (s.kind) {
      case Step::placed_new:
        if (::unlinkat(dfd, s.name.c_str(), 0) != 0)
          result.not_restored.push_back(describe(dir, s.name) + ": this run's version could not be removed (" + std::strerror(errno) + ")");
        break;
      case Step::replaced:
      case Step::removed_old:
        if (::renameat(dfd, s.aside.c_str(), dfd, s.name.c_str()) != 0)
          result.not_restored.push_back(describe(dir, s.name) + ": the earlier version could not be put back (" + std::strerror(errno) +
                                        "); it is kept as " + describe(dir, s.aside));
        break;
    }
  }
  for (const SetMember& m : members) m.file->discard();
  (void)::fsync(dfd);
  return result;
}

}  // namespace soc278::engine

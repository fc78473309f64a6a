// GNU make reads each directory once and answers "does this file exist?" and wildcard
// expansion from that snapshot (dir.c). Files created later by recipes are not seen by
// $(wildcard) or implicit rule search; kbmake keeps the same snapshot semantics.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "kbmake/base/fs_cache.h"

namespace kbmake {

/// Whether `w` has a glob wildcard character (*, ? or [), quoted or not.
inline bool HasGlobChars(std::string_view w) {
  for (char c : w)
    if (c == '*' || c == '?' || c == '[') return true;
  return false;
}

/// Told of every stat, lstat and directory listing a make instance makes through its
/// DirCache (the sub-make memo's recorder, exec/submake_memo.h). Paths are absolute.
class FsObserver {
 public:
  virtual ~FsObserver() = default;
  /// A stat (follow) or lstat of `path`: rc 0 with *st, or -1 with `err`.
  virtual void Stat(const std::string& path, bool follow, int rc, int err,
                    const struct stat* st) = 0;
  /// The entries of directory `path` were read (or could not be: `ok` false, errno `err`).
  virtual void Listed(const std::string& path, bool ok, int err) = 0;
  /// Something was looked at that cannot be recorded (a path without a directory to make it
  /// absolute).
  virtual void Unrecordable(std::string_view what) = 0;
};

class DirCache {
 public:
  /// Answers misses from the build-wide `fs` (null: the system directly); `cwd` is the
  /// absolute directory relative names are in (it must outlive this cache).
  void SetShared(FsCache* fs, const std::string* cwd) {
    fs_ = fs;
    cwd_ = cwd;
  }
  /// Reports every lookup to `o` from now on (null: none).
  void SetObserver(FsObserver* o) { observer_ = o; }
  /// lstat() of `name` (relative to the make's directory), through the shared cache.
  int Lstat(std::string_view name, struct stat* st) const;
  /// stat() of `name`, through the shared cache.
  int Stat(std::string_view name, struct stat* st) const;
  /// Sorted entry names of `dir` ("" is the current directory), or null if it cannot be read.
  const std::vector<std::string>* List(const std::string& dir);
  /// GNU make's file_exists_p: is `path` in its directory's snapshot?
  bool Exists(const std::string& path);
  /// Wildcard expansion (GNU glob with make's cached directory reading), sorted.
  std::vector<std::string> Glob(const std::string& pattern);
  /// Calls f(dir, names) for each directory read so far, by name; names is null if the
  /// directory could not be read (for -p's "# Directories").
  template <typename F>
  void ForEachDirectory(F f) const {
    std::vector<const std::string*> keys;
    for (const auto& [dir, entry] : dirs_) keys.push_back(&dir);
    std::sort(keys.begin(), keys.end(), [](auto* a, auto* b) { return *a < *b; });
    for (const std::string* k : keys) {
      const Entry& e = dirs_.at(*k);
      f(*k, e.names.get());
    }
  }

 private:
  struct Entry {
    std::shared_ptr<const std::vector<std::string>> names;  // sorted; null: unreadable
  };
  /// The absolute path of `name` in a buffer of the calling thread, valid until its next call (a Linux
  /// null build stats about 200,000 names: no allocation for each).
  const std::string& AbsoluteInScratch(std::string_view name) const;
  absl::flat_hash_map<std::string, Entry> dirs_;
  /// Reports a stat or lstat to the observer.
  void Observe(std::string_view name, bool follow, int rc, const struct stat* st) const;
  FsCache* fs_ = nullptr;
  const std::string* cwd_ = nullptr;
  FsObserver* observer_ = nullptr;
};

}  // namespace kbmake

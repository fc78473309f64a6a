// The sub-make memo: an in-process sub-make that ran no process, changed nothing, wrote
// nothing and exited 0 is remembered with everything it looked at; while all of that is
// unchanged, running it again would do the same nothing, so the next build skips it
// (docs/SHELL-MEMO.md, "Sub-makes").
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "kbmake/base/dircache.h"
#include "kbmake/exec/trace.h"

namespace kbmake {

struct Invocation;

/// What one make instance looked at, for the sub-make memo; or why it cannot be remembered.
/// Written by the instance's thread only; its parent reads it after the thread has ended.
class SubmakeFacts : public FsObserver {
 public:
  /// `fs`: the stat cache the instance's DirCache uses (null: none).
  explicit SubmakeFacts(FsCache* fs);

  // FsObserver: every stat, lstat and listing the instance's DirCache made.
  void Stat(const std::string& path, bool follow, int rc, int err,
            const struct stat* st) override;
  void Listed(const std::string& path, bool ok, int err) override;
  void Unrecordable(std::string_view what) override;

  /// A makefile was opened: `fd` (its identity is what was read) or the open's errno.
  void Opened(const std::string& abs_path, int fd, int err);
  /// The instance did something that makes it unrememberable (the first reason is kept).
  void Refuse(std::string_view why);
  /// Adds the facts of a sub-make of this instance (remembered or replayed).
  void Merge(const std::vector<PathFact>& facts);

  /// A sub-make to remember, with those of its own sub-makes that were to be remembered.
  /// Only the outermost sub-make of a quiet subtree is stored (its facts include those of
  /// everything below it); the ones below are stored instead when it cannot be.
  struct Pending {
    std::string key, cwd;
    std::vector<PathFact> facts;
    std::vector<Pending> below;
  };
  /// Holds a sub-make of this instance until this instance's own fate is known.
  void AddPending(Pending p) { pending_.push_back(std::move(p)); }
  std::vector<Pending> TakePending() { return std::move(pending_); }

  bool refused() const { return !refusal_.empty(); }
  const std::string& refusal() const { return refusal_; }
  /// The facts, once the instance has ended; false (and refused()) if one of them changed
  /// too close to the instance's start to be trusted (a later change within the same clock
  /// tick would not show).
  bool Finish(std::vector<PathFact>* out);

 private:
  void Add(PathFact f);
  /// Adds `f`, or checks it against the fact already there for its path: the same state
  /// (a directory's times kept if either fact has them), else refused with the path and
  /// `conflict`.
  void Put(PathFact f, std::string_view conflict);
  FsCache* fs_;
  int64_t start_ns_;
  std::string refusal_;
  std::vector<Pending> pending_;
  // By (path, follow); a listed fact replaces an unlisted one.
  absl::flat_hash_map<std::pair<std::string, bool>, PathFact> facts_;
};

/// The memo key material of a sub-make started with `inv` in directory `cwd`: its command
/// line, environment and directory (the memo adds what the whole process shares).
std::string SubmakeKey(const Invocation& inv, const std::string& cwd);

}  // namespace kbmake

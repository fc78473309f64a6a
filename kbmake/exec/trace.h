// Running one command under ptrace and writing down everything its process tree depended on
// (see docs/SHELL-MEMO.md for what is observed, what is refused and why that is sound).
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kbmake/base/bytes.h"
#include "kbmake/exec/process.h"

namespace kbmake {

class FsCache;

/// What one path looked like: `err` 0 means it existed (then the identity fields are set),
/// otherwise the errno of stat/lstat (ENOENT: it did not exist).
struct PathFact {
  std::string path;     // absolute
  bool follow = true;   // stat (true) or lstat (false)
  bool listed = false;  // a directory whose entries were read (else only its identity counts)
  int err = 0;
  uint64_t dev = 0, ino = 0;
  uint32_t mode = 0;
  int64_t size = 0, mtime_ns = 0, ctime_ns = 0;
};

/// Looks at `path` now; through `fs` (the build's stat cache, whose answers are those of
/// the current quiet epoch) when given.
PathFact ObservePath(const std::string& path, bool follow, FsCache* fs = nullptr);
/// The PathFact of a stat (follow) or lstat of `path` already made: rc 0 with *st, or the
/// call's errno `err`.
PathFact FactFromStat(const std::string& path, bool follow, int rc, int err,
                      const struct stat* st);
/// A PathFact in the memo's and the tracer's binary encoding (base/bytes.h), and back.
void EncodePathFact(const PathFact& f, ByteWriter* w);
PathFact DecodePathFact(ByteReader* r);
/// Same observable state: existence/errno, device, inode, mode, and — except for a directory
/// that was not listed — size, mtime and ctime.
bool SameState(const PathFact& a, const PathFact& b);

/// The outcome of a traced run.
struct TraceResult {
  int status = 0;           // exit code, or 128 + signal
  bool not_run = false;     // could not be traced (already traced): the command did not run
  std::string refusal;      // empty: the result may be remembered; else why not
  std::string err_bytes;    // what the tree wrote to the inherited stderr (already shown)
  std::vector<PathFact> deps;
  /// Values a run must not print for its result to be remembered: process ids the tree saw,
  /// names of temporary files it created from random bytes.
  std::vector<std::string> leak_tokens;
};

/// Runs `image` as $(shell) does (stdout to `out_fd`; `in_fd` and `err_fd`, the make
/// instance's own stdin and stderr, become the command's 0 and 2) in a traced process tree. The caller reads `out_fd`'s other end until EOF, then calls Finish().
class TracedRun {
 public:
  /// Starts the tracer and the command. On failure (fork), `ok()` is false. With `verify`,
  /// this is the second run that decides whether the first may be remembered: its clock is
  /// shifted and what it writes to stderr is recorded but not shown.
  TracedRun(ExecImage& image, int in_fd, int out_fd, int err_fd, bool verify);
  ~TracedRun();
  bool ok() const { return helper_ > 0; }
  /// Waits for the whole tree and returns what was observed.
  TraceResult Finish();

 private:
  int helper_ = -1;  // pid of the tracer process
  int result_fd_ = -1;
};

}  // namespace kbmake

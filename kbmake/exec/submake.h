// Sub-makes inside the process: a recipe line that would start this very kbmake program runs
// as a new make instance on a thread of this process instead of a new process.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kbmake/exec/process.h"

namespace kbmake {

/// Everything a make invocation gets from the process that runs it: what main() reads from
/// argv, environ and the standard descriptors. A sub-make running inside the process gets
/// exactly what a new process would have.
struct Invocation {
  std::vector<std::string> argv;
  std::vector<std::string> env;
  int in_fd = 0, out_fd = 1, err_fd = 2;
  /// True for the make that is the process: it may exit, exec itself again and re-raise a
  /// fatal signal. False for a sub-make running on a thread.
  bool owns_process = true;
  /// For a sub-make on a thread: the descriptors a new process would have inherited (the
  /// jobserver of a recursive line).
  std::vector<int> inherited_fds;
  /// For a sub-make on a thread: the $(shell) memo of the make that ran it, if it used one.
  std::shared_ptr<class ShellMemo> shell_memo;
  /// Standard output was not open when this make started (GNU make's STREAM_OK): for a
  /// sub-make on a thread, inherited from a make whose stdout was closed. No write error is
  /// then reported for it.
  bool stdout_closed = false;
  /// For a sub-make on a thread that the sub-make memo may remember: where it records what
  /// it looks at (exec/submake_memo.h; null: not recorded).
  class SubmakeFacts* facts = nullptr;
};

/// The build's sub-make runner settings (part of the build-wide object, kbmake/build.h):
/// whether sub-makes may run inside the process, how to recognise this program, and how to
/// run an invocation (cli/'s MakeMain).
class SubmakeHost {
 public:
  /// `run` runs one make invocation to completion on the calling thread and returns its exit
  /// status (throwing KilledBySignal when a fatal signal ended it).
  SubmakeHost(std::function<int(Invocation&)> run, bool enabled);
  bool enabled() const { return enabled_; }
  /// True if `argv` (with `env`'s PATH, as execve would search it) starts this program;
  /// `looked_at`, when given, gets the names the search looked at (relative to the current
  /// directory unless absolute), the one found last.
  bool IsSelf(const std::vector<std::string>& argv, const std::vector<std::string>& env,
              std::vector<std::string>* looked_at = nullptr) const;
  int Run(Invocation& inv) const { return run_(inv); }
  /// Number of sub-makes run inside the process so far (for --debug and tests).
  int started() const { return started_; }
  void CountStart() { ++started_; }

 private:
  std::function<int(Invocation&)> run_;
  bool enabled_;
  bool have_self_ = false;
  dev_t self_dev_ = 0;
  ino_t self_ino_ = 0;
  std::atomic_int started_{0};
};

/// A ProcessRunner that runs sub-makes of this program on threads and everything else
/// through `real`. Each thread has its own working directory (unshare(CLONE_FS)), and its
/// instance its own environment, standard descriptors and exit status. `memo` is the
/// $(shell) memo of the make owning the runner (passed on to its in-process sub-makes);
/// `stdout_closed`, whether that make started with its stdout closed (a sub-make writing to
/// the same stdout inherits it closed).
/// With `remember` (the memo is on and no instrument needs to see inside sub-makes), sub-makes
/// go through the sub-make memo (exec/submake_memo.h): one whose remembered facts all hold
/// is not run; `facts`, when not null, is the owning make's own recorder, which learns what
/// its sub-makes looked at and whether they started any process.
std::unique_ptr<ProcessRunner> MakeSubmakeRunner(SubmakeHost* host,
                                                 std::unique_ptr<ProcessRunner> real,
                                                 std::shared_ptr<class ShellMemo> memo = nullptr,
                                                 bool stdout_closed = false,
                                                 bool remember = false,
                                                 class SubmakeFacts* facts = nullptr);

}  // namespace kbmake

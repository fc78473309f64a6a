// Sub-makes inside the process: a recipe line that would start this very kbmake program runs
// as a new make instance on a thread of this process instead of a new process.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kbmake/exec/build_log.h"
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
};

/// The build-wide part of running sub-makes: whether they may run inside the process, how
/// to recognise this program, and how to run an invocation (cli/'s MakeMain).
class SubmakeHost {
 public:
  /// `run` runs one make invocation to completion on the calling thread and returns its exit
  /// status (throwing KilledBySignal when a fatal signal ended it).
  SubmakeHost(std::function<int(Invocation&)> run, bool enabled);
  bool enabled() const { return enabled_; }
  /// True if `argv` (with `env`'s PATH, as execve would search it) starts this program.
  bool IsSelf(const std::vector<std::string>& argv, const std::vector<std::string>& env) const;
  int Run(Invocation& inv) const { return run_(inv); }
  /// The build-wide $(shell) memo, once a make of the process has opened it (shared).
  /// (Sub-makes on threads ask and set it concurrently.)
  std::shared_ptr<class ShellMemo> shell_memo() const {
    std::lock_guard<std::mutex> lock(memo_mu_);
    return shell_memo_;
  }
  void set_shell_memo(std::shared_ptr<class ShellMemo> m) {
    std::lock_guard<std::mutex> lock(memo_mu_);
    shell_memo_ = std::move(m);
  }
  /// The build-wide trace, once the top make has started one (sub-makes record into it).
  class BuildTrace* trace() const { return trace_; }
  void set_trace(class BuildTrace* t) { trace_ = t; }
  /// The build-wide --graph collector, once the top make has started one.
  class GraphCollector* graph() const { return graph_; }
  void set_graph(class GraphCollector* g) { graph_ = g; }
  /// The build-wide --status counters, once a make of the process has started them.
  class BuildStatus* status() const { return status_; }
  void set_status(class BuildStatus* s) { status_ = s; }
  /// The build-wide --compdb recorder, once a make of the process has opened it.
  class CompDb* compdb() const { return compdb_; }
  void set_compdb(class CompDb* c) { compdb_ = c; }
  /// The build logs (--build-log, --explain) of the process: sub-makes inside it share one
  /// object per log file.
  BuildLogs& build_logs() { return build_logs_; }
  /// The build-wide parse cache (parser/parsed_makefile.h; null: off).
  class ParseCache* parse_cache() const { return parse_cache_; }
  void set_parse_cache(class ParseCache* c) { parse_cache_ = c; }
  /// Number of sub-makes run inside the process so far (for --debug and tests).
  int started() const { return started_; }
  void CountStart() { ++started_; }

 private:
  std::function<int(Invocation&)> run_;
  bool enabled_;
  class ParseCache* parse_cache_ = nullptr;
  bool have_self_ = false;
  dev_t self_dev_ = 0;
  ino_t self_ino_ = 0;
  std::atomic_int started_{0};
  class BuildTrace* trace_ = nullptr;
  class GraphCollector* graph_ = nullptr;
  mutable std::mutex memo_mu_;
  // Set by the make that owns one, read by sub-make threads: atomic.
  std::atomic<class BuildStatus*> status_{nullptr};
  std::atomic<class CompDb*> compdb_{nullptr};
  std::shared_ptr<class ShellMemo> shell_memo_;
  BuildLogs build_logs_;
};

/// A ProcessRunner that runs sub-makes of this program on threads and everything else
/// through `real`. Each thread has its own working directory (unshare(CLONE_FS)), and its
/// instance its own environment, standard descriptors and exit status. `memo` is the
/// $(shell) memo of the make owning the runner (passed on to its in-process sub-makes).
std::unique_ptr<ProcessRunner> MakeSubmakeRunner(SubmakeHost* host,
                                                 std::unique_ptr<ProcessRunner> real,
                                                 std::shared_ptr<class ShellMemo> memo = nullptr);

}  // namespace kbmake

// Running recipes: children, the -j slot/jobserver accounting, output of command lines,
// deleting targets on failure or signals (GNU make's job.c).
#pragma once

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kbmake/exec/load.h"
#include "kbmake/exec/process.h"
#include "kbmake/rules/file.h"

namespace kbmake {

class Make;

/// A recipe being run for one target: its expanded lines and the process of the current one.
struct Child {
  File* file = nullptr;
  std::vector<std::string> lines;  // expanded command lines
  size_t command_line = 0;         // index of the next line in `lines`
  std::string pending;             // rest of the current expanded line (multi-line expansions)
  bool have_pending = false;
  pid_t pid = 0;
  bool noerror = false;
  bool recursive = false;
  bool good_stdin = false;
  bool deleted = false;
  bool has_env = false;
  std::vector<std::string> env;
  // --output-sync: the temporary files collecting this recipe's output, and whether the
  // current command line writes to them.
  OutputContext sync;
  bool syncout = false;
  /// The file's dontcare flag when the job was made: a prerequisite of a makefile that may
  /// be missing has it only while being updated (GNU make caches it in the child too).
  bool dontcare = false;
  // --build-trace: when its first command started (-1: none yet), its lane, and how it ended.
  int64_t trace_start = -1;
  // When the recipe's last process so far was reaped (trace clock), -1 before: the recipe
  // event ends there, not after make's own bookkeeping of the finished target.
  int64_t trace_end = -1;
  int trace_lane = 0;
  bool trace_submake = false;
  std::string trace_status = "0";
  std::string trace_memo;  // the sub-make memo's word for an in-process sub-make
  /// Commands make did not start because they do nothing (`:`, IsNoOpShellScript), as the
  /// shell would have been given them (--build-trace lists them: `args.skipped`).
  std::vector<std::string> skipped;
  // --status: counted in M (will show an echo line) and in N (showed its first one).
  bool status_counted = false;
  bool status_started = false;
  // --explain / build log: whether its explanation was printed, when its first command
  // started (wall clock ms, -1: none ran yet).
  bool explained = false;
  int64_t log_start_ms = -1;
};

/// The GNU make jobserver: a pipe of tokens shared with sub-makes through MAKEFLAGS.
class Jobserver {
 public:
  ~Jobserver();
  /// Creates the pipe with `slots - 1` tokens (the top-level make).
  bool Create(int slots);
  /// Joins a parent's jobserver given "R,W" (or "fifo:PATH"). With `visible`, only those
  /// descriptors count as inherited (a make running inside the process).
  bool Join(const std::string& auth, const std::vector<int>* visible = nullptr);
  bool enabled() const { return read_fd_ >= 0; }
  std::string Auth() const;
  /// Waits (at most 100 ms, or `max_ms` if that is shorter and not -1) for a token; returns
  /// false when one of `wake_fds` becomes readable first or on timeout.
  bool Acquire(const std::vector<int>& wake_fds, int max_ms = -1);
  void Release();
  /// The descriptors a recursive child must inherit (none for a fifo jobserver).
  std::vector<int> Fds() const {
    if (!fifo_path_.empty() || read_fd_ < 0) return {};
    return {read_fd_, write_fd_};
  }
  void Clear();

 private:
  /// A non-blocking open file description of the pipe, private to this make (-1: none).
  void OpenPrivateReader();
  int read_fd_ = -1, write_fd_ = -1;
  int nb_read_fd_ = -1;
  bool master_ = false;
  int slots_ = 0;
  std::string fifo_path_;
};

class JobRunner {
 public:
  /// `runner` defaults to the real fork/exec runner.
  JobRunner(Make* m, std::unique_ptr<ProcessRunner> runner);
  ~JobRunner();
  /// `visible_fds`: for a make running inside the process, the descriptors a new process
  /// would have inherited (the jobserver is joined only through those).
  void Configure(int job_slots, const std::string& auth,
                 const std::vector<int>* visible_fds = nullptr);
  /// A makefile's MAKEFLAGS set -jN (GNU make's reset_jobserver and final jobserver setup):
  /// leaves the parent's jobserver, if any, and starts a new group of `job_slots`.
  void ForceJobSlots(int job_slots);
  /// --output-sync=MODE ("none", "line", "target", "recurse"); only active with -j != 1.
  void ConfigureOutputSync(const std::string& mode, bool parallel);
  /// --output-sync: opens the temporary files of `ctx` (one when stdout and stderr are the
  /// same file) unless it has them.
  void OpenSyncFiles(OutputContext* ctx);
  /// Copies what `ctx`'s files hold to stdout/stderr as one block (between "Entering" and
  /// "Leaving directory" lines with `wrap_directory` and -w) and empties them.
  void DumpSyncFiles(OutputContext* ctx, bool wrap_directory);
  /// Dumps and closes `ctx`'s files.
  void CloseSyncFiles(OutputContext* ctx);
  /// True when sub-make directory messages wrap each synchronized block instead of the run.
  bool SyncWrapsDirectory() const { return sync_mode_ == kSyncLine || sync_mode_ == kSyncTarget; }
  void ExecuteFileCommands(File* f);
  /// Waits for (block) or polls children and processes their completion.
  void ReapChildren(bool block, bool err);
  UpdateStatus TouchArchiveMember(const std::string& name);
  UpdateStatus TouchFile(File* f);
  bool HasChildren() const { return !children_.empty(); }
  /// Called with a fatal signal pending: deletes targets of running recipes and waits.
  void HandleFatalSignal(int sig);
  void KillChildren(int sig);
  std::string JobserverAuth() const { return jobserver_.enabled() ? jobserver_.Auth() : ""; }
  int job_slots() const { return job_slots_; }
  void WaitAll(bool err);
  /// Starts the jobs that wait for the load to go down (GNU make's start_waiting_jobs).
  void StartWaitingJobs();

 private:
  void NewJob(File* f);
  /// --trace: "target 'x' does not exist" or "update target 'x' due to: $?" for a primed job.
  void TraceJob(Child* c);
  /// Starts the job, or (-l) puts it on the waiting list; false if it is waiting.
  bool StartWaitingJob(std::unique_ptr<Child> c);
  void StartJobCommand(Child* c);
  bool NextCommand(Child* c);
  void ChildError(Child* c, int exit_code, int exit_sig, bool coredump, bool ignored);
  void DeleteChildTargets(Child* c);
  void DeleteTarget(File* f, const std::string* on_behalf_of);
  void FreeChild(Child* c);
  /// --build-trace: the event of a recipe that has ended (once).
  void TraceChildEnd(Child* c);
  /// --explain: prints why `c`'s recipe runs (once, before its first command).
  void ExplainChild(Child* c);
  /// The whole expanded recipe of `c` (its lines joined by newlines), as traced and logged.
  static std::string RecipeText(const Child* c);
  /// Build log: records a recipe that ran to success.
  void LogChildEnd(Child* c);
  bool log_error_reported_ = false;
  void SetupSyncFiles(Child* c) { OpenSyncFiles(&c->sync); }
  /// Copies what a job's temporary files hold to stdout/stderr as one block and empties them.
  void DumpOutput(Child* c) { DumpSyncFiles(&c->sync, SyncWrapsDirectory()); }
  enum SyncMode { kSyncNone, kSyncLine, kSyncTarget, kSyncRecurse };
  SyncMode sync_mode_ = kSyncNone;
  bool combined_output_ = false;  // stdout and stderr are the same file

  Make* m_;
  std::vector<std::unique_ptr<Child>> children_;
  int job_slots_ = 1;  // 0: unlimited (or jobserver)
  Jobserver jobserver_;
  int tokens_ = 0;  // tokens held, including our free one
  std::unique_ptr<ProcessRunner> runner_;
  bool good_stdin_used_ = false;
  int printed_waiting_ = 0;
  bool handling_signal_ = false;
  LoadLimiter load_;  // -l
  std::vector<std::unique_ptr<Child>> waiting_;  // -l: most recent first
};

/// Thrown out of a make instance that runs inside the process when a fatal signal ended it
/// (after its targets were deleted): the instance's exit is "killed by `sig`".
struct KilledBySignal {
  int sig;
};

/// Serializes --output-sync blocks of the make instances of this process.
std::mutex& OutputSyncMutex();


}  // namespace kbmake

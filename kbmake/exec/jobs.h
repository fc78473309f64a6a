// Running recipes: children, the -j slot/jobserver accounting, output of command lines,
// deleting targets on failure or signals (GNU make's job.c).
#pragma once

#include <sys/types.h>

#include <memory>
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
};

/// The GNU make jobserver: a pipe of tokens shared with sub-makes through MAKEFLAGS.
class Jobserver {
 public:
  ~Jobserver();
  /// Creates the pipe with `slots - 1` tokens (the top-level make).
  bool Create(int slots);
  /// Joins a parent's jobserver given "R,W" (or "fifo:PATH").
  bool Join(const std::string& auth);
  bool enabled() const { return read_fd_ >= 0; }
  std::string Auth() const;
  /// Waits for a token, or returns false when `wake_fd` becomes readable first.
  bool Acquire(int wake_fd);
  void Release();
  /// Makes the pipe invisible (close-on-exec) or visible to the next child.
  void SetInherit(bool inherit);
  void Clear();

 private:
  int read_fd_ = -1, write_fd_ = -1;
  bool master_ = false;
  int slots_ = 0;
  std::string fifo_path_;
};

class JobRunner {
 public:
  /// `runner` defaults to the real fork/exec runner.
  JobRunner(Make* m, std::unique_ptr<ProcessRunner> runner);
  ~JobRunner();
  void Configure(int job_slots, const std::string& auth);
  /// --output-sync=MODE ("none", "line", "target", "recurse"); only active with -j != 1.
  void ConfigureOutputSync(const std::string& mode, bool parallel);
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
  /// Starts the job, or (-l) puts it on the waiting list; false if it is waiting.
  bool StartWaitingJob(std::unique_ptr<Child> c);
  void StartJobCommand(Child* c);
  bool NextCommand(Child* c);
  void ChildError(Child* c, int exit_code, int exit_sig, bool coredump, bool ignored);
  void DeleteChildTargets(Child* c);
  void DeleteTarget(File* f, const std::string* on_behalf_of);
  void FreeChild(Child* c);
  void SetupSyncFiles(Child* c);
  /// Copies what a job's temporary files hold to stdout/stderr as one block and empties them.
  void DumpOutput(Child* c);
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
  LoadLimiter load_;  // -l
  std::vector<std::unique_ptr<Child>> waiting_;  // -l: most recent first
};

/// Records a fatal signal (SIGINT/TERM/HUP/QUIT) for the instance to act on.
int PendingFatalSignal();
void InstallSignalHandlers();
/// A pipe that becomes readable when SIGCHLD arrives (for waiting on tokens).
int SigchldFd();
void DrainSigchldFd();

}  // namespace kbmake

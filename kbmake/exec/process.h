// Starting and waiting for recipe processes, behind an interface so the scheduler can be
// tested with a fake (tests/unit) and the real one can later run sub-makes in-process.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kbmake {

class FsCache;

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is searched in PATH from `env` if it has no '/'
  std::vector<std::string> env;
  bool good_stdin = true;   // false: stdin is a closed pipe (parallel jobs)
  std::string error_prefix;  // "make" or "make[N]" for exec failure messages
  int in_fd = -1;            // >= 0: the child's stdin (a make whose own stdin is not fd 0)
  int out_fd = -1;           // >= 0: the child's stdout (output sync temp file)
  int err_fd = -1;           // >= 0: the child's stderr
  /// Descriptors the child keeps although make holds them close-on-exec (the jobserver pipe
  /// for a recursive line). Make never toggles close-on-exec on shared descriptors: several
  /// make instances may start children at once from different threads.
  std::vector<int> inherit_fds;
};

/// --output-sync: the temporary files a job's output is collected in (-1: none). The same file
/// for both when stdout and stderr are the same open file.
struct OutputContext {
  int out = -1;
  int err = -1;
};

struct ProcessExit {
  int id = 0;
  int exit_code = 0;
  int exit_sig = 0;
  bool core = false;
  /// For an in-process sub-make under the sub-make memo: "hit" (not run), "remembered" or
  /// "not remembered: why" (for --build-trace); empty otherwise.
  std::string memo;
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  /// Starts a process; returns an id > 0, or -1 (errno set).
  virtual int Start(const ProcessSpec& spec) = 0;
  /// Collects one finished process. Returns false when none has finished (and `block` is
  /// false), when there are none, or when interrupted by a signal.
  virtual bool Wait(bool block, ProcessExit* exit) = 0;
  /// Sends `sig` to a running process.
  virtual void Signal(int id, int sig) = 0;
  /// Descriptors that become readable when one of this runner's processes may have finished
  /// (for waiting on a jobserver token and a child at once).
  virtual std::vector<int> WakeFds() { return {}; }
  /// How long a poll() on WakeFds() may sleep, in milliseconds: -1 (no limit) when every
  /// running process is covered by them, else a short interval after which Wait(false) must
  /// be tried (a child whose pidfd could not be opened is only seen by waitpid(WNOHANG)).
  virtual int WakeTimeoutMs() { return -1; }
  /// While false, a blocking Wait is not interrupted by a pending fatal signal (used while
  /// the signal is being handled and the children are collected).
  virtual void SetWakeOnSignal(bool wake) {}
};

/// A program to execute, prepared before vfork() so that the child only makes system calls.
/// The program is looked up as GNU make 4.3 does before posix_spawn (gnulib's
/// find_in_given_path): a name with a '/' is used as is, any other is the first executable
/// (access X_OK, directories included) `dir/name` along `path`, an empty entry meaning ".".
class ExecImage {
 public:
  /// `path` is null when the environment has no PATH (then confstr's default path is used).
  /// On failure the child writes "<prefix>: <argv[0]>: <error>" to fd 2 and exits 127; the
  /// error of a failed lookup is the last one other than "not found" (EACCES for a file that
  /// is not executable, ENOTDIR for a PATH entry that is a file).
  ExecImage(const std::vector<std::string>& argv, const std::vector<std::string>& env,
            const std::string* path, const std::string& prefix);
  /// In the (v)forked child: execs (a file without a #! line through /bin/sh, as execvp and
  /// GNU make do on ENOEXEC), or reports and _exits.
  /// The PATH candidates make itself looked at to find the program (none for a name with
  /// '/'): what the program found depends on them too (the $(shell) memo records them).
  const std::vector<std::string>& probed() const { return probed_; }
  [[noreturn]] void Exec();

 private:
  std::string prefix_, prog_;
  std::string file_;   // the program found (empty: lookup failed with lookup_errno_)
  int lookup_errno_ = 0;
  std::vector<std::string> probed_;
  std::vector<char*> argv_, envp_, sh_argv_;
};

/// Writes all of `text` to `fd` (retrying on EINTR); false if a write failed.
bool WriteAll(int fd, std::string_view text);

/// Replaces file `path` with `text` through a temporary file next to it and rename(), so a
/// reader never sees half of it; false (errno set, temporary file removed) on failure.
bool ReplaceFile(const std::string& path, std::string_view text);

/// Reads `fd` until end of file or an error (retrying on EINTR), appending what it gives to
/// *out. `size_hint` (e.g. a regular file's size) sizes the string up front.
void ReadToEnd(int fd, std::string* out, size_t size_hint = 0);

/// A descriptor make keeps open for a long time, moved to 64 or above (close-on-exec;
/// unchanged if that fails): out of the way of the low numbers GNU make's own descriptors
/// get, which show (a jobserver started after reading the makefiles puts its numbers in
/// MAKEFLAGS). Returns the descriptor to use; a negative `fd` is returned as is.
int MoveAboveLowFds(int fd);

/// The file GNU make 4.3 starts for `prog` (gnulib's find_in_given_path): `prog` itself if it
/// has a '/', else the first `dir/prog` along `path` (null: confstr's default; an empty entry
/// is ".") that is executable (eaccess X_OK, directories included), else "" with
/// *lookup_errno the last error other than ENOENT (or ENOENT).
/// `probed` (if given) gets every candidate looked at, in order.
std::string FindProgram(const std::string& prog, const std::string* path, int* lookup_errno,
                        std::vector<std::string>* probed = nullptr);

/// The value of NAME in an environment list, or null if it is not set.
const std::string* EnvValue(const std::vector<std::string>& env, const std::string& name,
                            std::string* storage);

/// vfork/exec (GNU make 4.3 uses posix_spawn: neither copies make's page tables). Each runner
/// waits only for its own children (through pidfds, never waitpid(-1)), so that several make
/// instances in one process never collect each other's children.
/// Each process counts in `fs` (if given) from before it starts until it is reaped.
std::unique_ptr<ProcessRunner> MakeRealProcessRunner(FsCache* fs = nullptr);

/// Process-wide fatal-signal state (SIGINT/TERM/HUP/QUIT). The handler only records the
/// signal and makes FatalSignalFd() readable for good; every make instance acts on it.
int PendingFatalSignal();
/// Installs the fatal-signal handlers once per process (later calls do nothing).
void InstallSignalHandlers();
/// Readable from the moment a fatal signal arrived (never drained): every poll() of every
/// instance includes it, so all wake up.
int FatalSignalFd();

/// Opens `pid`'s pidfd (close-on-exec), or -1.
int OpenPidfd(int pid);

}  // namespace kbmake

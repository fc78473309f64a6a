// --build-trace=FILE and --summary: what every make instance of the process did and when, as
// Chrome trace events (loadable in Perfetto and chrome://tracing) and as a short summary.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace kbmake {

/// The build-wide recorder. Thread-safe: the instances of the process record into one.
/// Recipe events go on lanes that are job slots (a lane is taken while a recipe that is not
/// itself a sub-make runs, so -jN gives at most N lanes); each make instance has its own
/// lane (100 + instance number) for reading its makefiles, its $(shell)s and the recipe
/// lines that run sub-makes.
class BuildTrace {
 public:
  /// `path`: where the trace is written ("" for --summary only).
  explicit BuildTrace(std::string path);
  /// Microseconds since the trace began.
  int64_t Now() const;
  /// A new make instance: its number (1 for the first).
  int NewInstance(const std::string& dir, int level);
  /// The lowest free job-slot lane (1, 2, ...) for a recipe; give it back with FreeLane.
  int TakeLane();
  void FreeLane(int lane);
  /// Watches a child process (a recipe's shell) for its exit, from a thread of its own, so
  /// that a recipe event ends when its process ended even if make was busy (walking the
  /// dependency graph, say) and reaped it later. Without a pidfd, nothing is watched.
  void WatchExit(int pid);
  /// When the watched `pid` exited (trace clock), or -1 if that was not seen (yet); stops
  /// watching it. Call it when the process has been reaped.
  int64_t TakeExit(int pid);
  /// One complete event. `args` is a list of name/value pairs.
  void Event(const std::string& name, const std::string& cat, int64_t start, int64_t end,
             int tid, std::vector<std::pair<std::string, std::string>> args = {});
  /// Writes the trace file (temporary file + rename, so a reader never sees half of it) and
  /// returns false (errno set) if that failed. May be called again later (after a failure
  /// or on a signal) and then rewrites it with what is known by then.
  bool Write();
  /// The summary printed at the end of a traced build (--summary).
  std::string Summary() const;
  const std::string& path() const { return path_; }

 private:
  struct Ev {
    std::string name, cat;
    int64_t start, end;
    int tid;
    std::vector<std::pair<std::string, std::string>> args;
  };
  void WatchLoop();
  std::string path_;
  std::chrono::steady_clock::time_point t0_;
  mutable std::mutex mu_;
  std::vector<Ev> events_;
  std::vector<bool> lanes_;  // lanes_[i]: lane i+1 in use
  int max_lane_ = 0;
  struct Instance {
    std::string dir;
    int level;
  };
  std::vector<Instance> instances_;
  // WatchExit: pid -> pidfd being watched, exits seen (pid -> time), pids reaped before
  // their exit was seen (their pidfd is closed by the watcher thread), its wake-up eventfd.
  std::mutex watch_mu_;
  std::map<int, int> watched_;
  std::map<int, int64_t> exits_;
  std::vector<int> forget_;
  int wake_fd_ = -1;
  std::thread watcher_;
};

}  // namespace kbmake

// The build-wide object: what every make instance of one kbmake process shares. A kbmake
// process runs one build: the top make and every sub-make of this program that a recipe
// line starts (exec/submake.h). Per-instance state (variables, rules, files, goals, jobs)
// lives in Make (kbmake/make.h); everything here outlives the instances and is safe to use
// from the threads that run sub-makes.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kbmake/base/fs_cache.h"
#include "kbmake/exec/build_log.h"
#include "kbmake/exec/submake.h"
#include "parser/parsed_makefile.h"

namespace kbmake {

class BuildStatus;
class BuildTrace;
class CompDb;
class GraphCollector;
class ShellMemo;

/// How the process's build runs, decided once from the environment kbmake was started with
/// (docs/INTERNALS.md, "Sub-makes inside the process").
struct BuildSettings {
  /// KBMAKE_SUBMAKE=process: false, every sub-make is a process as under GNU make.
  bool in_process_submakes = true;
  /// KBMAKE_FS_CACHE=0: false, every stat and directory listing goes to the system.
  bool fs_cache = true;
  /// KBMAKE_PARSE_CACHE=0: false, every makefile reading parses the text again.
  bool parse_cache = true;
  /// The settings that the environment entries `env` ("NAME=value") ask for.
  static BuildSettings FromEnvironment(const std::vector<std::string>& env);
};

/// The build-wide object. It owns the caches every instance shares (stat and directory
/// listings, parsed makefiles), knows how to run a sub-make inside the process, and holds
/// the build-wide instruments (trace, graph, status line, compile database, build logs,
/// $(shell) memo) while the instance that started each is running. Each instrument belongs
/// to the instance that created it (the first one asked for it, normally the top make);
/// that instance publishes it here and withdraws it when it ends.
class Build {
 public:
  /// Runs one make invocation to completion on the calling thread with this build
  /// (cli/make_main.h's MakeMain); used for in-process sub-makes.
  using RunInvocation = std::function<int(Invocation&, Build*)>;
  Build(const BuildSettings& settings, RunInvocation run);
  Build(const Build&) = delete;
  Build& operator=(const Build&) = delete;

  /// The shared stat and directory cache (null: off).
  FsCache* fs() { return settings_.fs_cache ? &fs_ : nullptr; }
  /// The shared parse cache (null: off).
  ParseCache* parses() { return settings_.parse_cache ? &parses_ : nullptr; }
  /// Runs this program's sub-makes on threads (disabled: every sub-make is a process).
  SubmakeHost* submakes() { return &submakes_; }

  /// The build-wide $(shell) memo, while an instance that opened one runs (sub-makes on
  /// threads ask and set it concurrently).
  std::shared_ptr<ShellMemo> shell_memo() const;
  void set_shell_memo(std::shared_ptr<ShellMemo> m);
  /// The build trace (--build-trace, --summary), while the instance that started it runs.
  BuildTrace* trace() const { return trace_; }
  void set_trace(BuildTrace* t) { trace_ = t; }
  /// The --graph collector, while the instance that started it runs.
  GraphCollector* graph() const { return graph_; }
  void set_graph(GraphCollector* g) { graph_ = g; }
  /// The --status counters, while the instance that started them runs.
  BuildStatus* status() const { return status_; }
  void set_status(BuildStatus* s) { status_ = s; }
  /// The --compdb recorder, while the instance that opened it runs.
  CompDb* compdb() const { return compdb_; }
  void set_compdb(CompDb* c) { compdb_ = c; }
  /// The build logs (--build-log, --explain): one object per log file for all instances.
  BuildLogs* build_logs() { return &build_logs_; }

 private:
  BuildSettings settings_;
  FsCache fs_;
  ParseCache parses_;
  SubmakeHost submakes_;
  // Set by the instance that owns one; read by sub-make threads.
  std::atomic<BuildTrace*> trace_{nullptr};
  std::atomic<GraphCollector*> graph_{nullptr};
  std::atomic<BuildStatus*> status_{nullptr};
  std::atomic<CompDb*> compdb_{nullptr};
  mutable std::mutex memo_mu_;
  std::shared_ptr<ShellMemo> shell_memo_;
  BuildLogs build_logs_;
};

}  // namespace kbmake

// --status: a "[N/M] " prefix on every recipe echo line, counted build-wide across the make
// instances of the process (docs/INTERNALS.md, "Status line").
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace kbmake {

class Make;

/// The echo a silent recipe line starts with, found without any Kbuild knowledge: after
/// optional `set ...` commands joined by `;`, a simple `echo` of fixed words (quoted or not;
/// no expansions, globs, redirections, backslashes or leading `-`) that ends with `;`, `&&`,
/// a newline or the line. Kbuild's `@set -e; echo '  CC      x.o'; gcc ...` is one.
struct LeadingEcho {
  std::string text;     /// what echo would print (its words joined by one space), no newline
  std::string rewrite;  /// the line with that echo replaced by `:`, for the shell to run
};

/// True if `shell` ($(SHELL), possibly with arguments) is a POSIX shell (sh, bash, dash, ash,
/// ksh, mksh, zsh by basename): only then is a line read as shell text.
bool IsPosixShell(std::string_view shell);

/// Finds the leading echo of `line` (see LeadingEcho); false when there is none.
bool FindLeadingEcho(std::string_view line, LeadingEcho* out);

/// Whether a job with these expanded recipe lines will show at least one recipe echo line:
/// make's own echo of a command (not silent, or -n/--trace), or a silent command's leading
/// echo (only with a POSIX shell). Mirrors JobRunner::StartJobCommand's reading of `@-+`
/// prefixes and split lines.
bool RecipeShowsLine(const std::vector<std::string>& lines, const std::vector<bool>& silent,
                     const std::vector<bool>& recurse, int command_flags, bool one_shell,
                     bool show_all, bool make_silent, bool question, bool touch,
                     bool posix_shell = true);

/// The build-wide counters and the printer. Thread-safe; one per process, published through
/// the Build (kbmake/build.h) so in-process sub-makes share it.
class BuildStatus {
 public:
  /// `format`: KBMAKE_STATUS (NINJA_STATUS placeholders; "" for the default "[%s/%t] ").
  /// `one_line`: overwrite one terminal line (`--status=term` on a terminal).
  BuildStatus(std::string format, bool one_line);
  /// A job that will show an echo line was created: M grows.
  void AddJob();
  /// Prints one recipe echo line of a job through `m` (its output context, so
  /// --output-sync files get it). `*job_started` is the job's flag: its first line counts
  /// it as started (N grows). `*job_counted` is set if the job was not counted by AddJob.
  void PrintLine(Make* m, std::string_view text, bool* job_started, bool* job_counted);
  /// A job counted as started has ended.
  void FinishJob();
  /// Ends an open terminal status line (before other output, and at the end).
  void BreakLine(int fd);
  bool one_line() const { return one_line_; }
  /// The prefix for the current counters (exposed for tests).
  std::string FormatPrefix() const;
  /// Counters, for tests and the end-of-build check.
  int started() const { return started_; }
  int total() const { return total_; }

 private:
  std::string format_;
  bool one_line_;
  int columns_ = 80;
  std::chrono::steady_clock::time_point t0_;
  mutable std::recursive_mutex mu_;
  int total_ = 0, started_ = 0, finished_ = 0;
  bool line_open_ = false;
  int open_fd_ = -1;
};

}  // namespace kbmake

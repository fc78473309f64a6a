// One make instance: its variables, rule database, goals and job state, all private. Nothing
// here is process-wide: what instances share is the build-wide object (kbmake/build.h).
#pragma once

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "kbmake/base/dircache.h"
#include "kbmake/base/loc.h"
#include "kbmake/base/strutil.h"
#include "kbmake/exec/process.h"
#include "kbmake/graph/explain.h"
#include "kbmake/rules/file.h"
#include "kbmake/vars/variables.h"
#include "parser/assignment.h"

namespace kbmake {

/// Command-line options, decoded by cli/ from argv and MAKEFLAGS.
struct Options {
  std::vector<std::string> makefiles;     // -f
  std::vector<std::string> include_dirs;  // -I
  std::vector<std::string> directories;   // -C
  std::vector<std::string> goals;
  std::vector<std::string> cmdline_vars;  // NAME=value as given
  std::vector<std::string> evals;         // --eval
  std::vector<std::string> old_files;     // -o
  std::vector<std::string> new_files;     // -W
  bool keep_going = false, dry_run = false, question = false, touch = false;
  bool always_make = false, silent = false, ignore_errors = false, env_overrides = false;
  bool no_builtin_rules = false, no_builtin_vars = false, print_directory = false;
  bool no_print_directory = false, trace = false, print_data_base = false;
  bool warn_undefined = false, check_symlinks = false, print_version = false, help = false;
  bool question_seen = false;
  int jobs = 1;  // 0: unlimited
  bool jobs_given = false;
  /// -j was on the command line itself (GNU make's argv_slots): a makefile's MAKEFLAGS
  /// then cannot change it.
  bool jobs_on_command_line = false;
  std::string jobserver_auth;
  std::string output_sync;
  std::string debug;
  bool debug_all = false;  // -d
  std::string sync_mutex;  // --sync-mutex (GNU's Windows output lock: kept for MAKEFLAGS only)
  double max_load = -1;
  /// $HOME of the make's environment, for "~" in -I (unset: no expansion).
  std::optional<std::string> home;
  std::string build_trace;  // --build-trace=FILE (kbmake's own; never in MAKEFLAGS)
  bool summary = false;     // --summary (kbmake's own; never in MAKEFLAGS)
  std::string graph;        // --graph=FILE (kbmake's own; never in MAKEFLAGS)
  std::string status;       // --status[=term]: "lines" or "term" ("" off; kbmake's own)
  std::string compdb;       // --compdb=FILE (kbmake's own; never in MAKEFLAGS)
  bool explain = false;     // --explain (kbmake's own; never in MAKEFLAGS)
  bool build_log_given = false;  // --build-log[=FILE] (kbmake's own; never in MAKEFLAGS)
  std::string build_log;         // its FILE ("": .kbmake_log in each make's directory)
  int shell_cache = -1;  // --shell-cache (1) / --no-shell-cache (0); kbmake's own, never in MAKEFLAGS
};

/// GNU make's debug levels (--debug=b/v/i/j/m, -d = all). kbmake prints the basic trace.
enum DebugLevel : int {
  kDbBasic = 0x001,
  kDbVerbose = 0x002,
  kDbJobs = 0x004,
  kDbImplicit = 0x008,
  kDbMakefiles = 0x100,
  kDbAll = 0xfff,
};

class BuildStatus;
class BuildTrace;
class CompDb;
class GraphCollector;
struct GraphPart;
struct LoadedObjects;
class JobRunner;
class ProcessRunner;
class ShellMemo;
class SubmakeFacts;
class ParseCache;
struct Child;

/// The standard streams of a make: 0/1/2 for the process's own make; other descriptors for
/// a sub-make running inside the process (its parent's, or --output-sync files).
struct StdStreams {
  int in = 0, out = 1, err = 2;
};

/// What the process around a make instance decides for it before it runs (cli/make_main.cc):
/// where its output goes, which build-wide services (kbmake/build.h) it uses and how, and
/// how it restarts. A default InstanceSetup is a make on the standard streams that uses no
/// build-wide service (tests, benchmarks).
struct InstanceSetup {
  StdStreams io;
  /// True for the make that is the process (it may re-raise a fatal signal and exit); false
  /// for a sub-make running inside it, which unwinds instead.
  bool owns_process = true;
  /// For a sub-make inside the process: the descriptors a new process would have inherited
  /// from its parent (the jobserver).
  const std::vector<int>* visible_fds = nullptr;
  FsCache* fs = nullptr;            // the stat and directory cache (null: none)
  ParseCache* parses = nullptr;     // the parse cache (null: every reading parses)
  BuildTrace* trace = nullptr;      // --build-trace/--summary (null: not traced)
  BuildStatus* status = nullptr;    // --status (null: off)
  CompDb* compdb = nullptr;         // --compdb (null: off)
  /// For a sub-make its parent may remember: records what this instance looks at (null: not
  /// recorded).
  SubmakeFacts* facts = nullptr;
  std::shared_ptr<ShellMemo> shell_memo;  // $(shell) results across runs (null: off)
  /// --graph: the collector (null: off), this instance's key in it, the key of the make
  /// whose recipe ran it and that recipe's target.
  GraphCollector* graph = nullptr;
  std::string graph_key, graph_parent, graph_invoked_by;
  /// --explain, and the build logs (null: no log) with their file or directories (see
  /// Make::LogFor); `extra_env` goes into every recipe's environment (NAME=value).
  bool explain = false;
  BuildLogs* build_logs = nullptr;
  std::string build_log_file;
  std::vector<std::string> build_log_dirs;
  std::vector<std::string> extra_env;
  std::string stdin_makefile;  // "-f -": the temporary copy of standard input
  int db_level = 0;            // DebugLevel bits
  bool version_printed = false;  // the banner was printed at start (--debug)
  std::string argv0;           // as invoked, for $(MAKE) and MAKE_COMMAND
  int restarts = 0;            // MAKE_RESTARTS
  bool dir_entered = false;    // "Entering directory" printed before a restart
  /// Re-executes the program after makefiles were remade, with the new restart count and
  /// whether "Entering directory" was printed (never returns).
  std::function<void(int restarts, bool dir_entered)> reexec_hook;
  /// Re-decodes MAKEFLAGS set by a makefile into the options.
  std::function<void(const std::string& flags, Options* opts)> makeflags_hook;
};

/// The evaluator, rule database, dependency graph and scheduler of one make invocation: a
/// per-instance object. What instances share is the build-wide object (kbmake/build.h),
/// reached only through the services InstanceSetup hands in.
class Make {
 public:
  /// `runner` starts recipe processes; null means the real fork/exec runner.
  Make(Options opts, std::string program, int makelevel, std::vector<std::string> environ,
       std::unique_ptr<ProcessRunner> runner = nullptr, InstanceSetup setup = InstanceSetup());
  ~Make();
  /// Reads the makefiles and updates the goals; returns make's exit status.
  int Run();

  // ---- the instance's interface (eval/, graph/, the fuzzer and tests use it) ----
  /// `file:line: *** msg.  Stop.` (or `make: *** ...` without a location): throws FatalError.
  [[noreturn]] void Fatal(const Loc* loc, std::string_view msg);
  /// `file:line: msg` on stderr; the run goes on.
  void Error(const Loc* loc, std::string_view msg);
  void Message(std::string_view msg);  // "make: msg" on stdout
  std::string Prefix() const;          // "make" or "make[N]"
  /// A file name kept for the instance's lifetime (what Loc::file points to).
  const std::string* InternFileName(std::string_view name);
  /// The variable `name` as seen from the current scope (null: undefined).
  Variable* Lookup(std::string_view name);
  Variable* DefineGlobal(std::string_view name, std::string value, Origin origin, bool recursive,
                         const Loc* loc = nullptr) {
    return DefineInSet(name, std::move(value), origin, recursive, &global_, loc);
  }
  /// An assignment statement (`name op value`) as a makefile line would make it.
  Variable* DoVariableDefinition(const Loc* loc, std::string_view name, std::string_view value,
                                 Origin origin, Flavor flavor, bool target_var);
  /// Everything make sets up before it reads a makefile, in GNU make 4.3's order (main.c):
  /// special variables, the environment, the command line's variables and goals, MAKE,
  /// CURDIR, the built-in suffix rules, automatic and default variables, MAKEFLAGS, .DEFAULT.
  /// The order decides what each definition's expansion sees, and the order of GNU's hash
  /// tables ($(.VARIABLES), -p).
  void DefineInitialState();
  /// Expands `text` in the current scope.
  void Expand(std::string_view text, std::string* out);
  std::string Expand(std::string_view text) {
    std::string s;
    Expand(text, &s);
    return s;
  }
  /// Runs `cmd` with $(SHELL) $(.SHELLFLAGS), returns its output with newlines folded to
  /// spaces and trailing newlines removed (all, or all but one for `!=`); sets .SHELLSTATUS.
  std::string ShellOutput(std::string_view cmd, bool trim_all_newlines, int* status);
  /// Evaluates makefile text ($(eval), --eval, gmk_eval).
  void EvalString(std::string_view text, const Loc* loc);
  void EvalBuffer(const std::string& text, const std::string* filename, long first_line,
                  bool set_default);
  /// What make does once all makefiles are read, before updating anything: attaches
  /// special targets' prerequisites, turns suffix rules into pattern rules, installs the
  /// built-in rules, .EXTRA_PREREQS, the vpath lists.
  void FinishReading();
  /// The file (target) of that name, or null.
  File* LookupFile(std::string_view name);
  /// The names matching a glob pattern, as $(wildcard) gives them.
  std::vector<std::string> Glob(std::string_view pattern);
  /// GNU make's file_mtime (cached) or, with `cached` false, f_mtime (looks again).
  Timestamp FileMtime(File* f, bool search, bool cached = true);
  /// The "No rule to make target" message for `file` (GNU make's show_goal_error).
  void ShowGoalError(File* file);

  // ---- process surroundings ----
  using StdStreams = kbmake::StdStreams;
  /// Writes `text` to descriptor `fd` (all of it, retrying on EINTR).
  void WriteFd(int fd, std::string_view text);
  /// Tells the build-wide cache that make itself changed the file system.
  void NoteFsChange() {
    if (fs_ != nullptr) fs_->Changed();
    NotRememberable("changed the file system");
  }
  /// The instance did something the sub-make memo cannot vouch for (exec/submake_memo.h):
  /// it will not be remembered.
  void NotRememberable(std::string_view why);
  /// GNU make prints "Entering directory" lazily, before the first message or job (so a
  /// make that prints nothing at all prints no directory lines either).
  void EnsureEntered() {
    if (print_directory_ && print_directory_around_run_ && !dir_entered_) {
      dir_entered_ = true;
      PrintDirectory(true);
    }
  }
  /// Writes to stdout or stderr, or to the current output context.
  void WriteOutput(bool is_err, std::string_view text);
  /// A debugging line (GNU make's DB/DBF): `depth` spaces, `msg`, newline, on stdout.
  void Debug(int level, int depth, const std::string& msg);

  // ---- what the evaluator's helpers (eval/) read and scope ----
  /// The location of the statement being evaluated (null: none).
  const Loc* reading_loc() const { return reading_loc_; }
  /// Where an error found during expansion is reported: the variable being expanded, else
  /// the statement being evaluated.
  const Loc* ErrorLoc() const { return expanding_loc_ ? expanding_loc_ : reading_loc_; }
  /// The innermost variable scope (a $(foreach)/$(let)/$(call) pushes one for its body).
  SetList* current_scope() const { return current_; }
  void set_current_scope(SetList* s) { current_ = s; }
  /// The global scope's list head: every file's and pattern's scope chain ends there.
  SetList* global_scope() { return &global_list_; }
  /// --warn-undefined-variables: the warning for a reference to `name`, which is undefined.
  void WarnUndefined(std::string_view name);
  /// How many numbered arguments the innermost $(call) defined (outer ones are emptied).
  int call_args_max() const { return call_args_max_; }
  void set_call_args_max(int n) { call_args_max_ = n; }
  /// One more nested expansion (a fatal error past the limit); LeaveExpansion undoes it.
  void EnterExpansion() {
    if (++expansion_depth_ > max_expansion_depth_) {
      expansion_depth_ = 0;
      Fatal(ErrorLoc(), "maximum expansion depth exceeded (infinite recursion?)");
    }
  }
  void LeaveExpansion() { --expansion_depth_; }
  /// This make's directory lookups (relative names), through the build-wide cache.
  DirCache& dir_cache() { return dir_cache_; }
  const DirCache& dir_cache() const { return dir_cache_; }
  /// The directory this make runs in (after -C), as GNU make's starting_directory.
  const std::string& starting_dir() const { return starting_dir_; }
  /// The objects loaded with `load` (eval/load_object.h); null until the first `load`.
  LoadedObjects* loaded() const { return loaded_.get(); }
  LoadedObjects& EnsureLoaded();
  /// False if the load filter (set_load_filter) refuses `symbol` of `file`.
  bool LoadAllowed(const std::string& file, const std::string& symbol) const {
    return !load_filter_ || load_filter_(file, symbol);
  }

  // ---- read-only views: options, the rule data base, the --graph identity ----
  const Options& options() const { return opts_; }
  int makelevel() const { return makelevel_; }
  int db_level() const { return db_level_; }
  const StdStreams& io() const { return io_; }
  /// Targets by name, and in the order they were entered.
  const absl::flat_hash_map<std::string, std::unique_ptr<File>>& files() const { return files_; }
  const std::vector<File*>& file_order() const { return file_order_; }
  /// The files (heads of :: chains) in the order GNU make 4.3 walks its file table: the
  /// slots of its hash table (base/gnu_hash_table.h). Built on each call.
  std::vector<File*> FilesInGnuOrder() const;
  /// A VPATH search found `f` as `name`: GNU make moves the file in its table to that name
  /// (rehash_file), which FilesInGnuOrder() replays.
  void NoteFileRehash(File* f, const std::string& name);
  const std::vector<std::unique_ptr<PatternRule>>& pattern_rules() const {
    return pattern_rules_;
  }
  struct PatternVar {
    std::string pattern;
    Variable var;
    Flavor flavor;
  };
  /// Pattern-specific variables, sorted by pattern length (stable).
  const std::vector<PatternVar>& pattern_vars() const { return pattern_vars_; }
  struct VpathEntry {
    std::string pattern;
    std::vector<std::string> dirs;
  };
  const std::vector<VpathEntry>& vpaths() const { return vpaths_; }
  const std::vector<std::string>& general_vpath() const { return general_vpath_; }
  const VarSet& global_vars() const { return global_; }
  char recipe_prefix() const { return cmd_prefix_; }
  const Variable* default_goal_var() const { return default_goal_var_; }
  struct ReadMakefile {
    std::string name;
    int flags;
    int err;
  };
  /// The makefiles read (for remaking them), in order.
  const std::vector<ReadMakefile>& read_makefiles() const { return read_makefiles_; }
  /// --graph: this instance's key, its parent's and the target whose recipe ran it; the
  /// goals it updated; the recipe lines that ran $(MAKE) as a process (target, line).
  const std::string& graph_key() const { return graph_key_; }
  const std::string& graph_parent() const { return graph_parent_; }
  const std::string& graph_invoked_by() const { return graph_invoked_by_; }
  const std::vector<std::string>& graph_goals() const { return graph_goals_; }
  const std::vector<std::pair<std::string, std::string>>& graph_external() const {
    return graph_external_;
  }
  /// True once writing to stdout failed (GNU make's close_stdout reports it at exit).
  bool stdout_failed() const { return stdout_failed_; }

  // ---- hooks for tests, benchmarks and the fuzzer ----
  /// Runs $(shell)/!= commands instead of a real shell.
  void set_shell_hook(std::function<std::string(std::string_view cmd, int* status)> h) {
    shell_hook_ = std::move(h);
  }
  /// `load` looks up a setup symbol or opens an object only if this returns true for the
  /// file name and symbol (otherwise it fails as an object that cannot be opened). The
  /// fuzzer's containment: GNU make calls whatever symbol `load x(sym)` names.
  void set_load_filter(std::function<bool(const std::string& file, const std::string& symbol)> f) {
    load_filter_ = std::move(f);
  }
  /// Nesting of expansions/$(call)s before "maximum expansion depth exceeded"; kept well
  /// below what the big stack (base/bigstack.h) holds. The fuzzer lowers it.
  void set_max_expansion_depth(int n) { max_expansion_depth_ = n; }
  /// The directory for $(abspath) and friends when evaluating without Run() (which takes it
  /// from getcwd).
  void set_starting_dir(std::string dir) { starting_dir_ = std::move(dir); }

 private:
  // The instance's own parts that live in files of their own: the statement reader
  // (eval/read.cc), the scheduler (exec/jobs.h) and the --output-sync scope below.
  friend class Reader;
  friend class JobRunner;
  friend class ScopedOutputContext;

  // ---- process surroundings used by the reader and the job runner ----
  /// The log that keeps the record of `key` (a LogKey); null when there is no log.
  BuildLog* LogFor(const std::string& key);
  /// The build log's name for `f`: its absolute path (this make's directory + name).
  std::string LogKey(const File* f) const;
  /// --graph: a recipe line of `f` is about to start with `env`: tells a kbmake sub-make who
  /// ran it (KBMAKE_GRAPH, KBMAKE_GRAPH_NODE) and remembers a `recursive` line or one that
  /// contains $(MAKE), in case it is not a kbmake (graph/graph_dump.cc).
  void GraphNoteLine(File* f, const std::string& line, bool recursive,
                     std::vector<std::string>* env);
  /// stat() of `name` (relative to this make's directory) through the build-wide cache.
  int StatName(const std::string& name, struct stat* st) { return dir_cache_.Stat(name, st); }
  /// `name` from this make's environment (the one it was started with), or "".
  std::string GetEnv(std::string_view name) const;
  /// GNU make's tilde_expand: "~" and "~/..." with the variable HOME (else the environment's,
  /// else the login's home), "~user" and "~user/..." from the password database; the name
  /// unchanged when there is no such directory.
  std::string ExpandTilde(std::string name);

  // ---- variables (vars/) ----
  Variable* LookupInSet(std::string_view name, VarSet* set) { return set->Lookup(name); }
  Variable* DefineInSet(std::string_view name, std::string value, Origin origin, bool recursive,
                        VarSet* set, const Loc* loc);
  /// Defines a global variable imported from the environment when make starts. Its origin
  /// is "environment" even under -e: GNU make imports the environment before it decodes its
  /// switches, and upgrades such a variable to "environment override" only when a later
  /// definition reaches it (see DefineInSet). So `$(origin)`, `-p` and a target-specific
  /// assignment (which yields only to an "environment override" global) see it as plain
  /// "environment" until then.
  Variable* DefineStartupEnvVariable(std::string_view name, std::string value);
  void InitializeFileVariables(File* f, bool reading);
  std::string VariablesList();

  // ---- expansion (eval/) ----
  std::string ExpandForFile(std::string_view text, File* file);
  /// ExpandForFile without --warn-undefined-variables warnings: GNU make expands $(SHELL) and
  /// $(IFS) so when it builds a command's argv.
  std::string ExpandQuietlyForFile(std::string_view text, File* file);
  void ReferenceVariable(std::string_view name, std::string* out);
  void RecursivelyExpand(Variable* v, std::string* out);
  void ExpandVariableValue(Variable* v, std::string* out);
  /// Handles `$(func args)` at text[start] (just after "$(" ) if `name` is a builtin.
  bool HandleFunction(std::string_view text, size_t* pos, char open, char close,
                      std::string* out);

  // ---- reading (eval/read) ----
  /// Tells the sub-make memo's recorder that makefile `path` was opened (fd) or not (err).
  void NoteMakefileOpened(const std::string& path, int fd, int err);
  enum ReadFlags { kRmIncluded = 1, kRmDontCare = 2, kRmNoDefaultGoal = 4, kRmNoTilde = 8 };
  /// Returns false if the file could not be read (errno in *err).
  bool EvalMakefile(const std::string& filename, int flags, int* err);
  /// GNU make's construct_include_path: the -I directories that exist (trailing slashes
  /// dropped), then the default ones, into the search path and .INCLUDE_DIRS.
  void ConstructIncludePath();

  // ---- files and rules (rules/) ----
  /// Returns the file of that name, creating it if needed (never a new :: entry).
  File* EnterFile(std::string_view name);
  /// GNU make's enter_file: for a name with :: rules, a new entry in the chain.
  File* EnterDoubleColon(std::string_view name);
  void SnapDeps();
  /// Appends .EXTRA_PREREQS to the targets (GNU make 4.3's snap_file).
  void AddExtraPrereqs();
  /// Appends the global .EXTRA_PREREQS to every pattern rule (snap_implicit_rules).
  void AddExtraPrereqsToPatternRules();
  /// The prerequisites named by an .EXTRA_PREREQS variable (none for null).
  std::vector<Dep> ExpandExtraPrereqs(const Variable* v);
  /// Enters one rule read from a makefile (GNU make's record_files).
  void RecordRule(const std::vector<std::string>& targets, const std::string* pattern,
                  const std::string& depstr, const std::string* commands, long cmds_started,
                  bool two_colon, bool grouped, char prefix, const Loc& loc);
  std::vector<Dep> SplitPrereqs(std::string_view text, std::string_view stem);
  std::shared_ptr<Commands> MakeCommands(const std::string& text, const Loc& loc, char prefix);
  void ConvertToPattern();
  void InstallDefaultRules();
  void DefineDefaultVariables();
  void InstallDefaultSuffixRules();
  bool IsSuffixRuleName(const std::string& name);
  bool NewPatternRule(std::unique_ptr<PatternRule> rule, bool override_rule);
  /// GNU make's parse_file_seq: splits `text` into file names ("\\ " escapes a blank), expands
  /// "lib(a b)" into "lib(a) lib(b)" unless `noar`, and globs (archive members too) if `glob`.
  std::vector<std::string> ParseFileSeq(std::string_view text, bool glob, bool* order_only_split,
                                        std::vector<std::string>* order_only, bool noar = false);
  /// -p: prints the data base (rules/database_print.cc) on stdout, as GNU make's die() does.
  void PrintDataBase();

  // ---- graph (graph/) ----
  bool PatternSearch(File* file, bool archive, int depth, int recursions);
  /// GNU make's vpath_search: the name `file` is found under along the vpath directives
  /// (in order) and VPATH, or "". *vpath_index/*path_index (when given): which directive
  /// (VPATH counts as the one after the last) and which of its directories.
  std::string VpathSearch(std::string_view file, Timestamp* mtime,
                          unsigned* vpath_index = nullptr, unsigned* path_index = nullptr);
  void BuildVpathLists();
  bool InGpath(const std::string& found, const std::string& name);
  /// GNU make's rehash_file onto an existing entry: `from`, found through VPATH as
  /// `to_hname`, is merged into `to` (recipe, prerequisites, variables, flags) and renamed.
  void MergeRenamedFile(File* from, File* to, const std::string& to_hname);
  /// Gives `file` its own (empty) target-variable set if it has none yet.
  void EnsureFileVarSet(File* file);
  void SetVpath(std::string_view pattern, std::string_view dirs, bool have_pattern);
  /// GNU make's file_exists_p, archive members included.
  bool FileExists(const std::string& name);
  /// Date of "lib(member)" in its archive, or -1 (GNU make's ar_member_date).
  time_t ArchiveMemberDate(const std::string& name);
  /// The file's modification time (with -L, the newest along a symlink chain).
  Timestamp NameMtime(const std::string& name);
  /// GNU make's library_search for a "-lNAME" prerequisite via .LIBPATTERNS.
  std::string LibrarySearch(const std::string& lib, Timestamp* mtime);
  UpdateStatus UpdateGoalChain(std::vector<File*>& goals, bool makefiles);
  UpdateStatus UpdateFile(File* file, int depth);
  UpdateStatus UpdateFile1(File* file, int depth);
  UpdateStatus CheckDep(File* file, int depth, Timestamp this_mtime, bool* must_make);
  void RemakeFile(File* file);
  void NoticeFinishedFile(File* file);
  void ExpandDeps(File* f);
  void SetFileVariables(File* f);
  bool FileImpossible(std::string_view name) const { return impossible_.contains(AV(name)); }
  void MarkImpossible(std::string_view name) { impossible_.insert(std::string(name)); }
  void RemoveIntermediates(bool sig);
  void SetCommandState(File* f, CmdState s);
  bool TryImplicitRule(File* f, int depth);

  // ---- execution (exec/) ----
  std::vector<std::string> TargetEnvironment(File* f);
  /// GNU make's define_makeflags; `makefiles`: while remaking makefiles (no -n, -q, -t).
  void DefineMakeflags(bool all, bool makefiles = false);
  // The steps of DefineInitialState().
  void DefineStartupVariables();  // the special variables, then the environment
  /// MAKE_TERMOUT/ERR, MAKE_COMMAND, MAKE, the command-line variables' record, the include
  /// path and CURDIR, as GNU make defines them once it has read its command line.
  void DefineInvocationVariables();
  /// GNU make's define_automatic_variables: MAKELEVEL, MAKE_VERSION, SHELL, $(@D) and the like.
  void DefineAutomaticVariables();
  /// -*-command-variables-*- and MAKEOVERRIDES when there are command-line variables; returns
  /// the record ("" without any).
  std::string DefineCommandVariablesRecord();

  // ---- start-up and top level (run.cc) ----
  void DefineCommandLineVariables();
  void EvalCommandLineAssignment(const std::string& arg);
  /// The (expanded) name a command-line assignment "NAME[:+?!]=value" defines.
  std::string CommandLineVariableName(const std::string& arg);
  void PrintDirectory(bool entering);
  int ReadAndBuild();
  int RemakeMakefiles();
  void ReparseMakeflags();
  /// Shows and closes what reading_sync_ holds; later output is the jobs' own.
  void EndReadingSync();
  void UndefineDefaultVariables();

  // ---- what the process around the instance set up (InstanceSetup) ----
  StdStreams io_;
  bool owns_process_ = true;
  const std::vector<int>* visible_fds_ = nullptr;
  bool stdout_failed_ = false;
  /// The build-wide trace (null: not traced) and this instance's number in it (its lane is
  /// 100 + that number).
  BuildTrace* trace_ = nullptr;
  int trace_id_ = 0;
  /// --explain: print why each recipe runs (graph/explain.h); the reasons remake.cc found,
  /// by target, until the recipe's first command starts.
  bool explain_ = false;
  absl::flat_hash_map<File*, RemakeReason> explain_reasons_;
  /// The build logs (exec/build_log.h; null: no log). build_log_file_ set: every record goes
  /// there (--build-log=FILE). Otherwise a target's record goes to .kbmake_log in the
  /// innermost of build_log_dirs_ (the top make's directory before -C, then each make's
  /// directory down to this one) that contains it, else in this make's directory.
  BuildLogs* build_logs_ = nullptr;
  std::string build_log_file_;
  std::vector<std::string> build_log_dirs_;
  /// Entries added to every recipe's environment (how --explain and --build-log reach
  /// sub-makes that are processes; NAME=value, replacing an exported NAME).
  std::vector<std::string> extra_env_;
  int64_t trace_start_ = 0;  // when this instance started (trace clock)
  class GraphCollector* graph_ = nullptr;
  std::string graph_key_, graph_parent_, graph_invoked_by_;
  std::vector<std::string> graph_goals_;
  std::vector<std::pair<std::string, std::string>> graph_external_;
  std::optional<std::string> graph_make_;  // $(MAKE), expanded once
  BuildStatus* status_ = nullptr;  // --status counters (null: off)
  CompDb* compdb_ = nullptr;
  FsCache* fs_ = nullptr;
  ParseCache* parses_ = nullptr;
  std::shared_ptr<ShellMemo> shell_memo_;
  SubmakeFacts* facts_;  // null: this instance is not recorded for the sub-make memo
  std::function<void(int restarts, bool dir_entered)> reexec_hook_;
  std::function<void(const std::string& flags, Options* opts)> makeflags_hook_;
  std::function<std::string(std::string_view cmd, int* status)> shell_hook_;
  std::function<bool(const std::string& file, const std::string& symbol)> load_filter_;
  // "-f -": the temporary file standard input was copied to (GNU make's /tmp/GmXXXXXX).
  std::string stdin_makefile_;
  int db_level_ = 0;  // DebugLevel bits
  bool version_printed_ = false;  // the banner was printed at start (--debug); -p skips it
  std::string argv0_;  // as invoked, for $(MAKE)
  int restarts_ = 0;
  bool dir_entered_ = false;

  // ---- the instance's own state ----
  Options opts_;
  std::string program_;  // basename of argv[0]
  int makelevel_ = 0;
  std::vector<std::string> environ_;
  bool print_directory_ = false;
  bool env_overrides_flag_ = false;
  bool ignore_from_special_ = false, silent_from_special_ = false;
  bool builtin_rules_removed_ = false;
  int makefile_status_ = 0;
  bool clock_skew_detected_ = false;  // a file's time was in the future (warned once)
  File* current_goal_ = nullptr;  // the goal being updated (for show_goal_error)
  std::string makeflags_at_start_;
  VarSet global_;
  SetList global_list_;
  SetList* current_ = &global_list_;
  std::deque<std::unique_ptr<VarSet>> owned_sets_;
  std::deque<std::unique_ptr<SetList>> owned_lists_;
  std::deque<std::string> file_names_;  // owns Loc::file strings
  const Loc* reading_loc_ = nullptr;    // location of the statement being evaluated
  const Loc* expanding_loc_ = nullptr;  // location of the variable being expanded
  char cmd_prefix_ = '\t';
  bool export_all_ = false;
  bool second_expansion_ = false;
  bool one_shell_ = false;
  bool posix_ = false;
  bool not_parallel_ = false;
  bool all_precious_ = false, all_secondary_ = false, ignore_all_ = false, silent_all_ = false;
  bool delete_on_error_ = false;
  int expansion_depth_ = 0;
  int max_expansion_depth_ = 20000;
  int call_args_max_ = 0;
  bool print_directory_around_run_ = true;
  /// --output-sync: while set, make's own messages about a job (its command lines, errors,
  /// $(info) during its expansion) go to the job's temporary files instead of stdout/stderr.
  const OutputContext* output_ctx_ = nullptr;
  /// --output-sync=line/target: what reading the makefiles prints ($(info), $(shell)'s
  /// stderr, warnings, a fatal error) is held and shown as one block (GNU's make_sync).
  OutputContext reading_sync_;
  bool reading_sync_open_ = false;
  bool reading_makefiles_ = true;
  bool updating_makefiles_ = false;
  std::string starting_dir_;

  absl::flat_hash_map<std::string, std::unique_ptr<File>> files_;
  std::vector<File*> file_order_;
  std::vector<File*> cmd_goals_;  // the command line's goals, as entered
  struct FileRehash {
    size_t entered;  // file_order_.size() when it happened
    File* file;
    std::string name;
    bool merged = false;  // the file left the table, merged into the entry of that name
  };
  std::vector<FileRehash> file_rehashes_;
  std::vector<std::unique_ptr<File>> extra_files_;  // :: chain members
  std::vector<std::unique_ptr<PatternRule>> pattern_rules_;
  std::vector<PatternVar> pattern_vars_;  // sorted by pattern length, stable
  absl::flat_hash_set<std::string> impossible_;
  File* default_file_ = nullptr;  // .DEFAULT
  File* suffix_file_ = nullptr;   // .SUFFIXES
  Variable* default_goal_var_ = nullptr;
  std::vector<ReadMakefile> read_makefiles_;  // for remaking
  struct MissingInclude {
    std::string name;
    Loc loc;
    int err;
  };
  std::vector<MissingInclude> missing_includes_;
  std::unique_ptr<LoadedObjects> loaded_;
  std::vector<std::string> include_search_path_;
  std::vector<VpathEntry> vpaths_;
  std::vector<std::string> general_vpath_;
  DirCache dir_cache_;

  std::unique_ptr<JobRunner> jobs_;
  int commands_started_ = 0;
  bool any_failed_ = false;
  int considered_ = 0;
  bool handling_fatal_ = false;
  std::string shell_env_value_;  // SHELL from the original environment
  bool shell_from_env_ = false;   // the environment had SHELL (even empty)
  int shell_status_ = 0;
};

/// Sends make's messages to `ctx` (unless null) while in scope (Make::output_ctx_).
class ScopedOutputContext {
 public:
  ScopedOutputContext(Make* m, const OutputContext* ctx) : m_(m), saved_(m->output_ctx_) {
    if (ctx != nullptr) m_->output_ctx_ = ctx;
  }
  ~ScopedOutputContext() { m_->output_ctx_ = saved_; }
  ScopedOutputContext(const ScopedOutputContext&) = delete;
  ScopedOutputContext& operator=(const ScopedOutputContext&) = delete;

 private:
  Make* m_;
  const OutputContext* saved_;
};

}  // namespace kbmake

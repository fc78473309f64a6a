// Make::Run: the order of GNU make's main(): variables from the environment and command line,
// reading, remaking makefiles (with re-exec), and updating the goals.
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "kbmake/base/strutil.h"
#include "parser/assignment.h"
#include "kbmake/exec/build_trace.h"
#include "kbmake/exec/status.h"
#include "kbmake/exec/jobs.h"
#include "kbmake/make.h"

namespace kbmake {
namespace {

std::string GetCwd() {
  char buf[PATH_MAX];
  if (getcwd(buf, sizeof buf) == nullptr) return ".";
  return buf;
}

/// Doubles every '$' (text stored in a recursive variable that must expand to itself).
std::string EscapeDollars(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '$') out.push_back('$');
    out.push_back(c);
  }
  return out;
}

/// GNU make's quote_for_env: `$` doubled, blanks and backslashes backslash-quoted.
std::string QuoteForEnv(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '$') {
      out.push_back('$');
    } else if (c == ' ' || c == '\t' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

void Make::DefineMakeflags(bool all, bool makefiles) {
  std::string letters;
  auto add = [&](bool on, char c) {
    if (on) letters.push_back(c);
  };
  add(opts_.always_make, 'B');
  add(opts_.debug_all, 'd');
  add(opts_.env_overrides, 'e');
  add(opts_.ignore_errors && !ignore_from_special_, 'i');
  add(opts_.keep_going, 'k');
  add(opts_.check_symlinks, 'L');
  add(opts_.dry_run && !makefiles, 'n');
  add(opts_.print_data_base, 'p');
  add(opts_.question && !makefiles, 'q');
  add(opts_.no_builtin_rules, 'r');
  add(opts_.no_builtin_vars, 'R');
  add(opts_.silent && !silent_from_special_, 's');
  add(opts_.touch && !makefiles, 't');
  add(opts_.print_directory, 'w');
  // Options with arguments and the command-line variables are only added once the
  // makefiles have been read (GNU make's define_makeflags(all=1)).
  std::string args;
  if (all) {
    for (const std::string& d : opts_.include_dirs) args += " -I" + d;
    if (opts_.jobs != 1 || opts_.jobs_given)
      args += opts_.jobs == 0 ? " -j" : " -j" + std::to_string(opts_.jobs);
    if (opts_.max_load >= 0) {
      char buf[32];
      snprintf(buf, sizeof buf, "%g", opts_.max_load);
      args += std::string(" -l") + buf;
    }
    if (!opts_.output_sync.empty()) args += " -O" + opts_.output_sync;
    if (!opts_.debug.empty()) args += " --debug=" + opts_.debug;
    std::string auth = jobs_->JobserverAuth();
    if (!auth.empty()) args += " --jobserver-auth=" + auth;
  }
  if (opts_.trace) args += " --trace";
  if (opts_.no_print_directory) args += " --no-print-directory";
  if (opts_.warn_undefined) args += " --warn-undefined-variables";
  // A string option: only with the others that take an argument (once the makefiles are read).
  if (all && !opts_.sync_mutex.empty()) args += " --sync-mutex=" + opts_.sync_mutex;
  // MAKEFLAGS and MFLAGS are recursive, as in GNU make (-p shows them so): '$' is doubled.
  args = EscapeDollars(args);
  std::string flags = letters + args;
  std::string mflags = letters.empty() ? std::string(TrimLeft(args)) : "-" + letters + args;
  // --eval strings reach sub-makes too (GNU make 4.3 lists them last, from the start),
  // through a simple variable so that they are not expanded with MAKEFLAGS.
  std::string evals;
  for (const std::string& e : opts_.evals) {
    evals += (evals.empty() ? "--eval=" : " --eval=") + QuoteForEnv(e);
  }
  if (!evals.empty()) {
    DefineGlobal("-*-eval-flags-*-", evals, Origin::kAutomatic, false);
    flags += " $(-*-eval-flags-*-)";
  }
  DefineCommandVariablesRecord();
  if (all) {
    // MAKEFLAGS ends with "-- $(MAKEOVERRIDES)": a makefile that empties MAKEOVERRIDES
    // keeps its command-line variables from sub-makes.
    // In POSIX mode GNU make refers to the command-line variables themselves. Either is
    // referred to when its value as written is not empty (a sub-make under -e inherits
    // MAKEOVERRIDES=${-*-command-variables-*-} and keeps a "-- " with nothing after it).
    const char* ref = posix_ ? "-*-command-variables-*-" : "MAKEOVERRIDES";
    Variable* mo = Lookup(ref);
    if (mo != nullptr && !mo->value.empty()) flags += std::string(" -- $(") + ref + ")";
  }
  Variable* old = global_.Lookup("MAKEFLAGS");
  bool unexported = old && old->export_mode == ExportMode::kNoExport;
  Origin origin = opts_.env_overrides ? Origin::kEnvOverride : Origin::kFile;  // as GNU make
  Variable* v = DefineGlobal("MAKEFLAGS", flags, origin, true);
  v->export_mode = unexported ? ExportMode::kNoExport : ExportMode::kExport;
  makeflags_at_start_ = flags;
  Variable* mf = DefineGlobal("MFLAGS", mflags, Origin::kEnv, true);  // GNU make's origin
  if (mf->export_mode == ExportMode::kDefault) mf->export_mode = ExportMode::kExport;
}

std::string Make::DefineCommandVariablesRecord() {
  // GNU make records a command-line variable once (X=1 both in MAKEFLAGS and on the command
  // line of a sub-make), at its first place, with its last definition.
  std::vector<std::string> unique;
  for (const std::string& a : opts_.cmdline_vars) {
    auto name = [](const std::string& d) {
      std::string n = d.substr(0, d.find('='));
      while (!n.empty() && strchr(":+?! \t", n.back())) n.pop_back();
      return n;
    };
    auto it = std::find_if(unique.begin(), unique.end(),
                           [&](const std::string& u) { return name(u) == name(a); });
    if (it == unique.end()) {
      unique.push_back(a);
    } else {
      *it = a;
    }
  }
  // As GNU make: each command-line variable as it is now, "name=value" (recursive) or
  // "name:=value", both quoted (so "V:=a$$b" is passed on as its value, "V:=a$$b").
  std::string vars;
  for (auto it = unique.rbegin(); it != unique.rend(); ++it) {
    if (!vars.empty()) vars.push_back(' ');
    Variable* cv = global_.Lookup(CommandLineVariableName(*it));
    if (cv != nullptr && cv->origin == Origin::kCommand) {
      vars += QuoteForEnv(cv->name) + (cv->recursive ? "=" : ":=") + QuoteForEnv(cv->value);
    } else {
      vars += QuoteForEnv(*it);
    }
  }
  if (!vars.empty()) {
    DefineGlobal("-*-command-variables-*-", vars, Origin::kAutomatic, false);
    if (global_.Lookup("MAKEOVERRIDES") == nullptr) {
      DefineGlobal("MAKEOVERRIDES", "${-*-command-variables-*-}", Origin::kEnv, true);
    }
  }
  return vars;
}

void Make::DefineStartupVariables() {
  // In GNU make 4.3's order of creation (main.c), which decides the order of its variable
  // table's slots ($(.VARIABLES), -p): the special variables, then the environment.
  Variable* vv = DefineGlobal(".VARIABLES", "", Origin::kDefault, false);
  vv->special = true;
  DefineGlobal(".RECIPEPREFIX", "", Origin::kDefault, false);
  DefineGlobal(".SHELLFLAGS", "-c", Origin::kDefault, false);
  DefineGlobal(".LOADED", "", Origin::kDefault, false);
  DefineGlobal(".FEATURES",
               "target-specific order-only second-expansion else-if shortest-stem undefine "
               "oneshell nocomment grouped-target extra-prereqs archives jobserver output-sync "
               "check-symlink load",
               Origin::kDefault, false);
  for (const std::string& e : environ_) {
    size_t eq = e.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    std::string name = e.substr(0, eq);
    std::string value = e.substr(eq + 1);
    ExportMode mode = ExportMode::kExport;
    if (name == "SHELL") {
      // Recipes get this SHELL, not the makefile's (POSIX); the variable itself becomes
      // make's own below.
      shell_from_env_ = true;
      shell_env_value_ = value;
    } else if (name == "MAKE_RESTARTS") {
      if (!value.empty() && value[0] == '-') value.erase(0, 1);  // "directory line printed"
      mode = ExportMode::kNoExport;
    }
    // MAKELEVEL, MAKEFLAGS and MFLAGS from the environment are replaced by make's own
    // values below, in the slots they were created in.
    Variable* v = DefineStartupEnvVariable(name, std::move(value));
    v->export_mode = mode;
  }
  // GNU make empties GNUMAKEFLAGS once decoded, so it is not passed on twice (and again,
  // by override, after reading the makefiles).
  DefineGlobal("GNUMAKEFLAGS", "", Origin::kEnv, false);
}

void Make::DefineInvocationVariables() {
  // After the command line: whether the output goes to a terminal, how make was invoked,
  // the command-line variables for sub-makes, the include path and the directory.
  auto terminal = [&](int fd, const char* name) {
    if (!isatty(fd) || global_.Lookup(name) != nullptr) return;
    const char* tty = ttyname(fd);
    DefineGlobal(name, tty ? tty : "true", Origin::kDefault, false)->export_mode =
        ExportMode::kExport;
  };
  terminal(io_.out, "MAKE_TERMOUT");
  terminal(io_.err, "MAKE_TERMERR");
  DefineGlobal("MAKE_COMMAND", argv0_, Origin::kDefault, false);
  DefineGlobal("MAKE", "$(MAKE_COMMAND)", Origin::kDefault, true);
  DefineCommandVariablesRecord();
  ConstructIncludePath();
  DefineGlobal("CURDIR", starting_dir_, Origin::kFile, false);
}

void Make::DefineAutomaticVariables() {
  // GNU make's define_automatic_variables.
  DefineGlobal("MAKELEVEL", std::to_string(makelevel_), Origin::kEnv, false);
  DefineGlobal("MAKE_VERSION", "4.3", Origin::kDefault, false);
  DefineGlobal("MAKE_HOST", "x86_64-pc-linux-gnu", Origin::kDefault, false);
  // SHELL never comes from the environment: an imported one becomes a makefile variable
  // with make's default value (keeping its recursive flavor); otherwise it is a default.
  Variable* sh = DefineGlobal("SHELL", "/bin/sh", Origin::kDefault, false);
  if (sh->value.empty() || sh->origin == Origin::kEnv || sh->origin == Origin::kEnvOverride) {
    sh->origin = Origin::kFile;
    sh->value = "/bin/sh";
  }
  sh->export_mode = ExportMode::kDefault;
  DefineGlobal("MAKEFILES", "", Origin::kDefault, false);
  for (const char* a : {"@", "%", "*", "<", "?", "^", "+"})
    DefineGlobal(std::string(a) + "D", "$(patsubst %/,%,$(dir $" + std::string(a) + "))",
                 Origin::kAutomatic, true);
  for (const char* a : {"@", "%", "*", "<", "?", "^", "+"})
    DefineGlobal(std::string(a) + "F", "$(notdir $" + std::string(a) + ")", Origin::kAutomatic,
                 true);
}

void Make::DefineCommandLineVariables() {
  // GNU make defines them, and enters the goals, as it decodes the command line.
  for (const std::string& a : opts_.cmdline_vars) EvalCommandLineAssignment(a);
  std::string goals_text;
  for (const std::string& g : opts_.goals) {
    if (g.empty()) Fatal(nullptr, "empty string invalid as file name");
    if (!goals_text.empty()) goals_text.push_back(' ');
    // GNU's expand_command_line_file: "~" expanded, a leading "./" dropped (EnterFile).
    File* gf = EnterFile(g[0] == '~' ? ExpandTilde(g) : g);
    gf->mentioned = true;
    cmd_goals_.push_back(gf);
    goals_text += gf->name;
    gf->cmd_target = true;
    gf->builtin = false;  // entered as in GNU make's enter_file (-p)
  }
  // Without goals on the command line MAKECMDGOALS stays undefined.
  if (!opts_.goals.empty()) DefineGlobal("MAKECMDGOALS", goals_text, Origin::kDefault, false);
}

void Make::PrintDirectory(bool entering) {
  if (!print_directory_) return;
  // With -p GNU make comments these lines out, as the rest of the data base dump.
  std::string msg = (opts_.print_data_base ? "# " : "") + Prefix() + ": " +
                    (entering ? "Entering" : "Leaving") + " directory '" +
                    starting_dir_ + "'\n";
  WriteFd(io_.out, msg);
}

void Make::DefineInitialState() {
  // The order of GNU make 4.3's main(): it decides which variables and files exist when
  // each definition is expanded, and the slots of GNU's hash tables.
  DefineStartupVariables();
  DefineCommandLineVariables();
  DefineInvocationVariables();
  InstallDefaultSuffixRules();
  DefineAutomaticVariables();
  DefineMakeflags(false);
  DefineDefaultVariables();
  default_file_ = EnterFile(".DEFAULT");
  default_goal_var_ = DefineGlobal(".DEFAULT_GOAL", "", Origin::kFile, false);
}

int Make::Run() {
  starting_dir_ = GetCwd();
  dir_cache_.SetShared(fs_, &starting_dir_);
  if (trace_ != nullptr) {
    trace_start_ = trace_->Now();
    trace_id_ = trace_->NewInstance(starting_dir_, makelevel_);
  }
  // Joining the jobserver comes first: its "jobserver unavailable" warning is printed before
  // any "Entering directory" line, as in GNU make.
  jobs_->Configure(opts_.jobs == 0 ? 0 : opts_.jobs, opts_.jobserver_auth, visible_fds_);
  // GNU make 4.3: --no-print-directory cancels -w; -C and sub-makes imply -w unless -s.
  if (opts_.no_print_directory) {
    opts_.print_directory = false;
  } else if (!opts_.silent && (!opts_.directories.empty() || makelevel_ > 0)) {
    opts_.print_directory = true;
  }
  print_directory_ = opts_.print_directory;
  // --status=term on a terminal: like ninja, a job's output is held until it ends, so it
  // starts on a line of its own below the updating status line.
  if (status_ != nullptr && status_->one_line() && opts_.output_sync.empty()) {
    jobs_->ConfigureOutputSync("target", true);
  } else {
    jobs_->ConfigureOutputSync(opts_.output_sync, opts_.jobs != 1);
  }
  // With --output-sync=line/target a sub-make's directory lines wrap each block of output.
  if (jobs_->SyncWrapsDirectory()) print_directory_around_run_ = false;
  // GNU make 4.3 holds the output of reading the makefiles with -Oline/-Otarget, even
  // without -j; -w's directory lines then wrap that block.
  if (opts_.output_sync == "line" || opts_.output_sync == "target") {
    jobs_->OpenSyncFiles(&reading_sync_);
    output_ctx_ = &reading_sync_;
    reading_sync_open_ = true;
    print_directory_around_run_ = false;
  }
  InstallSignalHandlers();
  int status = 0;
  bool entered = false;
  try {
    entered = true;
    DefineInitialState();
    status = ReadAndBuild();
  } catch (const FatalError& e) {
    if (!e.message.empty()) {
      if (reading_sync_open_) {
        WriteOutput(true, e.message + "\n");
      } else {
        EnsureEntered();
        WriteFd(io_.err, e.message + "\n");
      }
    }
    EndReadingSync();
    status = e.status;
    try {
      jobs_->WaitAll(true);
    } catch (const FatalError& e2) {
      if (!e2.message.empty()) WriteFd(io_.err, e2.message + "\n");
    }
    RemoveIntermediates(false);
  }
  if (opts_.print_data_base) PrintDataBase();  // as GNU make's die()
  if (entered && dir_entered_) PrintDirectory(false);
  if (trace_ != nullptr) {
    trace_->Event(Prefix() + " " + starting_dir_, "make", trace_start_, trace_->Now(),
                  100 + trace_id_, {{"directory", starting_dir_}, {"status", std::to_string(status)}});
  }
  return status;
}

}  // namespace kbmake

namespace kbmake {

namespace {

/// Where the name of a command-line assignment ends and its flavor.
}  // namespace

std::string Make::CommandLineVariableName(const std::string& arg) {
  VarDef def;
  if (!ParseVariableDefinition(arg, 0, &def)) return "";
  return Expand(arg.substr(def.name_begin, def.name_end - def.name_begin));
}

void Make::EvalCommandLineAssignment(const std::string& arg) {
  // GNU make's try_variable_definition with command-line origin: the makefile parser's
  // assignment detection, the name expanded (and not empty).
  VarDef def;
  if (!ParseVariableDefinition(arg, 0, &def)) return;
  std::string name = Expand(arg.substr(def.name_begin, def.name_end - def.name_begin));
  if (name.empty()) Fatal(nullptr, "empty variable name");
  std::string value(TrimLeft(std::string_view(arg).substr(def.value_begin)));
  DoVariableDefinition(nullptr, name, value, Origin::kCommand, def.flavor, false);
}

int Make::ReadAndBuild() {
  // --eval strings come before any makefile.
  for (const std::string& e : opts_.evals) {
    Loc none;
    (void)none;
    EvalString(e, nullptr);
  }
  // GNU make's read_all_makefiles: MAKEFILE_LIST exists even if no makefile is read.
  DefineGlobal("MAKEFILE_LIST", "", Origin::kFile, false);
  Debug(kDbBasic, 0, "Reading makefiles...");
  // MAKEFILES from the environment.
  if (Variable* mfs = Lookup("MAKEFILES"); mfs && !mfs->value.empty()) {
    const std::string names = Expand(mfs->value);  // the words below point into it
    for (auto w : SplitWords(names)) {
      int err;
      EvalMakefile(std::string(w), kRmIncluded | kRmDontCare | kRmNoDefaultGoal, &err);
    }
  }
  if (!opts_.makefiles.empty()) {
    for (const std::string& f : opts_.makefiles) {
      int err = 0;
      if (!EvalMakefile(f, 0, &err)) {
        Error(nullptr, f + ": " + strerror(err));
      }
    }
  } else {
    // GNU make's file_exists_p: the names are looked up in its snapshot of the directory,
    // which this reads (later $(wildcard)s see "." as it was now), and a dangling symlink
    // is a makefile that cannot be read.
    for (const char* name : {"GNUmakefile", "makefile", "Makefile"}) {
      if (dir_cache_.Exists(name)) {
        int err = 0;
        if (!EvalMakefile(name, 0, &err)) Error(nullptr, std::string(name) + ": " + strerror(err));
        break;
      }
    }
  }
  reading_makefiles_ = false;
  if (trace_ != nullptr) {
    trace_->Event("read makefiles", "make", trace_start_, trace_->Now(), 100 + trace_id_,
                  {{"directory", starting_dir_}});
  }
  DefineGlobal("GNUMAKEFLAGS", "", Origin::kOverride, false);
  // MAKEFLAGS may have been changed by the makefiles.
  ReparseMakeflags();
  // -R implies -r only when given at start (cli/); from MAKEFLAGS in a makefile it does not.
  if (opts_.no_builtin_rules && !builtin_rules_removed_) {
    if (suffix_file_ && suffix_file_->builtin_deps) suffix_file_->deps.clear();
    DefineGlobal("SUFFIXES", "", Origin::kDefault, false);
    builtin_rules_removed_ = true;
  }
  if (opts_.no_builtin_vars) UndefineDefaultVariables();
  FinishReading();
  for (const std::string& o : opts_.old_files) {
    File* f = EnterFile(o);
    f->mentioned = true;
    f->last_mtime = f->mtime_before_update = kOldTime;
    f->updated = true;
    f->update_status = UpdateStatus::kSuccess;
    f->command_state = CmdState::kFinished;
  }
  // -W files: after a re-exec they count only for the goals, not for remaking the makefiles
  // again (GNU make's main), or a makefile depending on one would be remade forever.
  auto apply_new_files = [&] {
    for (const std::string& w : opts_.new_files) {
      File* f = EnterFile(w);
      f->mentioned = true;
      f->last_mtime = f->mtime_before_update = kNewTime;
    }
  };
  if (restarts_ == 0) apply_new_files();
  DefineMakeflags(true);
  EndReadingSync();
  int remade = RemakeMakefiles();
  if (remade != 0) return remade;
  if (restarts_ > 0) apply_new_files();
  // The goals.
  std::vector<File*> goals = cmd_goals_;
  if (goals.empty()) {
    std::string dg = default_goal_var_ ? Expand("$(.DEFAULT_GOAL)") : "";
    // A file of exactly that name first (a first target "a\ b" leaves "a b"), else GNU
    // make's PARSE_SIMPLE_SEQ: names end at blanks; "./" stripped, globs and archive
    // members expanded, as for any target list.
    File* whole = dg.empty() ? nullptr : LookupFile(dg);
    std::vector<std::string> words;
    if (whole != nullptr) {
      goals.push_back(whole);
    } else {
      words = ParseFileSeq(dg, true, nullptr, nullptr);
    }
    if (words.size() > 1) Fatal(nullptr, ".DEFAULT_GOAL contains more than one target");
    if (!words.empty()) goals.push_back(EnterFile(words[0]));
  }
  if (goals.empty()) {
    if (read_makefiles_.empty()) Fatal(nullptr, "No targets specified and no makefile found");
    Fatal(nullptr, "No targets");
  }
  for (File* g : goals) graph_goals_.push_back(g->name);
  Debug(kDbBasic, 0, "Updating goal targets....");
  UpdateStatus st = UpdateGoalChain(goals, false);
  jobs_->WaitAll(false);
  if (clock_skew_detected_) {
    Error(nullptr, "warning:  Clock skew detected.  Your build may be incomplete.");
  }
  RemoveIntermediates(false);
  switch (st) {
    case UpdateStatus::kQuestion:
      return 1;
    case UpdateStatus::kFailed:
      return 2;
    default:
      return makefile_status_;
  }
}

int Make::RemakeMakefiles() {
  std::vector<File*> mfiles;
  std::vector<Timestamp> mtimes;
  std::vector<const ReadMakefile*> rms;
  // No makefile at all: GNU make tries to make the default ones (quietly), and re-executes if
  // one of them was made.
  std::vector<ReadMakefile> defaults;
  if (read_makefiles_.empty() && opts_.makefiles.empty()) {
    for (const char* name : {"GNUmakefile", "makefile", "Makefile"})
      defaults.push_back(ReadMakefile{name, kRmDontCare, 0});
  }
  if (!read_makefiles_.empty() || !defaults.empty()) Debug(kDbBasic, 0, "Updating makefiles....");
  for (const ReadMakefile& rm : defaults) {
    File* f = EnterFile(rm.name);
    f->dontcare = true;
    mfiles.push_back(f);
    mtimes.push_back(NameMtime(f->name));
    rms.push_back(&rm);
  }
  for (auto it = read_makefiles_.rbegin(); it != read_makefiles_.rend(); ++it) {
    const ReadMakefile& rm = *it;
    // The copy of a "-f -" makefile is never remade (GNU make marks it updated).
    if (!stdin_makefile_.empty() && rm.name == stdin_makefile_) continue;
    File* f = LookupFile(rm.name);
    if (f == nullptr) continue;
    bool loops = false;
    for (File* g = f->double_colon; g; g = g->prev)
      if (g->deps.empty() && g->cmds) loops = true;
    if (loops) continue;
    if (std::find(mfiles.begin(), mfiles.end(), f) != mfiles.end()) continue;
    f->dontcare = (rm.flags & kRmDontCare) != 0;
    mfiles.push_back(f);
    mtimes.push_back(NameMtime(f->name));
    // GNU make looks at its mtime before remaking (file_mtime_no_search), which also caches
    // it and un-marks an existing file as intermediate (-p shows both).
    if (f->last_mtime == kUnknownTime) FileMtime(f, false);
    rms.push_back(&rm);
  }
  if (mfiles.empty()) return 0;
  for (File* f : mfiles) f->ignore_vpath = true;
  updating_makefiles_ = true;
  bool always = opts_.always_make;
  if (restarts_ > 0) opts_.always_make = false;  // -B remakes makefiles only once
  // Makefiles are traced only with --debug=m.
  int db_level = db_level_;
  if (!(db_level_ & kDbMakefiles)) db_level_ = 0;
  DefineMakeflags(true, true);  // as GNU make: without -n, -q, -t while remaking makefiles
  UpdateStatus status = UpdateGoalChain(mfiles, true);
  jobs_->WaitAll(false);
  db_level_ = db_level;
  opts_.always_make = always;
  updating_makefiles_ = false;
  for (size_t i = 0; i < defaults.size(); ++i) mfiles[i]->dontcare = false;
  bool reexec = false;
  switch (status) {
    case UpdateStatus::kQuestion:
    case UpdateStatus::kNone:
      break;
    case UpdateStatus::kFailed: {
      bool any_remade = false, any_failed = false;
      for (size_t i = 0; i < mfiles.size(); ++i) {
        File* f = mfiles[i];
        int flags = rms[i]->flags;
        if (f->updated) {
          if (f->update_status == UpdateStatus::kSuccess) {
            any_remade |= NameMtime(f->name) != mtimes[i];
          } else if (!(flags & kRmDontCare)) {
            Error(nullptr, "Failed to remake makefile '" + f->name + "'.");
            Timestamp m = NameMtime(f->name);
            any_remade |= m != kNonexistentTime && m != mtimes[i];
            makefile_status_ = 2;
          }
        } else if (!(flags & kRmDontCare)) {
          if (flags & kRmIncluded) {
            Error(nullptr, "Included makefile '" + f->name + "' was not found.");
          } else {
            Error(nullptr, "Makefile '" + f->name + "' was not found");
            any_failed = true;
          }
        }
      }
      if (any_remade) {
        reexec = true;
        break;
      }
      if (any_failed) return 2;
      break;
    }
    case UpdateStatus::kSuccess:
      reexec = true;
      break;
  }
  if (!reexec) {
    DefineMakeflags(true);
    return 0;
  }
  RemoveIntermediates(false);
  if (opts_.print_data_base) PrintDataBase();  // GNU make prints it before re-executing too
  if (reexec_hook_) reexec_hook_(restarts_ + 1, dir_entered_);
  return 0;
}

void Make::EndReadingSync() {
  if (!reading_sync_open_) return;
  reading_sync_open_ = false;
  if (output_ctx_ == &reading_sync_) output_ctx_ = nullptr;
  jobs_->CloseSyncFiles(&reading_sync_);
  print_directory_around_run_ = !jobs_->SyncWrapsDirectory();
}

void Make::ReparseMakeflags() {
  Variable* v = global_.Lookup("MAKEFLAGS");
  if (v == nullptr || (v->origin != Origin::kFile && v->origin != Origin::kEnvOverride) ||
      v->value == makeflags_at_start_) {
    return;
  }
  std::string val = v->recursive ? Expand(v->value) : v->value;
  size_t nvars = opts_.cmdline_vars.size();
  const int old_jobs = opts_.jobs;
  const bool old_jobs_given = opts_.jobs_given;
  opts_.jobs_given = false;
  if (makeflags_hook_) makeflags_hook_(val, &opts_);
  if (!opts_.jobs_given || opts_.jobs_on_command_line) {
    // -j not set by the makefile, or set on the command line, which wins (GNU's argv_slots).
    opts_.jobs = old_jobs;
    opts_.jobs_given = old_jobs_given;
  } else {
    // GNU make 4.3 sets up its jobserver only now, with the makefile's -jN; a sub-make
    // leaves its parent's jobserver for a group of its own.
    if (!opts_.jobserver_auth.empty()) {
      if (restarts_ == 0) {
        Error(nullptr, "warning: -j" + std::to_string(opts_.jobs) +
                           " forced in makefile: resetting jobserver mode.");
      }
      opts_.jobserver_auth.clear();
    }
    jobs_->ForceJobSlots(opts_.jobs);
    if (status_ == nullptr || !status_->one_line() || !opts_.output_sync.empty())
      jobs_->ConfigureOutputSync(opts_.output_sync, opts_.jobs != 1);
  }
  // Variable assignments found there become command-line variables (exported as such), but
  // GNU make does not pass them on in MAKEFLAGS or MAKEOVERRIDES.
  for (size_t i = nvars; i < opts_.cmdline_vars.size(); ++i)
    EvalCommandLineAssignment(opts_.cmdline_vars[i]);
  opts_.cmdline_vars.resize(nvars);
  // -w added by the makefile takes effect now (the message comes with the next output).
  if (opts_.print_directory && !print_directory_ && !opts_.no_print_directory) {
    print_directory_ = true;
  }
}

void Make::FinishReading() {
  SnapDeps();
  ConvertToPattern();
  InstallDefaultRules();
  AddExtraPrereqsToPatternRules();
  BuildVpathLists();
}

}  // namespace kbmake

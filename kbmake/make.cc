// The make instance's top level: start-up variables, reading, remaking makefiles, updating
// goals, and the environment and MAKEFLAGS given to recipes.
#include "kbmake/make.h"
#include "kbmake/base/bigstack.h"

#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "kbmake/base/strutil.h"
#include "kbmake/exec/build_log.h"
#include "kbmake/eval/load_object.h"
#include "kbmake/exec/build_trace.h"
#include "kbmake/exec/status.h"
#include "kbmake/exec/command.h"
#include "kbmake/exec/jobs.h"
#include "kbmake/exec/process.h"
#include "kbmake/exec/shell_memo.h"
#include "kbmake/exec/submake_memo.h"

namespace kbmake {
namespace {
/// The room a make's global variable set and file table have at first.
constexpr size_t kInitialTableSize = 1024;
}  // namespace

Make::Make(Options o, std::string prog, int level, std::vector<std::string> env,
           std::unique_ptr<ProcessRunner> runner, InstanceSetup setup)
    : io_(setup.io),
      owns_process_(setup.owns_process),
      visible_fds_(setup.visible_fds),
      trace_(setup.trace),
      explain_(setup.explain),
      build_logs_(setup.build_logs),
      build_log_file_(std::move(setup.build_log_file)),
      build_log_dirs_(std::move(setup.build_log_dirs)),
      extra_env_(std::move(setup.extra_env)),
      graph_(setup.graph),
      graph_key_(std::move(setup.graph_key)),
      graph_parent_(std::move(setup.graph_parent)),
      graph_invoked_by_(std::move(setup.graph_invoked_by)),
      status_(setup.status),
      compdb_(setup.compdb),
      fs_(setup.fs),
      parses_(setup.parses),
      shell_memo_(std::move(setup.shell_memo)),
      facts_(setup.facts),
      reexec_hook_(std::move(setup.reexec_hook)),
      makeflags_hook_(std::move(setup.makeflags_hook)),
      stdin_makefile_(std::move(setup.stdin_makefile)),
      db_level_(setup.db_level),
      version_printed_(setup.version_printed),
      argv0_(std::move(setup.argv0)),
      restarts_(setup.restarts),
      dir_entered_(setup.dir_entered),
      opts_(std::move(o)),
      program_(std::move(prog)),
      makelevel_(level),
      environ_(std::move(env)) {
  global_list_.set = &global_;
  global_.set_gnu_buckets(523);  // GNU make's VARIABLE_BUCKETS
  // A sub-make of a Kbuild tree ends with thousands of variables and files: the tables start
  // with room for many, instead of being rehashed about six times each (1.6% of a warm Linux
  // null build). Only the lookup tables: no order depends on their capacity.
  global_.Reserve(kInitialTableSize);
  files_.reserve(kInitialTableSize);
  jobs_ = std::make_unique<JobRunner>(this, std::move(runner));
  if (facts_ != nullptr) dir_cache_.SetObserver(facts_);
}

void Make::NotRememberable(std::string_view why) {
  if (facts_ != nullptr) facts_->Refuse(why);
}

Make::~Make() = default;

std::string Make::Prefix() const {
  if (makelevel_ == 0) return program_;
  return program_ + "[" + std::to_string(makelevel_) + "]";
}

const std::string* Make::InternFileName(std::string_view name) {
  for (const std::string& s : file_names_)
    if (s == name) return &s;
  file_names_.emplace_back(name);
  return &file_names_.back();
}

void Make::Fatal(const Loc* loc, std::string_view msg) {
  std::string s;
  if (loc && loc->valid()) {
    s = *loc->file + ":" + std::to_string(loc->line) + ": *** ";
  } else {
    s = Prefix() + ": *** ";
  }
  s += msg;
  s += ".  Stop.";
  PrepareStackForThrow();
  throw FatalError{s, 2};
}

void Make::WriteFd(int fd, std::string_view text) {
  if (!text.empty()) NotRememberable("wrote output");
  if (!WriteAll(fd, text) && fd == io_.out) stdout_failed_ = true;
}

std::string Make::GetEnv(std::string_view name) const {
  std::string storage;
  const std::string* v = EnvValue(environ_, std::string(name), &storage);
  return v != nullptr ? *v : "";
}

namespace {

/// The home directory of `user` from the password database, or "" if there is none.
std::string UserHome(const std::string& user) {
  struct passwd pw;
  struct passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr)
    return "";
  return pw.pw_dir != nullptr ? pw.pw_dir : "";
}

}  // namespace

std::string Make::ExpandTilde(std::string name) {
  if (name.empty() || name[0] != '~') return name;  // the common case: no lookup
  // GNU make's tilde_expand.
  if (name.size() == 1 || name[1] == '/') {
    // "~": the make variable HOME (expanded, without undefined-variable warnings), else the
    // environment's, else the login name's home directory.
    const bool warn = opts_.warn_undefined;
    opts_.warn_undefined = false;
    std::string home = Expand("$(HOME)");
    opts_.warn_undefined = warn;
    if (home.empty()) home = GetEnv("HOME");
    if (home.empty()) {
      char login[256];
      NotRememberable("read the password database");
      if (getlogin_r(login, sizeof login) == 0) home = UserHome(login);
    }
    return home.empty() ? name : home + name.substr(1);
  }
  // "~user" and "~user/rest": that user's home directory, if the user exists.
  NotRememberable("read the password database");
  const size_t slash = name.find('/');
  std::string home = UserHome(name.substr(1, slash == std::string::npos ? std::string::npos
                                                                         : slash - 1));
  if (home.empty()) return name;
  return slash == std::string::npos ? home : home + "/" + name.substr(slash + 1);
}

void Make::Error(const Loc* loc, std::string_view msg) {
  std::string s;
  if (loc && loc->valid()) {
    s = *loc->file + ":" + std::to_string(loc->line) + ": ";
  } else {
    s = Prefix() + ": ";
  }
  s += msg;
  s += "\n";
  WriteOutput(true, s);
}

void Make::Debug(int level, int depth, const std::string& msg) {
  if (!(db_level_ & level)) return;
  std::string line(depth, ' ');
  line += msg;
  line.push_back('\n');
  WriteFd(io_.out, line);
}

void Make::Message(std::string_view msg) {
  WriteOutput(false, Prefix() + ": " + std::string(msg) + "\n");
}

void Make::WriteOutput(bool is_err, std::string_view text) {
  EnsureEntered();
  int fd = output_ctx_ ? (is_err ? output_ctx_->err : output_ctx_->out) : -1;
  if (fd < 0) fd = is_err ? io_.err : io_.out;
  // --status=term: other output starts below the updating status line.
  if (status_ != nullptr && status_->one_line()) status_->BreakLine(fd);
  WriteFd(fd, text);
}

// Runs a $(shell) command: stdout into *out, stdin and stderr this make's own (a sub-make in
// the process may have others than 0 and 2). Returns the status.
static int RunShellPlain(ExecImage& image, std::string* out, int in_fd, int err_fd) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return 127;
  pid_t pid = vfork();
  if (pid == 0) {
    // dup2 clears close-on-exec on the copies; the pipe itself stays invisible to the
    // children other make instances of this process start meanwhile.
    dup2(fds[1], 1);
    if (in_fd != 0) dup2(in_fd, 0);
    if (err_fd != 2) dup2(err_fd, 2);
    image.Exec();
  }
  close(fds[1]);
  ReadToEnd(fds[0], out);
  close(fds[0]);
  int st = 0;
  while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

// .SHELLSTATUS goes to the current variable set, as GNU make's define_variable_cname does: a
// $(shell) in a recipe sets it for that target only (-p shows it there).
std::string Make::ShellOutput(std::string_view cmd, bool trim_all_newlines, int* status) {
  if (shell_hook_) {
    NotRememberable("ran $(shell)");
    std::string r = shell_hook_(cmd, status);
    DefineInSet(".SHELLSTATUS", std::to_string(*status), Origin::kOverride, false, current_->set, nullptr);
    return r;
  }
  std::string shell = Expand("$(SHELL)");
  std::string flags = Expand("$(.SHELLFLAGS)");
  std::string ifs = ExpandQuietlyForFile("$(IFS)", nullptr);
  std::vector<std::string> argv = CommandArgv(cmd, shell, flags, one_shell_, ifs, posix_);
  if (argv.empty()) {
    *status = 0;
    DefineInSet(".SHELLSTATUS", "0", Origin::kOverride, false, current_->set, nullptr);
    return {};
  }
  // $(shell) sees make's own environment (GNU make 4.3 passes `environ`).
  // After ^C a process would be gone already: start nothing more.
  if (int sig = PendingFatalSignal()) jobs_->HandleFatalSignal(sig);
  // "Set up the output in case the shell writes something" (GNU's output_start): -w's
  // "Entering directory" comes before a command is run, even if make itself prints nothing.
  EnsureEntered();
  const int64_t trace_t0 = trace_ != nullptr ? trace_->Now() : 0;
  std::string out;
  std::string note;
  // The command gets this instance's stdin and stderr (an in-process sub-make's stdin is
  // often not the process's: GNU make gives it to one job at a time); with --output-sync,
  // stderr is the file the current output is held in (GNU's func_shell).
  const int err_fd = output_ctx_ != nullptr && output_ctx_->err >= 0 ? output_ctx_->err : io_.err;
  std::optional<ShellCall> call;  // with the memo only (it copies the environment)
  if (io_.in >= 0 && err_fd >= 0 && shell_memo_)
    call = ShellCall{argv, environ_, shell, flags, Prefix(), starting_dir_, io_.in, err_fd};
  bool wrote_err = false;
  std::vector<PathFact> deps;
  if (call && shell_memo_->Replay(*call, &out, status, &note, &wrote_err,
                                  facts_ != nullptr ? &deps : nullptr)) {
    // No process ran, so the stat cache's epoch goes on; make's own write of the command's
    // stderr bytes counts as a change (the stderr may be a file of the tree).
    if (wrote_err && fs_ != nullptr) fs_->Changed();
    // The result is what those facts and the call (made of this instance's state) give:
    // the sub-make memo may vouch for it as well.
    if (wrote_err) NotRememberable("wrote output");
    if (facts_ != nullptr) facts_->Merge(deps);
    Debug(kDbBasic, 0, "$(shell) memo: " + note + ": " + std::string(cmd));
  } else {
    NotRememberable("ran $(shell)");
    std::string storage;
    ExecImage image(argv, environ_, EnvValue(environ_, "PATH", &storage), Prefix());
    if (fs_ != nullptr) fs_->ProcessStarted();
    if (call && shell_memo_->RunAndRemember(*call, image, &out, status, &note)) {
      Debug(kDbBasic, 0, "$(shell) memo: " + note + ": " + std::string(cmd));
    } else {
      *status = RunShellPlain(image, &out, io_.in, err_fd);
    }
    if (fs_ != nullptr) fs_->ProcessEnded();
  }
  if (trace_ != nullptr) {
    std::vector<std::pair<std::string, std::string>> args = {
        {"directory", starting_dir_}, {"status", std::to_string(*status)}};
    // With the memo: "hit", "miss, remembered", "miss, not remembered: why" (--debug's words).
    if (!note.empty()) args.emplace_back("memo", note);
    trace_->Event(std::string(cmd), "shell", trace_t0, trace_->Now(), 100 + trace_id_, args);
  }
  shell_status_ = *status;
  DefineInSet(".SHELLSTATUS", std::to_string(*status), Origin::kOverride, false, current_->set, nullptr);
  // Fold newlines: "\r\n" and "\n" become spaces; trailing newlines are dropped.
  std::string r;
  r.reserve(out.size());
  size_t last_nonnl = std::string::npos;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\r' && i + 1 < out.size() && out[i + 1] == '\n') continue;
    if (out[i] == '\n') {
      r.push_back(' ');
    } else {
      last_nonnl = r.size();
      r.push_back(out[i]);
    }
  }
  size_t keep = last_nonnl == std::string::npos ? 0 : last_nonnl + 1;
  if (!trim_all_newlines && r.size() >= 2 && (last_nonnl == std::string::npos ||
                                               last_nonnl + 2 < r.size())) {
    keep = r.size() - 1;
  }
  r.resize(keep);
  return r;
}

std::string Make::LogKey(const File* f) const {
  if (!f->name.empty() && f->name[0] == '/') return f->name;
  return starting_dir_ == "/" ? "/" + f->name : starting_dir_ + "/" + f->name;
}

BuildLog* Make::LogFor(const std::string& key) {
  if (build_logs_ == nullptr) return nullptr;
  if (!build_log_file_.empty()) return build_logs_->Get(build_log_file_);
  const std::string* dir = build_log_dirs_.empty() ? &starting_dir_ : &build_log_dirs_.back();
  for (size_t i = build_log_dirs_.size(); i-- > 0;) {
    const std::string& d = build_log_dirs_[i];
    if (key.size() > d.size() && key.compare(0, d.size(), d) == 0 &&
        (d == "/" || key[d.size()] == '/')) {
      dir = &d;
      break;
    }
  }
  return build_logs_->Get(*dir == "/" ? "/.kbmake_log" : *dir + "/.kbmake_log");
}

std::vector<std::string> Make::TargetEnvironment(File* file) {
  // Names are views of the variables' own names (thousands per Kbuild instance, and this
  // runs for every process and in-process sub-make started).
  absl::flat_hash_set<std::string_view> seen;
  std::vector<Variable*> order;
  SetList* list = file && file->variables ? file->variables : &global_list_;
  // Every set of the chain counts, a parent's `private` variables included: GNU make's
  // target_environment hides them from a prerequisite's expansions, not its environment.
  // A name is taken from the first set that has it. The last set (the global one, with
  // thousands of variables in a Kbuild make) hides nothing after it: its names are not
  // remembered. (Which variables are exported is decided below, one by one, because an
  // expansion there may change what a later one's export mode is.)
  for (SetList* l = list; l; l = l->next) {
    const bool last = l->next == nullptr;
    l->set->ForEach([&](const Variable& cv) {
      Variable* v = const_cast<Variable*>(&cv);
      if (last ? seen.empty() || !seen.contains(v->name) : seen.insert(v->name).second)
        order.push_back(v);
    });
  }
  std::vector<std::string> env;
  for (Variable* v : order) {
    if (v->name == "SHELL") {
      // The makefile's SHELL reaches recipes only when exported explicitly; otherwise they
      // get the SHELL make itself was started with.
      if (v->export_mode == ExportMode::kExport) {
        env.push_back("SHELL=" + v->value);
      } else if (!shell_env_value_.empty()) {
        env.push_back("SHELL=" + shell_env_value_);
      }
      continue;
    }
    if (v->per_target && v->export_mode == ExportMode::kDefault) {
      if (Variable* gv = global_.Lookup(v->name)) v->export_mode = gv->export_mode;
    }
    switch (v->export_mode) {
      case ExportMode::kDefault:
        if (v->origin == Origin::kDefault || v->origin == Origin::kAutomatic) continue;
        if (!v->exportable) continue;
        if (!export_all_ && v->origin != Origin::kCommand && v->origin != Origin::kEnv &&
            v->origin != Origin::kEnvOverride && v->name != "MAKEFLAGS" &&
            v->name != "MFLAGS") {
          continue;
        }
        break;
      case ExportMode::kExport:
        break;
      case ExportMode::kNoExport:
        if (v->name == "SHELL" && !shell_env_value_.empty()) {
          env.push_back("SHELL=" + shell_env_value_);
        }
        continue;
    }
    if (v->name == "SHELL" && v->export_mode != ExportMode::kExport) {
      if (!shell_env_value_.empty()) env.push_back("SHELL=" + shell_env_value_);
      continue;
    }
    if (v->name == "MAKELEVEL") continue;
    if (v->name != "MAKEOVERRIDES" && v->recursive && v->origin != Origin::kEnv &&
        v->origin != Origin::kEnvOverride) {
      std::string value;
      SetList* save = current_;
      current_ = list;
      try {
        RecursivelyExpand(v, &value);
      } catch (...) {
        current_ = save;
        throw;
      }
      current_ = save;
      env.push_back(v->name + "=" + value);
    } else {
      // Kbuild exports flags of a few kilobytes to every sub-make: one copy, not two.
      std::string e;
      e.reserve(v->name.size() + 1 + v->value.size());
      e.append(v->name).append(1, '=').append(v->value);
      env.push_back(std::move(e));
    }
  }
  env.push_back("MAKELEVEL=" + std::to_string(makelevel_ + 1));
  for (const std::string& e : extra_env_) {
    std::string_view name(e.data(), e.find('=') + 1);
    env.erase(std::remove_if(env.begin(), env.end(),
                             [&](const std::string& x) { return x.rfind(name, 0) == 0; }),
              env.end());
    env.push_back(e);
  }
  return env;
}

}  // namespace kbmake

// The make instance's top level: start-up variables, reading, remaking makefiles, updating
// goals, and the environment and MAKEFLAGS given to recipes.
#include "kbmake/make.h"
#include "kbmake/base/bigstack.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "kbmake/base/strutil.h"
#include "kbmake/exec/command.h"
#include "kbmake/exec/jobs.h"
#include "kbmake/exec/process.h"

namespace kbmake {

Make::Make(Options o, std::string prog, int level, std::vector<std::string> env,
           std::unique_ptr<ProcessRunner> runner)
    : opts(std::move(o)), program(std::move(prog)), makelevel(level), environ_(std::move(env)) {
  global_list_.set = &global_;
  jobs_ = std::make_unique<JobRunner>(this, std::move(runner));
}

Make::~Make() = default;

std::string Make::Prefix() const {
  if (makelevel == 0) return program;
  return program + "[" + std::to_string(makelevel) + "]";
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

void Make::Error(const Loc* loc, std::string_view msg) {
  fflush(stdout);
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
  fwrite(line.data(), 1, line.size(), stdout);
  fflush(stdout);
}

void Make::Message(std::string_view msg) {
  WriteOutput(false, Prefix() + ": " + std::string(msg) + "\n");
}

void Make::WriteOutput(bool is_err, std::string_view text) {
  EnsureEntered();
  int fd = output_ctx_ ? (is_err ? output_ctx_->err : output_ctx_->out) : -1;
  if (fd < 0) {
    FILE* f = is_err ? stderr : stdout;
    if (is_err) fflush(stdout);
    fwrite(text.data(), 1, text.size(), f);
    fflush(f);
    return;
  }
  while (!text.empty()) {
    ssize_t n = write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.remove_prefix(n);
  }
}

std::string Make::ShellOutput(std::string_view cmd, bool trim_all_newlines, int* status) {
  if (shell_hook_) {
    std::string r = shell_hook_(cmd, status);
    DefineGlobal(".SHELLSTATUS", std::to_string(*status), Origin::kOverride, false);
    return r;
  }
  std::string shell = Expand("$(SHELL)");
  std::string flags = Expand("$(.SHELLFLAGS)");
  std::vector<std::string> argv = CommandArgv(cmd, shell, flags, false);
  if (argv.empty()) {
    *status = 0;
    DefineGlobal(".SHELLSTATUS", "0", Origin::kOverride, false);
    return {};
  }
  // $(shell) sees make's own environment (GNU make 4.3 passes `environ`).
  std::string storage;
  ExecImage image(argv, environ_, EnvValue(environ_, "PATH", &storage), Prefix());
  int fds[2];
  if (pipe(fds) != 0) {
    *status = 127;
    return {};
  }
  fflush(stdout);
  fflush(stderr);
  pid_t pid = vfork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    image.Exec();
  }
  close(fds[1]);
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, n);
  }
  close(fds[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  shell_status_ = *status;
  DefineGlobal(".SHELLSTATUS", std::to_string(*status), Origin::kOverride, false);
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

std::vector<std::string> Make::TargetEnvironment(File* file) {
  absl::flat_hash_map<std::string, Variable*> seen;
  std::vector<Variable*> order;
  SetList* list = file && file->variables ? file->variables : &global_list_;
  bool is_parent = false;
  for (SetList* l = list; l; l = l->next) {
    l->set->ForEach([&](const Variable& cv) {
      Variable* v = const_cast<Variable*>(&cv);
      if (is_parent && v->private_var) return;
      if (seen.emplace(v->name, v).second) order.push_back(v);
    });
    is_parent |= l->next_is_parent;
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
            v->name != "MFLAGS" && v->name != "MAKEOVERRIDES") {
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
    std::string value;
    if (v->name == "MAKEOVERRIDES") {
      value = v->value;
    } else if (v->recursive && v->origin != Origin::kEnv && v->origin != Origin::kEnvOverride) {
      SetList* save = current_;
      current_ = list;
      try {
        RecursivelyExpand(v, &value);
      } catch (...) {
        current_ = save;
        throw;
      }
      current_ = save;
    } else {
      value = v->value;
    }
    env.push_back(v->name + "=" + value);
  }
  env.push_back("MAKELEVEL=" + std::to_string(makelevel + 1));
  return env;
}

}  // namespace kbmake

// The kbmake program: argv, environment and MAKEFLAGS into Options, -C, the big-stack
// evaluator thread, re-exec after remaking makefiles. The only place that exits.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "kbmake/base/bigstack.h"
#include "kbmake/cli/options.h"
#include "kbmake/exec/jobs.h"
#include "kbmake/exec/shell_memo.h"
#include "kbmake/make.h"

extern char** environ;

namespace {

std::string Basename(const char* p) {
  const char* s = strrchr(p, '/');
  return s ? s + 1 : p;
}

void Usage(const std::string& program, FILE* out) {
  std::string u = kbmake::UsageText(program);
  fputs(u.c_str(), out);
}

/// Copies standard input to $TMPDIR/GmXXXXXX (as GNU make does for "-f -"); returns its name,
/// or "" after an error message.
std::string CopyStdinToTempFile(const std::string& prefix) {
  const char* tmp = getenv("TMPDIR");
  std::string name = std::string(tmp && *tmp ? tmp : "/tmp") + "/GmXXXXXX";
  int fd = mkstemp(name.data());
  if (fd < 0) {
    fprintf(stderr, "%s: *** mkstemp: %s: %s.  Stop.\n", prefix.c_str(), name.c_str(),
            strerror(errno));
    return "";
  }
  char buf[65536];
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) > 0) {
    if (write(fd, buf, n) != n) {
      fprintf(stderr, "%s: *** fwrite (temporary file): %s.  Stop.\n", prefix.c_str(),
              strerror(errno));
      close(fd);
      unlink(name.c_str());
      return "";
    }
  }
  close(fd);
  return name;
}

/// Points every "-f -" style argument at the temporary copy before re-executing.
void ReplaceStdinMakefileArg(char** argv, const std::string& name) {
  static std::deque<std::string> keep;  // argv points into it; deque keeps addresses
  for (int i = 1; argv[i]; ++i) {
    std::string a = argv[i];
    if ((a == "-f" || a == "--file" || a == "--makefile") && argv[i + 1] &&
        strcmp(argv[i + 1], "-") == 0) {
      keep.push_back(name);
      argv[++i] = keep.back().data();
    } else if (a == "-f-" || a == "--file=-" || a == "--makefile=-") {
      keep.push_back(a.substr(0, a.size() - 1) + name);
      argv[i] = keep.back().data();
    }
  }
}

std::string g_prefix;  // for CloseStdout

/// As GNU make's close_stdout (run at exit): output that could not be written is an error.
void CloseStdout() {
  bool prev_fail = ferror(stdout) != 0;
  bool close_fail = fclose(stdout) != 0;
  if (!prev_fail && !close_fail) return;
  if (prev_fail) {
    fprintf(stderr, "%s: write error: stdout\n", g_prefix.c_str());
  } else {
    fprintf(stderr, "%s: write error: stdout: %s\n", g_prefix.c_str(), strerror(errno));
  }
  _exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  std::string program = Basename(argv[0]);
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  int makelevel = 0;
  int restarts = 0;
  bool restart_traced = false;
  std::string makeflags, gnumakeflags;
  for (const std::string& e : env) {
    if (e.rfind("MAKELEVEL=", 0) == 0) makelevel = atoi(e.c_str() + 10);
    if (e.rfind("MAKE_RESTARTS=", 0) == 0) {
      // GNU make's encoding: "-N" when the directory line was already printed before the
      // re-exec, so the new process does not print "Entering directory" again.
      const char* v = e.c_str() + 14;
      if (*v == '-') {
        restart_traced = true;
        ++v;
      }
      restarts = atoi(v);
    }
    if (e.rfind("MAKEFLAGS=", 0) == 0) makeflags = e.substr(10);
    if (e.rfind("GNUMAKEFLAGS=", 0) == 0) gnumakeflags = e.substr(13);
  }
  kbmake::Options opts;
  std::string err;
  std::string prefix = makelevel ? program + "[" + std::to_string(makelevel) + "]" : program;
  g_prefix = prefix;
  atexit(CloseStdout);
  // GNUMAKEFLAGS, then MAKEFLAGS, then the command line (GNU make's order).
  for (const std::string* flags : {&gnumakeflags, &makeflags}) {
    if (flags->empty()) continue;
    if (kbmake::DecodeSwitches(kbmake::SplitMakeflags(*flags), true, &opts, &err) !=
        kbmake::ParseResult::kOk) {
      fprintf(stderr, "%s: %s\n", prefix.c_str(), err.c_str());
    }
  }
  // GNU make empties GNUMAKEFLAGS so its flags are not passed on twice.
  for (std::string& e : env)
    if (e.rfind("GNUMAKEFLAGS=", 0) == 0) e = "GNUMAKEFLAGS=";
  const bool had_jobserver = !opts.jobserver_auth.empty();
  opts.jobs_given = false;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (kbmake::DecodeSwitches(args, false, &opts, &err) != kbmake::ParseResult::kOk) {
    fprintf(stderr, "%s: %s\n", program.c_str(), err.c_str());
    Usage(program, stderr);
    return 2;
  }
  int db_level = 0;
  {
    std::string bad;
    if (!kbmake::DecodeDebugFlags(opts, &db_level, &bad)) {
      fprintf(stderr, "%s: *** unknown debug level specification '%s'.  Stop.\n", prefix.c_str(),
              bad.c_str());
      return 2;
    }
  }
  if (!opts.output_sync.empty() && opts.output_sync != "none" && opts.output_sync != "line" &&
      opts.output_sync != "target" && opts.output_sync != "recurse") {
    fprintf(stderr, "%s: *** unknown output-sync type '%s'.  Stop.\n", prefix.c_str(),
            opts.output_sync.c_str());
    return 2;
  }
  if (had_jobserver && opts.jobs_given) {
    // An explicit -jN on a sub-make's command line leaves the parent's jobserver.
    fprintf(stderr, "%s: warning: -j%d forced in submake: resetting jobserver mode.\n",
            prefix.c_str(), opts.jobs);
    opts.jobserver_auth.clear();
  }
  if (opts.no_builtin_vars) opts.no_builtin_rules = true;
  if (opts.help) {
    Usage(program, stdout);
    return 0;
  }
  if (opts.print_version || (db_level & kbmake::kDbBasic)) {
    // The banner; debugging output starts with it too.
    printf("GNU Make 4.3\nBuilt for x86_64-pc-linux-gnu\n"
           "Copyright (C) 1988-2020 Free Software Foundation, Inc.\n"
           "License GPLv3+: GNU GPL version 3 or later <http://gnu.org/licenses/gpl.html>\n"
           "This is free software: you are free to change and redistribute it.\n"
           "There is NO WARRANTY, to the extent permitted by law.\n");
    fflush(stdout);
    if (opts.print_version && opts.goals.empty() && opts.makefiles.empty()) return 0;
  }
  std::string original_dir;
  {
    char buf[4096];
    if (getcwd(buf, sizeof buf)) original_dir = buf;
  }
  for (const std::string& d : opts.directories) {
    if (chdir(d.c_str()) != 0) {
      fprintf(stderr, "%s: *** %s: %s.  Stop.\n", prefix.c_str(), d.c_str(), strerror(errno));
      return 2;
    }
  }
  // "-f -": as GNU make, copy standard input to a temporary makefile, so that it can be read
  // again after the makefiles are remade (the re-executed make gets "-f <temp>").
  std::string stdin_makefile;
  for (std::string& f : opts.makefiles) {
    if (f != "-") continue;
    if (!stdin_makefile.empty()) {
      fprintf(stderr, "%s: *** Makefile from standard input specified twice..  Stop.\n",
              prefix.c_str());
      return 2;
    }
    stdin_makefile = CopyStdinToTempFile(prefix);
    if (stdin_makefile.empty()) return 2;
    f = stdin_makefile;
  }
  std::string makeflags_env = makeflags;
  kbmake::Make make(opts, program, makelevel, env);
  make.stdin_makefile_ = stdin_makefile;
  make.db_level_ = db_level;
  if (kbmake::ShellMemo::Enabled(env, opts.shell_cache)) {
    std::string memo_dir = kbmake::ShellMemo::DefaultDir(env);
    if (!memo_dir.empty()) make.shell_memo_ = std::make_shared<kbmake::ShellMemo>(memo_dir);
  }
  // As GNU make: a relative program path with a '/' is made absolute, so that $(MAKE) still
  // names this program after -C or in a sub-make run elsewhere.
  make.argv0_ = argv[0];
  if (strchr(argv[0], '/') != nullptr && argv[0][0] != '/' && !original_dir.empty()) {
    make.argv0_ = original_dir + "/" + argv[0];
  }
  make.restarts_ = restarts;
  make.dir_entered_ = restart_traced;
  make.reexec_hook_ = [&](int n) {
    if (!original_dir.empty() && chdir(original_dir.c_str()) != 0) {
    }
    std::string r = "MAKE_RESTARTS=" + std::string(make.dir_entered_ ? "-" : "") + std::to_string(n);
    std::vector<char*> ev;
    std::vector<std::string> keep;
    for (char** e = environ; *e; ++e) {
      if (strncmp(*e, "MAKE_RESTARTS=", 14) == 0) continue;
      ev.push_back(*e);
    }
    keep.push_back(r);
    ev.push_back(const_cast<char*>(keep.back().c_str()));
    ev.push_back(nullptr);
    if (!stdin_makefile.empty()) ReplaceStdinMakefileArg(argv, stdin_makefile);
    if (db_level & kbmake::kDbBasic) {
      printf("Re-executing[%d]:", n);
      for (char** a = argv; *a; ++a) printf(" %s", *a);
      putchar('\n');
    }
    if (make.shell_memo_) make.shell_memo_->Save();
    fflush(stdout);
    fflush(stderr);
    execve("/proc/self/exe", argv, ev.data());
    perror("exec");
    _exit(2);
  };
  make.makeflags_hook_ = [](const std::string& flags, kbmake::Options* o) {
    std::string e;
    kbmake::Options tmp = *o;
    auto words = kbmake::SplitMakeflags(flags);
    tmp.cmdline_vars.clear();
    if (kbmake::DecodeSwitches(words, true, &tmp, &e) == kbmake::ParseResult::kOk) {
      std::vector<std::string> vars = o->cmdline_vars;
      for (const std::string& v : tmp.cmdline_vars)
        if (std::find(vars.begin(), vars.end(), v) == vars.end()) vars.push_back(v);
      tmp.cmdline_vars = vars;
      *o = tmp;
    }
  };
  int status = 2;
  kbmake::RunWithBigStack([&] { status = make.Run(); });
  if (make.shell_memo_) make.shell_memo_->Save();
  fflush(stdout);
  fflush(stderr);
  // GNU make 4.3 leaves the copy behind; kbmake removes it (docs/DIFFERENCES.md).
  if (!stdin_makefile.empty()) unlink(stdin_makefile.c_str());
  return status;
}

#include "kbmake/cli/make_main.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "kbmake/base/bigstack.h"
#include "kbmake/base/fs_cache.h"
#include "kbmake/build.h"
#include "parser/parsed_makefile.h"
#include "kbmake/cli/options.h"
#include "kbmake/cli/version.h"
#include "kbmake/exec/build_log.h"
#include "kbmake/exec/build_trace.h"
#include "kbmake/exec/compdb.h"
#include "kbmake/exec/status.h"
#include "kbmake/exec/jobs.h"
#include "kbmake/exec/shell_memo.h"
#include "kbmake/exec/submake_memo.h"
#include "kbmake/graph/graph_dump.h"
#include "kbmake/make.h"
#include "kbmake/rules/database_print.h"

namespace kbmake {
namespace {

std::string Basename(const std::string& p) {
  size_t s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

/// Copies standard input to $TMPDIR/GmXXXXXX (as GNU make does for "-f -"); returns its name,
/// or "" after an error message.
std::string CopyStdinToTempFile(const Invocation& inv, const std::string& prefix) {
  std::string storage;
  const std::string* dir = EnvValue(inv.env, "TMPDIR", &storage);
  std::string tmp = dir != nullptr ? *dir : "";
  std::string name = (tmp.empty() ? std::string("/tmp") : tmp) + "/GmXXXXXX";
  int fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    WriteAll(inv.err_fd, prefix + ": *** mkstemp: " + name + ": " + strerror(errno) + ".  Stop.\n");
    return "";
  }
  char buf[65536];
  ssize_t n;
  while ((n = read(inv.in_fd, buf, sizeof buf)) > 0) {
    if (write(fd, buf, n) != n) {
      WriteAll(inv.err_fd,
               prefix + ": *** fwrite (temporary file): " + strerror(errno) + ".  Stop.\n");
      close(fd);
      unlink(name.c_str());
      return "";
    }
  }
  close(fd);
  return name;
}

/// Points every "-f -" style argument at the temporary copy before re-executing.
void ReplaceStdinMakefileArg(std::vector<std::string>* argv, const std::string& name) {
  for (size_t i = 1; i < argv->size(); ++i) {
    std::string& a = (*argv)[i];
    if ((a == "-f" || a == "--file" || a == "--makefile") && i + 1 < argv->size() &&
        (*argv)[i + 1] == "-") {
      (*argv)[++i] = name;
    } else if (a == "-f-" || a == "--file=-" || a == "--makefile=-") {
      a = a.substr(0, a.size() - 1) + name;
    }
  }
}

/// GNU make decodes MAKEFLAGS from the environment through "$(MAKEFLAGS)", i.e. expanded:
/// the `$$` that quote_for_env wrote for each `$` of a command-line variable or --eval string
/// becomes `$` again. (Other references would expand too; MAKEFLAGS written by make has none.)
std::string ExpandDollars(const std::string& flags) {
  std::string out;
  for (size_t i = 0; i < flags.size(); ++i) {
    out.push_back(flags[i]);
    if (flags[i] == '$' && i + 1 < flags.size() && flags[i + 1] == '$') ++i;
  }
  return out;
}

/// Thrown by a sub-make on a thread that remade its makefiles: it runs again from the start,
/// as a process would after exec.
struct Restart {
  std::string makerestarts;  // the MAKE_RESTARTS environment entry for the next run
};

/// Replaces (or adds) MAKE_RESTARTS in `env`.
void SetRestarts(std::vector<std::string>* env, const std::string& entry) {
  env->erase(std::remove_if(env->begin(), env->end(),
                            [](const std::string& e) { return e.rfind("MAKE_RESTARTS=", 0) == 0; }),
             env->end());
  env->push_back(entry);
}

/// One run of the invocation; *out_failed is set when writing to its stdout failed.
int RunOnce(Invocation& inv, Build* build, std::string* prefix_out,
            bool* out_failed) {
  const std::string program = Basename(inv.argv.empty() ? "make" : inv.argv[0]);
  std::vector<std::string> env = inv.env;
  // GNU make: MAKELEVEL's value through atoi(), unless it is empty or starts with '-'.
  auto level_of = [](std::string_view v) {
    return !v.empty() && v[0] != '-' ? atoi(std::string(v).c_str()) : 0;
  };
  int makelevel = 0;
  int restarts = 0;
  bool restart_traced = false;
  std::string makeflags, gnumakeflags;
  for (const std::string& e : env) {
    if (e.rfind("MAKELEVEL=", 0) == 0) makelevel = level_of(std::string_view(e).substr(10));
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
  Options opts;
  {
    std::string storage;
    if (const std::string* home = EnvValue(env, "HOME", &storage)) opts.home = *home;
  }
  auto prefix_for = [&program](int level) {
    return level ? program + "[" + std::to_string(level) + "]" : program;
  };
  std::string prefix = prefix_for(makelevel);
  *prefix_out = prefix;
  auto out = [&](std::string_view s) {
    if (inv.facts != nullptr && !s.empty()) inv.facts->Refuse("wrote output");
    if (!WriteAll(inv.out_fd, s)) *out_failed = true;
  };
  auto errout = [&](std::string_view s) {
    if (inv.facts != nullptr && !s.empty()) inv.facts->Refuse("wrote output");
    WriteAll(inv.err_fd, s);
  };
  // GNUMAKEFLAGS, then MAKEFLAGS, then the command line (GNU make's order).
  // getopt's complaints name argv[0] as it was given; make's own name the program.
  const std::string argv0 = inv.argv.empty() ? program : inv.argv[0];
  std::vector<SwitchError> errors;
  auto report = [&] {
    for (const SwitchError& e : errors) errout((e.getopt ? argv0 : prefix) + ": " + e.text + "\n");
    errors.clear();
  };
  for (const std::string* flags : {&gnumakeflags, &makeflags}) {
    if (flags->empty()) continue;
    DecodeSwitches(SplitMakeflags(ExpandDollars(*flags)), true, &opts, &errors);
    report();
  }
  // GNU make empties GNUMAKEFLAGS so its flags are not passed on twice.
  for (std::string& e : env)
    if (e.rfind("GNUMAKEFLAGS=", 0) == 0) e = "GNUMAKEFLAGS=";
  const bool had_jobserver = !opts.jobserver_auth.empty();
  opts.jobs_given = false;
  std::vector<std::string> args(inv.argv.begin() + (inv.argv.empty() ? 0 : 1), inv.argv.end());
  const ParseResult parsed = DecodeSwitches(args, false, &opts, &errors);
  opts.jobs_on_command_line = opts.jobs_given;
  report();
  // GNU make works out its level after the command line: MAKELEVEL=N there sets it.
  for (const std::string& a : opts.cmdline_vars) {
    VarDef def;
    if (ParseVariableDefinition(a, 0, &def) &&
        std::string_view(a).substr(def.name_begin, def.name_end - def.name_begin) ==
            "MAKELEVEL") {
      makelevel = level_of(TrimLeft(std::string_view(a).substr(def.value_begin)));
      prefix = prefix_for(makelevel);
      *prefix_out = prefix;
    }
  }
  if (parsed != ParseResult::kOk) {
    errout(UsageText(program));
    return 2;
  }
  int db_level = 0;
  {
    std::string bad;
    if (!DecodeDebugFlags(opts, &db_level, &bad)) {
      errout(prefix + ": *** unknown debug level specification '" + bad + "'.  Stop.\n");
      return 2;
    }
  }
  if (!opts.output_sync.empty() && opts.output_sync != "none" && opts.output_sync != "line" &&
      opts.output_sync != "target" && opts.output_sync != "recurse") {
    errout(prefix + ": *** unknown output-sync type '" + opts.output_sync + "'.  Stop.\n");
    return 2;
  }
  if (had_jobserver && opts.jobs_given) {
    // An explicit -jN on a sub-make's command line leaves the parent's jobserver (said once:
    // not again after the sub-make has remade its makefiles and restarted).
    if (restarts == 0) {
      errout(prefix + ": warning: -j" + std::to_string(opts.jobs) +
             " forced in submake: resetting jobserver mode.\n");
    }
    opts.jobserver_auth.clear();
  }
  if (opts.no_builtin_vars) opts.no_builtin_rules = true;
  if (opts.help) {
    out(UsageText(program));
    return 0;
  }
  bool version_printed = false;
  if (opts.print_version || (db_level & kDbBasic)) {
    // The banner; debugging output starts with it too. With -p each line is a comment, and
    // the data base does not print it again.
    const char* comment = opts.print_data_base ? "# " : "";
    out(VersionBanner(comment));
    // kbmake's own version after GNU make's banner, whose first line scripts probe; only for
    // --version: the --debug trace keeps GNU make's banner alone.
    if (opts.print_version) {
      out(std::string(comment) + "kbmake " + KbmakeVersion() + " (commit " + KbmakeCommit() +
          ")\n");
    }
    version_printed = true;
    // GNU make 4.3 prints the version and exits, whatever else the command line says.
    if (opts.print_version) return 0;
  }
  FsCache* const fs = build->fs();
  std::string original_dir;
  {
    char buf[4096];
    if (getcwd(buf, sizeof buf)) original_dir = buf;
  }
  // A sub-make on a thread has its own working directory (see exec/submake.cc).
  for (const std::string& d : opts.directories) {
    if (chdir(d.c_str()) != 0) {
      errout(prefix + ": *** " + d + ": " + strerror(errno) + ".  Stop.\n");
      return 2;
    }
  }
  // "-f -": as GNU make, copy standard input to a temporary makefile, so that it can be read
  // again after the makefiles are remade (the re-executed make gets "-f <temp>").
  std::string stdin_makefile;
  for (std::string& f : opts.makefiles) {
    if (f != "-") continue;
    if (!stdin_makefile.empty()) {
      errout(prefix + ": *** Makefile from standard input specified twice..  Stop.\n");
      return 2;
    }
    if (inv.facts != nullptr) inv.facts->Refuse("read a makefile from standard input");
    stdin_makefile = CopyStdinToTempFile(inv, prefix);
    if (fs != nullptr) fs->Changed();
    if (stdin_makefile.empty()) return 2;
    f = stdin_makefile;
  }
  // The $(shell) memo (docs/SHELL-MEMO.md, opt-in): one per build, shared by the sub-makes of
  // the process; the make that opened it saves it. An in-process sub-make whose own options
  // and environment say nothing uses it when its parent does (`--shell-cache` is never put
  // in MAKEFLAGS).
  std::shared_ptr<ShellMemo> own_memo;
  const int memo_setting = ShellMemo::Enabled(env, opts.shell_cache);
  std::shared_ptr<ShellMemo> memo;
  if (memo_setting == 1 || (memo_setting < 0 && inv.shell_memo != nullptr)) {
    memo = build->shell_memo();
    if (memo == nullptr) {
      std::string memo_dir = ShellMemo::DefaultDir(env);
      if (!memo_dir.empty()) {
        own_memo = std::make_shared<ShellMemo>(memo_dir);
        own_memo->set_fs_cache(fs);
        memo = own_memo;
        build->set_shell_memo(own_memo);
      }
    }
  }
  // --build-trace / --summary: one trace for the whole build, started by the first make that
  // asks for it and shared by the sub-makes of the process.
  std::unique_ptr<BuildTrace> own_trace;
  BuildTrace* trace = build->trace();
  if (trace == nullptr && (!opts.build_trace.empty() || opts.summary)) {
    own_trace = std::make_unique<BuildTrace>(opts.build_trace);
    trace = own_trace.get();
    build->set_trace(trace);
    // It writes the trace file when it ends: not something a replay would do.
    if (inv.facts != nullptr) inv.facts->Refuse("writes a build trace");
  }
  // --status and --compdb: build-wide as well; the make that starts one owns it, and the
  // build forgets it when that make is done (also when it unwinds for a restart).
  if (!opts.status.empty() && opts.status != "lines" && opts.status != "term") {
    errout(prefix + ": *** unknown status type '" + opts.status + "'.  Stop.\n");
    return 2;
  }
  std::unique_ptr<BuildStatus> own_status;
  BuildStatus* build_status = build->status();
  if (build_status == nullptr && !opts.status.empty()) {
    std::string storage;
    const std::string* fmt = EnvValue(env, "KBMAKE_STATUS", &storage);
    own_status = std::make_unique<BuildStatus>(fmt != nullptr ? *fmt : "",
                                               opts.status == "term" && isatty(inv.out_fd));
    build_status = own_status.get();
    build->set_status(build_status);
  }
  std::unique_ptr<CompDb> own_compdb;
  CompDb* compdb = build->compdb();
  if (compdb == nullptr) {
    std::string storage;
    if (!opts.compdb.empty()) {
      // Relative to where this make was started (before -C), like a shell redirection.
      std::string path = opts.compdb[0] == '/' ? opts.compdb : original_dir + "/" + opts.compdb;
      own_compdb.reset(CompDb::Open(path, restarts > 0));
    } else if (const std::string* spool = EnvValue(env, CompDb::kEnvName, &storage)) {
      own_compdb.reset(CompDb::Join(*spool));
    }
    compdb = own_compdb.get();
    if (compdb != nullptr) build->set_compdb(compdb);
  }
  struct ForgetOwned {
    Build* build;
    bool status, compdb;
    ~ForgetOwned() {
      if (status) build->set_status(nullptr);
      if (compdb) build->set_compdb(nullptr);
    }
  } forget{build, own_status != nullptr, own_compdb != nullptr};
  // --graph: one collector per process, shared by the sub-makes of the process. The top make
  // (--graph=FILE) merges the parts that kbmake sub-make processes write into FILE.parts;
  // such a process learns it from KBMAKE_GRAPH=<parent key>:<parts dir>, set by the parent on
  // every recipe line with KBMAKE_GRAPH_NODE=<the target whose recipe ran it>.
  std::string graph_from, graph_node;
  for (const std::string& e : env) {
    if (e.rfind("KBMAKE_GRAPH=", 0) == 0) graph_from = e.substr(13);
    if (e.rfind("KBMAKE_GRAPH_NODE=", 0) == 0) graph_node = e.substr(18);
  }
  if (!graph_from.empty() || !graph_node.empty()) DropGraphEnv(&env);
  std::unique_ptr<GraphCollector> own_graph;
  GraphCollector* graph = build->graph();
  std::string graph_parent;
  if (graph != nullptr || opts.graph.empty()) {
    size_t colon = graph_from.find(':');
    if (colon != std::string::npos) {
      graph_parent = graph_from.substr(0, colon);
      if (graph == nullptr) {
        own_graph = std::make_unique<GraphCollector>("", graph_from.substr(colon + 1));
      }
    }
  } else {
    // The top make: its own file, even when a make above it is graphed too.
    std::string out = opts.graph;
    if (out[0] != '/' && !original_dir.empty()) out = original_dir + "/" + out;
    own_graph = std::make_unique<GraphCollector>(out, out + ".parts");
    if (!own_graph->PrepareParts(restarts > 0)) {
      errout(prefix + ": " + out + ".parts: " + strerror(errno) + "\n");
      own_graph.reset();
    }
    graph_node.clear();
  }
  if (own_graph != nullptr) {
    graph = own_graph.get();
    build->set_graph(graph);
  }
  InstanceSetup setup;
  if (graph != nullptr) {
    setup.graph = graph;
    setup.graph_key = graph->NewKey();
    setup.graph_parent = graph_parent;
    setup.graph_invoked_by = graph_node;
  }
  setup.fs = fs;
  setup.parses = build->parses();
  setup.trace = trace;
  setup.status = build_status;
  setup.compdb = compdb;
  // --explain and the build log (docs/BUILD-LOG.md): from the command line, or from the
  // environment a parent kbmake gave its recipes (that is how they reach sub-makes that are
  // processes; in-process sub-makes get the same environment).
  {
    char cwd[4096];
    const std::string here = getcwd(cwd, sizeof cwd) != nullptr ? cwd : ".";
    std::string st1, st2, st3;
    const std::string* env_explain = EnvValue(env, "KBMAKE_EXPLAIN", &st1);
    const std::string* env_log = EnvValue(env, "KBMAKE_BUILD_LOG", &st2);
    const std::string* env_dirs = EnvValue(env, "KBMAKE_BUILD_LOG_DIRS", &st3);
    setup.explain = opts.explain || (env_explain != nullptr && *env_explain == "1");
    bool log = setup.explain || opts.build_log_given || env_log != nullptr;
    if (opts.build_log_given) {
      setup.build_log_file = opts.build_log;
      if (!opts.build_log.empty() && opts.build_log[0] != '/') {
        setup.build_log_file = here + "/" + opts.build_log;
      }
    } else if (env_log != nullptr) {
      setup.build_log_file = *env_log;
    }
    if (log && setup.build_log_file.empty()) {
      // The directories a record may go to: the top make's before -C, then each make's.
      if (env_dirs != nullptr && env_log != nullptr && !opts.build_log_given) {
        for (auto d : absl::StrSplit(*env_dirs, '\n', absl::SkipEmpty())) {
          setup.build_log_dirs.emplace_back(d.data(), d.size());
        }
      } else if (!original_dir.empty()) {
        setup.build_log_dirs.push_back(original_dir);
      }
      if (setup.build_log_dirs.empty() || setup.build_log_dirs.back() != here) {
        setup.build_log_dirs.push_back(here);
      }
    }
    if (setup.explain) setup.extra_env.push_back("KBMAKE_EXPLAIN=1");
    if (log) {
      setup.build_logs = build->build_logs();
      setup.extra_env.push_back("KBMAKE_BUILD_LOG=" + setup.build_log_file);
      if (setup.build_log_file.empty()) {
        std::string dirs;
        for (const std::string& d : setup.build_log_dirs) dirs += d + "\n";
        setup.extra_env.push_back("KBMAKE_BUILD_LOG_DIRS=" + dirs);
      }
    }
  }
  // The sub-make memo (docs/SHELL-MEMO.md, "Sub-makes"): with the $(shell) memo, unless an
  // instrument that must see inside every sub-make is on, or KBMAKE_SUBMAKE_MEMO=0.
  const bool instrumented = graph != nullptr || build_status != nullptr || compdb != nullptr ||
                            setup.build_logs != nullptr || setup.explain;
  bool remember = memo != nullptr && !instrumented;
  {
    std::string storage;
    const std::string* v = EnvValue(env, "KBMAKE_SUBMAKE_MEMO", &storage);
    if (v != nullptr && *v == "0") remember = false;
  }
  if (inv.facts != nullptr && instrumented) inv.facts->Refuse("an instrument is on");
  setup.facts = inv.facts;
  std::unique_ptr<ProcessRunner> runner = MakeRealProcessRunner(fs);
  if (build->submakes()->enabled()) {
    runner = MakeSubmakeRunner(build->submakes(), std::move(runner), memo, inv.stdout_closed,
                               remember, inv.facts);
  } else if (inv.facts != nullptr) {
    inv.facts->Refuse("sub-makes run as processes");
  }
  setup.io = {inv.in_fd, inv.out_fd, inv.err_fd};
  setup.owns_process = inv.owns_process;
  if (!inv.owns_process) setup.visible_fds = &inv.inherited_fds;
  setup.stdin_makefile = stdin_makefile;
  setup.db_level = db_level;
  setup.shell_memo = memo;
  setup.version_printed = version_printed;
  // As GNU make: a relative program path with a '/' is made absolute, so that $(MAKE) still
  // names this program after -C or in a sub-make run elsewhere.
  setup.argv0 = argv0;
  if (argv0.find('/') != std::string::npos && argv0[0] != '/' && !original_dir.empty()) {
    setup.argv0 = original_dir + "/" + argv0;
  }
  setup.restarts = restarts;
  setup.dir_entered = restart_traced;
  // Records this instance's part of the graph (at the end, and before a re-exec).
  Make* instance = nullptr;
  auto graph_snapshot = [&] {
    if (graph != nullptr && instance != nullptr) graph->Add(SnapshotGraph(*instance));
  };
  setup.reexec_hook = [&](int n, bool dir_entered) {
    if (inv.facts != nullptr) inv.facts->Refuse("remade a makefile");
    if (!original_dir.empty() && chdir(original_dir.c_str()) != 0) {
    }
    std::string r = "MAKE_RESTARTS=" + std::string(dir_entered ? "-" : "") + std::to_string(n);
    std::vector<std::string> argv = inv.argv;
    if (!stdin_makefile.empty()) ReplaceStdinMakefileArg(&argv, stdin_makefile);
    if (db_level & kDbBasic) {
      std::string line = "Re-executing[" + std::to_string(n) + "]:";
      for (const std::string& a : argv) line += " " + a;
      out(line + "\n");
    }
    if (own_memo != nullptr) own_memo->Save();
    graph_snapshot();
    if (own_graph != nullptr) {
      // The next run starts a new collector: this one's parts wait in the parts directory.
      own_graph->Write(false);
      build->set_graph(nullptr);
    }
    if (!inv.owns_process) {
      if (own_memo != nullptr) build->set_shell_memo(nullptr);
      inv.argv = argv;
      throw Restart{r};
    }
    std::vector<std::string> ev;
    for (const std::string& e : inv.env)
      if (e.rfind("MAKE_RESTARTS=", 0) != 0) ev.push_back(e);
    ev.push_back(r);
    std::vector<char*> evp, argvp;
    for (std::string& e : ev) evp.push_back(e.data());
    evp.push_back(nullptr);
    for (std::string& a : argv) argvp.push_back(a.data());
    argvp.push_back(nullptr);
    execve("/proc/self/exe", argvp.data(), evp.data());
    errout(std::string("exec: ") + strerror(errno) + "\n");
    _exit(2);
  };
  setup.makeflags_hook = [](const std::string& flags, Options* o) {
    std::vector<SwitchError> e;
    Options tmp = *o;
    auto words = SplitMakeflags(flags);
    tmp.cmdline_vars.clear();
    if (DecodeSwitches(words, true, &tmp, &e) == ParseResult::kOk) {
      std::vector<std::string> vars = o->cmdline_vars;
      for (const std::string& v : tmp.cmdline_vars)
        if (std::find(vars.begin(), vars.end(), v) == vars.end()) vars.push_back(v);
      tmp.cmdline_vars = vars;
      *o = tmp;
    }
  };
  Make make(opts, program, makelevel, env, std::move(runner), std::move(setup));
  instance = &make;
  int status = 2;
  if (inv.owns_process) {
    RunWithBigStack([&] { status = make.Run(); });
  } else {
    status = make.Run();  // already on a thread with a large stack
  }
  // GNU make 4.3 leaves the copy behind; kbmake removes it (docs/DIFFERENCES.md).
  if (!stdin_makefile.empty()) {
    unlink(stdin_makefile.c_str());
    make.NoteFsChange();
  }
  if (own_memo != nullptr) {
    own_memo->Save();
    build->set_shell_memo(nullptr);
  }
  graph_snapshot();
  if (own_graph != nullptr) {
    build->set_graph(nullptr);
    // A part that cannot be written (its top make is gone) is dropped silently: this make's
    // own output stays what it would be without a graphed parent.
    if (!own_graph->Write() && !own_graph->out_path().empty()) {
      errout(prefix + ": " + own_graph->out_path() + ": " + strerror(errno) + "\n");
    }
  }
  if (make.stdout_failed()) *out_failed = true;
  if (own_trace != nullptr) {
    build->set_trace(nullptr);
    if (!own_trace->Write()) {
      errout(prefix + ": " + own_trace->path() + ": " + strerror(errno) + "\n");
    }
    if (opts.summary) {
      std::string summary = own_trace->Summary();
      if (build->parses() != nullptr) {
        const ParseCache& pc = *build->parses();
        summary += "kbmake summary: parse cache: " + std::to_string(pc.hits()) + " of " +
                   std::to_string(pc.lookups()) + " makefile readings reused a parse\n";
      }
      if (fs != nullptr) {
        summary += "kbmake summary: stat cache: " + std::to_string(fs->hits()) + " of " +
                   std::to_string(fs->lookups()) +
                   " stat and directory lookups answered without a system call\n";
      }
      errout(summary);
    }
  }
  if (own_status != nullptr) own_status->BreakLine(inv.out_fd);
  if (own_compdb != nullptr && own_compdb->owner() && !own_compdb->Finish()) {
    errout(prefix + ": " + own_compdb->path() + ": " + strerror(errno) + "\n");
  }
  return status;
}

}  // namespace

int MakeMain(Invocation& inv, Build* build) {
  // GNU make's output_init registers close_stdout only if stdout is open at start (STREAM_OK):
  // a make started with stdout closed reports no write error.
  if (fcntl(inv.out_fd, F_GETFD) == -1 && errno == EBADF) inv.stdout_closed = true;
  const bool stdout_open = !inv.stdout_closed;
  while (true) {
    std::string prefix;
    bool out_failed = false;
    int status;
    try {
      status = RunOnce(inv, build, &prefix, &out_failed);
    } catch (const Restart& r) {
      SetRestarts(&inv.env, r.makerestarts);
      continue;
    }
    // As GNU make's close_stdout at exit: output that could not be written is an error.
    if (out_failed && stdout_open) {
      WriteAll(inv.err_fd, prefix + ": write error: stdout\n");
      return 1;
    }
    return status;
  }
}

}  // namespace kbmake

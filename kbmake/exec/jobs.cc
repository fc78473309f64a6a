#include "kbmake/exec/jobs.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "kbmake/base/archive.h"
#include "kbmake/base/strutil.h"
#include "kbmake/exec/build_log.h"
#include "kbmake/exec/build_trace.h"
#include "kbmake/exec/command.h"
#include "kbmake/exec/compdb.h"
#include "kbmake/exec/status.h"
#include "kbmake/make.h"

namespace kbmake {
// ---- Jobserver ---------------------------------------------------------------------------

Jobserver::~Jobserver() { Clear(); }

bool Jobserver::Create(int slots) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  read_fd_ = fds[0];
  write_fd_ = fds[1];
  master_ = true;
  OpenPrivateReader();
  slots_ = slots;
  for (int i = 1; i < slots; ++i) {
    char t = '+';
    if (write(write_fd_, &t, 1) != 1) break;
  }
  return true;
}

bool Jobserver::Join(const std::string& auth, const std::vector<int>* visible) {
  if (auth.rfind("fifo:", 0) == 0) {
    fifo_path_ = auth.substr(5);
    read_fd_ = open(fifo_path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    write_fd_ = open(fifo_path_.c_str(), O_WRONLY | O_CLOEXEC);
    if (read_fd_ < 0 || write_fd_ < 0) {
      Clear();
      return false;
    }
    fcntl(read_fd_, F_SETFL, fcntl(read_fd_, F_GETFL) & ~O_NONBLOCK);
    return true;
  }
  int r, w;
  if (sscanf(auth.c_str(), "%d,%d", &r, &w) != 2) return false;
  if (fcntl(r, F_GETFD) < 0 || fcntl(w, F_GETFD) < 0) return false;
  if (visible != nullptr) {
    // A make running inside the process sees only what a new process would have inherited.
    auto has = [&](int fd) { return std::find(visible->begin(), visible->end(), fd) != visible->end(); };
    if (!has(r) || !has(w)) return false;
  }
  read_fd_ = r;
  write_fd_ = w;
  // Children get the descriptors only through ProcessSpec::inherit_fds (recursive lines).
  fcntl(r, F_SETFD, FD_CLOEXEC);
  fcntl(w, F_SETFD, FD_CLOEXEC);
  OpenPrivateReader();
  return true;
}

std::string Jobserver::Auth() const {
  if (!fifo_path_.empty()) return "fifo:" + fifo_path_;
  return std::to_string(read_fd_) + "," + std::to_string(write_fd_);
}

bool Jobserver::Acquire(const std::vector<int>& wake_fds, int max_ms) {
  std::vector<struct pollfd> pfd;
  pfd.push_back({read_fd_, POLLIN, 0});
  for (int fd : wake_fds) pfd.push_back({fd, POLLIN, 0});
  int n = poll(pfd.data(), pfd.size(), max_ms >= 0 && max_ms < 100 ? max_ms : 100);
  if (n <= 0) return false;
  if (pfd[0].revents & (POLLIN | POLLHUP)) {
    char t;
    // Another make may take the token first; never block here. The file status flags of
    // the shared pipe belong to every make using it (processes and threads alike), so the
    // read goes through a private non-blocking open of the same pipe when there is one.
    if (nb_read_fd_ >= 0) return read(nb_read_fd_, &t, 1) == 1;
    int fl = fcntl(read_fd_, F_GETFL);
    fcntl(read_fd_, F_SETFL, fl | O_NONBLOCK);
    ssize_t r = read(read_fd_, &t, 1);
    fcntl(read_fd_, F_SETFL, fl);
    return r == 1;
  }
  return false;
}

void Jobserver::OpenPrivateReader() {
  if (nb_read_fd_ >= 0 || read_fd_ < 0) return;
  // Opening /proc/self/fd/N of a pipe creates a new open file description of that pipe.
  std::string path = "/proc/self/fd/" + std::to_string(read_fd_);
  nb_read_fd_ = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

void Jobserver::Release() {
  char t = '+';
  ssize_t r = write(write_fd_, &t, 1);
  (void)r;
}

void Jobserver::Clear() {
  if (nb_read_fd_ >= 0) close(nb_read_fd_);
  nb_read_fd_ = -1;
  if (master_) {
    if (read_fd_ >= 0) close(read_fd_);
    if (write_fd_ >= 0) close(write_fd_);
  }
  read_fd_ = write_fd_ = -1;
}

// ---- JobRunner -----------------------------------------------------------------------------

JobRunner::JobRunner(Make* m, std::unique_ptr<ProcessRunner> runner)
    : m_(m),
      runner_(runner ? std::move(runner) : MakeRealProcessRunner()),
      load_([m](const std::string& msg) { m->Error(nullptr, msg); }) {}
JobRunner::~JobRunner() = default;

void JobRunner::Configure(int job_slots, const std::string& auth,
                          const std::vector<int>* visible_fds) {
  job_slots_ = job_slots;
  if (!auth.empty()) {
    if (jobserver_.Join(auth, visible_fds)) {
      job_slots_ = 0;
    } else {
      m_->Error(nullptr,
                "warning: jobserver unavailable: using -j1.  Add '+' to parent make rule.");
      job_slots_ = 1;
      m_->opts_.jobs = 1;
      m_->opts_.jobs_given = true;
      m_->opts_.jobserver_auth.clear();
    }
  } else if (job_slots > 1) {
    if (jobserver_.Create(job_slots)) job_slots_ = 0;
  }
}

void JobRunner::ForceJobSlots(int job_slots) {
  // A client forgets the parent's descriptors (they stay open for the parent, which may be
  // this very process); a master closes its own pipe first, so the new one gets its numbers.
  jobserver_.Clear();
  job_slots_ = job_slots;
  if (job_slots > 1 && jobserver_.Create(job_slots)) job_slots_ = 0;
}

void JobRunner::ExecuteFileCommands(File* f) {
  bool only_blank = true;
  for (char c : f->cmds->text) {
    if (!IsSpace(c) && c != '-' && c != '@' && c != '+') {
      only_blank = false;
      break;
    }
  }
  if (only_blank) {
    m_->SetCommandState(f, CmdState::kRunning);
    f->update_status = UpdateStatus::kSuccess;
    m_->NoticeFinishedFile(f);
    return;
  }
  m_->InitializeFileVariables(f, false);
  m_->SetFileVariables(f);
  NewJob(f);
}

namespace {

/// Joins backslash-newlines that sit inside $(...) references so functions never see them.
std::string CollapseInsideRefs(std::string_view in) {
  std::string out;
  size_t i = 0;
  while (i < in.size()) {
    size_t ref = in.find('$', i);
    if (ref == std::string_view::npos) break;
    out.append(in.substr(i, ref + 1 - i));
    i = ref + 1;
    if (i < in.size() && (in[i] == '(' || in[i] == '{')) {
      char open = in[i], close = open == '(' ? ')' : '}';
      out.push_back(in[i++]);
      size_t outref = out.size();
      int count = 0;
      while (i < in.size()) {
        if (in[i] == close && --count < 0) break;
        if (in[i] == '\\' && i + 1 < in.size() && in[i + 1] == '\n') {
          bool quoted = false;
          for (size_t p = i; p > ref + 1 && in[p - 1] == '\\'; --p) quoted = !quoted;
          if (quoted) {
            out.push_back(in[i++]);
          } else {
            i += 2;
            while (i < in.size() && IsBlank(in[i])) ++i;
            while (out.size() > outref && IsBlank(out.back())) out.pop_back();
            out.push_back(' ');
          }
        } else {
          if (in[i] == open) ++count;
          out.push_back(in[i++]);
        }
      }
    }
  }
  out.append(in.substr(i));
  return out;
}

}  // namespace

void JobRunner::TraceJob(Child* c) {
  File* f = c->file;
  // A built-in rule's recipe has no file: GNU make says "<builtin>".
  std::string where = "<builtin>: ";
  if (f->cmds->loc.valid()) {
    where = *f->cmds->loc.file + ":" + std::to_string(f->cmds->loc.line) + ": ";
  }
  std::string msg;
  // GNU make decides by $? alone: an existing target remade with nothing newer (-B, a
  // double-colon rule without prerequisites) "does not exist" either.
  Variable* q = f->vars->Lookup("?");
  if (q == nullptr || q->value.empty()) {
    msg = where + "target '" + f->name + "' does not exist\n";
  } else {
    msg = where + "update target '" + f->name + "' due to: " + (q ? q->value : "") + "\n";
  }
  ScopedOutputContext to_job(m_, sync_mode_ != kSyncNone ? &c->sync : nullptr);
  m_->WriteOutput(false, msg);
}

void JobRunner::NewJob(File* f) {
  // Jobs that waited for the load to go down start before this one.
  StartWaitingJobs();
  auto c = std::make_unique<Child>();
  c->file = f;
  c->dontcare = f->dontcare;
  std::vector<std::string> raw;
  if (m_->one_shell_) {
    std::string t = f->cmds->text;
    if (!t.empty() && t.back() == '\n') t.pop_back();
    raw.push_back(t);
  } else {
    raw = f->cmds->lines;
  }
  SetList* save = m_->current_;
  const Loc* save_loc = m_->reading_loc_;
  m_->current_ = f->variables;
  // $(info) and friends in the recipe belong to the job's synchronized output.
  if (sync_mode_ != kSyncNone) SetupSyncFiles(c.get());
  try {
    ScopedOutputContext to_job(m_, sync_mode_ != kSyncNone ? &c->sync : nullptr);
    for (size_t i = 0; i < raw.size(); ++i) {
      Loc line_loc = f->cmds->loc;
      if (line_loc.valid()) line_loc.line += static_cast<long>(i);
      m_->reading_loc_ = line_loc.valid() ? &line_loc : nullptr;
      c->lines.push_back(m_->Expand(CollapseInsideRefs(raw[i])));
    }
  } catch (...) {
    m_->current_ = save;
    m_->reading_loc_ = save_loc;
    DumpOutput(c.get());
    throw;
  }
  m_->current_ = save;
  m_->reading_loc_ = save_loc;
  // --status: M counts the jobs that will show a recipe echo line, known from here on.
  if (m_->status_ != nullptr &&
      RecipeShowsLine(c->lines, f->cmds->silent, f->cmds->recurse, f->command_flags,
                      m_->one_shell_, m_->opts_.dry_run || m_->opts_.trace, m_->opts_.silent,
                      m_->opts_.question, m_->opts_.touch,
                      IsPosixShell(m_->ExpandForFile("$(SHELL)", f)))) {
    m_->status_->AddJob();
    c->status_counted = true;
  }

  if (job_slots_ != 0) {
    while (static_cast<int>(children_.size()) >= job_slots_) ReapChildren(true, false);
  } else if (jobserver_.enabled()) {
    while (tokens_ > 0) {
      ReapChildren(false, false);
      if (tokens_ == 0) break;
      if (int sig = PendingFatalSignal()) HandleFatalSignal(sig);
      if (jobserver_.Acquire(runner_->WakeFds(), runner_->WakeTimeoutMs())) break;
    }
  }
  ++tokens_;
  // --trace: GNU make's new_job says why once the recipe is expanded and a job slot is
  // free (an expansion error leaves it unsaid), into the job's output under -O.
  if (m_->opts_.trace) TraceJob(c.get());
  StartWaitingJob(std::move(c));
}

bool JobRunner::StartWaitingJob(std::unique_ptr<Child> c) {
  File* f = c->file;
  // -l: with jobs running and the load too high, the job waits (holding its token) on a
  // list that is taken last-in first-out, as GNU make's waiting_jobs.
  if (!children_.empty() && load_.TooHigh(m_->opts_.max_load)) {
    m_->SetCommandState(f, CmdState::kRunning);
    waiting_.insert(waiting_.begin(), std::move(c));
    return false;
  }
  Child* cp = c.get();
  children_.push_back(std::move(c));
  StartJobCommand(cp);
  switch (f->command_state) {
    case CmdState::kRunning:
      break;
    case CmdState::kNotStarted:
      f->update_status = UpdateStatus::kSuccess;
      [[fallthrough]];
    default:
      m_->NoticeFinishedFile(f);
      FreeChild(cp);
      return true;
  }
  if (job_slots_ == 1 || m_->not_parallel_) {
    while (f->command_state == CmdState::kRunning) ReapChildren(true, false);
  }
  return true;
}

void JobRunner::StartWaitingJobs() {
  while (!waiting_.empty()) {
    ReapChildren(false, false);
    std::unique_ptr<Child> c = std::move(waiting_.front());
    waiting_.erase(waiting_.begin());
    if (!StartWaitingJob(std::move(c))) break;
  }
}

bool JobRunner::NextCommand(Child* c) {
  while (!c->have_pending || c->pending.empty()) {
    if (c->command_line >= c->lines.size()) return false;
    c->pending = c->lines[c->command_line++];
    c->have_pending = true;
  }
  return true;
}

void JobRunner::StartJobCommand(Child* c) {
  File* f = c->file;
  while (true) {
    if (!NextCommand(c)) {
      m_->SetCommandState(f, CmdState::kRunning);
      f->update_status = UpdateStatus::kSuccess;
      m_->NoticeFinishedFile(f);
      return;
    }
    size_t idx = c->command_line - 1;
    int flags = f->command_flags;
    bool recurse = m_->one_shell_ ? f->cmds->oneshell_recurse
                                  : idx < f->cmds->recurse.size() && f->cmds->recurse[idx];
    bool silent = (flags & 1) != 0 || (idx < f->cmds->silent.size() && f->cmds->silent[idx]);
    c->noerror = (flags & 2) != 0 || (idx < f->cmds->noerror.size() && f->cmds->noerror[idx]);
    std::string& s = c->pending;
    size_t p = 0;
    while (p < s.size()) {
      if (s[p] == '@') {
        silent = true;
      } else if (s[p] == '+') {
        recurse = true;
      } else if (s[p] == '-') {
        c->noerror = true;
      } else if (!IsBlank(s[p])) {
        break;
      }
      ++p;
    }
    c->recursive = recurse;
    // GNU make synchronizes a line unless it is recursive (except with --output-sync=recurse);
    // output already collected is written out before an unsynchronized line runs.
    c->syncout = sync_mode_ != kSyncNone && (sync_mode_ == kSyncRecurse || !recurse);
    if (sync_mode_ != kSyncNone && !c->syncout) DumpOutput(c);
    if (recurse && idx < f->cmds->recurse.size() && !f->cmds->recurse[idx]) {
      f->cmds->recurse[idx] = true;
      f->cmds->any_recurse = true;
    }
    // Remove the recipe prefix after each backslash-newline.
    std::string text;
    char prefix = f->cmds->recipe_prefix;
    for (size_t i = p; i < s.size(); ++i) {
      text.push_back(s[i]);
      if (s[i] == '\n' && i + 1 < s.size() && s[i + 1] == prefix) ++i;
    }
    // Split off the rest at the first unescaped newline (unless .ONESHELL).
    std::string line = text, rest;
    if (!m_->one_shell_) {
      for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') {
          if (i == 0 || text[i - 1] != '\\') {
            line = text.substr(0, i);
            rest = text.substr(i + 1);
            break;
          }
        }
      }
    } else if (IsBourneCompatibleShell(m_->ExpandForFile("$(SHELL)", f))) {
      // Interior prefix characters are meaningless to a Bourne shell: drop them (another
      // SHELL gets them, as they may be part of its script).
      line = StripOneShellPrefixes(line);
    }
    c->pending = rest;
    // GNU's construct_command_argv finds no command in a line of blanks and
    // backslash-newlines: nothing is echoed or run, and -q does not count it.
    bool empty = true;
    for (size_t i = 0; i < line.size() && empty; ++i) {
      if (line[i] == '\\' && !m_->one_shell_ && i + 1 < line.size() && line[i + 1] == '\n') {
        ++i;
      } else if (!IsSpace(line[i])) {
        empty = false;
      }
    }
    if (!empty && m_->opts_.question && !recurse) {
      f->update_status = UpdateStatus::kQuestion;
      m_->NoticeFinishedFile(f);
      return;
    }
    if (empty || (m_->opts_.touch && !recurse)) continue;
    const std::string& shown = line;
    // --explain: before the first command that runs (GNU make skips a lone ':', and so do
    // Kbuild's if_changed recipes when nothing changed) or, with -n, would run.
    if (m_->explain_ && !c->explained && line != ":") ExplainChild(c);
    // --status: the recipe echo line is make's own echo of the command or, for a silent
    // command, the fixed text of the echo it starts with, which make then prints itself
    // (with the prefix) instead of the shell.
    std::string status_rewrite;
    LeadingEcho echo;
    bool make_echo = m_->opts_.dry_run || m_->opts_.trace || (!silent && !m_->opts_.silent);
    bool status_echo = !make_echo && m_->status_ != nullptr &&
                       IsPosixShell(m_->ExpandForFile("$(SHELL)", f)) &&
                       FindLeadingEcho(line, &echo);
    if (make_echo || status_echo) {
      // A synchronized line's echo goes with its output.
      if (c->syncout) SetupSyncFiles(c);
      ScopedOutputContext to_job(m_, c->syncout ? &c->sync : nullptr);
      if (m_->status_ != nullptr) {
        m_->status_->PrintLine(m_, make_echo ? std::string_view(shown) : echo.text,
                               &c->status_started, &c->status_counted);
        if (status_echo) status_rewrite = std::move(echo.rewrite);
      } else {
        m_->WriteOutput(false, shown + "\n");
      }
    }
    const std::string& run = status_rewrite.empty() ? line : status_rewrite;
    if (m_->compdb_ != nullptr) m_->compdb_->Record(line, m_->starting_dir_);
    ++m_->commands_started_;
    f->graph_remade = true;
    // The shell and its flags come from the target's variables.
    std::string shell = m_->ExpandForFile("$(SHELL)", f);
    std::string shellflags = m_->ExpandForFile("$(.SHELLFLAGS)", f);
    std::string ifs = m_->ExpandQuietlyForFile("$(IFS)", f);
    std::vector<std::string> argv =
        CommandArgv(run, shell, shellflags, m_->one_shell_, ifs, m_->posix_);
    if (argv.empty()) continue;
    // GNU make skips `<Bourne shell> -c :` (also -ec) without starting it.
    if (argv.size() == 3 && IsBourneCompatibleShell(argv[0]) &&
        (argv[1] == "-c" || argv[1] == "-ec") && argv[2] == ":") {
      c->skipped.push_back(argv[2]);
      continue;
    }
    // kbmake goes further: a /bin/sh script that provably does nothing (Kbuild's
    // `set -e; trap '...' HUP; ...` lines when the command itself is empty) is not started
    // either, unless /bin/sh cannot be run (then the process must fail as it would).
    if (argv.size() == 3 && argv[0] == "/bin/sh" && (argv[1] == "-c" || argv[1] == "-ec") &&
        IsNoOpShellScript(argv[2]) && access("/bin/sh", X_OK) == 0) {
      c->skipped.push_back(argv[2]);
      continue;
    }
    if (m_->opts_.dry_run && !recurse) continue;
    if (!c->has_env) {
      c->env = m_->TargetEnvironment(f);
      // --compdb: sub-make processes record into the same spool.
      if (m_->compdb_ != nullptr) c->env.push_back(m_->compdb_->EnvEntry());
      c->has_env = true;
    }
    c->good_stdin = !good_stdin_used_;
    if (c->good_stdin) good_stdin_used_ = true;
    c->deleted = false;
    ProcessSpec spec;
    spec.argv = std::move(argv);
    spec.env = c->env;
    spec.good_stdin = c->good_stdin;
    spec.error_prefix = m_->Prefix();
    if (jobserver_.enabled() && c->recursive) spec.inherit_fds = jobserver_.Fds();
    // A make instance running inside the process may have other descriptors as its
    // standard streams; its children get those.
    if (m_->io_.in != 0) spec.in_fd = m_->io_.in;
    if (m_->io_.out != 1) spec.out_fd = m_->io_.out;
    if (m_->io_.err != 2) spec.err_fd = m_->io_.err;
    if (c->syncout) {
      SetupSyncFiles(c);
      spec.out_fd = c->sync.out;
      spec.err_fd = c->sync.err;
    }
    if (int sig = PendingFatalSignal()) HandleFatalSignal(sig);
    m_->EnsureEntered();
    if (m_->trace_ != nullptr && c->trace_start < 0) {
      // A recipe that runs a sub-make holds no job-slot lane of its own: its sub-make's
      // recipes do.
      c->trace_start = m_->trace_->Now();
      c->trace_submake = c->recursive;
      c->trace_lane = c->recursive ? 100 + m_->trace_id_ : m_->trace_->TakeLane();
    }
    if (m_->graph_ != nullptr) m_->GraphNoteLine(f, line, c->recursive, &spec.env);
    if (m_->build_logs_ != nullptr && c->log_start_ms < 0) c->log_start_ms = WallMillis();
    c->pid = runner_->Start(spec);
    if (m_->trace_ != nullptr && c->pid > 0 && !c->trace_submake) m_->trace_->WatchExit(c->pid);
    if (c->pid < 0) {
      m_->Error(nullptr, std::string("fork: ") + strerror(errno));
      f->update_status = UpdateStatus::kFailed;
      m_->NoticeFinishedFile(f);
      return;
    }
    load_.NoteStart();
    m_->SetCommandState(f, CmdState::kRunning);
    return;
  }
}

void JobRunner::ChildError(Child* c, int exit_code, int exit_sig, bool coredump, bool ignored) {
  if (ignored && m_->opts_.silent) return;
  // The error line is part of the job's synchronized output.
  ScopedOutputContext to_job(m_, c->syncout ? &c->sync : nullptr);
  File* f = c->file;
  std::string nm;
  if (f->cmds->loc.valid()) {
    long line = f->cmds->loc.line + static_cast<long>(c->command_line) - 1;
    nm = *f->cmds->loc.file + ":" + std::to_string(line);
  } else {
    nm = "<builtin>";
  }
  m_->ShowGoalError(f);
  std::string pre = ignored ? "" : "*** ";
  std::string post = ignored ? " (ignored)" : "";
  std::string msg;
  if (exit_sig == 0) {
    msg = pre + "[" + nm + ": " + f->name + "] Error " + std::to_string(exit_code) + post;
  } else {
    msg = pre + "[" + nm + ": " + f->name + "] " + strsignal(exit_sig) +
          (coredump ? " (core dumped)" : "") + post;
  }
  m_->Error(nullptr, msg);
}

void JobRunner::DeleteTarget(File* f, const std::string* on_behalf_of) {
  if (f->precious || f->phony) return;
  if (ArName(f->name)) {
    // An archive member is never deleted; say so if the recipe may have changed it. GNU
    // compares the member's date with the seconds of the time make knew: -1 for a missing
    // member, and for a time never learnt (unknown) a value no date has (an unsigned
    // underflow in FILE_TIMESTAMP_S).
    const bool known = f->last_mtime == kNonexistentTime || f->last_mtime >= kFirstRealTime;
    if (!known || m_->ArchiveMemberDate(f->name) != TimestampSeconds(f->last_mtime)) {
      std::string pre = on_behalf_of ? "*** [" + *on_behalf_of + "] " : "*** ";
      m_->Error(nullptr, pre + "Archive member '" + f->name + "' may be bogus; not deleted");
    }
    return;
  }
  struct stat st;
  if (stat(f->name.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
  if (MakeTimestamp(st.st_mtim.tv_sec, st.st_mtim.tv_nsec) == f->last_mtime) return;
  if (on_behalf_of) {
    m_->Error(nullptr, "*** [" + *on_behalf_of + "] Deleting file '" + f->name + "'");
  } else {
    m_->Error(nullptr, "*** Deleting file '" + f->name + "'");
  }
  int rc = unlink(f->name.c_str());
  int err = errno;
  m_->NoteFsChange();  // after the change: a lookup in between is one made before it
  if (rc < 0 && err != ENOENT) {
    m_->Error(nullptr, "unlink: " + f->name + ": " + strerror(err));
  }
}

void JobRunner::DeleteChildTargets(Child* c) {
  if (c->deleted || c->pid <= 0) return;
  DeleteTarget(c->file, nullptr);
  for (File* a : c->file->also_make) DeleteTarget(a, &c->file->name);
  c->deleted = true;
}

void JobRunner::OpenSyncFiles(OutputContext* ctx) {
  if (ctx->out >= 0) return;
  std::string dir = m_->GetEnv("TMPDIR");
  auto open_tmp = [this, &dir] {
    std::string name = (dir.empty() ? std::string("/tmp") : dir) + "/kbmakeXXXXXX";
    int fd = mkostemp(name.data(), O_CLOEXEC);
    if (fd >= 0) unlink(name.c_str());
    m_->NoteFsChange();
    return fd;
  };
  ctx->out = open_tmp();
  ctx->err = combined_output_ ? ctx->out : open_tmp();
}

void JobRunner::CloseSyncFiles(OutputContext* ctx) {
  DumpSyncFiles(ctx, true);
  if (ctx->err >= 0 && ctx->err != ctx->out) close(ctx->err);
  if (ctx->out >= 0) close(ctx->out);
  ctx->out = ctx->err = -1;
}

void JobRunner::DumpSyncFiles(OutputContext* ctx, bool wrap_directory) {
  if (ctx->out < 0 && ctx->err < 0) return;
  off_t nout = ctx->out >= 0 ? lseek(ctx->out, 0, SEEK_END) : 0;
  off_t nerr = ctx->err >= 0 && ctx->err != ctx->out ? lseek(ctx->err, 0, SEEK_END) : 0;
  if (nout <= 0 && nerr <= 0) return;
  // One block at a time across all makes writing to this output (GNU make locks stdout too;
  // fcntl locks are per process, so instances in this process also take a mutex).
  const int out_fd = m_->io_.out, err_fd = m_->io_.err;
  std::lock_guard<std::mutex> in_process(OutputSyncMutex());
  struct flock lock = {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  bool locked = fcntl(out_fd, F_SETLKW, &lock) == 0;
  if (m_->status_ != nullptr) m_->status_->BreakLine(out_fd);
  if (wrap_directory) m_->PrintDirectory(true);
  auto pump = [](int from, off_t size, int to) {
    char buf[65536];
    off_t off = 0;
    while (off < size) {
      ssize_t n = pread(from, buf, sizeof buf, off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      off += n;
      for (ssize_t w = 0; w < n;) {
        ssize_t k = write(to, buf + w, n - w);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return;
        w += k;
      }
    }
  };
  if (nout > 0) pump(ctx->out, nout, out_fd);
  if (nerr > 0) pump(ctx->err, nerr, err_fd);
  if (wrap_directory) m_->PrintDirectory(false);
  if (locked) {
    lock.l_type = F_UNLCK;
    fcntl(out_fd, F_SETLK, &lock);
  }
  for (int fd : {ctx->out, ctx->err}) {
    if (fd < 0) continue;
    if (ftruncate(fd, 0) != 0) continue;
    lseek(fd, 0, SEEK_SET);
  }
}

void JobRunner::ConfigureOutputSync(const std::string& mode, bool parallel) {
  sync_mode_ = kSyncNone;
  struct stat o, e;
  combined_output_ = fstat(m_->io_.out, &o) == 0 && fstat(m_->io_.err, &e) == 0 &&
                     o.st_dev == e.st_dev && o.st_ino == e.st_ino;
  if (!parallel) return;
  if (mode == "line") sync_mode_ = kSyncLine;
  if (mode == "target") sync_mode_ = kSyncTarget;
  if (mode == "recurse") sync_mode_ = kSyncRecurse;
}

std::string JobRunner::RecipeText(const Child* c) {
  std::string cmd;
  for (const std::string& l : c->lines) cmd += (cmd.empty() ? "" : "\n") + l;
  return cmd;
}

void JobRunner::ExplainChild(Child* c) {
  c->explained = true;
  auto it = m_->explain_reasons_.find(c->file);
  if (it == m_->explain_reasons_.end()) return;  // phony, or not remade by UpdateFile
  RemakeReason why = std::move(it->second);
  m_->explain_reasons_.erase(it);
  BuildLog::Record prev;
  BuildLog* log = m_->LogFor(m_->LogKey(c->file));
  bool have_prev = log != nullptr && log->Previous(m_->LogKey(c->file), &prev);
  const BuildLog::Record* p = have_prev ? &prev : nullptr;
  std::string reason = ExplainReason(why, p, BuildLog::RecordedCommand(c->lines, p));
  if (reason.empty()) return;
  if (c->syncout) SetupSyncFiles(c);
  ScopedOutputContext to_job(m_, c->syncout ? &c->sync : nullptr);
  m_->WriteOutput(true, m_->Prefix() + ": explain: " + c->file->name + ": " + reason + "\n");
}

void JobRunner::LogChildEnd(Child* c) {
  if (m_->build_logs_ == nullptr || c->log_start_ms < 0) return;
  int64_t start = c->log_start_ms;
  c->log_start_ms = -1;
  // Phony targets run every time and are never explained: their records would say nothing.
  if (c->file->update_status != UpdateStatus::kSuccess || c->file->phony || m_->opts_.dry_run ||
      m_->opts_.touch || m_->opts_.question) {
    return;
  }
  std::string key = m_->LogKey(c->file);
  BuildLog* log = m_->LogFor(key);
  // A directory the user may not write in (a kernel tree in /usr/src for an external
  // module) keeps no log, silently; other failures are reported once.
  BuildLog::Record prev;
  bool have_prev = log->Previous(key, &prev);
  std::string cmd = BuildLog::RecordedCommand(c->lines, have_prev ? &prev : nullptr);
  if (!log->Append(key, start, WallMillis(), cmd) && !log_error_reported_ &&
      errno != EACCES && errno != EPERM && errno != EROFS) {
    log_error_reported_ = true;
    m_->Error(nullptr, "warning: " + log->path() + ": " + strerror(errno));
  }
}

void JobRunner::TraceChildEnd(Child* c) {
  if (m_->trace_ != nullptr && c->trace_start >= 0) {
    std::string cmd = RecipeText(c);
    int64_t end = c->trace_end >= 0 ? c->trace_end : m_->trace_->Now();
    std::vector<std::pair<std::string, std::string>> args = {
        {"command", cmd},
        {"directory", m_->starting_dir_},
        {"make", m_->Prefix() + " #" + std::to_string(m_->trace_id_)},
        {"status", c->trace_status}};
    if (!c->trace_memo.empty()) args.emplace_back("memo", c->trace_memo);
    if (!c->skipped.empty()) {
      std::string skipped;
      for (const std::string& s : c->skipped) skipped += (skipped.empty() ? "" : "\n") + s;
      args.emplace_back("skipped", skipped);
    }
    m_->trace_->Event(c->file->name, c->trace_submake ? "submake" : "recipe", c->trace_start,
                      end, c->trace_lane, args);
    if (!c->trace_submake) m_->trace_->FreeLane(c->trace_lane);
    c->trace_start = -1;
    c->trace_end = -1;
  }
}

void JobRunner::FreeChild(Child* c) {
  DumpOutput(c);
  TraceChildEnd(c);
  if (c->status_started && m_->status_ != nullptr) m_->status_->FinishJob();
  c->status_started = false;
  LogChildEnd(c);
  if (c->sync.err >= 0 && c->sync.err != c->sync.out) close(c->sync.err);
  if (c->sync.out >= 0) close(c->sync.out);
  c->sync.out = c->sync.err = -1;
  if (jobserver_.enabled() && tokens_ > 1) jobserver_.Release();
  --tokens_;
  if (c->good_stdin) good_stdin_used_ = false;
  for (auto it = children_.begin(); it != children_.end(); ++it) {
    if (it->get() == c) {
      children_.erase(it);
      break;
    }
  }
}

void JobRunner::ReapChildren(bool block, bool err) {
  while (!children_.empty()) {
    if (int sig = PendingFatalSignal()) HandleFatalSignal(sig);
    bool any_running = false;
    for (auto& ch : children_)
      if (ch->pid > 0) any_running = true;
    if (!any_running) return;
    if (err && block && !printed_waiting_) {
      m_->Error(nullptr, "*** Waiting for unfinished jobs....");
      printed_waiting_ = 1;
    }
    ProcessExit ex;
    if (!runner_->Wait(block, &ex)) {
      if (block && errno == EINTR) continue;
      return;
    }
    Child* c = nullptr;
    for (auto& ch : children_)
      if (ch->pid == ex.id) c = ch.get();
    if (c == nullptr) continue;
    if (m_->trace_ != nullptr && c->trace_start >= 0) {
      int64_t exited = m_->trace_->TakeExit(ex.id);
      c->trace_end = exited >= 0 ? exited : m_->trace_->Now();
    }
    int exit_code = ex.exit_code;
    int exit_sig = ex.exit_sig;
    bool coredump = ex.core;
    // One event covers all of a target's recipe lines: the sub-make memo's word of a
    // sub-make line stays when later lines (which have none) end.
    if (!ex.memo.empty()) c->trace_memo = std::move(ex.memo);
    if (exit_sig != 0) {
      c->trace_status = std::string("signal ") + std::to_string(exit_sig);
    } else if (exit_code != 0) {
      c->trace_status = std::to_string(exit_code);
    }
    bool child_failed = exit_sig != 0 || exit_code != 0;
    File* f = c->file;
    bool dontcare = c->dontcare;
    if (child_failed && m_->opts_.question && c->recursive && exit_sig == 0 && exit_code == 1) {
      f->update_status = UpdateStatus::kQuestion;
      m_->NoticeFinishedFile(f);
      FreeChild(c);
      block = false;
      continue;
    }
    if (child_failed && !c->noerror && !m_->opts_.ignore_errors) {
      if (!dontcare) ChildError(c, exit_code, exit_sig, coredump, false);
      f->update_status = UpdateStatus::kFailed;
      if (exit_sig != 0 || m_->delete_on_error_) DeleteChildTargets(c);
    } else {
      if (child_failed) {
        ChildError(c, exit_code, exit_sig, coredump, true);
        child_failed = false;
      }
      if (sync_mode_ == kSyncLine) DumpOutput(c);
      c->pid = 0;
      if (NextCommand(c) && !PendingFatalSignal()) {
        StartJobCommand(c);
        if (f->command_state == CmdState::kRunning && c->pid > 0 &&
            f->update_status != UpdateStatus::kQuestion) {
          block = false;
          continue;
        }
        if (f->command_state == CmdState::kFinished) {
          // The remaining lines were all skipped and the file noticed as finished. GNU
          // make's reap_children notices it once more: under -t, after a `+` line ran,
          // "touch FILE" is printed (and done) twice.
          if (m_->opts_.touch) m_->NoticeFinishedFile(f);
          FreeChild(c);
          block = false;
          continue;
        }
      } else {
        f->update_status = UpdateStatus::kSuccess;
      }
    }
    m_->NoticeFinishedFile(f);
    FreeChild(c);
    if (!err && child_failed && !dontcare && !m_->opts_.keep_going && !PendingFatalSignal()) {
      throw FatalError{"", 2};
    }
    block = false;
  }
}

void JobRunner::WaitAll(bool err) {
  while (!children_.empty()) {
    bool any_running = false;
    for (auto& ch : children_)
      if (ch->pid > 0) any_running = true;
    if (!any_running) {
      children_.clear();
      break;
    }
    ReapChildren(true, err);
  }
}

void JobRunner::KillChildren(int sig) {
  for (auto& ch : children_)
    if (ch->pid > 0) runner_->Signal(ch->pid, sig);
}

void JobRunner::HandleFatalSignal(int sig) {
  if (handling_signal_) return;
  handling_signal_ = true;
  runner_->SetWakeOnSignal(false);
  if (sig == SIGTERM) KillChildren(SIGTERM);
  // Wait for the children (they got the signal from the terminal too), then delete what
  // they were making.
  while (true) {
    bool any = false;
    for (auto& ch : children_)
      if (ch->pid > 0) any = true;
    if (!any) break;
    ProcessExit ex;
    if (!runner_->Wait(true, &ex)) {
      if (errno == EINTR) continue;
      break;
    }
    for (auto& ch : children_) {
      if (ch->pid != ex.id) continue;
      int exit_sig = ex.exit_sig;
      int exit_code = ex.exit_code;
      if (exit_sig || exit_code) ChildError(ch.get(), exit_code, exit_sig, false, false);
      DeleteChildTargets(ch.get());
      ch->pid = 0;
      ch->trace_status = exit_sig ? "signal " + std::to_string(exit_sig) : std::to_string(exit_code);
      TraceChildEnd(ch.get());
    }
  }
  m_->RemoveIntermediates(true);
  // A make running inside the process ends as if killed by the signal; its parent instance
  // sees that and handles the signal in turn. Only the process's own make re-raises it.
  if (!m_->owns_process_) throw KilledBySignal{sig};
  // The trace stays valid JSON after ^C: written before the signal ends the process.
  if (m_->trace_ != nullptr) m_->trace_->Write();
  if (m_->compdb_ != nullptr && m_->compdb_->owner()) m_->compdb_->Finish();
  if (m_->status_ != nullptr) m_->status_->BreakLine(m_->io_.out);
  fflush(stdout);
  fflush(stderr);
  signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  kill(getpid(), sig);
  _exit(128 + sig);
}

UpdateStatus JobRunner::TouchFile(File* f) {
  if (!m_->opts_.silent) {
    m_->WriteOutput(false, "touch " + f->name + "\n");
  }
  if (m_->opts_.dry_run) return UpdateStatus::kSuccess;
  if (ArName(f->name)) {
    UpdateStatus st = TouchArchiveMember(f->name);
    m_->NoteFsChange();
    return st;
  }
  int fd = open(f->name.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) {
    m_->Error(nullptr, "touch: open: " + f->name + ": " + strerror(errno));
    return UpdateStatus::kFailed;
  }
  struct timespec ts[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
  futimens(fd, ts);
  close(fd);
  m_->NoteFsChange();
  return UpdateStatus::kSuccess;
}

UpdateStatus JobRunner::TouchArchiveMember(const std::string& name) {
  std::string archive, member;
  ArParseName(name, &archive, &member);
  // Learn the archive's time before touching changes it (GNU make's ar_touch).
  m_->FileMtime(m_->EnterFile(archive), false, /*cached=*/false);
  switch (ArMemberTouch(archive, member)) {
    case 0:
      return UpdateStatus::kSuccess;
    case kArNoArchive:
      m_->Error(nullptr, "touch: Archive '" + archive + "' does not exist");
      break;
    case kArNotArchive:
      m_->Error(nullptr, "touch: '" + archive + "' is not a valid archive");
      break;
    case kArIoError:
      m_->Error(nullptr, "touch: " + archive + ": " + strerror(errno));
      break;
    case 1:
      m_->Error(nullptr, "touch: Member '" + member + "' does not exist in '" + archive + "'");
      break;
    default:
      m_->Error(nullptr, "touch: Bad return code from ar_member_touch on '" + name + "'");
  }
  return UpdateStatus::kFailed;
}

}  // namespace kbmake

namespace kbmake {

std::mutex& OutputSyncMutex() {
  static std::mutex mu;
  return mu;
}

}  // namespace kbmake

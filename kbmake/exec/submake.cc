#include "kbmake/exec/submake.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "kbmake/base/bigstack.h"
#include "kbmake/exec/jobs.h"
#include "kbmake/exec/shell_memo.h"
#include "kbmake/exec/submake_memo.h"

namespace kbmake {
namespace {

bool SafeWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_./,:+@%^=-").find(c) != std::string_view::npos;
}

/// Splits `text` into words as the shell would, for the plain subset only: blanks separate
/// words; a word is safe characters and '...' or "..." parts (the double-quoted ones without
/// $ ` \). Returns false for anything else (the line then runs through the shell).
bool SplitPlainWords(std::string_view text, std::vector<std::string>* words) {
  size_t i = 0;
  while (true) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i == text.size()) return true;
    std::string w;
    bool any = false;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') {
      char c = text[i];
      if (c == '\'' || c == '"') {
        size_t end = text.find(c, i + 1);
        if (end == std::string_view::npos) return false;
        std::string_view part = text.substr(i + 1, end - i - 1);
        if (c == '"' && part.find_first_of("$`\\") != std::string_view::npos) return false;
        w.append(part);
        i = end + 1;
      } else if (SafeWordChar(c)) {
        w.push_back(c);
        ++i;
      } else {
        return false;
      }
      any = true;
    }
    if (any) words->push_back(std::move(w));
  }
}

bool ValidShellName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  }
  return true;
}

/// dash's updatepwd(): the logical directory `cd dest` goes to from logical `cur`.
std::string UpdatePwd(const std::string& cur, const std::string& dest) {
  std::string out;
  size_t lim;
  size_t start = 0;
  if (dest[0] != '/') {
    out = cur;
    if (out.empty() || out.back() != '/') out.push_back('/');
    lim = 1;
    if (out.size() > lim && out[lim] == '/') ++lim;
  } else {
    out = "/";
    start = 1;
    lim = 1;
    if (dest.size() > 1 && dest[1] == '/' && (dest.size() < 3 || dest[2] != '/')) {
      out.push_back('/');
      start = 2;
      lim = 2;
    }
  }
  size_t i = start;
  while (i < dest.size()) {
    size_t j = dest.find('/', i);
    if (j == std::string::npos) j = dest.size();
    std::string comp = dest.substr(i, j - i);
    i = j + 1;
    if (comp.empty() || comp == ".") continue;
    if (comp == "..") {
      while (out.size() > lim) {
        out.pop_back();
        if (out.back() == '/') break;
      }
      continue;
    }
    out += comp;
    out.push_back('/');
  }
  if (out.size() > lim) out.pop_back();
  return out;
}

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

std::string PhysicalCwd() {
  char buf[PATH_MAX];
  return getcwd(buf, sizeof buf) ? buf : "";
}

/// A line that /bin/sh runs (`$(SHELL) -c LINE`) and that is, for the shell, nothing but
/// `[cd DIR &&] PROGRAM ARGS...` in plain words: *argv gets the words, *env what dash passes
/// on (entries with invalid names dropped, PWD, and OLDPWD after cd), *dir the directory
/// (empty: none). False for anything else.
bool PlainShellLine(const ProcessSpec& spec, std::vector<std::string>* argv,
                    std::vector<std::string>* env, std::string* dir) {
  const auto& a = spec.argv;
  if (a.size() != 3 || a[0] != "/bin/sh" || (a[1] != "-c" && a[1] != "-ec")) return false;
  std::string_view line = a[2];
  if (line.find('\n') != std::string_view::npos) return false;
  std::vector<std::string> words;
  // "cd DIR && REST": split at the first "&&" surrounded by blanks.
  size_t amp = line.find("&&");
  std::string_view rest = line;
  std::string cd_dir;
  if (amp != std::string_view::npos) {
    std::vector<std::string> head;
    if (!SplitPlainWords(line.substr(0, amp), &head) || head.size() != 2 || head[0] != "cd")
      return false;
    cd_dir = head[1];
    if (cd_dir.empty() || cd_dir[0] == '-') return false;
    rest = line.substr(amp + 2);
    if (rest.find("&&") != std::string_view::npos) return false;
  }
  if (!SplitPlainWords(rest, &words) || words.empty()) return false;
  if (words[0].find('=') != std::string::npos) return false;  // an assignment prefix
  if (words[0] == "cd" || words[0] == "exec" || words[0] == "command") return false;
  std::string storage;
  if (EnvValue(spec.env, "CDPATH", &storage) != nullptr && !cd_dir.empty()) return false;
  // dash's environment: valid names only, PWD validated against ".", then cd.
  const std::string* env_pwd = EnvValue(spec.env, "PWD", &storage);
  std::string pwd = env_pwd != nullptr ? *env_pwd : "";
  const std::string physical = PhysicalCwd();
  if (physical.empty()) return false;
  if (pwd.empty() || pwd[0] != '/' || !SameFile(pwd, ".")) pwd = physical;
  std::string newpwd = pwd;
  if (!cd_dir.empty()) {
    newpwd = UpdatePwd(pwd, cd_dir);
    struct stat st;
    if (stat(newpwd.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || access(newpwd.c_str(), X_OK))
      return false;  // let the shell report it
  }
  env->clear();
  for (const std::string& e : spec.env) {
    size_t eq = e.find('=');
    if (eq == std::string::npos || !ValidShellName(std::string_view(e).substr(0, eq))) continue;
    if (e.rfind("PWD=", 0) == 0) continue;
    if (!cd_dir.empty() && e.rfind("OLDPWD=", 0) == 0) continue;
    env->push_back(e);
  }
  if (!cd_dir.empty()) env->push_back("OLDPWD=" + pwd);
  env->push_back("PWD=" + newpwd);
  *argv = std::move(words);
  *dir = cd_dir.empty() ? "" : newpwd;
  return true;
}

/// One sub-make running on its own thread.
struct Submake {
  int id = 0;
  BigStackThread thread;
  int done_fd = -1;  // eventfd written when the instance has finished
  std::atomic<bool> done{false};
  int status = 0;
  int sig = 0;
  int cwd_fd = -1;  // the parent's working directory, taken when the line was started
  std::string chdir_to;  // then this directory (a `cd DIR && ...` line), if not empty
  SubmakeHost* host = nullptr;
  Invocation inv;
  // The sub-make memo: replayed (no thread was started), or the recorder and key.
  bool replayed = false;
  std::unique_ptr<SubmakeFacts> facts;
  std::string memo_key, memo_cwd;
  std::string memo_note;  // why it was not replayed
};

void* SubmakeThread(void* p) {
  auto* s = static_cast<Submake*>(p);
  // The thread's own working directory: a -C or chdir in the sub-make must not move its
  // parent or its siblings.
  if (unshare(CLONE_FS) != 0 || fchdir(s->cwd_fd) != 0 ||
      (!s->chdir_to.empty() && chdir(s->chdir_to.c_str()) != 0)) {
    std::string msg = "make: unshare/fchdir: " + std::string(strerror(errno)) + "\n";
    ssize_t w = write(s->inv.err_fd, msg.data(), msg.size());
    (void)w;
    s->status = 2;
  } else {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    try {
      s->status = s->host->Run(s->inv);
    } catch (const KilledBySignal& k) {
      s->sig = k.sig;
    } catch (const std::exception& e) {
      std::string msg = "make: *** " + std::string(e.what()) + ".  Stop.\n";
      ssize_t w = write(s->inv.err_fd, msg.data(), msg.size());
      (void)w;
      s->status = 2;
    }
  }
  close(s->cwd_fd);
  s->cwd_fd = -1;
  s->done.store(true);
  uint64_t one = 1;
  ssize_t w = write(s->done_fd, &one, sizeof one);
  (void)w;
  return nullptr;
}

class SubmakeRunner : public ProcessRunner {
 public:
  SubmakeRunner(SubmakeHost* host, std::unique_ptr<ProcessRunner> real,
                std::shared_ptr<ShellMemo> memo, bool stdout_closed, bool remember,
                SubmakeFacts* facts)
      : host_(host), real_(std::move(real)), memo_(std::move(memo)),
        stdout_closed_(stdout_closed), remember_(remember && memo_ != nullptr), facts_(facts) {}

  ~SubmakeRunner() override {
    for (auto& s : subs_) {
      if (!s->replayed) s->thread.Join();
      close(s->done_fd);
    }
    if (bad_stdin_ >= 0) close(bad_stdin_);
  }

  int Start(const ProcessSpec& spec) override {
    if (!host_->enabled()) return StartProcess(spec);
    auto s = std::make_unique<Submake>();
    std::vector<std::string> looked_at;
    if (host_->IsSelf(spec.argv, spec.env, &looked_at)) {
      s->inv.argv = spec.argv;
      s->inv.env = spec.env;
    } else if (!PlainShellLine(spec, &s->inv.argv, &s->inv.env, &s->chdir_to) ||
               !host_->IsSelf(s->inv.argv, s->inv.env, &looked_at)) {
      return StartProcess(spec);
    } else {
      // Taking the line apart looked at $PWD (is it this directory?) and at the directory
      // `cd` goes to.
      std::string storage;
      const std::string* pwd = EnvValue(spec.env, "PWD", &storage);
      if (pwd != nullptr && !pwd->empty() && (*pwd)[0] == '/') looked_at.push_back(*pwd);
      if (!s->chdir_to.empty()) looked_at.push_back(s->chdir_to);
    }
    // Which program the line starts is decided by the search along PATH: what it looked at
    // is part of what the owning make depends on.
    if (facts_ != nullptr) NoteProgramSearch(looked_at);
    s->host = host_;
    s->inv.owns_process = false;
    s->inv.inherited_fds = spec.inherit_fds;
    s->inv.shell_memo = memo_;
    if (!spec.good_stdin) {
      if (bad_stdin_ < 0) {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) == 0) {
          close(fds[1]);
          bad_stdin_ = fds[0];
        }
      }
      s->inv.in_fd = bad_stdin_;
    } else {
      s->inv.in_fd = spec.in_fd >= 0 ? spec.in_fd : 0;
    }
    s->inv.out_fd = spec.out_fd >= 0 ? spec.out_fd : 1;
    // A process would inherit this make's descriptor 1, closed if it was closed at the start.
    s->inv.stdout_closed = stdout_closed_ && spec.out_fd < 0;
    s->inv.err_fd = spec.err_fd >= 0 ? spec.err_fd : 2;
    s->cwd_fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    s->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (s->cwd_fd < 0 || s->done_fd < 0) {
      if (s->cwd_fd >= 0) close(s->cwd_fd);
      if (s->done_fd >= 0) close(s->done_fd);
      return StartProcess(spec);
    }
    s->id = next_id_++;
    if (remember_) {
      if (Replayed(s.get())) {
        int id = s->id;
        subs_.push_back(std::move(s));
        return id;
      }
    } else if (facts_ != nullptr) {
      facts_->Refuse("ran a sub-make that is not recorded");
    }
    // The evaluator recurses in C++: the same large, lazily committed stack as the top make.
    int rc = s->thread.Start(SubmakeThread, s.get());
    if (rc != 0) {
      close(s->cwd_fd);
      close(s->done_fd);
      return StartProcess(spec);
    }
    host_->CountStart();
    int id = s->id;
    subs_.push_back(std::move(s));
    return id;
  }

  bool Wait(bool block, ProcessExit* exit) override {
    while (true) {
      for (auto it = subs_.begin(); it != subs_.end(); ++it) {
        Submake* s = it->get();
        if (!s->done.load()) continue;
        if (!s->replayed) s->thread.Join();
        close(s->done_fd);
        exit->memo.clear();
        if (s->replayed) exit->memo = "hit";
        if (s->facts != nullptr) exit->memo = Remember(s);
        exit->id = s->id;
        exit->exit_code = s->sig ? 0 : s->status;
        exit->exit_sig = s->sig;
        exit->core = false;
        subs_.erase(it);
        return true;
      }
      if (subs_.empty()) return real_->Wait(block, exit);
      if (real_->Wait(false, exit)) return true;
      if (!block) {
        errno = 0;
        return false;
      }
      std::vector<struct pollfd> pfds;
      const int fatal = FatalSignalFd();
      for (int fd : real_->WakeFds())
        if (fd != fatal) pfds.push_back({fd, POLLIN, 0});
      for (auto& s : subs_) pfds.push_back({s->done_fd, POLLIN, 0});
      const bool wake = wake_on_signal_ && fatal >= 0;
      if (wake) pfds.push_back({fatal, POLLIN, 0});
      int n = poll(pfds.data(), pfds.size(), real_->WakeTimeoutMs());
      if (n < 0 && errno != EINTR) return false;
      if (wake && n > 0 && (pfds.back().revents & POLLIN)) {
        errno = EINTR;
        return false;
      }
    }
  }

  void Signal(int id, int sig) override {
    for (auto& s : subs_)
      if (s->id == id) return;  // it sees the process-wide signal state itself
    real_->Signal(id, sig);
  }

  std::vector<int> WakeFds() override {
    std::vector<int> fds = real_->WakeFds();
    for (auto& s : subs_) fds.push_back(s->done_fd);
    return fds;
  }

  int WakeTimeoutMs() override { return real_->WakeTimeoutMs(); }

  void SetWakeOnSignal(bool wake) override {
    wake_on_signal_ = wake;
    real_->SetWakeOnSignal(wake);
  }

 private:
  /// Adds the names a PATH search looked at to the owning make's facts.
  void NoteProgramSearch(const std::vector<std::string>& names) {
    const std::string cwd = PhysicalCwd();
    if (cwd.empty()) {
      facts_->Refuse("the directory is unknown");
      return;
    }
    std::vector<PathFact> facts;
    FsCache* fs = memo_ != nullptr ? memo_->fs_cache() : nullptr;
    for (const std::string& n : names)
      facts.push_back(ObservePath(n[0] == '/' ? n : cwd + "/" + n, true, fs));
    facts_->Merge(facts);
  }

  /// Runs `spec` as a process: the owning make is then not rememberable.
  int StartProcess(const ProcessSpec& spec) {
    if (facts_ != nullptr) facts_->Refuse("started a process");
    return real_->Start(spec);
  }

  /// The sub-make memo: if `s` is remembered and everything it looked at is unchanged, it
  /// is done (status 0) without running; otherwise it gets a recorder.
  bool Replayed(Submake* s) {
    s->memo_cwd = s->chdir_to.empty() ? PhysicalCwd() : s->chdir_to;
    if (s->memo_cwd.empty()) {
      if (facts_ != nullptr) facts_->Refuse("a sub-make's directory is unknown");
      return false;
    }
    s->memo_key = SubmakeKey(s->inv, s->memo_cwd);
    std::vector<PathFact> facts;
    std::string note;
    if (memo_->FindFacts(s->memo_key, s->memo_cwd, &facts, &note)) {
      if (facts_ != nullptr) facts_->Merge(facts);
      close(s->cwd_fd);
      s->cwd_fd = -1;
      s->replayed = true;
      s->status = 0;
      s->done.store(true);
      uint64_t one = 1;
      ssize_t w = write(s->done_fd, &one, sizeof one);
      (void)w;
      return true;
    }
    s->memo_note = note;
    s->facts = std::make_unique<SubmakeFacts>(memo_->fs_cache());
    s->inv.facts = s->facts.get();
    return false;
  }

  /// After a recorded sub-make `s` has ended: remembers it if it may be, and tells the
  /// owning make's recorder what it looked at (or that it cannot be vouched for).
  /// Returns the memo's word for --build-trace.
  std::string Remember(Submake* s) {
    std::vector<PathFact> facts;
    if (s->sig != 0 || s->status != 0) {
      if (facts_ != nullptr) facts_->Refuse("a sub-make failed");
      for (SubmakeFacts::Pending& p : s->facts->TakePending()) Store(p);
      return s->memo_note + ", not remembered: it failed";
    }
    if (!s->facts->Finish(&facts)) {
      if (facts_ != nullptr) facts_->Refuse("a sub-make: " + s->facts->refusal());
      for (SubmakeFacts::Pending& p : s->facts->TakePending()) Store(p);
      return s->memo_note + ", not remembered: " + s->facts->refusal();
    }
    SubmakeFacts::Pending p{s->memo_key, s->memo_cwd, facts, s->facts->TakePending()};
    if (facts_ != nullptr) {
      // Stored with the owning make if that one is remembered too, else on its own.
      facts_->Merge(facts);
      facts_->AddPending(std::move(p));
    } else {
      Store(p);
    }
    return s->memo_note + ", remembered";
  }

  /// Stores `p`; if it is too large, the sub-makes below it instead.
  void Store(SubmakeFacts::Pending& p) {
    if (memo_->RememberFacts(p.key, p.cwd, std::move(p.facts))) return;
    for (SubmakeFacts::Pending& below : p.below) Store(below);
  }

  SubmakeHost* host_;
  std::unique_ptr<ProcessRunner> real_;
  std::shared_ptr<ShellMemo> memo_;  // passed on to in-process sub-makes
  std::vector<std::unique_ptr<Submake>> subs_;
  // Thread ids are above any pid (pid_max is at most 2^22).
  int next_id_ = 1 << 30;
  int bad_stdin_ = -1;
  bool wake_on_signal_ = true;
  bool stdout_closed_;
  bool remember_;
  SubmakeFacts* facts_;
};

}  // namespace

SubmakeHost::SubmakeHost(std::function<int(Invocation&)> run, bool enabled)
    : run_(std::move(run)), enabled_(enabled) {
  struct stat st;
  if (stat("/proc/self/exe", &st) == 0) {
    have_self_ = true;
    self_dev_ = st.st_dev;
    self_ino_ = st.st_ino;
  } else {
    enabled_ = false;
  }
}

bool SubmakeHost::IsSelf(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env,
                         std::vector<std::string>* looked_at) const {
  if (!have_self_ || argv.empty() || argv[0].empty()) return false;
  std::string storage;
  int err;
  std::vector<std::string> probed;
  std::string file = FindProgram(argv[0], EnvValue(env, "PATH", &storage), &err, &probed);
  if (looked_at != nullptr) {
    *looked_at = std::move(probed);
    if (argv[0].find('/') != std::string::npos) looked_at->push_back(argv[0]);
  }
  if (file.empty()) return false;
  struct stat st;
  return stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == self_dev_ &&
         st.st_ino == self_ino_;
}

std::unique_ptr<ProcessRunner> MakeSubmakeRunner(SubmakeHost* host,
                                                 std::unique_ptr<ProcessRunner> real,
                                                 std::shared_ptr<ShellMemo> memo,
                                                 bool stdout_closed, bool remember,
                                                 SubmakeFacts* facts) {
  return std::make_unique<SubmakeRunner>(host, std::move(real), std::move(memo),
                                         stdout_closed, remember, facts);
}

}  // namespace kbmake

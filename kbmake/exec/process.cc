#include "kbmake/exec/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>

#include "kbmake/base/fs_cache.h"

namespace kbmake {
namespace {

// Signal state is process-wide by nature; it is only recorded here and acted on by each
// instance's scheduler loop.
std::atomic<int> g_fatal_signal{0};
int g_fatal_fd = -1;  // an eventfd, written once by the handler and never drained

void OnFatalSignal(int sig) {
  int saved = errno;
  g_fatal_signal.store(sig);
  if (g_fatal_fd >= 0) {
    uint64_t one = 1;
    ssize_t r = write(g_fatal_fd, &one, sizeof one);
    (void)r;
  }
  errno = saved;
}

class RealProcessRunner : public ProcessRunner {
 public:
  explicit RealProcessRunner(FsCache* fs) : fs_(fs) {}

  ~RealProcessRunner() override {
    if (bad_stdin_ >= 0) close(bad_stdin_);
    for (const Kid& k : kids_) close(k.pidfd);
  }

  int Start(const ProcessSpec& spec) override {
    if (!spec.good_stdin && bad_stdin_ < 0) {
      int fds[2];
      if (pipe2(fds, O_CLOEXEC) == 0) {
        close(fds[1]);
        bad_stdin_ = fds[0];
      }
    }
    std::string storage;
    ExecImage image(spec.argv, spec.env, EnvValue(spec.env, "PATH", &storage),
                    spec.error_prefix);
    const volatile int in_fd = !spec.good_stdin ? bad_stdin_ : spec.in_fd;
    const std::vector<int>& keep = spec.inherit_fds;
    if (fs_ != nullptr) fs_->ProcessStarted();
    pid_t pid = vfork();
    if (pid != 0) {
      if (pid < 0) {
        if (fs_ != nullptr) fs_->ProcessEnded();
        return -1;
      }
      int fd = OpenPidfd(pid);
      kids_.push_back({pid, fd});
      return pid;
    }
    // The child shares make's memory until it execs: system calls only from here on. Its
    // descriptor table is its own, so close-on-exec can be cleared here without a race.
    struct sigaction dfl = {};
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &dfl, nullptr);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
      struct sigaction old;
      sigaction(s, nullptr, &old);
      if (old.sa_handler != SIG_IGN) sigaction(s, &dfl, nullptr);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (in_fd >= 0) dup2(in_fd, 0);
    if (spec.out_fd >= 0) dup2(spec.out_fd, 1);
    if (spec.err_fd >= 0) dup2(spec.err_fd, 2);
    for (int fd : keep) fcntl(fd, F_SETFD, 0);
    image.Exec();
  }

  bool Wait(bool block, ProcessExit* exit) override {
    while (true) {
      if (kids_.empty()) {
        errno = ECHILD;
        return false;
      }
      std::vector<struct pollfd> pfds;
      for (const Kid& k : kids_) pfds.push_back({k.pidfd, POLLIN, 0});
      const bool wake = block && wake_on_signal_ && g_fatal_fd >= 0;
      if (wake) pfds.push_back({g_fatal_fd, POLLIN, 0});
      int n = poll(pfds.data(), pfds.size(), block ? WakeTimeoutMs() : 0);
      if (n < 0) {
        if (errno == EINTR && !block) return false;
        if (errno == EINTR) continue;
        return false;
      }
      for (size_t i = 0; i < kids_.size(); ++i) {
        if (kids_[i].pidfd >= 0 && !(pfds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        int status;
        pid_t r = waitpid(kids_[i].pid, &status, kids_[i].pidfd >= 0 ? 0 : WNOHANG);
        if (r <= 0) continue;
        if (kids_[i].pidfd >= 0) close(kids_[i].pidfd);
        kids_.erase(kids_.begin() + static_cast<long>(i));
        if (fs_ != nullptr) fs_->ProcessEnded();
        exit->id = r;
        exit->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
        exit->exit_sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        exit->core = WIFSIGNALED(status) && WCOREDUMP(status);
        return true;
      }
      if (!block) {
        errno = 0;
        return false;
      }
      if (wake && (pfds.back().revents & POLLIN)) {
        errno = EINTR;
        return false;
      }
    }
  }

  void Signal(int id, int sig) override { kill(id, sig); }

  std::vector<int> WakeFds() override {
    std::vector<int> fds;
    for (const Kid& k : kids_)
      if (k.pidfd >= 0) fds.push_back(k.pidfd);
    if (g_fatal_fd >= 0) fds.push_back(g_fatal_fd);
    return fds;
  }

  int WakeTimeoutMs() override {
    for (const Kid& k : kids_)
      if (k.pidfd < 0) return kUnwatchedPollMs;
    return -1;
  }

  void SetWakeOnSignal(bool wake) override { wake_on_signal_ = wake; }

 private:
  // How often children without a pidfd are looked at while waiting: short next to any
  // recipe's run time, and only where pidfd_open is unavailable (kernels before 5.3, seccomp
  // policies that refuse it, valgrind).
  static constexpr int kUnwatchedPollMs = 10;

  struct Kid {
    pid_t pid;
    int pidfd;  // -1 if pidfd_open failed (then polled with WNOHANG)
  };
  std::vector<Kid> kids_;
  FsCache* fs_;
  int bad_stdin_ = -1;
  bool wake_on_signal_ = true;
};

}  // namespace

// strerror() texts, computed once in the parent (the child must not call strerror).
const char* ErrorText(int err) {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> t;
    for (int e = 0; e < 256; ++e) t.push_back(strerror(e));
    return t;
  }();
  return err >= 0 && err < static_cast<int>(texts.size()) ? texts[err].c_str() : "exec failed";
}

const std::string* EnvValue(const std::vector<std::string>& env, const std::string& name,
                            std::string* storage) {
  for (const std::string& e : env) {
    if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 &&
        e[name.size()] == '=') {
      *storage = e.substr(name.size() + 1);
      return storage;
    }
  }
  return nullptr;
}

bool WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(n);
  }
  return true;
}

bool ReplaceFile(const std::string& path, std::string_view text) {
  std::string tmp = path + ".tmp" + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return false;
  bool ok = WriteAll(fd, text);
  int e = errno;
  if (close(fd) != 0 && ok) {
    ok = false;
    e = errno;
  }
  if (ok && rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    e = errno;
  }
  if (!ok) {
    unlink(tmp.c_str());
    errno = e;
  }
  return ok;
}

void ReadToEnd(int fd, std::string* out, size_t size_hint) {
  size_t len = out->size();
  // One byte more than the hint: a read that fills it means there is more.
  out->resize(len + std::max<size_t>(size_hint + 1, 4096));
  while (true) {
    if (len == out->size()) out->resize(out->size() * 2);
    ssize_t n = read(fd, out->data() + len, out->size() - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    len += static_cast<size_t>(n);
  }
  out->resize(len);
}

int MoveAboveLowFds(int fd) {
  if (fd < 0 || fd >= 64) return fd;
  int high = fcntl(fd, F_DUPFD_CLOEXEC, 64);
  if (high < 0) return fd;
  close(fd);
  return high;
}

std::string FindProgram(const std::string& prog, const std::string* path, int* lookup_errno,
                        std::vector<std::string>* probed) {
  if (prog.find('/') != std::string::npos) return prog;
  std::string dflt;
  if (path == nullptr) {
    // execvp's default search path, which GNU make emulates.
    size_t l = confstr(_CS_PATH, nullptr, 0);
    dflt.resize(l);
    if (l) confstr(_CS_PATH, dflt.data(), l);
    if (!dflt.empty() && dflt.back() == '\0') dflt.pop_back();
    path = &dflt;
  }
  *lookup_errno = ENOENT;
  size_t i = 0;
  while (i <= path->size()) {
    size_t j = path->find(':', i);
    if (j == std::string::npos) j = path->size();
    std::string cand = (j > i ? path->substr(i, j - i) : std::string(".")) + "/" + prog;
    if (probed != nullptr) probed->push_back(cand);
    if (eaccess(cand.c_str(), X_OK) == 0) return cand;
    if (errno != ENOENT) *lookup_errno = errno;
    i = j + 1;
  }
  return "";
}

ExecImage::ExecImage(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                     const std::string* path, const std::string& prefix)
    : prefix_(prefix), prog_(argv[0]) {
  ErrorText(0);
  file_ = FindProgram(prog_, path, &lookup_errno_, &probed_);
  for (const std::string& a : argv) argv_.push_back(const_cast<char*>(a.c_str()));
  argv_.push_back(nullptr);
  for (const std::string& e : env) envp_.push_back(const_cast<char*>(e.c_str()));
  envp_.push_back(nullptr);
  // "/bin/sh FILE ARGS..." for a file without #!.
  sh_argv_.push_back(const_cast<char*>("/bin/sh"));
  sh_argv_.push_back(const_cast<char*>(file_.c_str()));
  for (size_t k = 1; k + 1 < argv_.size(); ++k) sh_argv_.push_back(argv_[k]);
  sh_argv_.push_back(nullptr);
}

void ExecImage::Exec() {
  int err = lookup_errno_;
  if (!file_.empty()) {
    execve(file_.c_str(), argv_.data(), envp_.data());
    err = errno;
    if (err == ENOEXEC) {
      execve("/bin/sh", sh_argv_.data(), envp_.data());
      err = errno;
    }
  }
  char buf[4096];
  size_t n = 0;
  for (const char* part : {prefix_.c_str(), ": ", prog_.c_str(), ": ", ErrorText(err), "\n"}) {
    for (const char* p = part; *p && n < sizeof buf; ++p) buf[n++] = *p;
  }
  ssize_t w = write(2, buf, n);
  (void)w;
  // GNU make reports a program it cannot start as exit status 127, whatever the reason.
  _exit(127);
}

std::unique_ptr<ProcessRunner> MakeRealProcessRunner(FsCache* fs) {
  return std::make_unique<RealProcessRunner>(fs);
}

int PendingFatalSignal() { return g_fatal_signal.load(); }

void InstallSignalHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_fatal_fd = MoveAboveLowFds(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = OnFatalSignal;
    sigemptyset(&sa.sa_mask);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
      struct sigaction old;
      sigaction(s, nullptr, &old);
      if (old.sa_handler != SIG_IGN) sigaction(s, &sa, nullptr);
    }
  });
}

int FatalSignalFd() { return g_fatal_fd; }

int OpenPidfd(int pid) {
  int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (fd >= 0) fcntl(fd, F_SETFD, FD_CLOEXEC);
  return fd;
}

}  // namespace kbmake

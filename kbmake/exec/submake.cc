#include "kbmake/exec/submake.h"

#include <fcntl.h>
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

#include "kbmake/exec/jobs.h"

namespace kbmake {
namespace {

std::string EnvValue(const std::vector<std::string>& env, std::string_view name, bool* found) {
  for (const std::string& e : env) {
    if (e.size() > name.size() && e[name.size()] == '=' && e.compare(0, name.size(), name) == 0) {
      *found = true;
      return e.substr(name.size() + 1);
    }
  }
  *found = false;
  return {};
}

/// The file execve would run for `prog` (searched in `path` when it has no '/'), or "".
std::string ResolveProgram(const std::string& prog, const std::string& path) {
  auto runnable = [](const std::string& f) {
    struct stat st;
    return stat(f.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(f.c_str(), X_OK) == 0;
  };
  if (prog.find('/') != std::string::npos) return runnable(prog) ? prog : "";
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find(':', i);
    if (j == std::string::npos) j = path.size();
    std::string cand = (j > i ? path.substr(i, j - i) : std::string(".")) + "/" + prog;
    if (runnable(cand)) return cand;
    i = j + 1;
  }
  return "";
}

/// One sub-make running on its own thread.
struct Submake {
  int id = 0;
  pthread_t thread{};
  int done_fd = -1;  // eventfd written when the instance has finished
  std::atomic<bool> done{false};
  int status = 0;
  int sig = 0;
  int cwd_fd = -1;  // the parent's working directory, taken when the line was started
  SubmakeHost* host = nullptr;
  Invocation inv;
};

void* SubmakeThread(void* p) {
  auto* s = static_cast<Submake*>(p);
  // The thread's own working directory: a -C or chdir in the sub-make must not move its
  // parent or its siblings.
  if (unshare(CLONE_FS) != 0 || fchdir(s->cwd_fd) != 0) {
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
  SubmakeRunner(SubmakeHost* host, std::unique_ptr<ProcessRunner> real)
      : host_(host), real_(std::move(real)) {}

  ~SubmakeRunner() override {
    for (auto& s : subs_) {
      pthread_join(s->thread, nullptr);
      close(s->done_fd);
    }
    if (bad_stdin_ >= 0) close(bad_stdin_);
  }

  int Start(const ProcessSpec& spec) override {
    if (!host_->enabled() || !host_->IsSelf(spec.argv, spec.env)) return real_->Start(spec);
    auto s = std::make_unique<Submake>();
    s->host = host_;
    s->inv.argv = spec.argv;
    s->inv.env = spec.env;
    s->inv.owns_process = false;
    s->inv.inherited_fds = spec.inherit_fds;
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
    s->inv.err_fd = spec.err_fd >= 0 ? spec.err_fd : 2;
    s->cwd_fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    s->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (s->cwd_fd < 0 || s->done_fd < 0) {
      if (s->cwd_fd >= 0) close(s->cwd_fd);
      if (s->done_fd >= 0) close(s->done_fd);
      return real_->Start(spec);
    }
    s->id = next_id_++;
    // The evaluator recurses in C++: the same large, lazily committed stack as the top make.
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, size_t{1} << 30);
    int rc = pthread_create(&s->thread, &attr, SubmakeThread, s.get());
    pthread_attr_destroy(&attr);
    if (rc != 0) {
      close(s->cwd_fd);
      close(s->done_fd);
      return real_->Start(spec);
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
        pthread_join(s->thread, nullptr);
        close(s->done_fd);
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
      int n = poll(pfds.data(), pfds.size(), -1);
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

  void SetWakeOnSignal(bool wake) override {
    wake_on_signal_ = wake;
    real_->SetWakeOnSignal(wake);
  }

 private:
  SubmakeHost* host_;
  std::unique_ptr<ProcessRunner> real_;
  std::vector<std::unique_ptr<Submake>> subs_;
  // Thread ids are above any pid (pid_max is at most 2^22).
  int next_id_ = 1 << 30;
  int bad_stdin_ = -1;
  bool wake_on_signal_ = true;
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
                         const std::vector<std::string>& env) const {
  if (!have_self_ || argv.empty() || argv[0].empty()) return false;
  bool found;
  std::string path = EnvValue(env, "PATH", &found);
  if (path.empty()) path = "/usr/bin:/bin";
  std::string file = ResolveProgram(argv[0], path);
  if (file.empty()) return false;
  struct stat st;
  return stat(file.c_str(), &st) == 0 && st.st_dev == self_dev_ && st.st_ino == self_ino_;
}

std::unique_ptr<ProcessRunner> MakeSubmakeRunner(SubmakeHost* host,
                                                 std::unique_ptr<ProcessRunner> real) {
  return std::make_unique<SubmakeRunner>(host, std::move(real));
}

}  // namespace kbmake

#include "kbmake/exec/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kbmake {
namespace {

class RealProcessRunner : public ProcessRunner {
 public:
  ~RealProcessRunner() override {
    if (bad_stdin_ >= 0) close(bad_stdin_);
  }

  int Start(const ProcessSpec& spec) override {
    if (!spec.good_stdin && bad_stdin_ < 0) {
      int fds[2];
      if (pipe(fds) == 0) {
        close(fds[1]);
        bad_stdin_ = fds[0];
        fcntl(bad_stdin_, F_SETFD, FD_CLOEXEC);
      }
    }
    std::string storage;
    ExecImage image(spec.argv, spec.env, EnvValue(spec.env, "PATH", &storage),
                    spec.error_prefix);
    const volatile int bad_stdin = !spec.good_stdin ? bad_stdin_ : -1;
    pid_t pid = vfork();
    if (pid != 0) return pid;
    // The child shares make's memory until it execs: system calls only from here on.
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
    if (bad_stdin >= 0) dup2(bad_stdin, 0);
    if (spec.out_fd >= 0) dup2(spec.out_fd, 1);
    if (spec.err_fd >= 0) dup2(spec.err_fd, 2);
    image.Exec();
  }

  bool Wait(bool block, ProcessExit* exit) override {
    int status;
    pid_t pid = waitpid(-1, &status, block ? 0 : WNOHANG);
    if (pid <= 0) return false;
    exit->id = pid;
    exit->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    exit->exit_sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    exit->core = WIFSIGNALED(status) && WCOREDUMP(status);
    return true;
  }

  void Signal(int id, int sig) override { kill(id, sig); }

 private:
  int bad_stdin_ = -1;
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

ExecImage::ExecImage(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                     const std::string* path, const std::string& prefix)
    : prefix_(prefix), prog_(argv[0]) {
  ErrorText(0);
  if (prog_.find('/') != std::string::npos) {
    file_ = prog_;
  } else {
    std::string dflt;
    if (path == nullptr) {
      // execvp's default search path, which GNU make emulates.
      size_t l = confstr(_CS_PATH, nullptr, 0);
      dflt.resize(l);
      if (l) confstr(_CS_PATH, dflt.data(), l);
      if (!dflt.empty() && dflt.back() == '\0') dflt.pop_back();
      path = &dflt;
    }
    lookup_errno_ = ENOENT;
    size_t i = 0;
    while (i <= path->size()) {
      size_t j = path->find(':', i);
      if (j == std::string::npos) j = path->size();
      std::string cand = (j > i ? path->substr(i, j - i) : std::string(".")) + "/" + prog_;
      if (eaccess(cand.c_str(), X_OK) == 0) {
        file_ = std::move(cand);
        break;
      }
      if (errno != ENOENT) lookup_errno_ = errno;
      i = j + 1;
    }
  }
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

std::unique_ptr<ProcessRunner> MakeRealProcessRunner() {
  return std::make_unique<RealProcessRunner>();
}

}  // namespace kbmake

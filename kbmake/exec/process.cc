#include "kbmake/exec/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kbmake {
namespace {

std::string EnvLookup(const std::vector<std::string>& env, const std::string& name) {
  for (const std::string& e : env) {
    if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=')
      return e.substr(name.size() + 1);
  }
  return {};
}

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
    std::string path = EnvLookup(spec.env, "PATH");
    if (path.empty()) path = "/usr/bin:/bin";
    ExecImage image(spec.argv, spec.env, path, spec.error_prefix, true);
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

ExecImage::ExecImage(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                     const std::string& path, const std::string& prefix, bool recipe)
    : explicit_path_(argv[0].find('/') != std::string::npos),
      recipe_(recipe),
      prefix_(prefix),
      prog_(argv[0]) {
  ErrorText(0);
  if (explicit_path_) {
    candidates_.push_back(prog_);
  } else {
    size_t i = 0;
    while (i <= path.size()) {
      size_t j = path.find(':', i);
      if (j == std::string::npos) j = path.size();
      candidates_.push_back((j > i ? path.substr(i, j - i) : std::string(".")) + "/" + prog_);
      i = j + 1;
    }
  }
  for (const std::string& a : argv) argv_.push_back(const_cast<char*>(a.c_str()));
  argv_.push_back(nullptr);
  for (const std::string& e : env) envp_.push_back(const_cast<char*>(e.c_str()));
  envp_.push_back(nullptr);
  // "/bin/sh FILE ARGS..." for a file without #! (slot 1 is set to the file in the child).
  sh_argv_.push_back(const_cast<char*>("/bin/sh"));
  sh_argv_.push_back(nullptr);
  for (size_t k = 1; k + 1 < argv_.size(); ++k) sh_argv_.push_back(argv_[k]);
  sh_argv_.push_back(nullptr);
}

void ExecImage::Exec() {
  int err = ENOENT;
  bool eacces = false;
  for (const std::string& cand : candidates_) {
    execve(cand.c_str(), argv_.data(), envp_.data());
    int e = errno;
    if (explicit_path_) {
      err = e;
      break;
    }
    if (e == EACCES) eacces = true;
    if (recipe_ && e == ENOEXEC) {
      sh_argv_[1] = const_cast<char*>(cand.c_str());
      execve("/bin/sh", sh_argv_.data(), envp_.data());
    }
  }
  if (!explicit_path_) err = eacces ? EACCES : ENOENT;
  char buf[4096];
  size_t n = 0;
  for (const char* part : {prefix_.c_str(), ": ", prog_.c_str(), ": ", ErrorText(err), "\n"}) {
    for (const char* p = part; *p && n < sizeof buf; ++p) buf[n++] = *p;
  }
  ssize_t w = write(2, buf, n);
  (void)w;
  _exit(recipe_ && err != ENOENT ? 126 : 127);
}

std::unique_ptr<ProcessRunner> MakeRealProcessRunner() {
  return std::make_unique<RealProcessRunner>();
}

}  // namespace kbmake

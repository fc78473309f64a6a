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
    std::vector<char*> av;
    for (const std::string& a : spec.argv) av.push_back(const_cast<char*>(a.c_str()));
    av.push_back(nullptr);
    std::vector<char*> ev;
    for (const std::string& e : spec.env) ev.push_back(const_cast<char*>(e.c_str()));
    ev.push_back(nullptr);
    std::string path = EnvLookup(spec.env, "PATH");
    if (path.empty()) path = "/usr/bin:/bin";
    pid_t pid = fork();
    if (pid != 0) return pid;
    ExecChild(spec, av, ev, path);
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
  [[noreturn]] void ExecChild(const ProcessSpec& spec, std::vector<char*>& av,
                              std::vector<char*>& ev, const std::string& path) {
    signal(SIGCHLD, SIG_DFL);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
      struct sigaction old;
      sigaction(s, nullptr, &old);
      if (old.sa_handler != SIG_IGN) signal(s, SIG_DFL);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (!spec.good_stdin && bad_stdin_ >= 0) dup2(bad_stdin_, 0);
    if (spec.out_fd >= 0) dup2(spec.out_fd, 1);
    if (spec.err_fd >= 0) dup2(spec.err_fd, 2);
    const std::string& prog = spec.argv[0];
    int err = ENOENT;
    if (prog.find('/') != std::string::npos) {
      execve(prog.c_str(), av.data(), ev.data());
      err = errno;
    } else {
      bool eacces = false;
      size_t i = 0;
      while (i <= path.size()) {
        size_t j = path.find(':', i);
        if (j == std::string::npos) j = path.size();
        std::string dir = path.substr(i, j - i);
        if (dir.empty()) dir = ".";
        std::string cand = dir + "/" + prog;
        execve(cand.c_str(), av.data(), ev.data());
        if (errno == EACCES) eacces = true;
        if (errno == ENOEXEC) {
          // Like execvp: a file without a #! line is run by the shell.
          std::vector<char*> sh{const_cast<char*>("/bin/sh"), const_cast<char*>(cand.c_str())};
          for (size_t k = 1; k + 1 < av.size(); ++k) sh.push_back(av[k]);
          sh.push_back(nullptr);
          execve("/bin/sh", sh.data(), ev.data());
        }
        i = j + 1;
      }
      err = eacces ? EACCES : ENOENT;
    }
    std::string msg = spec.error_prefix + ": " + prog + ": " + strerror(err) + "\n";
    ssize_t w = write(2, msg.data(), msg.size());
    (void)w;
    _exit(err == ENOENT ? 127 : 126);
  }

  int bad_stdin_ = -1;
};

}  // namespace

std::unique_ptr<ProcessRunner> MakeRealProcessRunner() {
  return std::make_unique<RealProcessRunner>();
}

}  // namespace kbmake

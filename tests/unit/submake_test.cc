// The in-process sub-make runner (exec/submake.h) with a stand-in for MakeMain: which lines it
// recognises as this program, and that a thread instance gets what a process would (its own
// working directory, environment, descriptors, exit status or signal) without disturbing the
// parent. Whole makes running sub-makes in-process are covered by the conformance corpus,
// which ctest runs both in-process and with KBMAKE_SUBMAKE=process.
#include "kbmake/exec/submake.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "kbmake/exec/jobs.h"
#include "test_util.h"

namespace kbmake {
namespace {

std::string SelfPath() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, n) : "";
}

std::string Cwd() {
  char buf[PATH_MAX];
  return getcwd(buf, sizeof buf) ? buf : "";
}

/// What the stand-in for MakeMain saw.
struct Seen {
  std::vector<std::string> argv, env;
  std::string cwd_before, cwd_after;
  int in = -1, out = -1, err = -1;
  bool owns_process = true;
  std::vector<int> inherited;
};

TEST(SubmakeHostTest, RecognisesThisProgramByPathAndThroughPath) {
  SubmakeHost host([](Invocation&) { return 0; }, true);
  const std::string self = SelfPath();
  ASSERT_FALSE(self.empty());
  EXPECT_TRUE(host.IsSelf({self, "-C", "x"}, {}));
  std::string dir = self.substr(0, self.rfind('/'));
  std::string base = self.substr(self.rfind('/') + 1);
  EXPECT_TRUE(host.IsSelf({base}, {"PATH=/nonexistent:" + dir}));
  EXPECT_FALSE(host.IsSelf({base}, {"PATH=/nonexistent"}));
  EXPECT_FALSE(host.IsSelf({"/bin/sh", "-c", self}, {}));
  EXPECT_FALSE(host.IsSelf({}, {}));
}

TEST(SubmakeRunnerTest, ThreadGetsItsOwnDirectoryEnvironmentAndStatus) {
  testing_util::TempDirCwd dir;
  const std::string parent_cwd = Cwd();
  Seen seen;
  SubmakeHost host(
      [&seen](Invocation& inv) {
        seen.argv = inv.argv;
        seen.env = inv.env;
        seen.cwd_before = Cwd();
        seen.in = inv.in_fd;
        seen.out = inv.out_fd;
        seen.err = inv.err_fd;
        seen.owns_process = inv.owns_process;
        seen.inherited = inv.inherited_fds;
        // A sub-make's -C must not move its parent.
        EXPECT_EQ(chdir("/"), 0);
        seen.cwd_after = Cwd();
        return 7;
      },
      true);
  auto runner = MakeSubmakeRunner(&host, MakeRealProcessRunner());
  ProcessSpec spec;
  spec.argv = {SelfPath(), "-f", "Makefile", "V=1"};
  spec.env = {"MAKELEVEL=1", "A=b"};
  spec.out_fd = 5;
  spec.err_fd = 6;
  spec.inherit_fds = {3, 4};
  int id = runner->Start(spec);
  ASSERT_GT(id, 0);
  ProcessExit ex;
  ASSERT_TRUE(runner->Wait(true, &ex));
  EXPECT_EQ(ex.id, id);
  EXPECT_EQ(ex.exit_code, 7);
  EXPECT_EQ(ex.exit_sig, 0);
  EXPECT_EQ(host.started(), 1);
  EXPECT_EQ(seen.argv, spec.argv);
  EXPECT_EQ(seen.env, spec.env);
  EXPECT_EQ(seen.cwd_before, parent_cwd);
  EXPECT_EQ(seen.cwd_after, "/");
  EXPECT_EQ(Cwd(), parent_cwd);
  EXPECT_EQ(seen.in, 0);
  EXPECT_EQ(seen.out, 5);
  EXPECT_EQ(seen.err, 6);
  EXPECT_FALSE(seen.owns_process);
  EXPECT_EQ(seen.inherited, (std::vector<int>{3, 4}));
  // Nothing left to wait for.
  EXPECT_FALSE(runner->Wait(false, &ex));
}

TEST(SubmakeRunnerTest, BadStdinForParallelJobs) {
  int in_fd = -2;
  SubmakeHost host(
      [&in_fd](Invocation& inv) {
        in_fd = inv.in_fd;
        char c;
        // A closed pipe, as GNU make gives all but one parallel job: reads see end of file.
        return read(inv.in_fd, &c, 1) == 0 ? 0 : 1;
      },
      true);
  auto runner = MakeSubmakeRunner(&host, MakeRealProcessRunner());
  ProcessSpec spec;
  spec.argv = {SelfPath()};
  spec.good_stdin = false;
  ASSERT_GT(runner->Start(spec), 0);
  ProcessExit ex;
  ASSERT_TRUE(runner->Wait(true, &ex));
  EXPECT_NE(in_fd, 0);
  EXPECT_EQ(ex.exit_code, 0);
}

TEST(SubmakeRunnerTest, KilledBySignalIsASignalExit) {
  SubmakeHost host([](Invocation&) -> int { throw KilledBySignal{SIGINT}; }, true);
  auto runner = MakeSubmakeRunner(&host, MakeRealProcessRunner());
  ProcessSpec spec;
  spec.argv = {SelfPath()};
  ASSERT_GT(runner->Start(spec), 0);
  ProcessExit ex;
  ASSERT_TRUE(runner->Wait(true, &ex));
  EXPECT_EQ(ex.exit_sig, SIGINT);
  EXPECT_EQ(ex.exit_code, 0);
}

TEST(SubmakeRunnerTest, OtherProgramsAndDisabledHostRunAsProcesses) {
  int calls = 0;
  SubmakeHost on([&calls](Invocation&) { return ++calls, 0; }, true);
  SubmakeHost off([&calls](Invocation&) { return ++calls, 0; }, false);
  struct Case {
    SubmakeHost* host;
    std::vector<std::string> argv;
    int code;
  };
  // Another program with the host on; this very program (the test binary, run as a process
  // that selects no test) with the host off.
  for (const Case& c : {Case{&on, {"/bin/sh", "-c", "exit 3"}, 3},
                        Case{&off, {SelfPath(), "--gtest_filter=NoSuchTest.*"}, 0}}) {
    auto runner = MakeSubmakeRunner(c.host, MakeRealProcessRunner());
    ProcessSpec spec;
    spec.argv = c.argv;
    spec.env = {"PATH=/usr/bin:/bin"};
    spec.out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    int id = runner->Start(spec);
    ASSERT_GT(id, 0);
    EXPECT_LT(id, 1 << 30);  // a real pid, not a thread id
    ProcessExit ex;
    ASSERT_TRUE(runner->Wait(true, &ex));
    EXPECT_EQ(ex.id, id);
    EXPECT_EQ(ex.exit_code, c.code);
    close(spec.out_fd);
  }
  EXPECT_EQ(calls, 0);
}

TEST(SubmakeRunnerTest, ThreadsAndProcessesAreWaitedForTogether) {
  SubmakeHost host(
      [](Invocation&) {
        usleep(200 * 1000);
        return 4;
      },
      true);
  auto runner = MakeSubmakeRunner(&host, MakeRealProcessRunner());
  ProcessSpec thread_spec;
  thread_spec.argv = {SelfPath()};
  ProcessSpec proc_spec;
  proc_spec.argv = {"/bin/sh", "-c", "exit 9"};
  proc_spec.env = {"PATH=/usr/bin:/bin"};
  int t = runner->Start(thread_spec);
  int p = runner->Start(proc_spec);
  ASSERT_GT(t, 0);
  ASSERT_GT(p, 0);
  ProcessExit first, second;
  ASSERT_TRUE(runner->Wait(true, &first));
  ASSERT_TRUE(runner->Wait(true, &second));
  // The process exits at once; the thread after 200 ms.
  EXPECT_EQ(first.id, p);
  EXPECT_EQ(first.exit_code, 9);
  EXPECT_EQ(second.id, t);
  EXPECT_EQ(second.exit_code, 4);
  EXPECT_FALSE(runner->Wait(false, &first));
}

}  // namespace
}  // namespace kbmake

// The scheduler driven through Make::Run() with a fake ProcessRunner: no process is ever
// started. Expected behavior (order, exit status, messages) follows GNU make 4.3 on the same
// makefiles with real commands.
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kbmake/base/bigstack.h"
#include "kbmake/exec/process.h"
#include "kbmake/make.h"
#include "test_util.h"

namespace kbmake {
namespace {

using testing_util::TempDirCwd;

/// What the fake saw and did; owned by the test, shared with the runner (which Make owns).
struct FakeLog {
  std::vector<std::string> started;  // commands in start order
  std::vector<std::string> events;   // "start:CMD" / "finish:CMD"
  int running = 0;
  int max_running = 0;
  // Exit codes by exact command (default 0).
  std::map<std::string, int> exit_codes;
  // Processes finish only when make waits. A non-blocking Wait finishes one only once
  // `hold_until_running` processes are running, so make can start several before any ends
  // (in jobserver mode make must not depend on SIGCHLD, which a fake never sends).
  int hold_until_running = 1;
  // Finish the newest running process first instead of the oldest.
  bool lifo = false;
};

class FakeProcessRunner : public ProcessRunner {
 public:
  explicit FakeProcessRunner(FakeLog* log) : log_(log) {}

  static std::string CommandOf(const ProcessSpec& spec) {
    const auto& a = spec.argv;
    if (a.size() >= 3 && a[a.size() - 2] == "-c") return a.back();
    std::string s;
    for (const std::string& w : a) {
      if (!s.empty()) s += ' ';
      s += w;
    }
    return s;
  }

  int Start(const ProcessSpec& spec) override {
    std::string cmd = CommandOf(spec);
    int id = next_id_++;
    running_.push_back({id, cmd});
    log_->started.push_back(cmd);
    log_->events.push_back("start:" + cmd);
    log_->running++;
    log_->max_running = std::max(log_->max_running, log_->running);
    return id;
  }

  bool Wait(bool block, ProcessExit* exit) override {
    if (running_.empty()) {
      errno = ECHILD;
      return false;
    }
    if (!block && static_cast<int>(running_.size()) < log_->hold_until_running) {
      errno = 0;
      return false;
    }
    auto it = log_->lifo ? running_.end() - 1 : running_.begin();
    Proc p = *it;
    running_.erase(it);
    log_->running--;
    log_->events.push_back("finish:" + p.cmd);
    exit->id = p.id;
    auto code = log_->exit_codes.find(p.cmd);
    exit->exit_code = code == log_->exit_codes.end() ? 0 : code->second;
    exit->exit_sig = 0;
    exit->core = false;
    return true;
  }

  void Signal(int id, int sig) override {}

 private:
  struct Proc {
    int id;
    std::string cmd;
  };
  FakeLog* log_;
  std::deque<Proc> running_;
  int next_id_ = 100;
};

class SchedulerTest : public ::testing::Test {
 protected:
  // Writes ./Makefile, runs make with `opts`, returns the exit status; stdout and stderr are
  // captured into out_ and err_.
  int RunMake(const std::string& makefile, Options opts = Options()) {
    dir_.Write("Makefile", makefile);
    auto runner = std::make_unique<FakeProcessRunner>(&log_);
    Make make(opts, "make", 0, {"PATH=/usr/bin:/bin"}, std::move(runner));
    make.set_shell_hook([](std::string_view, int* st) {
      *st = 0;
      return std::string();
    });
    int status = -1;
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    RunWithBigStack([&] { status = make.Run(); });
    err_ = ::testing::internal::GetCapturedStderr();
    out_ = ::testing::internal::GetCapturedStdout();
    return status;
  }
  size_t IndexOf(const std::string& event) {
    auto it = std::find(log_.events.begin(), log_.events.end(), event);
    return it == log_.events.end() ? std::string::npos : it - log_.events.begin();
  }

  TempDirCwd dir_;
  FakeLog log_;
  std::string out_, err_;
};

using Cmds = std::vector<std::string>;

TEST_F(SchedulerTest, SerialOrderFollowsPrerequisites) {
  int st = RunMake("all: a b c\n\t@echo all\na:\n\t@echo A\nb: d\n\t@echo B\nc:\n\t@echo C\n"
                   "d:\n\t@echo D\n");
  EXPECT_EQ(st, 0) << err_;
  EXPECT_EQ(log_.started, (Cmds{"echo A", "echo D", "echo B", "echo C", "echo all"}));
  EXPECT_EQ(log_.max_running, 1);
  // Each command starts only after the previous one finished.
  for (size_t i = 0; i + 1 < log_.events.size(); i += 2) {
    EXPECT_EQ(log_.events[i].substr(0, 6), "start:");
    EXPECT_EQ(log_.events[i + 1].substr(0, 7), "finish:");
  }
}

TEST_F(SchedulerTest, RecipeLinesRunInOrderAndEcho) {
  int st = RunMake("t:\n\techo one\n\t@echo two\n\techo $@ $(words a b)\n");
  EXPECT_EQ(st, 0) << err_;
  EXPECT_EQ(log_.started, (Cmds{"echo one", "echo two", "echo t 2"}));
  // Non-silent lines are echoed on stdout as GNU make does.
  EXPECT_EQ(out_, "echo one\necho t 2\n");
}

TEST_F(SchedulerTest, DefaultGoalOnly) {
  int st = RunMake("first:\n\t@echo 1\nsecond:\n\t@echo 2\n");
  EXPECT_EQ(st, 0);
  EXPECT_EQ(log_.started, Cmds{"echo 1"});
}

TEST_F(SchedulerTest, ExplicitGoals) {
  Options o;
  o.goals = {"second", "first"};
  int st = RunMake("first:\n\t@echo 1\nsecond:\n\t@echo 2\n", o);
  EXPECT_EQ(st, 0);
  EXPECT_EQ(log_.started, (Cmds{"echo 2", "echo 1"}));
}

TEST_F(SchedulerTest, ParallelStartsTwoBeforeEitherFinishes) {
  Options o;
  o.jobs = 2;
  log_.hold_until_running = 2;
  int st = RunMake("all: a b\n\t@echo all\na:\n\t@echo A\nb:\n\t@echo B\n", o);
  EXPECT_EQ(st, 0) << err_;
  EXPECT_EQ(log_.max_running, 2);
  size_t first_finish = std::string::npos;
  for (size_t i = 0; i < log_.events.size(); ++i)
    if (log_.events[i].rfind("finish:", 0) == 0) {
      first_finish = i;
      break;
    }
  EXPECT_LT(IndexOf("start:echo A"), first_finish);
  EXPECT_LT(IndexOf("start:echo B"), first_finish);
  // `all` waits for both.
  EXPECT_GT(IndexOf("start:echo all"), IndexOf("finish:echo A"));
  EXPECT_GT(IndexOf("start:echo all"), IndexOf("finish:echo B"));
}

TEST_F(SchedulerTest, ParallelNeverExceedsJobSlots) {
  Options o;
  o.jobs = 2;
  log_.hold_until_running = 2;
  log_.lifo = true;  // completion out of start order
  int st = RunMake("all: a b c d e\na b c d e:\n\t@echo $@\n", o);
  EXPECT_EQ(st, 0) << err_;
  EXPECT_EQ(log_.max_running, 2);
  Cmds sorted = log_.started;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (Cmds{"echo a", "echo b", "echo c", "echo d", "echo e"}));
}

TEST_F(SchedulerTest, DependentJobsWaitEvenInParallel) {
  Options o;
  o.jobs = 4;
  log_.hold_until_running = 4;
  int st = RunMake("all: c\nc: b\n\t@echo C\nb: a\n\t@echo B\na:\n\t@echo A\n", o);
  EXPECT_EQ(st, 0) << err_;
  EXPECT_EQ(log_.started, (Cmds{"echo A", "echo B", "echo C"}));
  EXPECT_EQ(log_.max_running, 1);
}

TEST_F(SchedulerTest, NotParallel) {
  Options o;
  o.jobs = 2;
  log_.hold_until_running = 2;
  int st = RunMake(".NOTPARALLEL:\nall: a b c\na b c:\n\t@echo $@\n", o);
  EXPECT_EQ(st, 0) << err_;
  EXPECT_EQ(log_.max_running, 1);
  EXPECT_EQ(log_.started, (Cmds{"echo a", "echo b", "echo c"}));
}

TEST_F(SchedulerTest, FailureStopsBuildWithoutK) {
  log_.exit_codes["exit 1"] = 1;
  int st = RunMake("all: bad good\nbad:\n\t@exit 1\n\t@echo after\ngood:\n\t@echo good\n");
  EXPECT_EQ(st, 2);
  EXPECT_EQ(log_.started, Cmds{"exit 1"});
  EXPECT_EQ(err_, "make: *** [Makefile:3: bad] Error 1\n");
}

TEST_F(SchedulerTest, KeepGoingContinuesAndExitsTwo) {
  log_.exit_codes["exit 1"] = 1;
  Options o;
  o.keep_going = true;
  int st = RunMake("all: bad good\n\t@echo all\nbad:\n\t@exit 1\ngood:\n\t@echo good\n", o);
  EXPECT_EQ(st, 2);
  EXPECT_EQ(log_.started, (Cmds{"exit 1", "echo good"}));
  EXPECT_EQ(err_,
            "make: *** [Makefile:4: bad] Error 1\n"
            "make: Target 'all' not remade because of errors.\n");
}

TEST_F(SchedulerTest, IgnoredErrorContinues) {
  log_.exit_codes["exit 3"] = 3;
  int st = RunMake("t:\n\t-@exit 3\n\t@echo next\n");
  EXPECT_EQ(st, 0);
  EXPECT_EQ(log_.started, (Cmds{"exit 3", "echo next"}));
  EXPECT_EQ(err_, "make: [Makefile:2: t] Error 3 (ignored)\n");
}

TEST_F(SchedulerTest, FailureInParallelWaitsForOthers) {
  log_.exit_codes["exit 1"] = 1;
  Options o;
  o.jobs = 2;
  log_.hold_until_running = 2;
  int st = RunMake("all: bad slow\nbad:\n\t@exit 1\nslow:\n\t@echo slow\n", o);
  EXPECT_EQ(st, 2);
  // Both were running; make waits for `slow` before giving up.
  EXPECT_NE(IndexOf("finish:echo slow"), std::string::npos);
  EXPECT_NE(err_.find("make: *** [Makefile:3: bad] Error 1"), std::string::npos) << err_;
}

TEST_F(SchedulerTest, DryRunStartsNothing) {
  Options o;
  o.dry_run = true;
  int st = RunMake("all: bad good\nbad:\n\t@exit 1\ngood:\n\t@echo good\n", o);
  EXPECT_EQ(st, 0);
  EXPECT_TRUE(log_.started.empty());
  EXPECT_EQ(out_, "exit 1\necho good\n");
}

TEST_F(SchedulerTest, DryRunStillRunsPlusLines) {
  Options o;
  o.dry_run = true;
  int st = RunMake("all: a\na:\n\t+@echo plus\n\techo not\n", o);
  EXPECT_EQ(st, 0);
  EXPECT_EQ(log_.started, Cmds{"echo plus"});
  EXPECT_EQ(out_, "echo plus\necho not\n");
}

TEST_F(SchedulerTest, UpToDateTargetNotRemade) {
  dir_.Write("src", "");
  dir_.Write("out", "");
  // `out` is newer than `src` (written after it, with mtimes forced apart).
  struct timespec ts[2] = {{1000000, 0}, {1000000, 0}};
  utimensat(AT_FDCWD, "src", ts, 0);
  int st = RunMake("out: src\n\t@cp src out\n");
  EXPECT_EQ(st, 0);
  EXPECT_TRUE(log_.started.empty());
  EXPECT_EQ(out_, "make: 'out' is up to date.\n");
}

TEST_F(SchedulerTest, MissingPrerequisite) {
  int st = RunMake("all: nosuch\n\t@echo x\n");
  EXPECT_EQ(st, 2);
  EXPECT_TRUE(log_.started.empty());
  EXPECT_EQ(err_, "make: *** No rule to make target 'nosuch', needed by 'all'.  Stop.\n");
}

// ENGINE BUG (kbmake): without command-line goals GNU make 4.3 leaves MAKECMDGOALS undefined
// (`$(origin MAKECMDGOALS)` is "undefined"); kbmake defines it empty with origin "default".
// Reproduce: printf '$(info [$(origin MAKECMDGOALS)])\nall:;@:\n' | kbmake -f -
TEST_F(SchedulerTest, DISABLED_MakecmdgoalsUndefinedWithoutGoals) {
  int st = RunMake("$(info [$(origin MAKECMDGOALS)])\nall:;@:\n");
  EXPECT_EQ(st, 0);
  EXPECT_EQ(out_, "[undefined]\n");
}

TEST_F(SchedulerTest, MakecmdgoalsWithGoals) {
  Options o;
  o.goals = {"all"};
  int st = RunMake("$(info [$(origin MAKECMDGOALS)][$(MAKECMDGOALS)])\nall:;@:\n", o);
  EXPECT_EQ(st, 0);
  EXPECT_EQ(out_, "[default][all]\n");
}

}  // namespace
}  // namespace kbmake

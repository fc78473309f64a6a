// The $(shell) memo's file format and its use across runs (kbmake/exec/shell_memo.h).
#include "kbmake/base/fs_cache.h"
#include "kbmake/exec/shell_memo.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace kbmake {
namespace {

ShellMemoEntry Sample(const std::string& key) {
  ShellMemoEntry e;
  e.key = key;
  e.out = "out of " + key + "\n";
  e.err = "warning\n";
  e.status = 3;
  e.last_used = 1700000000;
  PathFact f;
  f.path = "/usr/bin/cc";
  f.dev = 1, f.ino = 2, f.mode = 0100755, f.size = 4, f.mtime_ns = 5, f.ctime_ns = 6;
  e.deps.push_back(f);
  PathFact missing;
  missing.path = "/nowhere";
  missing.follow = false;
  missing.err = 2;
  e.deps.push_back(missing);
  PathFact dir;
  dir.path = "/usr/include";
  dir.listed = true;
  dir.mode = 040755;
  e.deps.push_back(dir);
  return e;
}

TEST(ShellMemoFormat, RoundTrip) {
  ShellMemoEntry a = Sample("a"), b = Sample("b");
  std::string bytes = EncodeShellMemo({&a, &b});
  std::vector<ShellMemoEntry> back;
  ASSERT_TRUE(DecodeShellMemo(bytes, &back));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].key, "a");
  EXPECT_EQ(back[1].out, "out of b\n");
  EXPECT_EQ(back[1].err, "warning\n");
  EXPECT_EQ(back[1].status, 3);
  ASSERT_EQ(back[0].deps.size(), 3u);
  EXPECT_EQ(back[0].deps[0].path, "/usr/bin/cc");
  EXPECT_EQ(back[0].deps[0].ctime_ns, 6);
  EXPECT_FALSE(back[0].deps[1].follow);
  EXPECT_EQ(back[0].deps[1].err, 2);
  EXPECT_TRUE(back[0].deps[2].listed);
  EXPECT_FALSE(back[0].deps[0].listed);
}

TEST(ShellMemoFormat, DamagedFileIsIgnored) {
  ShellMemoEntry a = Sample("a");
  std::string good = EncodeShellMemo({&a});
  std::vector<ShellMemoEntry> back;
  // Every single flipped byte and every truncation is detected.
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] ^= 0x20;
    EXPECT_FALSE(DecodeShellMemo(bad, &back)) << "flipped byte " << i;
    EXPECT_TRUE(back.empty());
    EXPECT_FALSE(DecodeShellMemo(good.substr(0, i), &back)) << "truncated at " << i;
  }
  EXPECT_FALSE(DecodeShellMemo(good + "x", &back));
  EXPECT_FALSE(DecodeShellMemo("", &back));
  EXPECT_FALSE(DecodeShellMemo("not a memo file at all, but long enough", &back));
}

TEST(ShellMemoFormat, ForeignVersionIsIgnored) {
  ShellMemoEntry a = Sample("a");
  // A well-formed file (valid checksums) of another version is refused.
  std::string other = EncodeShellMemo({&a}, kShellMemoVersion + 1);
  std::vector<ShellMemoEntry> back;
  EXPECT_FALSE(DecodeShellMemo(other, &back));
  EXPECT_TRUE(DecodeShellMemo(EncodeShellMemo({&a}, kShellMemoVersion), &back));
}

class ShellMemoRun : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/kbmake-memo-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    memo_dir_ = dir_ + "/memo";
    char cwd[4096];
    file_ = ShellMemo::ShardFile(memo_dir_, getcwd(cwd, sizeof cwd) ? cwd : "");
  }
  void TearDown() override { system(("rm -rf '" + dir_ + "'").c_str()); }

  // Runs `sh -c cmd` through a memo backed by file_; returns stdout; *note says hit/miss.
  std::string Run(const std::string& cmd, std::string* note, int* status = nullptr) {
    return RunArgv({"/bin/sh", "-c", cmd}, "/usr/bin:/bin", note, status);
  }
  // Runs argv as make does for a command without shell metacharacters (PATH searched by
  // kbmake's ExecImage, one execve per candidate).
  std::string RunArgv(const std::vector<std::string>& argv, const std::string& path,
                      std::string* note, int* status = nullptr) {
    ShellMemo memo(memo_dir_);
    ShellCall call;
    call.argv = argv;
    call.env = {"PATH=" + path};
    call.shell = "/bin/sh";
    call.shellflags = "-c";
    call.prefix = "kbmake";
    call.in_fd = in_fd_;
    ExecImage image(call.argv, call.env, &path, "kbmake");
    std::string out;
    int st = -1;
    EXPECT_TRUE(memo.Run(call, image, &out, &st, note));
    memo.Save();
    if (status) *status = st;
    return out;
  }
  void WriteFile(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
  }

  std::string dir_, memo_dir_, file_;
  int in_fd_ = 0;  // make's stdin for the command
};

TEST_F(ShellMemoRun, HitThenMissAfterChange) {
  WriteFile("data", "one\n");
  usleep(200000);  // older than the memo's 100 ms racy window
  std::string note;
  std::string cmd = "cat " + dir_ + "/data";
  EXPECT_EQ(Run(cmd, &note), "one\n");
  EXPECT_EQ(note, "miss, remembered");
  EXPECT_EQ(Run(cmd, &note), "one\n");
  EXPECT_EQ(note, "hit");
  WriteFile("data", "two\n");
  EXPECT_EQ(Run(cmd, &note), "two\n");
  EXPECT_EQ(note.rfind("miss (" + dir_ + "/data changed)", 0), 0u) << note;
}

TEST_F(ShellMemoRun, ProgramAddedEarlierInPath) {
  mkdir((dir_ + "/d1").c_str(), 0755);
  mkdir((dir_ + "/d2").c_str(), 0755);
  WriteFile("d2/tool", "#!/bin/sh\necho two\n");
  chmod((dir_ + "/d2/tool").c_str(), 0755);
  usleep(200000);
  std::string path = dir_ + "/d1:" + dir_ + "/d2:/usr/bin:/bin";
  std::string note;
  EXPECT_EQ(RunArgv({"tool"}, path, &note), "two\n");
  EXPECT_EQ(note, "miss, remembered");
  EXPECT_EQ(RunArgv({"tool"}, path, &note), "two\n");
  EXPECT_EQ(note, "hit");
  WriteFile("d1/tool", "#!/bin/sh\necho one\n");
  chmod((dir_ + "/d1/tool").c_str(), 0755);
  EXPECT_EQ(RunArgv({"tool"}, path, &note), "one\n");
  EXPECT_EQ(note.rfind("miss (" + dir_ + "/d1/tool changed)", 0), 0u) << note;
}

TEST_F(ShellMemoRun, DamagedFileIsRebuilt) {
  std::string note;
  EXPECT_EQ(Run("echo hi", &note), "hi\n");
  EXPECT_EQ(Run("echo hi", &note), "hi\n");
  EXPECT_EQ(note, "hit");
  FILE* f = fopen(file_.c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  fseek(f, 20, SEEK_SET);
  fputc('#', f);
  fclose(f);
  EXPECT_EQ(Run("echo hi", &note), "hi\n");
  EXPECT_EQ(note, "miss, remembered");
  EXPECT_EQ(Run("echo hi", &note), "hi\n");
  EXPECT_EQ(note, "hit");
}

// An entry's bytes are checked only when it is used: a damaged one is a miss (and is
// remembered afresh) while the file's other entries are still used.
TEST_F(ShellMemoRun, DamagedEntryIsRunAgainOthersAreKept) {
  std::string note;
  Run("echo one", &note);
  Run("echo two", &note);
  EXPECT_EQ(Run("echo one", &note), "one\n");
  EXPECT_EQ(note, "hit");
  std::vector<ShellMemoEntry> entries;
  std::ifstream in(file_, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_TRUE(DecodeShellMemo(bytes, &entries));
  ASSERT_EQ(entries.size(), 2u);
  // The last entry's bytes end the file: damage one of them (inside its last path's data).
  bool last_is_two = entries[1].out == "two\n";
  FILE* f = fopen(file_.c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  fseek(f, -4, SEEK_END);
  fputc('#', f);
  fclose(f);
  const char* damaged = last_is_two ? "echo two" : "echo one";
  const char* intact = last_is_two ? "echo one" : "echo two";
  EXPECT_EQ(Run(intact, &note), last_is_two ? "one\n" : "two\n");
  EXPECT_EQ(note, "hit");
  Run(damaged, &note);
  EXPECT_EQ(note, "miss, remembered");
  Run(damaged, &note);
  EXPECT_EQ(note, "hit");
  Run(intact, &note);
  EXPECT_EQ(note, "hit");
}

// A make loads only a file's index and reads an entry when a command asks for it. A file
// truncated behind its back in between makes that entry a miss (never a crash or a wrong
// result), and the next file is whole again.
TEST_F(ShellMemoRun, FileTruncatedAfterLoadingIsAMiss) {
  std::string note;
  Run("echo one", &note);
  Run("echo two", &note);
  {
    ShellMemo memo(memo_dir_);
    ShellCall call;
    call.env = {"PATH=/usr/bin:/bin"};
    call.shell = "/bin/sh";
    call.shellflags = "-c";
    call.prefix = "kbmake";
    call.in_fd = in_fd_;
    std::string path = "/usr/bin:/bin", out;
    int st = -1;
    auto run = [&](const std::string& cmd) {
      call.argv = {"/bin/sh", "-c", cmd};
      ExecImage image(call.argv, call.env, &path, "kbmake");
      EXPECT_TRUE(memo.Run(call, image, &out, &st, &note));
      return out;
    };
    EXPECT_EQ(run("echo one"), "one\n");  // loads the index
    EXPECT_EQ(note, "hit");
    ASSERT_EQ(truncate(file_.c_str(), 40), 0);
    EXPECT_EQ(run("echo two"), "two\n");
    EXPECT_EQ(note, "miss, remembered");
    memo.Save();
  }
  Run("echo two", &note);
  EXPECT_EQ(note, "hit");
  Run("echo one", &note);  // its bytes were read before the truncation: kept
  EXPECT_EQ(note, "hit");
}

// A hit starts no process: with the build's stat cache its dependencies are checked through
// the cache (a second hit in the same epoch makes no system call for them), and a change made
// by a process of the build (which ends the epoch) is still seen.
TEST_F(ShellMemoRun, ReplayChecksThroughTheStatCache) {
  WriteFile("data", "one\n");
  usleep(200000);  // older than the memo's 100 ms racy window
  std::string note;
  std::string cmd = "cat " + dir_ + "/data";
  Run(cmd, &note);
  ASSERT_EQ(note, "miss, remembered");
  FsCache fs;
  ShellMemo memo(memo_dir_);
  memo.set_fs_cache(&fs);
  ShellCall call;
  call.argv = {"/bin/sh", "-c", cmd};
  call.env = {"PATH=/usr/bin:/bin"};
  call.shell = "/bin/sh";
  call.shellflags = "-c";
  call.prefix = "kbmake";
  call.in_fd = in_fd_;
  std::string out;
  int st = -1;
  bool wrote_err = true;
  ASSERT_TRUE(memo.Replay(call, &out, &st, &note, &wrote_err));
  EXPECT_EQ(out, "one\n");
  EXPECT_FALSE(wrote_err);
  const uint64_t lookups = fs.lookups(), hits = fs.hits();
  EXPECT_GT(lookups, 0u);
  ASSERT_TRUE(memo.Replay(call, &out, &st, &note, &wrote_err));
  EXPECT_EQ(fs.lookups() - lookups, fs.hits() - hits) << "the second check reused every answer";
  fs.ProcessStarted();  // a recipe changes the file
  WriteFile("data", "two\n");
  fs.ProcessEnded();
  EXPECT_FALSE(memo.Replay(call, &out, &st, &note, &wrote_err));
  EXPECT_EQ(note, "miss (" + dir_ + "/data changed)");
}

TEST_F(ShellMemoRun, OldSingleFileMemoIsReplaced) {
  std::ofstream(memo_dir_) << "an old memo file where the directory goes";
  std::string note;
  Run("echo hi", &note);
  EXPECT_EQ(note, "miss, remembered");
  Run("echo hi", &note);
  EXPECT_EQ(note, "hit");
}

TEST_F(ShellMemoRun, StatusIsRemembered) {
  std::string note;
  int st = 0;
  Run("echo x; exit 3", &note, &st);
  EXPECT_EQ(st, 3);
  Run("echo x; exit 3", &note, &st);
  EXPECT_EQ(note, "hit");
  EXPECT_EQ(st, 3);
}

TEST_F(ShellMemoRun, NotRemembered) {
  std::string note;
  for (const char* cmd : {"date +%s%N", "echo $$", "echo $(($$ * 7 + 1))", "od -An -N4 /dev/urandom",
                          "cat /proc/uptime", "kill -0 1", "sleep 1 &"}) {
    Run(cmd, &note);
    EXPECT_NE(note.find("not remembered"), std::string::npos) << cmd << ": " << note;
  }
  std::string cmd = "touch " + dir_ + "/made";
  Run(cmd, &note);
  EXPECT_NE(note.find("not remembered: leaves " + dir_ + "/made behind"), std::string::npos) << note;
}

// bash asks its stderr for the terminal's process group at start (TIOCGPGRP): on a stderr
// that is not a terminal that only fails, as the key (stderr's kind) says it will.
TEST_F(ShellMemoRun, BashScriptIsRemembered) {
  if (isatty(2)) GTEST_SKIP() << "stderr is a terminal: bash would read its process group";
  WriteFile("wrapper", "#!/bin/bash\necho wrapped\n");
  chmod((dir_ + "/wrapper").c_str(), 0755);
  usleep(200000);
  std::string note;
  // (HOME and SHELL set: without them bash asks the password database, through nscd's socket.)
  std::string cmd = "HOME=/ SHELL=/bin/sh " + dir_ + "/wrapper";
  EXPECT_EQ(Run(cmd, &note), "wrapped\n");
  EXPECT_EQ(note, "miss, remembered");
  EXPECT_EQ(Run(cmd, &note), "wrapped\n");
  EXPECT_EQ(note, "hit");
}

// Without HOME, bash asks the password database for the user's home, and glibc first tries
// nscd's Unix socket: a connection that fails because the name does not exist is a fact
// about that name (it must still not exist for a reuse), not a refusal.
TEST_F(ShellMemoRun, BashScriptWithoutHomeIsRemembered) {
  if (isatty(2)) GTEST_SKIP() << "stderr is a terminal: bash would read its process group";
  WriteFile("wrapper", "#!/bin/bash\necho wrapped\n");
  chmod((dir_ + "/wrapper").c_str(), 0755);
  usleep(200000);
  std::string note;
  std::string cmd = dir_ + "/wrapper";  // the command's environment has only PATH
  EXPECT_EQ(Run(cmd, &note), "wrapped\n");
  EXPECT_EQ(note, "miss, remembered");
  EXPECT_EQ(Run(cmd, &note), "wrapped\n");
  EXPECT_EQ(note, "hit");
}

// A socket name that exists: whether the connection is accepted depends on a process, not
// on the file system, so the result is not remembered, and an entry made while the name did
// not exist is not reused once it does.
TEST_F(ShellMemoRun, SocketConnectionIsRefused) {
  std::string sock = dir_ + "/sock";
  std::string cmd = std::string(KBMAKE_UNIX_CONNECT) + " " + sock;
  std::string note;
  EXPECT_EQ(Run(cmd, &note), std::string(strerror(ENOENT)) + "\n");
  EXPECT_EQ(note, "miss, remembered");
  EXPECT_EQ(Run(cmd, &note), std::string(strerror(ENOENT)) + "\n");
  EXPECT_EQ(note, "hit");
  int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  struct sockaddr_un sun = {};
  sun.sun_family = AF_UNIX;
  ASSERT_LT(sock.size(), sizeof sun.sun_path);
  strcpy(sun.sun_path, sock.c_str());
  ASSERT_EQ(bind(listener, reinterpret_cast<struct sockaddr*>(&sun), sizeof sun), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  EXPECT_EQ(Run(cmd, &note), "connected\n");
  EXPECT_EQ(note.rfind("miss (" + sock + " changed), not remembered: connects to a socket", 0), 0u)
      << note;
  close(listener);  // the name stays: now nobody listens (ECONNREFUSED), still not a fact
  EXPECT_EQ(Run(cmd, &note), std::string(strerror(ECONNREFUSED)) + "\n");
  EXPECT_NE(note.find("not remembered: connects to a socket"), std::string::npos) << note;
}

// Which job of a sub-make gets the real stdin depends on timing, so the key only says
// whether stdin is /dev/null: a command may not look at any other stdin.
TEST_F(ShellMemoRun, StdinIsNotLookedAt) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  close(pipe_fds[1]);
  WriteFile("input", "some input\n");
  int file_fd = open((dir_ + "/input").c_str(), O_RDONLY);
  ASSERT_GE(file_fd, 0);
  std::string note;
  in_fd_ = pipe_fds[0];
  EXPECT_EQ(Run("echo hi", &note), "hi\n");
  EXPECT_EQ(note, "miss, remembered");
  int pipe2_fds[2];  // another pipe: the same answer
  ASSERT_EQ(pipe(pipe2_fds), 0);
  close(pipe2_fds[1]);
  in_fd_ = pipe2_fds[0];
  EXPECT_EQ(Run("echo hi", &note), "hi\n");
  EXPECT_EQ(note, "hit");
  close(pipe2_fds[0]);
  in_fd_ = pipe_fds[0];
  EXPECT_EQ(Run("rm -f " + dir_ + "/none; echo rm", &note), "rm\n");  // asks isatty, lseek
  EXPECT_EQ(note, "miss, remembered");
  in_fd_ = file_fd;
  EXPECT_EQ(Run("test -t 0 && echo tty || echo other", &note), "other\n");  // the key says
  EXPECT_EQ(note, "miss, remembered");
  Run("rm -f none", &note);  // lseek on a file stdin: its offset is not in the key
  EXPECT_NE(note.find("not remembered"), std::string::npos) << note;
  for (const char* cmd : {"cat", "head -c 4 <&0", "stat -c %F - <&0", "stat -c %F -"}) {
    for (int fd : {pipe_fds[0], file_fd}) {
      in_fd_ = fd;
      Run(cmd, &note);
      EXPECT_NE(note.find("not remembered"), std::string::npos) << cmd << ": " << note;
    }
  }
  in_fd_ = open("/dev/null", O_RDONLY);  // /dev/null is in the key: looking at it is fine
  Run("stat -c %F -", &note);
  EXPECT_EQ(note, "miss, remembered");
  close(in_fd_);
  close(pipe_fds[0]);
  close(file_fd);
}

}  // namespace
}  // namespace kbmake

// The sub-make memo's recorder and its entries in the memo (kbmake/exec/submake_memo.h).
#include "kbmake/exec/submake_memo.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "kbmake/base/dircache.h"
#include "kbmake/base/fs_cache.h"
#include "kbmake/exec/shell_memo.h"
#include "kbmake/exec/submake.h"

namespace kbmake {
namespace {

class SubmakeMemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/kbmake-submake-memo.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { system(("rm -rf " + dir_).c_str()); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
  }
  // Sets a file's times well in the past (older than the recorder's 100 ms "racy" limit for
  // its mtime; its ctime is now, so the tests that need trusted facts wait for it).
  void Age(const std::string& name) {
    struct timespec ts[2] = {{1000000000, 0}, {1000000000, 0}};
    utimensat(AT_FDCWD, (dir_ + "/" + name).c_str(), ts, 0);
  }
  static void SettleCtime() { usleep(150 * 1000); }
  // `dc` answers names in the test directory through `fs` and reports them to `facts`.
  void Observe(DirCache* dc, FsCache* fs, SubmakeFacts* facts) {
    dc->SetShared(fs, &dir_);
    dc->SetObserver(facts);
  }
  // A sub-make's view of the test directory: its DirCache through a stat cache, recorded.
  struct Recorder {
    FsCache fs;
    SubmakeFacts facts{&fs};
    DirCache dc;
  };
  // `name` written with `text` long enough ago for its facts to be trusted, and a recorder
  // started after that.
  std::unique_ptr<Recorder> RecordAfterWriting(const std::string& name, const std::string& text) {
    Write(name, text);
    Age(name);
    SettleCtime();
    auto r = std::make_unique<Recorder>();
    Observe(&r->dc, &r->fs, &r->facts);
    return r;
  }
  std::string dir_;
};

TEST_F(SubmakeMemoTest, RecordsWhatTheDirCacheLooksAt) {
  Write("b", "y");
  auto r = RecordAfterWriting("a", "x");
  DirCache& dc = r->dc;
  SubmakeFacts& facts = r->facts;
  struct stat st;
  EXPECT_EQ(dc.Stat("a", &st), 0);
  EXPECT_NE(dc.Lstat("missing", &st), 0);
  EXPECT_TRUE(dc.Exists("b"));  // lists the directory
  std::vector<PathFact> out;
  ASSERT_TRUE(facts.Finish(&out)) << facts.refusal();
  ASSERT_EQ(out.size(), 3u);
  bool saw_a = false, saw_missing = false, saw_dir = false;
  for (const PathFact& f : out) {
    if (f.path == dir_ + "/a") saw_a = f.follow && f.err == 0 && f.size == 1;
    if (f.path == dir_ + "/missing") saw_missing = !f.follow && f.err == ENOENT;
    // A directory counts with its times (listed or not): make compares them.
    if (f.path == dir_) saw_dir = f.err == 0 && f.listed;
  }
  EXPECT_TRUE(saw_a);
  EXPECT_TRUE(saw_missing);
  EXPECT_TRUE(saw_dir);
}

TEST_F(SubmakeMemoTest, RecentChangeIsNotTrusted) {
  FsCache fs;
  SubmakeFacts facts(&fs);  // starts now; the file below changes just before
  Write("fresh", "z");
  DirCache dc;
  Observe(&dc, &fs, &facts);
  struct stat st;
  EXPECT_EQ(dc.Stat("fresh", &st), 0);
  std::vector<PathFact> out;
  EXPECT_FALSE(facts.Finish(&out));
  EXPECT_NE(facts.refusal().find("changed too recently"), std::string::npos) << facts.refusal();
}

TEST_F(SubmakeMemoTest, RefusalsAndConflictsAreKept) {
  SubmakeFacts facts(nullptr);
  facts.Refuse("wrote output");
  facts.Refuse("started a process");
  EXPECT_EQ(facts.refusal(), "wrote output");  // the first reason
  std::vector<PathFact> out;
  EXPECT_FALSE(facts.Finish(&out));

  SubmakeFacts merged(nullptr);
  PathFact f;
  f.path = "/x";
  f.err = ENOENT;
  PathFact g = f;
  g.err = 0;
  g.mode = 0100644;
  merged.Merge({f});
  EXPECT_FALSE(merged.refused());
  merged.Merge({g});  // two sub-makes saw /x differently
  EXPECT_TRUE(merged.refused());
}

TEST_F(SubmakeMemoTest, DirectoryKeepsItsTimesWhateverTheOrder) {
  // A $(shell) hit knows a directory by identity only (its times may be old); the sub-make
  // itself looked at the directory's times: the fact stored must keep the times.
  PathFact with_times = ObservePath(dir_, true);
  ASSERT_EQ(with_times.err, 0);
  with_times.listed = true;
  PathFact identity_only = with_times;
  identity_only.listed = false;
  identity_only.mtime_ns -= 1000000000;  // as remembered by the $(shell) entry
  identity_only.ctime_ns -= 1000000000;
  for (bool shell_first : {true, false}) {
    SubmakeFacts facts(nullptr);
    if (shell_first) facts.Merge({identity_only});
    facts.Merge({with_times});
    if (!shell_first) facts.Merge({identity_only});
    EXPECT_FALSE(facts.refused()) << facts.refusal();
    PathFact later = with_times;
    later.mtime_ns += 1;
    facts.Merge({later});  // now a different time: the kept fact had the times
    EXPECT_TRUE(facts.refused()) << "shell first: " << shell_first;
  }
}

TEST_F(SubmakeMemoTest, PathSeenInTwoStatesIsRefused) {
  Write("f", "1");
  SubmakeFacts facts(nullptr);
  DirCache dc;
  Observe(&dc, nullptr, &facts);  // no cache: each stat goes to the system
  struct stat st;
  ASSERT_EQ(dc.Stat(dir_ + "/f", &st), 0);
  EXPECT_FALSE(facts.refused());
  Write("f", "22");
  ASSERT_EQ(dc.Stat(dir_ + "/f", &st), 0);
  EXPECT_TRUE(facts.refused());
}

TEST_F(SubmakeMemoTest, UnreadableMakefileIsRefused) {
  SubmakeFacts facts(nullptr);
  facts.Opened(dir_ + "/nope", -1, ENOENT);  // a missing -include: a fact
  EXPECT_FALSE(facts.refused());
  facts.Opened(dir_ + "/secret", -1, EACCES);
  EXPECT_TRUE(facts.refused());
}

TEST_F(SubmakeMemoTest, KeyCoversCommandLineEnvironmentAndDirectory) {
  Invocation a;
  a.argv = {"make", "-C", "sub"};
  a.env = {"PATH=/bin", "V=1"};
  a.in_fd = a.out_fd = a.err_fd = open("/dev/null", O_RDWR);
  Invocation b = a;
  EXPECT_EQ(SubmakeKey(a, "/d"), SubmakeKey(b, "/d"));
  EXPECT_NE(SubmakeKey(a, "/d"), SubmakeKey(a, "/e"));
  b.env.back() = "V=0";
  EXPECT_NE(SubmakeKey(a, "/d"), SubmakeKey(b, "/d"));
  b = a;
  b.argv.push_back("all");
  EXPECT_NE(SubmakeKey(a, "/d"), SubmakeKey(b, "/d"));
  close(a.in_fd);
}

TEST_F(SubmakeMemoTest, RememberedFactsHoldUntilOneChanges) {
  auto r = RecordAfterWriting("input", "1");
  DirCache& dc = r->dc;
  SubmakeFacts& facts = r->facts;
  struct stat st;
  ASSERT_EQ(dc.Stat("input", &st), 0);
  std::vector<PathFact> out;
  ASSERT_TRUE(facts.Finish(&out)) << facts.refusal();

  ShellMemo memo(dir_ + "/memo");
  ASSERT_TRUE(memo.RememberFacts("key", dir_, out));
  std::vector<PathFact> back;
  std::string note;
  EXPECT_TRUE(memo.FindFacts("key", dir_, &back, &note)) << note;
  EXPECT_EQ(back.size(), out.size());
  EXPECT_FALSE(memo.FindFacts("other key", dir_, &back, &note));
  memo.Save();
  {
    ShellMemo again(dir_ + "/memo");  // the next build
    EXPECT_TRUE(again.FindFacts("key", dir_, &back, &note)) << note;
    Write("input", "2");  // same size: the ctime and mtime tell
    EXPECT_FALSE(again.FindFacts("key", dir_, &back, &note));
    EXPECT_NE(note.find("/input changed"), std::string::npos) << note;
    // A stale entry is dropped, not found again after the file changes back.
    EXPECT_FALSE(again.FindFacts("key", dir_, &back, &note));
  }
}

TEST_F(SubmakeMemoTest, FutureTimeIsAMiss) {
  Write("future", "1");
  struct timespec ts[2] = {{0, UTIME_OMIT}, {time(nullptr) + 3600, 0}};
  utimensat(AT_FDCWD, (dir_ + "/future").c_str(), ts, 0);
  PathFact f = ObservePath(dir_ + "/future", true);
  ShellMemo memo("");
  ASSERT_TRUE(memo.RememberFacts("key", dir_, {f}));
  std::vector<PathFact> back;
  std::string note;
  // Unchanged, but GNU make would now say the file's time is in the future.
  EXPECT_FALSE(memo.FindFacts("key", dir_, &back, &note));
}

}  // namespace
}  // namespace kbmake

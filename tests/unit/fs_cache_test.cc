// The build-wide stat/directory cache (base/fs_cache.h): an answer is reused only within the
// epoch it was taken in, and nothing is reused or kept while a process of the build runs.
#include "kbmake/base/fs_cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "test_util.h"

namespace kbmake {
namespace {

class FsCacheTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name) { return dir_.path() + "/" + name; }
  bool Exists(const std::string& name) {
    struct stat st;
    return cache_.Stat(Path(name), false, &st) == 0;
  }
  testing_util::TempDirCwd dir_;
  FsCache cache_;
};

TEST_F(FsCacheTest, ReusesAnswersOnlyWithinAnEpoch) {
  EXPECT_FALSE(Exists("f"));
  dir_.Write("f", "x");  // a change the cache was not told about: still the old answer
  EXPECT_FALSE(Exists("f"));
  EXPECT_EQ(cache_.hits(), 1u);
  cache_.Changed();  // make changed the file system
  EXPECT_TRUE(Exists("f"));
  unlink(Path("f").c_str());
  cache_.ProcessStarted();  // a recipe runs: every question goes to the system
  EXPECT_FALSE(Exists("f"));
  dir_.Write("f", "y");
  EXPECT_TRUE(Exists("f"));
  cache_.ProcessEnded();
  unlink(Path("f").c_str());
  EXPECT_FALSE(Exists("f"));  // the answer taken while the process ran was not kept
  EXPECT_FALSE(Exists("f"));
  EXPECT_EQ(cache_.hits(), 2u);
  EXPECT_EQ(cache_.lookups(), 7u);
}

TEST_F(FsCacheTest, ErrnoAndStatAreThoseOfTheSystemCall) {
  dir_.Write("a", "12345");
  struct stat st;
  for (int i = 0; i < 2; ++i) {  // miss, then hit
    ASSERT_EQ(cache_.Stat(Path("a"), true, &st), 0);
    EXPECT_EQ(st.st_size, 5);
    errno = 0;
    EXPECT_EQ(cache_.Stat(Path("a/b"), true, &st), -1);
    EXPECT_EQ(errno, ENOTDIR);
    EXPECT_EQ(cache_.Stat(Path("missing"), true, &st), -1);
    EXPECT_EQ(errno, ENOENT);
  }
  EXPECT_EQ(cache_.hits(), 3u);
  // lstat and stat are separate questions.
  ASSERT_EQ(symlink("a", Path("l").c_str()), 0);
  cache_.Changed();
  ASSERT_EQ(cache_.Stat(Path("l"), false, &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  ASSERT_EQ(cache_.Stat(Path("l"), true, &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
}

TEST_F(FsCacheTest, DirectoryListings) {
  dir_.Write("one", "");
  auto names = cache_.List(dir_.path());
  ASSERT_NE(names, nullptr);
  EXPECT_EQ(*names, (std::vector<std::string>{".", "..", "one"}));  // sorted
  dir_.Write("two", "");
  auto again = cache_.List(dir_.path());
  EXPECT_EQ(again, names);  // same epoch: the same listing, shared
  cache_.ProcessStarted();
  cache_.ProcessEnded();
  auto after = cache_.List(dir_.path());
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(*after, (std::vector<std::string>{".", "..", "one", "two"}));
  EXPECT_EQ(names->size(), 3u);  // a listing handed out earlier is never changed
  errno = 0;
  EXPECT_EQ(cache_.List(Path("nodir")), nullptr);
  EXPECT_EQ(errno, ENOENT);
}

TEST_F(FsCacheTest, DotComponentsNameTheSameDirectory) {
  ASSERT_EQ(mkdir(Path("d").c_str(), 0755), 0);
  dir_.Write("d/x", "");
  dir_.Write("file", "");
  auto plain = cache_.List(Path("d"));
  ASSERT_NE(plain, nullptr);
  // DIR/./d, DIR/d/. and DIR/./d/. are the directory d: one listing serves them all.
  EXPECT_EQ(cache_.List(dir_.path() + "/./d"), plain);
  EXPECT_EQ(cache_.List(Path("d/.")), plain);
  EXPECT_EQ(cache_.List(dir_.path() + "/./d/."), plain);
  EXPECT_EQ(cache_.hits(), 3u);
  // A "." after a file or a missing name fails as the system call does.
  errno = 0;
  EXPECT_EQ(cache_.List(Path("file/.")), nullptr);
  EXPECT_EQ(errno, ENOTDIR);
  errno = 0;
  EXPECT_EQ(cache_.List(Path("missing/.")), nullptr);
  EXPECT_EQ(errno, ENOENT);
  // ".." is not taken out (it is not the same directory when a step is a symbolic link):
  // d/sub/.. gets a listing of its own, with the same names.
  ASSERT_EQ(mkdir(Path("d/sub").c_str(), 0755), 0);
  cache_.Changed();
  auto d_now = cache_.List(Path("d"));
  auto via_dotdot = cache_.List(Path("d/sub/.."));
  ASSERT_NE(via_dotdot, nullptr);
  EXPECT_NE(via_dotdot, d_now);
  EXPECT_EQ(*via_dotdot, *d_now);
}

}  // namespace
}  // namespace kbmake

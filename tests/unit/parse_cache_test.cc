// The makefile front end (parser/parsed_makefile.h): logical lines with their analysis, and
// the rules of the build-wide parse cache (identity, racy window, second reading, budget).
#include "parser/parsed_makefile.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <time.h>

#include <string>

namespace kbmake {
namespace {

int64_t NowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// A regular file's status, changed last at `ctime_ns`.
struct stat FileStat(ino_t ino, off_t size, int64_t ctime_ns) {
  struct stat st = {};
  st.st_mode = S_IFREG | 0644;
  st.st_dev = 1;
  st.st_ino = ino;
  st.st_size = size;
  st.st_mtim.tv_sec = ctime_ns / 1000000000;
  st.st_mtim.tv_nsec = ctime_ns % 1000000000;
  st.st_ctim = st.st_mtim;
  return st;
}

TEST(ParseMakefile, LogicalLinesAndAssignments) {
  std::string text =
      "A := 1 # comment\n"
      "override export B += x \\\n   y\n"
      "t: p ; echo $@\n"
      "\trecipe \\\n\tmore\n"
      "define D\n";
  auto p = ParseMakefile(text);
  ASSERT_EQ(p->lines.size(), 5u);
  EXPECT_EQ(p->bytes, text.size());
  EXPECT_EQ(p->lines[0].raw, "A := 1 # comment");
  EXPECT_EQ(p->lines[0].text, "A := 1 ");
  EXPECT_EQ(p->lines[0].assign_at, 0u);
  EXPECT_EQ(p->lines[0].def.flavor, Flavor::kSimple);
  EXPECT_EQ(p->lines[1].nlines, 2);
  EXPECT_EQ(p->lines[1].raw, "override export B += x \\\n   y");
  EXPECT_EQ(p->lines[1].text, "override export B += x y");
  EXPECT_TRUE(p->lines[1].vm.override_v && p->lines[1].vm.export_v);
  EXPECT_EQ(p->lines[1].text.substr(p->lines[1].assign_at), "B += x y");
  EXPECT_EQ(p->lines[2].assign_at, std::string::npos);  // a rule
  EXPECT_EQ(p->lines[3].raw, "\trecipe \\\n\tmore");     // recipe text kept raw
  EXPECT_TRUE(p->lines[4].vm.define);
}

TEST(ParseMakefile, CarriageReturnsAndFinalContinuation) {
  auto p = ParseMakefile("a = 1\r\nb = 2 \\\n");
  ASSERT_EQ(p->lines.size(), 2u);
  EXPECT_EQ(p->lines[0].raw, "a = 1");
  EXPECT_EQ(p->lines[1].raw, "b = 2 \\\n");
}

TEST(ParseCache, KeptFromTheSecondReadingOfAnOldFile) {
  ParseCache cache;
  auto parsed = ParseMakefile("x = 1\n");
  struct stat st = FileStat(7, 6, NowNs() - 1000000000LL);
  EXPECT_EQ(cache.Find(st), nullptr);
  cache.Offer(st, st, NowNs(), parsed);  // first reading: not kept
  EXPECT_EQ(cache.Find(st), nullptr);
  cache.Offer(st, st, NowNs(), parsed);
  EXPECT_EQ(cache.Find(st), parsed);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.lookups(), 3u);
}

TEST(ParseCache, AnotherIdentityIsAnotherFile) {
  ParseCache cache;
  auto parsed = ParseMakefile("x = 1\n");
  int64_t old = NowNs() - 1000000000LL;
  struct stat st = FileStat(7, 6, old);
  cache.Offer(st, st, NowNs(), parsed);
  cache.Offer(st, st, NowNs(), parsed);
  ASSERT_EQ(cache.Find(st), parsed);
  struct stat changed = st;
  changed.st_ctim.tv_nsec += 1;  // rewritten in place, same size and mtime
  EXPECT_EQ(cache.Find(changed), nullptr);
  changed = st;
  changed.st_ino = 8;  // replaced by another file
  EXPECT_EQ(cache.Find(changed), nullptr);
  changed = st;
  changed.st_mode = S_IFIFO | 0644;
  EXPECT_EQ(cache.Find(changed), nullptr);
}

TEST(ParseCache, RacyOrChangingFilesAreNotKept) {
  ParseCache cache;
  auto parsed = ParseMakefile("x = 1\n");
  int64_t now = NowNs();
  struct stat recent = FileStat(7, 6, now - 50000000LL);  // changed 50 ms before the reading
  for (int i = 0; i < 3; ++i) cache.Offer(recent, recent, now, parsed);
  EXPECT_EQ(cache.Find(recent), nullptr);
  struct stat before = FileStat(9, 6, now - 1000000000LL);
  struct stat after = before;
  after.st_ctim.tv_sec += 1;  // changed while it was read
  for (int i = 0; i < 3; ++i) cache.Offer(before, after, now, parsed);
  EXPECT_EQ(cache.Find(before), nullptr);
  struct stat wrong_size = FileStat(10, 99, now - 1000000000LL);  // not what was parsed
  for (int i = 0; i < 3; ++i) cache.Offer(wrong_size, wrong_size, now, parsed);
  EXPECT_EQ(cache.Find(wrong_size), nullptr);
  struct stat whole_seconds = FileStat(11, 6, (now / 1000000000 - 5) * 1000000000);
  for (int i = 0; i < 3; ++i) cache.Offer(whole_seconds, whole_seconds, now, parsed);
  EXPECT_EQ(cache.Find(whole_seconds), nullptr);
}

// A file extracted by tar (the kernel's makefiles) has a whole-second mtime but a fine ctime,
// which is what shows the file system's granularity: it is kept.
TEST(ParseCache, WholeSecondMtimeFromTarIsKept) {
  ParseCache cache;
  auto parsed = ParseMakefile("x = 1\n");
  int64_t now = NowNs();
  struct stat st = FileStat(12, 6, now - 1000000000LL);
  st.st_ctim.tv_nsec = 123456789;
  st.st_mtim.tv_sec -= 86400;
  st.st_mtim.tv_nsec = 0;
  for (int i = 0; i < 2; ++i) cache.Offer(st, st, now, parsed);
  EXPECT_EQ(cache.Find(st), parsed);
}

TEST(ParseCache, StaysWithinItsBudget) {
  ParseCache cache;
  std::string big(ParseCache::kMaxBytes / 2 + 1, '#');
  auto parsed = ParseMakefile(big);
  int64_t old = NowNs() - 1000000000LL;
  struct stat a = FileStat(1, big.size(), old), b = FileStat(2, big.size(), old);
  for (int i = 0; i < 2; ++i) cache.Offer(a, a, NowNs(), parsed);
  for (int i = 0; i < 2; ++i) cache.Offer(b, b, NowNs(), parsed);
  EXPECT_NE(cache.Find(a), nullptr);
  EXPECT_EQ(cache.Find(b), nullptr);
}

}  // namespace
}  // namespace kbmake

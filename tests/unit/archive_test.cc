// base/archive: ar headers written here byte by byte in the three name styles GNU make's
// arscan.c reads (short "name/", GNU "//" long-name table, BSD "#1/len"), plus the name
// grammar. Dates and members were chosen here; the GNU-recorded behaviour is in
// testdata/archives/.
#include "kbmake/base/archive.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace kbmake {
namespace {

std::string Header(const std::string& name, long date, long size) {
  char buf[61];
  snprintf(buf, sizeof buf, "%-16s%-12ld%-6d%-6d%-8o%-10ld`\n", name.c_str(), date, 0, 0, 0644,
           size);
  return std::string(buf, 60);
}

std::string Member(const std::string& name, long date, const std::string& data) {
  std::string m = Header(name, date, static_cast<long>(data.size())) + data;
  if (data.size() % 2) m += '\n';
  return m;
}

class ArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/kbmake-archive-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/lib.a";
  }
  void TearDown() override {
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }
  void Write(const std::string& bytes) {
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  std::string dir_, path_;
};

TEST_F(ArchiveTest, ShortGnuLongAndBsdNames) {
  std::string table = "a_very_long_member_name.o/\n";
  Write("!<arch>\n" + Member("/", 0, "symtab") + Member("//", 0, table) +
        Member("short.o/", 1000, "x") + Member("/0", 2000, "yy") +
        Member("#1/10", 3000, std::string("bsdname.o\0z", 11)));
  EXPECT_EQ(ArMemberDate(path_, "short.o"), 1000);
  EXPECT_EQ(ArMemberDate(path_, "a_very_long_member_name.o"), 2000);
  EXPECT_EQ(ArMemberDate(path_, "bsdname.o"), 3000);
  // Compared by the last path component, as GNU make's ar_name_equal.
  EXPECT_EQ(ArMemberDate(path_, "sub/dir/short.o"), 1000);
  EXPECT_EQ(ArMemberDate(path_, "missing.o"), -1);
  EXPECT_EQ(ArMemberDate(path_, "/"), -1);  // the symbol table is not a member
}

TEST_F(ArchiveTest, DateZeroIsMissing) {
  Write("!<arch>\n" + Member("a.o/", 0, "a"));
  EXPECT_EQ(ArMemberDate(path_, "a.o"), -1);
}

TEST_F(ArchiveTest, NotAnArchiveOrAbsent) {
  Write("junk\n");
  EXPECT_EQ(ArMemberDate(path_, "a.o"), -1);
  EXPECT_EQ(ArMemberTouch(path_, "a.o"), kArNotArchive);
  EXPECT_EQ(ArMemberTouch(dir_ + "/none.a", "a.o"), kArNoArchive);
}

TEST_F(ArchiveTest, TouchSetsTheArchiveMtime) {
  Write("!<arch>\n" + Member("a.o/", 5, "a") + Member("b.o/", 6, "bb"));
  EXPECT_EQ(ArMemberTouch(path_, "b.o"), 0);
  time_t b = ArMemberDate(path_, "b.o");
  EXPECT_GT(b, 6);
  EXPECT_EQ(ArMemberDate(path_, "a.o"), 5);
  EXPECT_EQ(ArMemberTouch(path_, "c.o"), 1);
}

TEST_F(ArchiveTest, GlobMembersSorted) {
  Write("!<arch>\n" + Member("b.o/", 1, "b") + Member("a.o/", 1, "a") + Member("c.x/", 1, "c"));
  EXPECT_EQ(ArGlob(path_, "*.o"),
            (std::vector<std::string>{path_ + "(a.o)", path_ + "(b.o)"}));
  EXPECT_TRUE(ArGlob(path_, "a.o").empty());  // no glob characters: no scan
}

TEST(ArchiveNameTest, Grammar) {
  EXPECT_TRUE(ArName("lib.a(x.o)"));
  EXPECT_TRUE(ArName("$(V)"));
  EXPECT_FALSE(ArName("(x.o)"));
  EXPECT_FALSE(ArName("lib.a()"));
  EXPECT_FALSE(ArName("lib.a(x.o"));
  EXPECT_FALSE(ArName("plain"));
  std::string a, m;
  ArParseName("d/lib.a(sub/x.o)", &a, &m);
  EXPECT_EQ(a, "d/lib.a");
  EXPECT_EQ(m, "sub/x.o");
}

TEST(ArchiveNameTest, Groups) {
  auto split = [](std::string_view text) {
    std::vector<std::string> out;
    std::string prefix;
    size_t i = 0;
    while (i < text.size()) {
      while (i < text.size() && text[i] == ' ') ++i;
      size_t s = i;
      while (i < text.size() && text[i] != ' ') ++i;
      if (s == i) break;
      std::string w(text.substr(s, i - s));
      if (ArchiveGroupWord(text, i, false, &prefix, &w)) out.push_back(w);
    }
    return out;
  };
  EXPECT_EQ(split("lib(a b c)"), (std::vector<std::string>{"lib(a)", "lib(b)", "lib(c)"}));
  EXPECT_EQ(split("lib( a b )"), (std::vector<std::string>{"lib(a)", "lib(b)"}));
  EXPECT_EQ(split("x lib(a"), (std::vector<std::string>{"x", "lib(a"}));  // no closing word
  EXPECT_EQ(split("(a) b"), (std::vector<std::string>{"(a)", "b"}));
}

}  // namespace
}  // namespace kbmake

// The pooled scratch name set (base/name_marks.h) behind the automatic variables' duplicate
// check: each lease starts empty, names are told apart by content, and a table grows past
// the size it was leased for.
#include "kbmake/base/name_marks.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kbmake {
namespace {

TEST(NameMarksTest, SameContentIsOneRecordDifferentContentIsAnother) {
  NameMarks::Lease marks(4);
  std::string a1 = "include/linux/kernel.h", a2 = a1, b = "include/linux/kernel.c";
  bool inserted;
  size_t ra = marks->Insert(a1, &inserted);
  EXPECT_TRUE(inserted);
  marks->record(ra).flag = true;
  size_t rb = marks->Insert(b, &inserted);
  EXPECT_TRUE(inserted);
  EXPECT_NE(ra, rb);
  EXPECT_FALSE(marks->record(rb).flag);
  EXPECT_EQ(marks->Insert(a2, &inserted), ra);  // another string with the same content
  EXPECT_FALSE(inserted);
  EXPECT_TRUE(marks->record(ra).flag);
  EXPECT_EQ(marks->Insert("", &inserted), 2u);
  EXPECT_TRUE(inserted);
}

TEST(NameMarksTest, AReturnedTableStartsEmptyAgain) {
  std::string name = "a.h";
  for (int pass = 0; pass < 3; ++pass) {
    NameMarks::Lease marks(1);
    bool inserted;
    size_t r = marks->Insert(name, &inserted);
    EXPECT_TRUE(inserted) << pass;
    EXPECT_EQ(r, 0u);
    EXPECT_EQ(marks->record(r).first, nullptr);
    marks->record(r).first = &name;
  }
}

TEST(NameMarksTest, GrowsPastItsLeasedSizeAndKeepsEveryName) {
  std::vector<std::string> names;
  for (int i = 0; i < 1000; ++i) names.push_back("dir/file" + std::to_string(i) + ".h");
  NameMarks::Lease marks(2);
  bool inserted;
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(marks->Insert(names[i], &inserted), i);
    EXPECT_TRUE(inserted);
  }
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(marks->Insert(names[i], &inserted), i);
    EXPECT_FALSE(inserted);
  }
}

TEST(NameMarksTest, TwoLeasesAtOnceAreSeparateTables) {
  NameMarks::Lease one(2), two(2);
  bool inserted;
  one->Insert("x", &inserted);
  two->Insert("x", &inserted);
  EXPECT_TRUE(inserted);
}

}  // namespace
}  // namespace kbmake

#include "kbmake/exec/critical_path.h"

#include <gtest/gtest.h>

namespace kbmake {
namespace {

TEST(CriticalPath, FollowsTheLastFinisherBack) {
  // read(0-10) -> a(10-50) and b(10-20) in parallel -> c(20-30) -> link(55-70)
  std::vector<WorkSpan> s = {{"read makefiles", "make #1", 0, 10}, {"a.o", "", 10, 50},
                             {"b.o", "", 10, 20}, {"c.o", "", 20, 30}, {"prog", "", 55, 70}};
  std::vector<size_t> p = CriticalPath(s, 72);
  ASSERT_EQ(p, (std::vector<size_t>{0, 1, 4}));
  std::string text = FormatCriticalPath(s, p, 72);
  EXPECT_NE(text.find("critical path 0.000 s of 0.000 s wall, 3 step(s)"), std::string::npos)
      << text;
}

TEST(CriticalPath, TiesTakeTheLongestAndEmptySpansAreSkipped) {
  std::vector<WorkSpan> s = {{"short", "", 8, 10}, {"long", "", 2, 10}, {"empty", "", 12, 12},
                             {"late", "", 11, 20}};
  EXPECT_EQ(CriticalPath(s, 20), (std::vector<size_t>{1, 3}));
  EXPECT_TRUE(CriticalPath({}, 5).empty());
  EXPECT_EQ(FormatCriticalPath(s, {}, 5), "");
}

TEST(CriticalPath, ShowsTheLongestStepsInOrder) {
  std::vector<WorkSpan> s;
  for (int i = 0; i < 20; ++i) s.push_back({"t" + std::to_string(i), "", i * 100, i * 100 + 1 + i});
  std::vector<size_t> p = CriticalPath(s, 2000);
  ASSERT_EQ(p.size(), 20u);
  std::string text = FormatCriticalPath(s, p, 2000, 3);
  // t17, t18, t19 are the longest; listed in the order they ran, then the rest counted.
  size_t a = text.find("t17"), b = text.find("t18"), c = text.find("t19");
  EXPECT_TRUE(a != std::string::npos && a < b && b < c) << text;
  EXPECT_EQ(text.find("t16"), std::string::npos) << text;
  EXPECT_NE(text.find("... and 17 shorter step(s)"), std::string::npos) << text;
}

}  // namespace
}  // namespace kbmake

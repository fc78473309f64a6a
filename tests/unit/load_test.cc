// exec/load: the -l decision (GNU make 4.3's load_too_high). The GNU-recorded behaviour of
// whole builds is in testdata/options/load-average-*.
#include "kbmake/exec/load.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace kbmake {
namespace {

TEST(LoadLimiterTest, NegativeMaximumNeverLimits) {
  LoadLimiter l;
  EXPECT_FALSE(l.TooHigh(-1));
}

// The process asking is running, so /proc/loadavg counts at least one running process.
TEST(LoadLimiterTest, BelowOneIsAlwaysTooHigh) {
  LoadLimiter l;
  EXPECT_TRUE(l.TooHigh(0.5));
  EXPECT_TRUE(l.TooHigh(0));
}

TEST(LoadLimiterTest, HugeMaximumIsNeverReached) {
  LoadLimiter l;
  for (int i = 0; i < 100; ++i) l.NoteStart();
  EXPECT_FALSE(l.TooHigh(1e9));
}

}  // namespace
}  // namespace kbmake

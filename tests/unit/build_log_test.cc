#include "kbmake/exec/build_log.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "kbmake/graph/explain.h"

namespace kbmake {
namespace {

std::string TempPath(const char* name) {
  return std::string(testing::TempDir()) + "/kbmake-build-log-" + std::to_string(getpid()) +
         "-" + name;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(BuildLog, LineRoundTripsTabsNewlinesAndBackslashes) {
  std::string cmd = "a\tb\\c\nd";
  std::string line = BuildLog::FormatLine("/x/t\tn", 5, 9, cmd);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  std::string key;
  BuildLog::Record r;
  ASSERT_TRUE(BuildLog::ParseLine(std::string_view(line).substr(0, line.size() - 1), &key, &r));
  EXPECT_EQ(key, "/x/t\tn");
  EXPECT_EQ(r.start_ms, 5);
  EXPECT_EQ(r.end_ms, 9);
  EXPECT_EQ(r.command, cmd);
  EXPECT_EQ(r.hash, BuildLog::CommandHash(cmd));
  EXPECT_FALSE(BuildLog::ParseLine("# kbmake build log v1", &key, &r));
  EXPECT_FALSE(BuildLog::ParseLine("1\t2\t0123", &key, &r));
}

TEST(BuildLog, LongCommandsAreKeptByHashOnly) {
  std::string cmd(BuildLog::kMaxCommand + 1, 'x');
  std::string line = BuildLog::FormatLine("/t", 1, 2, cmd);
  std::string key;
  BuildLog::Record r;
  ASSERT_TRUE(BuildLog::ParseLine(std::string_view(line).substr(0, line.size() - 1), &key, &r));
  EXPECT_FALSE(r.has_command);
  EXPECT_EQ(r.hash, BuildLog::CommandHash(cmd));
  RemakeReason forced;
  forced.forced.push_back("phony prerequisite: FORCE");
  EXPECT_EQ(ExplainReason(forced, &r, cmd), "");
  EXPECT_EQ(ExplainReason(forced, &r, "y"),
            "command changed (the previous command was too long to keep)");
}

TEST(BuildLog, TornLastLineIsIgnoredAndEndedBeforeAppending) {
  std::string path = TempPath("torn");
  {
    std::ofstream out(path, std::ios::binary);
    out << BuildLog::FormatLine("/a", 1, 2, "cc a") << "1\t2\t00000";
  }
  BuildLog log(path);
  BuildLog::Record r;
  ASSERT_TRUE(log.Previous("/a", &r));
  EXPECT_EQ(r.command, "cc a");
  ASSERT_TRUE(log.Append("/b", 3, 4, "cc b"));
  BuildLog again(path);
  ASSERT_TRUE(again.Previous("/b", &r));
  EXPECT_EQ(r.command, "cc b");
  // Records appended by this build are not "previous" for it.
  EXPECT_FALSE(log.Previous("/b", &r));
  unlink(path.c_str());
}

TEST(BuildLog, CompactsALargeLogToTheLastRecordOfEachTarget) {
  std::string path = TempPath("compact");
  std::string filler(1000, 'f');
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 5000; ++i)
      out << BuildLog::FormatLine("/t" + std::to_string(i % 10), i, i + 1, filler + std::to_string(i));
  }
  struct stat before;
  ASSERT_EQ(stat(path.c_str(), &before), 0);
  ASSERT_GT(before.st_size, BuildLog::kCompactBytes);
  BuildLog log(path);
  BuildLog::Record r;
  ASSERT_TRUE(log.Previous("/t3", &r));
  EXPECT_EQ(r.command, filler + "4993");
  struct stat after;
  ASSERT_EQ(stat(path.c_str(), &after), 0);
  EXPECT_LT(after.st_size, 20000);
  BuildLog again(path);
  ASSERT_TRUE(again.Previous("/t9", &r));
  EXPECT_EQ(r.command, filler + "4999");
  unlink(path.c_str());
}

TEST(BuildLog, LinesThatRunNothingKeepTheirLastText) {
  const std::string sep(1, BuildLog::kLineSep);
  BuildLog::Record prev;
  prev.has_command = true;
  prev.command = "cc -O2 a.c" + sep + "check a";
  EXPECT_EQ(BuildLog::RecordedCommand({"@:", "check a"}, &prev), prev.command);
  EXPECT_EQ(BuildLog::RecordedCommand({"cc -O3 a.c", "check a"}, &prev), "cc -O3 a.c" + sep + "check a");
  EXPECT_EQ(BuildLog::RecordedCommand({"@:", "check a"}, nullptr), "@:" + sep + "check a");
  EXPECT_TRUE(BuildLog::RunsNothing(" @- : "));
  EXPECT_TRUE(BuildLog::RunsNothing(""));
  EXPECT_FALSE(BuildLog::RunsNothing("@true"));
}

TEST(Explain, WordDiffAndReasons) {
  EXPECT_EQ(WordDiff("cc -O2 -c a.c", "cc -O2 -DX -c a.c"), "added -DX");
  EXPECT_EQ(WordDiff("cc -O2 x 'cc -O2 x'", "cc -O3 x 'cc -O3 x'"), "added -O3; removed -O2");
  EXPECT_EQ(WordDiff("a  b", "a b"), "");
  RemakeReason why;
  why.changed.push_back("newer prerequisites: h.h");
  BuildLog::Record prev;
  prev.has_command = true;
  prev.command = "cc -O2";
  prev.hash = BuildLog::CommandHash(prev.command);
  EXPECT_EQ(ExplainReason(why, &prev, "cc -O2"), "newer prerequisites: h.h");
  EXPECT_EQ(ExplainReason(why, &prev, "cc -O1"),
            "newer prerequisites: h.h; command changed: added -O1; removed -O2");
  RemakeReason forced;
  forced.forced.push_back("phony prerequisite: FORCE");
  EXPECT_EQ(ExplainReason(forced, &prev, "cc -O2"), "");
  EXPECT_EQ(ExplainReason(forced, nullptr, "cc -O2"), "phony prerequisite: FORCE");
  // The line never ran before (Kbuild's '@:'): not comparable, and said so.
  const std::string sep(1, BuildLog::kLineSep);
  prev.command = "@:" + sep + "check";
  EXPECT_EQ(ExplainReason(forced, &prev, "cc -O2" + sep + "check"),
            "phony prerequisite: FORCE (no earlier run of this command in the build log)");
  prev.command = "cc";
  EXPECT_EQ(ExplainReason(RemakeReason{}, &prev, "cc"), "prerequisites were remade");
}

}  // namespace
}  // namespace kbmake

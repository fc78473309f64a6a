// Unit tests for kbmake/exec/command.h. The expected argvs are what GNU make 4.3 executed for
// the same SHELL, .SHELLFLAGS and line (seen with a SHELL script printing its arguments; the
// corpus pins them in testdata/execution/shell-words-split-like-sh and its neighbours).
#include "kbmake/exec/command.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kbmake {
namespace {

using Argv = std::vector<std::string>;

TEST(CommandArgv, SimpleLineRunsWithoutShell) {
  EXPECT_EQ(CommandArgv("echo  'a  b' c\\ d", "/bin/sh", "-c", false),
            (Argv{"echo", "a  b", "c d"}));
  EXPECT_EQ(CommandArgv("echo $x", "/bin/sh", "-c", false), (Argv{"/bin/sh", "-c", "echo $x"}));
  EXPECT_TRUE(CommandArgv("   ", "/bin/sh", "-c", false).empty());
}

TEST(CommandArgv, OtherShellIsSplitLikeSh) {
  EXPECT_EQ(CommandArgv("echo 1", "/x/args 'a  b' c\\ d \"e f\"", "-c", false),
            (Argv{"/x/args", "a  b", "c d", "\"e", "f\"", "-c", "echo 1"}));
  EXPECT_EQ(CommandArgv("echo 2   '3  4'", "/x/args", "-x 'y  z' -c", false),
            (Argv{"/x/args", "-x", "y  z", "-c", "echo 2   '3  4'"}));
  EXPECT_EQ(CommandArgv("a\\\nb", "/bin/bash", "-c", false), (Argv{"/bin/bash", "-c", "a\\\nb"}));
}

TEST(CommandArgv, AssignmentOrBuiltinShellRunsUnderSh) {
  EXPECT_EQ(CommandArgv("echo 3", "V=1 /x/args", "-c", false),
            (Argv{"/bin/sh", "-c", "V=1 /x/args -c echo\\ 3"}));
  EXPECT_EQ(CommandArgv("echo 4", "exec /x/args", "-c", false),
            (Argv{"/bin/sh", "-c", "exec /x/args -c echo\\ 4"}));
  EXPECT_EQ(CommandArgv("echo 4", "exec /x/args", "-c", false, {}, /*posix=*/true),
            (Argv{"/bin/sh", "-ec", "exec /x/args -c echo\\ 4"}));
}

TEST(CommandArgv, IfsWithOtherCharactersNeedsShell) {
  EXPECT_EQ(CommandArgv("foo x", "/bin/sh", "-c", false, " \t\n"), (Argv{"foo", "x"}));
  EXPECT_EQ(CommandArgv("foo x", "/bin/sh", "-c", false, ":"), (Argv{"/bin/sh", "-c", "foo x"}));
}

TEST(CommandArgv, OneShell) {
  EXPECT_EQ(CommandArgv("foo x", "/bin/sh", "-c", true), (Argv{"foo", "x"}));
  EXPECT_EQ(CommandArgv("a\n -b\n@c", "/bin/sh", "-e  -c", true),
            (Argv{"/bin/sh", "-e", "-c", "a\nb\nc"}));
  EXPECT_EQ(CommandArgv("a\n -b", "/x/args 'q'", "-c", true),
            (Argv{"/x/args 'q'", "-c", "a\n -b"}));
  EXPECT_EQ(CommandArgv("a\nb", "/x/args", "", true), (Argv{"/x/args", "a\nb"}));
}

TEST(StripOneShellPrefixes, DropsLeadingPrefixesOfEachLine) {
  EXPECT_EQ(StripOneShellPrefixes("@a\n  -+b\\\n-c\n d"), "a\nb\\\n-c\nd");
  EXPECT_TRUE(IsBourneCompatibleShell("/usr/bin/dash"));
  EXPECT_FALSE(IsBourneCompatibleShell("/bin/bash -e"));
}

}  // namespace
}  // namespace kbmake

// Scripts /bin/sh runs without doing anything: skipped like GNU make's `sh -c :`.
TEST(NoOpShellScript, Recognized) {
  for (const char* s : {
           ":", "true", "set -e", ": anything 'quoted text'", "set -e;", " set -e ; : ",
           "set -e;     trap 'rm -f init/main.o; trap - HUP; kill -s HUP $$' HUP;  "
           "trap 'rm -f init/main.o; trap - INT; kill -s INT $$' INT; ",
           "trap - INT TERM", "trap '' PIPE", "trap 'x' HUP INT QUIT TERM PIPE USR1 USR2 ALRM"}) {
    EXPECT_TRUE(kbmake::IsNoOpShellScript(s)) << s;
  }
}

TEST(NoOpShellScript, NotRecognized) {
  for (const char* s : {
           "", "   ", ";", "set -e;;", "; set -e", "set", "set -x", "set -e -x", "true x",
           "trap 'echo bye' EXIT", "trap 'x' 0", "trap 'x' BOGUS", "trap 'x' hup", "trap 'x'",
           "trap x HUP", "trap \"x\" HUP", "trap 'x'HUP INT", "trap 'unterminated HUP",
           ": $(rm -rf x)", ": `x`", ": >file", ": <file", ": | cat", ": && echo", ": & ",
           "set -e\n:", ": # comment", "echo hi", "rm -f x", "exit 1", "false", "X=1 :",
           ": \\x", ": *", ": ~"}) {
    EXPECT_FALSE(kbmake::IsNoOpShellScript(s)) << s;
  }
}

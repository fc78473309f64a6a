// --status and --compdb helpers: the shell line reader, the leading echo, compiler
// recognition and the compiles found in Kbuild-like lines.
#include <gtest/gtest.h>

#include "kbmake/exec/compdb.h"
#include "kbmake/exec/shell_scan.h"
#include "kbmake/exec/status.h"

namespace kbmake {
namespace {

TEST(ShellScan, SplitsCompoundLines) {
  auto c = ScanShellLine("set -e; echo '  CC  a.o'; gcc -c -o a.o a.c ; ./objtool a.o && x | y");
  ASSERT_EQ(c.size(), 6u);
  EXPECT_EQ(c[0].words, (std::vector<std::string>{"set", "-e"}));
  EXPECT_EQ(c[1].words, (std::vector<std::string>{"echo", "  CC  a.o"}));
  EXPECT_EQ(c[2].words[0], "gcc");
  EXPECT_EQ(c[2].next_op, ";");
  EXPECT_EQ(c[4].next_op, "|");
}

TEST(ShellScan, QuotesExpansionsRedirectionsAndReservedWords) {
  auto c = ScanShellLine(
      "if [ -f x ]; then A=1 cc -D'X=\"a b\"' \"$(pwd)\"/y.c 2>/dev/null; fi; printf '%s\\n' 'gcc -c z.c' > f");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].words[0], "[");
  EXPECT_EQ(c[0].depth, 1);
  EXPECT_EQ(c[1].words[0], "cc");
  EXPECT_TRUE(c[1].has_assignments);
  EXPECT_TRUE(c[1].redirected);
  EXPECT_FALSE(c[1].literal);
  EXPECT_EQ(c[1].words[1], "-DX=\"a b\"");
  EXPECT_EQ(c[2].words, (std::vector<std::string>{"printf", "%s\\n", "gcc -c z.c"}));
  EXPECT_EQ(c[2].depth, 0);
  EXPECT_TRUE(c[2].redirected);
}

TEST(LeadingEcho, KbuildQuietLine) {
  LeadingEcho e;
  ASSERT_TRUE(FindLeadingEcho("set -e;  echo '  CC      init/main.o'; gcc -c init/main.c", &e));
  EXPECT_EQ(e.text, "  CC      init/main.o");
  EXPECT_EQ(e.rewrite, "set -e;  :; gcc -c init/main.c");
  ASSERT_TRUE(FindLeadingEcho("echo \"  GEN     x\" && touch x", &e));
  EXPECT_EQ(e.text, "  GEN     x");
  ASSERT_TRUE(FindLeadingEcho("echo '  LD  '\\''q'\\''' ", &e));  // Kbuild's escsq
  EXPECT_EQ(e.text, "  LD  'q'");
}

TEST(LeadingEcho, LeavesToTheShellWhatOnlyItKnows) {
  LeadingEcho e;
  EXPECT_FALSE(FindLeadingEcho("echo $(X); gcc", &e));
  EXPECT_FALSE(FindLeadingEcho("echo 'a\\nb'", &e));      // dash's echo reads escapes
  EXPECT_FALSE(FindLeadingEcho("echo -n x", &e));
  EXPECT_FALSE(FindLeadingEcho("echo x > f", &e));
  EXPECT_FALSE(FindLeadingEcho("echo x | sed s/x/y/", &e));
  EXPECT_FALSE(FindLeadingEcho("echo x || true", &e));
  EXPECT_FALSE(FindLeadingEcho("true; echo x", &e));
  EXPECT_FALSE(FindLeadingEcho("if true; then echo x; fi", &e));
  EXPECT_FALSE(FindLeadingEcho("echo *.c", &e));
}

TEST(LeadingEcho, OnlyForPosixShells) {
  EXPECT_TRUE(IsPosixShell("/bin/sh"));
  EXPECT_TRUE(IsPosixShell("/usr/bin/bash -x"));
  EXPECT_TRUE(IsPosixShell("sh"));
  EXPECT_FALSE(IsPosixShell("/usr/bin/python3"));
  EXPECT_FALSE(IsPosixShell("/bin/fish"));
  std::vector<bool> no(1, false);
  EXPECT_FALSE(RecipeShowsLine({"@echo x"}, no, no, 0, false, false, false, false, false,
                               /*posix_shell=*/false));
}

TEST(RecipeShowsLine, SilentWithAndWithoutEcho) {
  std::vector<bool> no(2, false);
  EXPECT_TRUE(RecipeShowsLine({"gcc -c a.c"}, no, no, 0, false, false, false, false, false));
  EXPECT_FALSE(RecipeShowsLine({"@gcc -c a.c"}, no, no, 0, false, false, false, false, false));
  EXPECT_TRUE(RecipeShowsLine({"@gcc -c a.c"}, no, no, 0, false, true, false, false, false));
  EXPECT_TRUE(RecipeShowsLine({"@set -e; echo '  CC x'; gcc"}, no, no, 0, false, false, true,
                              false, false));
  EXPECT_FALSE(RecipeShowsLine({"gcc -c a.c"}, no, no, 0, false, false, true, false, false));
  EXPECT_FALSE(RecipeShowsLine({"gcc -c a.c"}, no, no, 0, false, false, false, true, false));
  // An expanded line with a newline: two commands, the second not silent.
  EXPECT_TRUE(RecipeShowsLine({"@true\ngcc"}, no, no, 0, false, false, false, false, false));
}

TEST(Compdb, CompilerNames) {
  for (const char* y : {"gcc", "cc", "clang", "g++", "c++", "clang++", "/usr/bin/gcc-12",
                        "x86_64-linux-gnu-gcc", "aarch64-linux-gnu-g++-12", "clang-15"})
    EXPECT_TRUE(IsCompilerName(y)) << y;
  for (const char* n : {"gcc-ar", "ld", "objtool", "ccache", "cc1", "gcc-nm", "pcc", "xcc-"})
    EXPECT_FALSE(IsCompilerName(n)) << n;
}

TEST(Compdb, FindsCompilesInCompoundLines) {
  auto v = FindCompiles(
      "set -e; : ; gcc -Wp,-MMD,init/.main.o.d -DKBUILD_MODNAME='\"main\"' -c -o init/main.o "
      "init/main.c ; ./tools/objtool/objtool --orc init/main.o; printf '%s\\n' 'cmd := gcc -c "
      "x.c' > init/.main.o.cmd",
      "/k");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].directory, "/k");
  EXPECT_EQ(v[0].file, "init/main.c");
  EXPECT_EQ(v[0].output, "init/main.o");
  EXPECT_EQ(v[0].arguments[2], "-DKBUILD_MODNAME=\"main\"");
  // cd, host programs (compile and link), -x, -E into a pipe, probes on /dev/null.
  v = FindCompiles("cd sub && gcc -o tool tool.c util.c -lz", "/k");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].directory, "/k/sub");
  EXPECT_EQ(v[1].file, "util.c");
  EXPECT_EQ(FindCompiles("gcc -E -D__GENKSYMS__ a.c | genksyms", "/").size(), 0u);
  EXPECT_EQ(FindCompiles("gcc -E -P -o x.lds x.lds.S", "/").size(), 1u);
  EXPECT_EQ(FindCompiles("gcc -x c /dev/null -c -o /dev/null", "/")[0].file, "/dev/null");
  EXPECT_EQ(FindCompiles("gcc -x assembler-with-cpp vdso.lds.in -c", "/").size(), 1u);
  EXPECT_EQ(FindCompiles("gcc -o vmlinux a.o b.o", "/").size(), 0u);
  EXPECT_EQ(FindCompiles("ccache gcc -c a.c", "/")[0].arguments[0], "gcc");
  v = FindCompiles("gcc -c \"$(srcdir)\"/a.c -o a.o", "/");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_TRUE(v[0].arguments.empty());
  EXPECT_EQ(v[0].command, "gcc -c \"$(srcdir)\"/a.c -o a.o");
}

TEST(Status, Format) {
  BuildStatus s("[%s/%t %f %r %u %p %%] ", false);
  s.AddJob();
  s.AddJob();
  EXPECT_EQ(s.FormatPrefix(), "[0/2 0 0 2   0% %] ");
  BuildStatus d("", false);
  EXPECT_EQ(d.FormatPrefix(), "[0/0] ");
}

}  // namespace
}  // namespace kbmake

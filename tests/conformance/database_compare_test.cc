// Unit tests for the `data-base` and `sections-as-sets` comparisons of -p output (database_compare.h). The
// dump shapes are those GNU make 4.3 prints (testdata/print-data-base/).
#include "tests/conformance/database_compare.h"

#include <gtest/gtest.h>

#include <string>

namespace kbconf {
namespace {

std::string Canon(const std::string& s) { return CanonicalDataBaseOutput(s, true); }
std::string Ordered(const std::string& s) { return CanonicalDataBaseOutput(s, false); }

TEST(DatabaseCompare, ParsesModes) {
  EXPECT_EQ(ParseCompareMode("sections-as-sets\nwhy\n"), CompareMode::kSectionsAsSets);
  EXPECT_EQ(ParseCompareMode("data-base\nwhy\n"), CompareMode::kDataBase);
  EXPECT_EQ(ParseCompareMode("exact\n"), CompareMode::kExact);
  EXPECT_FALSE(ParseCompareMode("sets\n").has_value());
}

TEST(DatabaseCompare, DatesStatisticsAndDirectoriesAreNormalised) {
  std::string a =
      "# Make data base, printed on Mon Nov 30 11:02:57 2026\n"
      "# Variables\n\n# default\nA = 1\n# variable set hash-table stats:\n"
      "# Load=1/1024=0%, Rehash=0, Collisions=0/1=0%\n"
      "# Directories\n\n# . (device 1, inode 2): 5 files, 19 impossibilities.\n"
      "# Files\n\nx:\n#  Last modified 2026-11-30 11:02:57.9\n"
      "# strcache buffers: 1 (0) / strings = 243 / storage = 2477 B / avg = 10 B\n"
      "# Finished Make data base on Mon Nov 30 11:02:58 2026\n";
  std::string b =
      "# Make data base, printed on Tue Dec  1 00:00:00 2026\n"
      "# Variables\n\n# default\nA = 1\n# variable set hash-table stats:\n"
      "# Load=1/16=6%, Rehash=0, Collisions=0/1=0%\n"
      "# Directories\n\n# .: could not be stat'd.\n"
      "# Files\n\nx:\n#  Last modified 2020-01-01 00:00:00\n"
      "# Finished Make data base on Tue Dec  1 00:00:01 2026\n";
  EXPECT_EQ(Canon(a), Canon(b));
}

TEST(DatabaseCompare, VariablesAndFilesAreSets) {
  std::string a = "# Variables\n\n# default\nA = 1\n# makefile\nB := 2\n\n"
                  "# Files\n\nx: y\n#  Phony target (prerequisite of .PHONY).\n\n"
                  "# Not a target:\ny:\n\n# VPATH Search Paths\n";
  std::string b = "# Variables\n\n# makefile\nB := 2\n# default\nA = 1\n\n"
                  "# Files\n\n# Not a target:\ny:\n\nx: y\n#  Phony target (prerequisite of .PHONY).\n\n"
                  "# VPATH Search Paths\n";
  EXPECT_EQ(Canon(a), Canon(b));
  // A changed value or marker still differs.
  std::string c = "# Variables\n\n# default\nA = 1\n# makefile\nB := 3\n\n"
                  "# Files\n\nx: y\n#  Phony target (prerequisite of .PHONY).\n\n"
                  "# Not a target:\ny:\n\n# VPATH Search Paths\n";
  std::string d = "# Variables\n\n# default\nA = 1\n# makefile\nB := 2\n\n"
                  "# Files\n\n# Not a target:\nx: y\n#  Phony target (prerequisite of .PHONY).\n\n"
                  "# Not a target:\ny:\n\n# VPATH Search Paths\n";
  EXPECT_NE(Canon(a), Canon(c));
  EXPECT_NE(Canon(a), Canon(d));
  // data-base keeps the order: the same entries in another order differ.
  EXPECT_NE(Ordered(a), Ordered(b));
  EXPECT_EQ(Ordered(a), Ordered(a));
}

TEST(DatabaseCompare, DataBaseNormalisesButKeepsOrder) {
  std::string a =
      "# Make data base, printed on Mon Nov 30 11:02:57 2026\n"
      "# Variables\n\n# default\nA = 1\n# default\nB = 2\n# variable set hash-table stats:\n"
      "# Load=2/1024=0%, Rehash=0, Collisions=1/4=25%\n"
      "# Files\n\nx:\n#  Last modified 2026-11-30 11:02:57.9\n\n.RECIPEPREFIX = >\ny:\n";
  std::string b =
      "# Make data base, printed on Tue Dec  1 00:00:00 2026\n"
      "# Variables\n\n# default\nA = 1\n# default\nB = 2\n# variable set hash-table stats:\n"
      "# Load=2/1024=0%, Rehash=0, Collisions=0/2=0%\n"
      "# Files\n\nx:\n#  Last modified 2020-01-01 00:00:00\n\n.RECIPEPREFIX = >\ny:\n";
  EXPECT_EQ(Ordered(a), Ordered(b));
  // The recipe prefix line is part of the walk now.
  std::string c =
      "# Make data base, printed on Tue Dec  1 00:00:00 2026\n"
      "# Variables\n\n# default\nA = 1\n# default\nB = 2\n"
      "# Files\n\nx:\n#  Last modified 2020-01-01 00:00:00\n\ny:\n";
  EXPECT_NE(Ordered(a), Ordered(c));
  EXPECT_EQ(Canon(a), Canon(c));
}

TEST(DatabaseCompare, TargetVariablesInsideAnEntryAreSorted) {
  std::string a = "# Files\n\n# makefile (from 'Makefile', line 1)\nall: X := 1\n"
                  "# makefile (from 'Makefile', line 2)\nall: Y = 2\nall:\n"
                  "# automatic\n# @ := all\n# automatic\n# * := \n";
  std::string b = "# Files\n\n# makefile (from 'Makefile', line 2)\nall: Y = 2\n"
                  "# makefile (from 'Makefile', line 1)\nall: X := 1\nall:\n"
                  "# automatic\n# * := \n# automatic\n# @ := all\n";
  EXPECT_EQ(Canon(a), Canon(b));
}

TEST(DatabaseCompare, DefineBodiesStayWithTheirVariable) {
  std::string a = "# Variables\n\n# makefile\ndefine outer\ndefine inner\nx\nendef\nendef\n"
                  "# makefile\ndefine = d\n# makefile\ns := a\nb\n\n# Pattern-specific Variable Values\n";
  std::string b = "# Variables\n\n# makefile\ns := a\nb\n# makefile\ndefine = d\n"
                  "# makefile\ndefine outer\ndefine inner\nx\nendef\nendef\n\n"
                  "# Pattern-specific Variable Values\n";
  EXPECT_EQ(Canon(a), Canon(b));
}

TEST(DatabaseCompare, OtherSectionsKeepTheirOrder) {
  std::string a = "# Implicit Rules\n\n%.o: %.c\n\n%.o: %.s\n";
  std::string b = "# Implicit Rules\n\n%.o: %.s\n\n%.o: %.c\n";
  EXPECT_NE(Canon(a), Canon(b));
}

}  // namespace
}  // namespace kbconf

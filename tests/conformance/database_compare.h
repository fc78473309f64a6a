// Per-case comparison modes of the conformance runner (testdata/README.md, "compare").
//
// Most cases compare standard output byte for byte. A case whose standard output holds a
// `-p` / `--print-data-base` dump names the mode `data-base` in its `compare` file: some
// lines of a dump (dates, hash-table statistics, directory cache counts) cannot be the same
// from one run to the next, or are artefacts of GNU make's own tables. `sections-as-sets`
// also ignores the order of the hash-ordered sections, for a dump whose order kbmake does
// not reproduce (none in the corpus since kbmake walks GNU's table order).
#pragma once

#include <optional>
#include <string>

namespace kbconf {

/// How a case's standard output is compared.
enum class CompareMode {
  kExact,           // byte for byte (the default)
  kDataBase,        // -p dumps: run-dependent lines normalised, order kept
  kSectionsAsSets,  // -p dumps: as kDataBase, and hash-ordered sections compared as sets
};

/// Parses the first line of a case's `compare` file; nullopt if it names no known mode.
std::optional<CompareMode> ParseCompareMode(const std::string& compare_file);

/// The canonical form of a make run's standard output under `data-base` (`sorted` false)
/// or `sections-as-sets` (`sorted` true):
///  - lines that differ between runs are rewritten or dropped (see testdata/README.md):
///    the dates of "# Make data base, printed on" and "# Finished Make data base on" become
///    @DATE@, "#  Last modified <time>" becomes "#  Last modified @MTIME@", every hash-table
///    statistics line and the strcache statistics are dropped, and the body of the
///    "# Directories" section (GNU make's directory cache) is dropped;
///  - with `sorted`, the entries of the "# Variables" and "# Files" sections (the two printed
///    in hash-table order) are sorted, and inside a "# Files" entry the target's variables
///    (a hash table too) are sorted, and a ".RECIPEPREFIX = X" line opening a "# Files"
///    entry (printed where the prefix changes along the walk) is dropped;
///  - everything else (the recipes' own output, "# Implicit Rules", "# Pattern-specific
///    Variable Values", "# VPATH Search Paths") keeps its order.
/// Two outputs match iff their canonical forms are equal.
std::string CanonicalDataBaseOutput(const std::string& text, bool sorted);

}  // namespace kbconf

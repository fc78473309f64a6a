// Per-case comparison modes of the conformance runner (testdata/README.md, "compare").
//
// Most cases compare standard output byte for byte. A case whose standard output holds a
// `-p` / `--print-data-base` dump names the mode `sections-as-sets` in its `compare` file:
// GNU make prints several sections of the data base in the order of its hash tables, which
// kbmake does not reproduce, and some lines (dates, hash-table statistics, directory cache
// counts) cannot be the same from one run to the next.
#pragma once

#include <optional>
#include <string>

namespace kbconf {

/// How a case's standard output is compared.
enum class CompareMode {
  kExact,           // byte for byte (the default)
  kSectionsAsSets,  // -p dumps: hash-ordered sections compared as multisets of entries
};

/// Parses the first line of a case's `compare` file; nullopt if it names no known mode.
std::optional<CompareMode> ParseCompareMode(const std::string& compare_file);

/// The canonical form of a make run's standard output under `sections-as-sets`:
///  - lines that differ between runs are rewritten or dropped (see testdata/README.md):
///    the dates of "# Make data base, printed on" and "# Finished Make data base on" become
///    @DATE@, "#  Last modified <time>" becomes "#  Last modified @MTIME@", every hash-table
///    statistics line and the strcache statistics are dropped, and the body of the
///    "# Directories" section (GNU make's directory cache) is dropped;
///  - the entries of the "# Variables" and "# Files" sections (the two printed in hash-table
///    order) are sorted, and inside a "# Files" entry the target's variables (a hash table
///    too) are sorted;
///  - everything else (the recipes' own output, "# Implicit Rules", "# Pattern-specific
///    Variable Values", "# VPATH Search Paths") keeps its order.
/// Two outputs match iff their canonical forms are equal.
std::string CanonicalDataBaseOutput(const std::string& text);

}  // namespace kbconf

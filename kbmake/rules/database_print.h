// `-p` / `--print-data-base`: GNU make 4.3's dump of variables, rules and files
// (print_data_base in main.c and the print_* functions of variable.c, dir.c, rule.c, file.c,
// commands.c and vpath.c).
#pragma once

#include <string>

namespace kbmake {

class Make;

/// The data base of `make` as GNU make 4.3 prints it at exit with -p: version banner, the
/// "# Variables", "# Pattern-specific Variable Values", "# Directories", "# Implicit Rules",
/// "# Files" and "# VPATH Search Paths" sections, statistics and dates. Sections GNU make
/// prints in hash-table order are printed in kbmake's own (deterministic) order; statistics
/// lines have GNU's shape but kbmake's numbers (docs/DIFFERENCES.md).
/// `with_banner` is false when the banner was already printed (--debug prints it first).
std::string FormatDataBase(const Make& make, bool with_banner);

/// The "GNU Make 4.3" version banner, each line after `line_prefix` ("# " inside -p output).
std::string VersionBanner(const char* line_prefix);

}  // namespace kbmake

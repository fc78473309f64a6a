// Command-line and MAKEFLAGS decoding into Options (GNU make's switch table and rules).
#pragma once

#include <string>
#include <vector>

#include "kbmake/make.h"

namespace kbmake {

enum class ParseResult { kOk, kError };

/// One complaint about the command line: getopt's (GNU prints it after argv[0] as given)
/// or make's own (after the program name, e.g. "the '-j' option requires ...").
struct SwitchError {
  bool getopt;
  std::string text;
};

/// Decodes `args` (without argv[0]), as GNU make's decode_switches: every argument is
/// decoded and every complaint appended to *errors; kError if the command line was bad
/// (GNU then prints the usage and exits 2). With `from_env` (MAKEFLAGS), getopt's
/// complaints are not reported and nothing is fatal, options that must not come from the
/// environment are ignored, and plain words are not goals. A plain word is a variable
/// definition when GNU's parse_variable_definition says so, else a goal.
ParseResult DecodeSwitches(const std::vector<std::string>& args, bool from_env, Options* opts,
                           std::vector<SwitchError>* errors);

/// Splits a MAKEFLAGS value into words as GNU make's decode_env_switches does (backslash
/// quoting, a leading word of single letters gets a '-').
std::vector<std::string> SplitMakeflags(const std::string& value);

/// GNU make's decode_debug_flags: -d and --debug=FLAGS into a DebugLevel mask. Returns false
/// with *bad set to the rest of the flags from the first unknown one.
bool DecodeDebugFlags(const Options& opts, int* level, std::string* bad);

/// GNU make's --help text with `program` as the name.
std::string UsageText(const std::string& program);

}  // namespace kbmake

// Command-line and MAKEFLAGS decoding into Options (GNU make's switch table and rules).
#pragma once

#include <string>
#include <vector>

#include "kbmake/make.h"

namespace kbmake {

enum class ParseResult { kOk, kError };

/// Decodes `args` (without argv[0]). With `from_env` (MAKEFLAGS), options that must not come
/// from the environment are ignored and plain words are not goals. On an invalid option,
/// *error holds GNU getopt's message.
ParseResult DecodeSwitches(const std::vector<std::string>& args, bool from_env, Options* opts,
                           std::string* error);

/// Splits a MAKEFLAGS value into words as GNU make's decode_env_switches does (backslash
/// quoting, a leading word of single letters gets a '-').
std::vector<std::string> SplitMakeflags(const std::string& value);

/// GNU make's decode_debug_flags: -d and --debug=FLAGS into a DebugLevel mask. Returns false
/// with *bad set to the rest of the flags from the first unknown one.
bool DecodeDebugFlags(const Options& opts, int* level, std::string* bad);

/// GNU make's --help text with `program` as the name.
std::string UsageText(const std::string& program);

}  // namespace kbmake

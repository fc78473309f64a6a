// GNU make runs a command line without a shell when it has no shell metacharacters and does
// not start with a shell builtin; the difference is visible in error messages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kbmake {

/// Splits `line` into argv when GNU make's fast path applies (returns false otherwise). An
/// empty argv means a blank line.
bool FastPathArgv(std::string_view line, std::vector<std::string>* argv);

/// The argv GNU make would execute for `line`: the words of the line (fast path) or
/// `$(SHELL) $(.SHELLFLAGS) line`.
std::vector<std::string> CommandArgv(std::string_view line, std::string_view shell,
                                     std::string_view shellflags, bool one_shell);

}  // namespace kbmake

// GNU make runs a command line without a shell when it has no shell metacharacters and does
// not start with a shell builtin; the difference is visible in error messages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kbmake {

/// Splits `line` into argv when GNU make's fast path applies (returns false otherwise). An
/// empty argv means a blank line. Under .ONESHELL (`one_shell`) a newline needs the shell.
bool FastPathArgv(std::string_view line, std::vector<std::string>* argv, bool one_shell = false);

/// Whether GNU make treats `shell` as a Bourne-style shell (by its file name: sh, bash, ksh,
/// rksh, zsh, ash, dash); .ONESHELL strips interior `@-+` prefixes only for those.
bool IsBourneCompatibleShell(std::string_view shell);

/// Whether `/bin/sh -c script` provably does nothing but exit with status 0: a sequence of
/// `;`-terminated or -separated commands, each `:` or `true` (with plain or single-quoted
/// arguments), `set -e`, or `trap ACTION SIGNAL...` with ACTION single-quoted (or `-`) and
/// the signals among HUP INT QUIT TERM PIPE USR1 USR2 ALRM (never EXIT: its action runs
/// when the shell exits). Anything else, including any expansion, redirection, quoting other
/// than single quotes, or a newline, is not recognized. GNU make skips `sh -c :`; kbmake skips
/// these too (docs/DIFFERENCES.md).
bool IsNoOpShellScript(std::string_view script);

/// .ONESHELL for a Bourne shell: drops the blanks and `@-+` that start each line of `text`
/// (a line continued by a backslash-newline is one line).
std::string StripOneShellPrefixes(std::string_view text);

/// The argv GNU make would execute for `line` (construct_command_argv): the words of the line
/// when /bin/sh with -c or -ec and an IFS of blanks allow it, otherwise the words of
/// `$(SHELL) $(.SHELLFLAGS) line` split by the same rules (so a quoted or multi-word SHELL is
/// split as /bin/sh would, and one starting with an assignment or builtin runs under
/// `/bin/sh -c`). Under .ONESHELL the whole SHELL value is the program. `posix`: .POSIX was
/// seen (the default flags are then -ec). Empty: nothing to run.
std::vector<std::string> CommandArgv(std::string_view line, std::string_view shell,
                                     std::string_view shellflags, bool one_shell,
                                     std::string_view ifs = {}, bool posix = false);

}  // namespace kbmake

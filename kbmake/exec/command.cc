// Deciding whether a command line needs a shell (GNU make's construct_command_argv).
#include "kbmake/exec/command.h"

#include "kbmake/base/strutil.h"

namespace kbmake {
namespace {

constexpr std::string_view kShChars = "#;\"*?[]&|<>(){}$`^~!";
const char* const kShCmds[] = {
    ".",    ":",      "alias",  "bg",     "break",  "case",  "cd",    "command", "continue",
    "eval", "exec",   "exit",   "export", "fc",     "fg",    "for",   "getopts", "hash",
    "if",   "jobs",   "login",  "logout", "read",   "readonly", "return", "set", "shift",
    "test", "times",  "trap",   "type",   "ulimit", "umask", "unalias", "unset", "wait",
    "while", nullptr};

}  // namespace

/// GNU make runs simple command lines directly, without a shell. Returns false when the line
/// needs the shell (construct_command_argv_internal's "slow" path); otherwise fills argv
/// (empty for a blank line).
bool FastPathArgv(std::string_view line, std::vector<std::string>* argv) {
  argv->clear();
  size_t p = 0;
  while (p < line.size() && IsBlank(line[p])) ++p;
  std::string cur;
  bool last_was_empty = false, seen_nonequals = false, word_has_equals = false;
  char instring = 0;
  auto check_builtin = [&]() {
    for (int j = 0; kShCmds[j]; ++j)
      if ((*argv)[0] == kShCmds[j]) return true;
    return false;
  };
  for (; p < line.size(); ++p) {
    char c = line[p];
    if (instring) {
      if (c == instring) {
        instring = 0;
        if (cur.empty()) last_was_empty = true;
      } else if (c == '\\' && p + 1 < line.size() && line[p + 1] == '\n') {
        cur.push_back(c);
        cur.push_back(line[++p]);
      } else {
        cur.push_back(c);
      }
      continue;
    }
    if (kShChars.find(c) != std::string_view::npos) return false;
    switch (c) {
      case '=':
        if (!seen_nonequals) return false;
        word_has_equals = true;
        cur.push_back(c);
        break;
      case '\\':
        if (p + 1 < line.size() && line[p + 1] == '\n') {
          ++p;
          if (cur.empty())
            while (p + 1 < line.size() && IsBlank(line[p + 1])) ++p;
        } else if (p + 1 < line.size()) {
          cur.push_back(line[++p]);
        }
        break;
      case '\'':
        instring = c;
        break;
      case ' ':
      case '\t':
        argv->push_back(cur);
        cur.clear();
        last_was_empty = false;
        seen_nonequals |= !word_has_equals;
        if (word_has_equals && !seen_nonequals) return false;
        word_has_equals = false;
        if (argv->size() == 1 && check_builtin()) return false;
        while (p + 1 < line.size() && IsBlank(line[p + 1])) ++p;
        break;
      default:
        cur.push_back(c);
    }
  }
  if (instring) return false;
  if (!cur.empty() || last_was_empty) argv->push_back(cur);
  if (argv->size() == 1 && check_builtin()) return false;
  return true;
}


std::vector<std::string> CommandArgv(std::string_view line, std::string_view shell,
                                     std::string_view shellflags, bool one_shell) {
  std::vector<std::string> argv;
  if (!one_shell && shell == "/bin/sh" && (shellflags == "-c" || shellflags == "-ec") &&
      FastPathArgv(line, &argv)) {
    return argv;
  }
  argv.clear();
  for (auto w : SplitWords(shell)) argv.emplace_back(w);
  for (auto w : SplitWords(shellflags)) argv.emplace_back(w);
  argv.emplace_back(line);
  return argv;
}

}  // namespace kbmake

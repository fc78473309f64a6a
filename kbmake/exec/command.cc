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
/// (empty for a blank line). Under .ONESHELL a newline outside quotes needs the shell.
bool FastPathArgv(std::string_view line, std::vector<std::string>* argv, bool one_shell) {
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
    if (one_shell && c == '\n') return false;
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

bool IsBourneCompatibleShell(std::string_view shell) {
  size_t slash = shell.find_last_of('/');
  std::string_view name = slash == std::string_view::npos ? shell : shell.substr(slash + 1);
  for (std::string_view s : {"sh", "bash", "ksh", "rksh", "zsh", "ash", "dash"})
    if (name == s) return true;
  return false;
}

bool IsNoOpShellScript(std::string_view script) {
  // Words of one command: plain words of [A-Za-z0-9_:.+-] or one single-quoted string each.
  struct Word {
    std::string_view text;
    bool quoted;
  };
  auto plain_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == ':' || c == '.' || c == '+' || c == '-';
  };
  auto noop = [](const std::vector<Word>& w) {
    if (w[0].quoted) return false;
    if (w[0].text == ":") return true;
    if (w[0].text == "true") return w.size() == 1;
    if (w[0].text == "set") return w.size() == 2 && !w[1].quoted && w[1].text == "-e";
    if (w[0].text != "trap" || w.size() < 3) return false;
    if (!w[1].quoted && w[1].text != "-") return false;
    for (size_t i = 2; i < w.size(); ++i) {
      bool known = false;
      for (std::string_view sig : {"HUP", "INT", "QUIT", "TERM", "PIPE", "USR1", "USR2", "ALRM"})
        known |= !w[i].quoted && w[i].text == sig;
      if (!known) return false;
    }
    return true;
  };
  std::vector<Word> words;
  size_t i = 0;
  bool any = false;
  while (true) {
    while (i < script.size() && (script[i] == ' ' || script[i] == '\t')) ++i;
    if (i == script.size() || script[i] == ';') {
      if (words.empty()) {
        // ";" with no command before it is a syntax error; the end of the script is not.
        if (i < script.size()) return false;
        return any;
      }
      if (!noop(words)) return false;
      words.clear();
      any = true;
      if (i == script.size()) return true;
      ++i;
      continue;
    }
    if (script[i] == '\'') {
      size_t close = script.find('\'', i + 1);
      if (close == std::string_view::npos) return false;
      words.push_back({script.substr(i + 1, close - i - 1), true});
      i = close + 1;
    } else {
      size_t b = i;
      while (i < script.size() && plain_char(script[i])) ++i;
      if (i == b) return false;  // a character with a meaning to the shell
      words.push_back({script.substr(b, i - b), false});
    }
    // A word must end at a blank, ';' or the end ('a'b or a'b' would be one word).
    if (i < script.size() && script[i] != ' ' && script[i] != '\t' && script[i] != ';')
      return false;
  }
}

std::string StripOneShellPrefixes(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (IsBlank(text[i]) || text[i] == '-' || text[i] == '@' ||
                               text[i] == '+'))
      ++i;
    bool esc = false;
    while (i < text.size()) {
      char ch = text[i++];
      out.push_back(ch);
      if (ch == '\\') {
        esc = !esc;
      } else {
        if (ch == '\n' && !esc) break;
        esc = false;
      }
    }
  }
  return out;
}

namespace {

// construct_command_argv_internal. A null `shell` or `shellflags` is the default one
// (/bin/sh, and -c or, after .POSIX, -ec): what the recursive call for a non-default shell
// sees.
std::vector<std::string> ConstructArgv(std::string_view line, const std::string_view* shell,
                                       const std::string_view* shellflags, std::string_view ifs,
                                       bool one_shell, bool posix) {
  size_t b = 0;
  while (b < line.size() && IsBlank(line[b])) ++b;  // GNU make: ISBLANK, not \v or \f
  line.remove_prefix(b);
  if (line.empty()) return {};
  std::string_view flags = shellflags ? *shellflags : (posix ? "-ec" : "-c");
  std::string_view sh = shell ? *shell : "/bin/sh";
  bool fast = sh == "/bin/sh" && (flags == "-c" || flags == "-ec");
  for (char c : ifs)
    if (c != ' ' && c != '\t' && c != '\n') fast = false;
  std::vector<std::string> argv;
  if (fast && FastPathArgv(line, &argv, one_shell)) return argv;
  argv.clear();
  if (one_shell) {
    // The whole of SHELL is the program; only the flags are split into words.
    argv.emplace_back(sh);
    for (auto w : SplitWords(flags)) argv.emplace_back(w);
    argv.emplace_back(IsBourneCompatibleShell(sh) ? StripOneShellPrefixes(line) : line);
    return argv;
  }
  // "$(SHELL) $(.SHELLFLAGS) LINE", special characters of SHELL and of LINE escaped, split
  // again by the same rules with the default shell: a SHELL whose first word is an
  // assignment or a shell builtin therefore runs under /bin/sh -c.
  std::string next;
  for (char c : sh) {
    if (kShChars.find(c) != std::string_view::npos) next.push_back('\\');
    next.push_back(c);
  }
  next.push_back(' ');
  next.append(flags);
  next.push_back(' ');
  const size_t head = next.size();
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\\' && i + 1 < line.size() && line[i + 1] == '\n') {
      next.append("\\\\\n");  // POSIX keeps backslash-newline
      ++i;
      continue;
    }
    if (c == '\\' || c == '\'' || c == '"' || IsSpace(c) ||
        kShChars.find(c) != std::string_view::npos)
      next.push_back('\\');
    next.push_back(c);
  }
  if (next.size() == head) return {};
  return ConstructArgv(next, nullptr, nullptr, {}, one_shell, posix);
}

}  // namespace

std::vector<std::string> CommandArgv(std::string_view line, std::string_view shell,
                                     std::string_view shellflags, bool one_shell,
                                     std::string_view ifs, bool posix) {
  return ConstructArgv(line, &shell, &shellflags, ifs, one_shell, posix);
}

}  // namespace kbmake

// A small, conservative reader of POSIX shell command lines: enough to find the simple
// commands of a recipe line (`set -e; echo '  CC x.o'; gcc ... ; objtool ...`, `cd d && cc
// ...`, `if ...; then ...; fi`) and their words after quote removal. Used by --status (the
// echo a silent line starts with) and --compdb (compiler runs). It never runs anything and
// answers "not literal" for what only the shell could know (expansions, globs).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kbmake {

/// One simple command of a shell line.
struct ShellCommand {
  /// Its words after quote removal (assignments and redirections left out).
  std::vector<std::string> words;
  /// True when every word is fixed text: no `$`, backquote or unquoted glob character.
  bool literal = true;
  /// True when it has a redirection (`>`, `<`, `2>&1`, ...).
  bool redirected = false;
  /// True when it has `VAR=value` assignments before its first word.
  bool has_assignments = false;
  /// Where it is in the line: [begin, end) covers its words, assignments and redirections.
  size_t begin = 0, end = 0;
  /// The operator that ends it: ";", "&&", "||", "|", "&", "\n" or "" (end of line).
  std::string next_op;
  /// Nesting depth in `( )`, `{ }`, `if`/`while`/`until`/`for`/`case` blocks.
  int depth = 0;
};

/// Splits `line` into its simple commands, in order. Reserved words (`if`, `then`, `fi`,
/// `do`, `!`, ...) are not commands; a `for`/`case` header is skipped.
std::vector<ShellCommand> ScanShellLine(std::string_view line);

}  // namespace kbmake

// --explain: why a target's recipe runs. Make's own reasons are taken where remake.cc decides
// to remake a target; the build log (exec/build_log.h) adds "command changed" with the words
// that differ from the previous run's command. docs/BUILD-LOG.md describes the rules.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kbmake/exec/build_log.h"

namespace kbmake {

class Make;
struct File;

/// Make's reasons for remaking one target, split by whether they hold on every run.
struct RemakeReason {
  /// Reasons that mean something changed (does not exist, newer prerequisites, -B, -W).
  std::vector<std::string> changed;
  /// Reasons that hold on every run: phony or missing prerequisites (Kbuild's FORCE), a
  /// double-colon rule without prerequisites. Alone, they explain nothing when the command
  /// is the same as last time.
  std::vector<std::string> forced;
};

/// The reasons for remaking `file`, computed after remake.cc's prerequisite loop decided it
/// must be remade (`noexist`: the target does not exist).
RemakeReason ExplainRemake(Make* m, File* file, bool noexist);

/// The words removed from `before` and added in `after` (each distinct word once, in order),
/// e.g. "added -DFOO; removed -O2"; "" when the two have the same words.
std::string WordDiff(std::string_view before, std::string_view after);

/// The reason printed for a recipe that runs: `why` combined with what the build log says
/// about the previous run (`prev`, null when there was none) of `command`. Empty when there
/// is nothing to say: only forced reasons and the same command as last time.
std::string ExplainReason(const RemakeReason& why, const BuildLog::Record* prev,
                          std::string_view command);

}  // namespace kbmake

// The critical path of a build (--summary): the chain of recipes and makefile readings that
// bounded its wall time, found from their start and end times alone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kbmake {

/// One piece of work on the build's clock (microseconds): a recipe, or a make instance
/// reading its makefiles.
struct WorkSpan {
  std::string name;   // the target, or "read makefiles"
  std::string where;  // the make instance ("make[1] #3") or its directory
  int64_t start = 0, end = 0;
};

/// Walks back from `end` (the end of the build): each step is the span that ended last
/// before the next step started (the work it most likely waited for), as ninja's tools
/// estimate a critical path from a log. Returns indexes into `spans`, earliest first.
/// Spans of no length are left out.
std::vector<size_t> CriticalPath(const std::vector<WorkSpan>& spans, int64_t end);

/// The summary lines for a critical path: its length against the wall time, the time in
/// recipes, reading makefiles and the gaps between steps (make's own work), and at most
/// `max_steps` steps (the longest, in the order they ran).
std::string FormatCriticalPath(const std::vector<WorkSpan>& spans,
                               const std::vector<size_t>& path, int64_t wall,
                               size_t max_steps = 12);

}  // namespace kbmake

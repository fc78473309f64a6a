#include "kbmake/exec/critical_path.h"

#include <algorithm>
#include <cstdio>

namespace kbmake {
namespace {

std::string Sec(int64_t us) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(us) / 1e6);
  return buf;
}

}  // namespace

std::vector<size_t> CriticalPath(const std::vector<WorkSpan>& spans, int64_t end) {
  std::vector<size_t> by_end;
  for (size_t i = 0; i < spans.size(); ++i)
    if (spans[i].end > spans[i].start) by_end.push_back(i);
  // By end; of two that end together the longer first.
  std::sort(by_end.begin(), by_end.end(), [&](size_t a, size_t b) {
    if (spans[a].end != spans[b].end) return spans[a].end < spans[b].end;
    return spans[a].start < spans[b].start;
  });
  std::vector<size_t> path;
  auto span = [&](size_t k) -> const WorkSpan& { return spans[by_end[k]]; };
  int64_t t = end;
  size_t top = by_end.size();  // candidates: by_end[0, top)
  while (true) {
    // A span ending after t cannot precede this step, nor any earlier one (t only
    // decreases). One ending by t has started before t (no span is empty).
    while (top > 0 && span(top - 1).end > t) --top;
    if (top == 0) break;
    // The latest end; of those ending together, the longest (sorted first).
    size_t pick = top - 1;
    while (pick > 0 && span(pick - 1).end == span(top - 1).end) --pick;
    path.push_back(by_end[pick]);
    t = span(pick).start;
    top = pick;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

std::string FormatCriticalPath(const std::vector<WorkSpan>& spans,
                               const std::vector<size_t>& path, int64_t wall,
                               size_t max_steps) {
  if (path.empty()) return "";
  int64_t recipes = 0, reading = 0, length = spans[path.back()].end - spans[path.front()].start;
  for (size_t i : path) {
    (spans[i].name == "read makefiles" ? reading : recipes) += spans[i].end - spans[i].start;
  }
  std::string s = "kbmake summary: critical path " + Sec(length) + " of " + Sec(wall) +
                  " wall, " + std::to_string(path.size()) + " step(s): recipes " + Sec(recipes) +
                  ", reading makefiles " + Sec(reading) + ", make between steps " +
                  Sec(length - recipes - reading) + "\n";
  std::vector<size_t> shown = path;
  if (shown.size() > max_steps) {
    std::stable_sort(shown.begin(), shown.end(), [&](size_t a, size_t b) {
      return spans[a].end - spans[a].start > spans[b].end - spans[b].start;
    });
    shown.resize(max_steps);
    std::sort(shown.begin(), shown.end(),
              [&](size_t a, size_t b) { return spans[a].start < spans[b].start; });
  }
  for (size_t i : shown) {
    const WorkSpan& w = spans[i];
    s += "  at " + Sec(w.start) + "  " + Sec(w.end - w.start) + "  " + w.name +
         (w.where.empty() ? "" : "  (" + w.where + ")") + "\n";
  }
  if (shown.size() < path.size()) {
    int64_t rest = 0;
    for (size_t i : path) rest += spans[i].end - spans[i].start;
    for (size_t i : shown) rest -= spans[i].end - spans[i].start;
    s += "  ... and " + std::to_string(path.size() - shown.size()) + " shorter step(s), " +
         Sec(rest) + "\n";
  }
  return s;
}

}  // namespace kbmake

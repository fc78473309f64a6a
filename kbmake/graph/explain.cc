#include "kbmake/graph/explain.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "kbmake/base/strutil.h"
#include "kbmake/make.h"

namespace kbmake {
namespace {

/// At most this many names or words are listed; the rest are counted.
constexpr size_t kMaxListed = 12;

std::string List(const std::vector<std::string>& items) {
  std::string s;
  for (size_t i = 0; i < items.size() && i < kMaxListed; ++i) s += (i ? " " : "") + items[i];
  if (items.size() > kMaxListed) s += " (and " + std::to_string(items.size() - kMaxListed) + " more)";
  return s;
}

/// Appends each word of `words` not seen before to `out`.
void AddDistinct(const std::vector<std::string_view>& words, absl::flat_hash_set<std::string_view>* seen,
                 std::vector<std::string>* out) {
  for (std::string_view w : words)
    if (seen->insert(w).second) out->emplace_back(w);
}

std::vector<std::string_view> SplitLines(std::string_view c) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t sep = c.find(BuildLog::kLineSep, pos);
    out.push_back(c.substr(pos, sep == std::string_view::npos ? sep : sep - pos));
    if (sep == std::string_view::npos) return out;
    pos = sep + 1;
  }
}

/// The two recorded commands without the recipe lines that ran nothing in either run (a line
/// first seen as Kbuild's lone ':' has no known real text to compare with). Returns true if
/// a line runs now whose earlier text is not known.
bool ComparableLines(std::string_view before, std::string_view after, std::string* b,
                     std::string* a) {
  std::vector<std::string_view> x = SplitLines(before), y = SplitLines(after);
  if (x.size() != y.size()) {
    b->assign(before);
    a->assign(after);
    return false;
  }
  bool unknown = false;
  for (size_t i = 0; i < x.size(); ++i) {
    if (BuildLog::RunsNothing(x[i]) || BuildLog::RunsNothing(y[i])) {
      unknown |= !BuildLog::RunsNothing(y[i]);
      continue;
    }
    b->append(x[i]).push_back(BuildLog::kLineSep);
    a->append(y[i]).push_back(BuildLog::kLineSep);
  }
  return unknown;
}

}  // namespace

RemakeReason ExplainRemake(Make* m, File* file, bool noexist) {
  RemakeReason r;
  if (noexist) r.changed.push_back("does not exist");
  if (m->options().always_make && !noexist) r.changed.push_back("-B (--always-make)");
  std::vector<std::string> newer, phony, missing;
  absl::flat_hash_set<const File*> seen;
  if (!noexist) {
    for (const Dep& d : file->deps) {
      if (d.order_only || d.file == nullptr || !seen.insert(d.file).second) continue;
      const std::string& name = d.file->name;
      Timestamp t = m->FileMtime(d.file, true);
      if (d.file->phony) {
        phony.push_back(name);
      } else if (t == kNonexistentTime) {
        missing.push_back(name);
      } else if (d.changed) {
        newer.push_back(t == kNewTime ? name + " (-W)" : name);
      }
    }
  }
  if (!newer.empty()) r.changed.push_back("newer prerequisites: " + List(newer));
  if (!phony.empty()) r.forced.push_back("phony prerequisite: " + List(phony));
  if (!missing.empty()) r.forced.push_back("prerequisite does not exist: " + List(missing));
  if (file->double_colon && file->deps.empty()) {
    r.forced.push_back("double-colon rule without prerequisites");
  }
  return r;
}

std::string WordDiff(std::string_view before_text, std::string_view after_text) {
  // Recipe lines are words apart.
  std::string before(before_text), after(after_text);
  std::replace(before.begin(), before.end(), BuildLog::kLineSep, ' ');
  std::replace(after.begin(), after.end(), BuildLog::kLineSep, ' ');
  std::vector<std::string_view> a = SplitWords(before), b = SplitWords(after);
  // Common head and tail first: a changed flag leaves most of a command alone.
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) {
    ++tail;
  }
  std::vector<std::string_view> x(a.begin() + head, a.end() - tail);
  std::vector<std::string_view> y(b.begin() + head, b.end() - tail);
  std::vector<std::string_view> removed, added;
  if (x.size() * y.size() <= 4'000'000) {
    // Longest common subsequence of the middles; what is not in it was removed or added.
    const size_t n = x.size(), k = y.size();
    std::vector<uint32_t> lcs((n + 1) * (k + 1), 0);
    auto at = [&](size_t i, size_t j) -> uint32_t& { return lcs[i * (k + 1) + j]; };
    for (size_t i = n; i-- > 0;)
      for (size_t j = k; j-- > 0;)
        at(i, j) = x[i] == y[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    size_t i = 0, j = 0;
    while (i < n && j < k) {
      if (x[i] == y[j]) {
        ++i, ++j;
      } else if (at(i + 1, j) >= at(i, j + 1)) {
        removed.push_back(x[i++]);
      } else {
        added.push_back(y[j++]);
      }
    }
    for (; i < n; ++i) removed.push_back(x[i]);
    for (; j < k; ++j) added.push_back(y[j]);
  } else {
    // Too long for the table: words present in one and not in the other.
    absl::flat_hash_set<std::string_view> in_x(x.begin(), x.end()), in_y(y.begin(), y.end());
    for (std::string_view w : x)
      if (!in_y.contains(w)) removed.push_back(w);
    for (std::string_view w : y)
      if (!in_x.contains(w)) added.push_back(w);
  }
  // A word moved from one place to another (added and removed alike) is reported once each;
  // a word repeated (Kbuild saves the command in the .cmd file too) is listed once.
  std::vector<std::string> add_list, rem_list;
  absl::flat_hash_set<std::string_view> seen_add, seen_rem;
  AddDistinct(added, &seen_add, &add_list);
  AddDistinct(removed, &seen_rem, &rem_list);
  std::string s;
  if (!add_list.empty()) s += "added " + List(add_list);
  if (!rem_list.empty()) s += std::string(s.empty() ? "" : "; ") + "removed " + List(rem_list);
  return s;
}

std::string ExplainReason(const RemakeReason& why, const BuildLog::Record* prev,
                          std::string_view command) {
  std::vector<std::string> parts = why.changed;
  bool unknown = prev == nullptr;
  if (prev != nullptr && prev->has_command) {
    std::string before, after;
    unknown = ComparableLines(prev->command, command, &before, &after);
    if (before != after) {
      std::string diff = WordDiff(before, after);
      parts.push_back("command changed: " + (diff.empty() ? "only white space" : diff));
    }
  } else if (prev != nullptr && prev->hash != BuildLog::CommandHash(command)) {
    parts.push_back("command changed (the previous command was too long to keep)");
  }
  if (parts.empty()) {
    if (why.forced.empty()) return "prerequisites were remade";
    // Forced on every run: worth a line only when the log does not show the same command
    // running before (no record, or a line that ran nothing then).
    if (!unknown) return "";
    parts = why.forced;
    if (prev != nullptr) parts.back() += " (no earlier run of this command in the build log)";
  }
  std::string s;
  for (const std::string& p : parts) s += (s.empty() ? "" : "; ") + p;
  return s;
}

}  // namespace kbmake

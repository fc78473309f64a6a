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

}  // namespace

RemakeReason ExplainRemake(Make* m, File* file, bool noexist) {
  RemakeReason r;
  if (noexist) r.changed.push_back("does not exist");
  if (m->opts.always_make && !noexist) r.changed.push_back("-B (--always-make)");
  std::vector<std::string> newer, phony, missing;
  if (!noexist) {
    for (const Dep& d : file->deps) {
      if (d.order_only || d.file == nullptr) continue;
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
  if (prev != nullptr && prev->hash != BuildLog::CommandHash(command)) {
    std::string diff;
    if (prev->has_command) {
      diff = WordDiff(prev->command, command);
      if (diff.empty()) diff = "only white space";
    } else {
      diff = "the previous command was too long to keep";
    }
    parts.push_back("command changed: " + diff);
  }
  if (parts.empty()) {
    if (why.forced.empty()) return "prerequisites were remade";
    // Forced on every run: worth a line only when the log does not show the same command
    // running before (no record).
    if (prev != nullptr) return "";
    parts = why.forced;
  }
  std::string s;
  for (const std::string& p : parts) s += (s.empty() ? "" : "; ") + p;
  return s;
}

}  // namespace kbmake

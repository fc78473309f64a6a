// Word scanning and %-pattern helpers shared by every stage, following GNU make's
// definitions of "blank", "word" and "pattern" exactly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kbmake {

/// GNU make's isblank(): space or tab.
inline bool IsBlank(char c) { return c == ' ' || c == '\t'; }
/// GNU make's isspace() for word splitting: blank, newline, and the other C spaces.
inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/// Iterates over whitespace-separated words of `s`.
class WordScanner {
 public:
  explicit WordScanner(std::string_view s) : s_(s) {}
  /// Stores the next word in *w and returns true, or returns false at the end.
  bool Next(std::string_view* w);
  /// The unscanned remainder.
  std::string_view Rest() const { return s_.substr(pos_); }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

std::vector<std::string_view> SplitWords(std::string_view s);
std::string_view TrimSpace(std::string_view s);
std::string_view TrimLeft(std::string_view s);
std::string_view TrimRight(std::string_view s);
/// Appends `w` to `out`, preceded by a space unless `*first` is set (which it clears).
void AppendWord(std::string* out, std::string_view w, bool* first);

/// "~" and "~/..." with `home` (the make's $HOME, as GNU make's tilde_expand for the current
/// user; null when HOME is not set); other names are returned unchanged.
std::string ExpandTilde(std::string name, const std::string* home);
/// Collapses runs of whitespace into single spaces and strips both ends ($(strip)).
std::string StripWhitespace(std::string_view s);

/// A parsed `%` pattern: prefix%suffix, or a literal when it has no unescaped `%`.
struct Pattern {
  std::string prefix;  // before the %, backslash quoting removed
  std::string suffix;  // after the %
  bool has_percent = false;
  /// Parses `pat`, removing backslashes that quote `%` (and backslashes quoting them)
  /// before the first unquoted `%` as GNU make's find_percent does.
  static Pattern Parse(std::string_view pat);
  bool Matches(std::string_view word, std::string_view* stem) const;
  /// Replaces the % in this pattern by `stem` (or returns the literal).
  void Apply(std::string_view stem, std::string* out) const;
};

/// GNU make's patsubst applied to every word of `text`.
void PatSubst(std::string_view pattern, std::string_view replacement, std::string_view text,
              std::string* out);
/// $(var:a=b) semantics: like PatSubst, but without % both sides are suffixes.
void SubstRef(std::string_view from, std::string_view to, std::string_view text,
              std::string* out);

/// Finds the first unquoted `%` in `s` and removes quoting backslashes before it, in place.
/// Returns the position of the % or npos.
size_t FindPercentInPlace(std::string* s);

bool ParseInteger(std::string_view s, long long* out);

/// Directory part (up to and including the last /) or "./" as $(dir) defines it.
std::string_view DirPart(std::string_view name);
std::string_view NotDirPart(std::string_view name);

}  // namespace kbmake

#include "absl/strings/string_view.h"
namespace kbmake {
/// Lexical absolute path of `name` seen from `cwd`, as GNU make's abspath(): no symlinks
/// resolved, "." and ".." folded, repeated slashes dropped.
std::string AbsPath(const std::string& cwd, std::string_view name);
/// Abseil's containers look up with absl::string_view (distinct from std::string_view in
/// Debian's build of abseil).
inline absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }
}  // namespace kbmake

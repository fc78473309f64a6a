// Raw makefile text → logical lines, and GNU make's low-level line editing (continuations,
// comments, backslash-quoted stop characters).
#pragma once

#include <string>
#include <string_view>

namespace kbmake {

/// Splits a buffer into logical lines: a line ending in an odd number of backslashes continues
/// on the next one (the backslash-newline is kept in the text, as GNU make's readline does).
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  /// Reads the next logical line; returns false at the end. *nlines is the number of physical
  /// lines it spans.
  bool Next(std::string* line, long* nlines);

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

/// GNU make's collapse_continuations(): backslash-newline plus surrounding blanks → one space;
/// pairs of backslashes before a newline are halved. With `posix` (after .POSIX), the blanks
/// before a backslash-newline are kept: each backslash-newline and the blanks after it
/// become one space.
void CollapseContinuations(std::string* line, bool posix = false);

/// Finds the first of `stops` in s[from..] that is not quoted by a backslash, removing the
/// quoting backslashes (halving runs) as GNU make's find_char_unquote does. If `skip_vars` is
/// set, text inside $(...)/${...} is skipped. Returns npos if none.
size_t FindUnquoted(std::string* s, std::string_view stops, bool skip_vars, size_t from = 0);

/// Cuts the line at the first unquoted '#' outside variable references (GNU make 4.3).
void RemoveComments(std::string* line);

}  // namespace kbmake

#include "kbmake/exec/shell_scan.h"

#include <cctype>

namespace kbmake {

namespace {

bool IsMeta(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' ||
         c == ')' || c == '<' || c == '>';
}

/// Appends the raw text of a `$(...)`/`${...}`/backquote expansion starting at s[i]; returns
/// the index after it.
size_t SkipExpansion(std::string_view s, size_t i, std::string* w) {
  size_t n = s.size();
  if (s[i] == '`') {
    size_t j = i + 1;
    while (j < n && s[j] != '`') j += s[j] == '\\' ? 2 : 1;
    j = std::min(j + 1, n);
    w->append(s.substr(i, j - i));
    return j;
  }
  // s[i] == '$'
  if (i + 1 < n && (s[i + 1] == '(' || s[i + 1] == '{')) {
    char open = s[i + 1], close = open == '(' ? ')' : '}';
    int d = 0;
    size_t j = i + 1;
    for (; j < n; ++j) {
      if (s[j] == '\'' && open == '(') {
        size_t q = s.find('\'', j + 1);
        j = q == std::string_view::npos ? n - 1 : q;
        continue;
      }
      if (s[j] == open) ++d;
      if (s[j] == close && --d == 0) break;
    }
    j = std::min(j + 1, n);
    w->append(s.substr(i, j - i));
    return j;
  }
  w->push_back('$');
  return i + 1;
}

bool IsAssignment(std::string_view raw) {
  size_t eq = raw.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  if (!(isalpha(static_cast<unsigned char>(raw[0])) || raw[0] == '_')) return false;
  for (size_t k = 1; k < eq; ++k) {
    unsigned char c = static_cast<unsigned char>(raw[k]);
    if (!isalnum(c) && c != '_') return false;
  }
  return true;
}

}  // namespace

std::vector<ShellCommand> ScanShellLine(std::string_view s) {
  std::vector<ShellCommand> out;
  ShellCommand cur;
  bool started = false;  // cur has begun (a word, assignment or redirection seen)
  int depth = 0;
  enum { kNone, kForHeader, kCase } skip = kNone;
  const size_t n = s.size();
  size_t i = 0;
  auto finish = [&](const std::string& op) {
    if (started && skip == kNone && !cur.words.empty()) {
      cur.next_op = op;
      out.push_back(std::move(cur));
    }
    if (skip == kForHeader && (op == ";" || op == "\n")) skip = kNone;
    cur = ShellCommand();
    started = false;
  };
  auto start = [&](size_t at) {
    if (!started) {
      started = true;
      cur.begin = at;
      cur.depth = depth;
    }
  };
  while (i < n) {
    char ch = s[i];
    if (ch == ' ' || ch == '\t') {
      ++i;
      continue;
    }
    if (ch == '\\' && i + 1 < n && s[i + 1] == '\n') {
      i += 2;
      continue;
    }
    if (ch == '#') {
      while (i < n && s[i] != '\n') ++i;
      continue;
    }
    if (ch == '\n') {
      finish("\n");
      ++i;
      continue;
    }
    if (ch == ';') {
      i += (i + 1 < n && s[i + 1] == ';') ? 2 : 1;
      finish(";");
      continue;
    }
    if (ch == '&' || ch == '|') {
      bool dbl = i + 1 < n && s[i + 1] == ch;
      i += dbl ? 2 : 1;
      finish(dbl ? std::string(2, ch) : std::string(1, ch));
      continue;
    }
    if (ch == '(') {
      if (started) cur.literal = false;  // f() { ...: not something we read
      finish("");
      ++depth;
      ++i;
      continue;
    }
    if (ch == ')') {
      finish("");
      if (depth > 0) --depth;
      ++i;
      continue;
    }
    if (ch == '<' || ch == '>') {
      start(i);
      cur.redirected = true;
      while (i < n && (s[i] == '<' || s[i] == '>' || s[i] == '&' || s[i] == '|' || s[i] == '-'))
        ++i;
      while (i < n && (s[i] == ' ' || s[i] == '\t')) ++i;
      // The target word (or fd), dropped.
      std::string dummy;
      while (i < n && !IsMeta(s[i])) {
        if (s[i] == '\'') {
          size_t q = s.find('\'', i + 1);
          i = q == std::string_view::npos ? n : q + 1;
        } else if (s[i] == '"') {
          ++i;
          while (i < n && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
          ++i;
        } else if (s[i] == '$' || s[i] == '`') {
          i = SkipExpansion(s, i, &dummy);
        } else {
          i += s[i] == '\\' ? 2 : 1;
        }
      }
      if (started) cur.end = std::min(i, n);
      continue;
    }
    // A word.
    const size_t ws = i;
    std::string w;
    bool lit = true, quoted = false;
    while (i < n && !IsMeta(s[i])) {
      char c = s[i];
      if (c == '\\') {
        if (i + 1 < n && s[i + 1] != '\n') w.push_back(s[i + 1]);
        quoted = true;
        i += 2;
      } else if (c == '\'') {
        size_t q = s.find('\'', i + 1);
        if (q == std::string_view::npos) q = n;
        w.append(s.substr(i + 1, q - i - 1));
        quoted = true;
        i = q + 1;
      } else if (c == '"') {
        quoted = true;
        ++i;
        while (i < n && s[i] != '"') {
          if (s[i] == '\\' && i + 1 < n &&
              (s[i + 1] == '$' || s[i + 1] == '`' || s[i + 1] == '"' || s[i + 1] == '\\' ||
               s[i + 1] == '\n')) {
            if (s[i + 1] != '\n') w.push_back(s[i + 1]);
            i += 2;
          } else if (s[i] == '$' || s[i] == '`') {
            lit = false;
            i = SkipExpansion(s, i, &w);
          } else {
            w.push_back(s[i++]);
          }
        }
        ++i;
      } else if (c == '$' || c == '`') {
        lit = false;
        i = SkipExpansion(s, i, &w);
      } else {
        if (c == '*' || c == '?' || c == '[' || (c == '~' && i == ws)) lit = false;
        w.push_back(c);
        ++i;
      }
    }
    if (i > n) i = n;
    std::string_view raw = s.substr(ws, i - ws);
    // "2>file": the digits name the descriptor of a redirection.
    if (!quoted && i < n && (s[i] == '<' || s[i] == '>') &&
        raw.find_first_not_of("0123456789") == std::string_view::npos) {
      start(ws);
      continue;
    }
    if (skip == kCase) {
      if (!quoted && w == "esac") {
        skip = kNone;
        if (depth > 0) --depth;
      }
      continue;
    }
    if (skip == kForHeader) continue;
    if (cur.words.empty() && !quoted) {
      if (w == "if" || w == "while" || w == "until" || w == "{") {
        ++depth;
        continue;
      }
      if (w == "fi" || w == "done" || w == "}") {
        finish("");
        if (depth > 0) --depth;
        continue;
      }
      if (w == "then" || w == "else" || w == "elif" || w == "do" || w == "!") continue;
      if (w == "for") {
        skip = kForHeader;
        ++depth;
        continue;
      }
      if (w == "case") {
        skip = kCase;
        ++depth;
        continue;
      }
      if (IsAssignment(raw)) {
        start(ws);
        cur.has_assignments = true;
        cur.end = i;
        continue;
      }
    }
    start(ws);
    cur.words.push_back(std::move(w));
    if (!lit) cur.literal = false;
    cur.end = i;
  }
  finish("");
  return out;
}

}  // namespace kbmake

#include "kbmake/base/strutil.h"

#include <cerrno>
#include <cstdlib>

namespace kbmake {

bool WordScanner::Next(std::string_view* w) {
  while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  if (pos_ >= s_.size()) return false;
  size_t start = pos_;
  while (pos_ < s_.size() && !IsSpace(s_[pos_])) ++pos_;
  *w = s_.substr(start, pos_ - start);
  return true;
}

std::vector<std::string_view> SplitWords(std::string_view s) {
  std::vector<std::string_view> out;
  WordScanner ws(s);
  std::string_view w;
  while (ws.Next(&w)) out.push_back(w);
  return out;
}

std::string_view TrimLeft(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsSpace(s[i])) ++i;
  return s.substr(i);
}

std::string_view TrimRight(std::string_view s) {
  size_t n = s.size();
  while (n > 0 && IsSpace(s[n - 1])) --n;
  return s.substr(0, n);
}

std::string_view TrimSpace(std::string_view s) { return TrimRight(TrimLeft(s)); }

std::string ExpandTilde(std::string name, const std::string* home) {
  if (name.empty() || name[0] != '~' || (name.size() > 1 && name[1] != '/')) return name;
  return home ? *home + name.substr(1) : name;
}

void AppendWord(std::string* out, std::string_view w, bool* first) {
  if (!*first) out->push_back(' ');
  *first = false;
  out->append(w);
}

std::string StripWhitespace(std::string_view s) {
  std::string out;
  bool first = true;
  WordScanner ws(s);
  std::string_view w;
  while (ws.Next(&w)) AppendWord(&out, w, &first);
  return out;
}

size_t FindPercentInPlace(std::string* s) {
  size_t i = 0;
  while (i < s->size()) {
    char c = (*s)[i];
    if (c == '%') return i;
    if (c == '\\') {
      // Count the run of backslashes followed by '%'.
      size_t j = i;
      while (j < s->size() && (*s)[j] == '\\') ++j;
      if (j < s->size() && (*s)[j] == '%') {
        size_t nbs = j - i;
        // Half of the backslashes remain; an odd count quotes the %.
        size_t keep = nbs / 2;
        s->erase(i, nbs - keep);
        j = i + keep;
        if (nbs % 2 == 1) {
          i = j + 1;  // Quoted %: literal, keep scanning.
          continue;
        }
        return j;
      }
      i = j;
      continue;
    }
    ++i;
  }
  return std::string::npos;
}

Pattern Pattern::Parse(std::string_view pat) {
  Pattern p;
  std::string s(pat);
  size_t pos = FindPercentInPlace(&s);
  if (pos == std::string::npos) {
    p.prefix = std::move(s);
    return p;
  }
  p.has_percent = true;
  p.prefix = s.substr(0, pos);
  p.suffix = s.substr(pos + 1);
  return p;
}

bool Pattern::Matches(std::string_view word, std::string_view* stem) const {
  if (!has_percent) return word == prefix;
  if (word.size() < prefix.size() + suffix.size()) return false;
  if (word.compare(0, prefix.size(), prefix) != 0) return false;
  if (word.compare(word.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
  if (stem) *stem = word.substr(prefix.size(), word.size() - prefix.size() - suffix.size());
  return true;
}

void Pattern::Apply(std::string_view stem, std::string* out) const {
  out->append(prefix);
  if (has_percent) {
    out->append(stem);
    out->append(suffix);
  }
}

void PatSubst(std::string_view pattern, std::string_view replacement, std::string_view text,
              std::string* out) {
  Pattern pat = Pattern::Parse(pattern);
  if (!pat.has_percent) {
    // GNU make: a whole-word substitution that keeps the text's own whitespace.
    std::string_view from = pat.prefix;
    Pattern rep = Pattern::Parse(replacement);
    std::string literal = rep.prefix;
    if (rep.has_percent) literal += "%" + rep.suffix;
    if (from.empty()) {
      // GNU make's subst_expand by word with an empty string: each step goes to the end of
      // the next word, and only an empty last word (empty text, or text ending in a space)
      // gets the replacement.
      size_t t = 0;
      do {
        size_t p = t;
        while (p < text.size() && IsSpace(text[p])) ++p;
        while (p < text.size() && !IsSpace(text[p])) ++p;
        out->append(text.substr(t, p - t));
        if (p == 0 || IsSpace(text[p - 1])) out->append(literal);
        t = p;
      } while (t < text.size());
      return;
    }
    size_t i = 0;
    while (i < text.size()) {
      size_t p = text.find(from, i);
      if (p == std::string_view::npos) break;
      bool start_ok = p == 0 || IsSpace(text[p - 1]);
      bool end_ok = p + from.size() == text.size() || IsSpace(text[p + from.size()]);
      out->append(text.substr(i, p - i));
      if (start_ok && end_ok) {
        out->append(literal);
      } else {
        out->append(from);
      }
      i = p + from.size();
    }
    out->append(text.substr(i));
    return;
  }
  Pattern rep = Pattern::Parse(replacement);
  WordScanner ws(text);
  std::string_view w;
  bool doneany = false;
  while (ws.Next(&w)) {
    std::string_view stem;
    bool fail = !pat.Matches(w, &stem);
    if (fail) {
      out->append(w);
    } else {
      rep.Apply(stem, out);
    }
    // GNU make writes no separator after a word whose replacement is empty.
    if (fail || !rep.prefix.empty() || (rep.has_percent && w.size() + rep.suffix.size() > 0)) {
      out->push_back(' ');
      doneany = true;
    }
  }
  if (doneany) out->pop_back();
}

void SubstRef(std::string_view from, std::string_view to, std::string_view text,
              std::string* out) {
  std::string f(from);
  if (FindPercentInPlace(&f) != std::string::npos) {
    PatSubst(from, to, text, out);
    return;
  }
  // No unescaped '%': a suffix substitution of the text with its backslashes removed (GNU's
  // find_percent unescapes "\\%" even when it finds no '%'), the replacement as written.
  PatSubst("%" + f, "%" + std::string(to), text, out);
}

bool ParseInteger(std::string_view s, long long* out) {
  s = TrimSpace(s);
  if (s.empty()) return false;
  std::string tmp(s);
  char* end = nullptr;
  errno = 0;
  long long v = strtoll(tmp.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return false;
  *out = v;
  return true;
}

std::string_view DirPart(std::string_view name) {
  size_t slash = name.rfind('/');
  if (slash == std::string_view::npos) return "./";
  return name.substr(0, slash + 1);
}

std::string_view NotDirPart(std::string_view name) {
  size_t slash = name.rfind('/');
  if (slash == std::string_view::npos) return name;
  return name.substr(slash + 1);
}

// Lexical absolute path as GNU make's abspath(): no symlinks resolved, "." and ".." folded.
std::string AbsPath(const std::string& cwd, std::string_view name) {
  std::string path = !name.empty() && name[0] == '/' ? std::string(name)
                                                     : cwd + "/" + std::string(name);
  std::vector<std::string_view> parts;
  size_t i = 0;
  std::string_view pv = path;
  while (i < pv.size()) {
    size_t j = pv.find('/', i);
    if (j == std::string_view::npos) j = pv.size();
    std::string_view part = pv.substr(i, j - i);
    if (part.empty() || part == ".") {
    } else if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (auto part : parts) {
    out.push_back('/');
    out.append(part);
  }
  return out.empty() ? "/" : out;
}

}  // namespace kbmake

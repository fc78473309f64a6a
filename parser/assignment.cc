#include "parser/assignment.h"

namespace kbmake {
namespace {

bool Blank(char c) { return c == ' ' || c == '\t'; }
bool Space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

// GNU make's NEXT_TOKEN: skips every space character (ISSPACE: \v, \f, \r and newline too).
size_t NextToken(std::string_view s, size_t p) {
  while (p < s.size() && Space(s[p])) ++p;
  return p;
}

size_t EndOfToken(std::string_view s, size_t p) {
  while (p < s.size() && !Space(s[p])) ++p;
  return p;
}

bool WordIs(std::string_view s, size_t p, size_t len, std::string_view w) {
  return len == w.size() && s.compare(p, len, w) == 0;
}

}  // namespace

bool ParseVariableDefinition(std::string_view s, size_t p, VarDef* def) {
  p = NextToken(s, p);
  def->name_begin = p;
  bool wspace = false;
  size_t e = std::string_view::npos;
  while (true) {
    if (p >= s.size() || s[p] == '#') return false;
    char c = s[p++];
    if (c == '$') {
      if (p >= s.size()) return false;
      char open = s[p++];
      char close;
      if (open == '(') {
        close = ')';
      } else if (open == '{') {
        close = '}';
      } else {
        continue;
      }
      int count = 1;
      for (; p < s.size(); ++p) {
        if (s[p] == close && --count == 0) {
          ++p;
          break;
        }
        if (s[p] == open) ++count;
      }
      continue;
    }
    if (Blank(c)) {
      wspace = true;
      e = p - 1;
      p = NextToken(s, p);
      if (p >= s.size()) return false;
      c = s[p++];
    }
    if (c == '=') {
      def->flavor = Flavor::kRecursive;
      if (!wspace) e = p - 1;
      break;
    }
    if (p < s.size() && s[p] == '=') {
      switch (c) {
        case ':': def->flavor = Flavor::kSimple; break;
        case '+': def->flavor = Flavor::kAppend; break;
        case '?': def->flavor = Flavor::kConditional; break;
        case '!': def->flavor = Flavor::kShell; break;
        default:
          if (wspace) return false;
          continue;
      }
      if (!wspace) e = p - 1;
      ++p;
      break;
    }
    if (c == ':') {
      if (p + 1 >= s.size() || s[p] != ':' || s[p + 1] != '=') return false;
      def->flavor = Flavor::kSimple;
      if (!wspace) e = p - 1;
      p += 2;
      break;
    }
    if (wspace) return false;
  }
  def->name_end = e;
  def->value_begin = NextToken(s, p);
  return true;
}

size_t ParseVarAssignment(std::string_view s, VarModifiers* vm, VarDef* def) {
  *vm = VarModifiers();
  size_t p = NextToken(s, 0);
  if (p >= s.size()) return std::string_view::npos;
  while (true) {
    if (ParseVariableDefinition(s, p, def)) break;
    size_t p2 = EndOfToken(s, p);
    size_t wlen = p2 - p;
    if (WordIs(s, p, wlen, "export")) {
      vm->export_v = true;
    } else if (WordIs(s, p, wlen, "override")) {
      vm->override_v = true;
    } else if (WordIs(s, p, wlen, "private")) {
      vm->private_v = true;
    } else if (WordIs(s, p, wlen, "define")) {
      vm->define = true;
      p = NextToken(s, p2);
      break;
    } else if (WordIs(s, p, wlen, "undefine")) {
      vm->undefine = true;
      p = NextToken(s, p2);
      break;
    } else {
      return std::string_view::npos;
    }
    p = NextToken(s, p2);
    if (p >= s.size()) return std::string_view::npos;
  }
  vm->assign = true;
  return p;
}

}  // namespace kbmake

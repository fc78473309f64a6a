// GNU make's builtin functions, declared in one table with their arity and whether their
// arguments are expanded before the call (as GNU make's function_table does).
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "kbmake/base/archive.h"
#include "kbmake/base/strutil.h"
#include "kbmake/eval/load_object.h"
#include "kbmake/make.h"

namespace kbmake {
namespace {

using Args = std::vector<std::string>;
using FuncImpl = void (*)(Make* m, Args& a, std::string* out, std::string_view name);

struct FunctionEntry {
  std::string_view name;
  int min_args;
  int max_args;  // 0: unlimited
  bool expand_args;
  FuncImpl fn;
};

const Loc* ErrLoc(Make* m) { return m->ErrorLoc(); }

void JoinWords(const std::vector<std::string_view>& words, std::string* out) {
  bool first = true;
  for (auto w : words) AppendWord(out, w, &first);
}

void FnSubst(Make*, Args& a, std::string* out, std::string_view) {
  const std::string &from = a[0], &to = a[1], &text = a[2];
  if (from.empty()) {
    out->append(text);
    out->append(to);
    return;
  }
  size_t i = 0;
  while (true) {
    size_t p = text.find(from, i);
    if (p == std::string::npos) break;
    out->append(text, i, p - i);
    out->append(to);
    i = p + from.size();
  }
  out->append(text, i, std::string::npos);
}

void FnPatsubst(Make*, Args& a, std::string* out, std::string_view) {
  PatSubst(a[0], a[1], a[2], out);
}

void FnStrip(Make*, Args& a, std::string* out, std::string_view) {
  out->append(StripWhitespace(a[0]));
}

void FnFindstring(Make*, Args& a, std::string* out, std::string_view) {
  if (a[1].find(a[0]) != std::string::npos) out->append(a[0]);
}

void FnFilter(Make*, Args& a, std::string* out, std::string_view name) {
  bool is_filter = name == "filter";
  std::vector<Pattern> pats;
  for (auto w : SplitWords(a[0])) pats.push_back(Pattern::Parse(w));
  bool first = true;
  for (auto w : SplitWords(a[1])) {
    bool match = false;
    for (const Pattern& p : pats) {
      if (p.Matches(w, nullptr)) {
        match = true;
        break;
      }
    }
    if (match == is_filter) AppendWord(out, w, &first);
  }
}

void FnSort(Make*, Args& a, std::string* out, std::string_view) {
  std::vector<std::string_view> words = SplitWords(a[0]);
  // GNU make's alpha_compare: the first bytes compared as (signed) chars, then strcmp, so
  // a word starting with a byte >= 0x80 sorts before ASCII ones.
  std::sort(words.begin(), words.end(), [](std::string_view x, std::string_view y) {
    const signed char cx = static_cast<signed char>(x[0]), cy = static_cast<signed char>(y[0]);
    if (cx != cy) return cx < cy;
    return x < y;
  });
  words.erase(std::unique(words.begin(), words.end()), words.end());
  JoinWords(words, out);
}

// GNU make's check_numeric: digits between optional blanks; the message shows the argument
// as given, blanks included.
void CheckNumeric(Make* m, const std::string& s, const char* msg) {
  std::string_view t = TrimSpace(s);
  std::string full = std::string(msg) + ": '" + s + "'";
  if (t.empty()) m->Fatal(ErrLoc(m), full);
  for (char c : t)
    if (!isdigit(static_cast<unsigned char>(c))) m->Fatal(ErrLoc(m), full);
}

// GNU make 4.3 reads $(word) and $(wordlist) numbers with atoi(): glibc's (int) strtol, so a
// number beyond `long` saturates and one beyond `int` keeps its low 32 bits (4294967297 is 1).
int GnuAtoi(const std::string& s) { return static_cast<int>(strtol(s.c_str(), nullptr, 10)); }

void FnWord(Make* m, Args& a, std::string* out, std::string_view) {
  CheckNumeric(m, a[0], "non-numeric first argument to 'word' function");
  int i = GnuAtoi(a[0]);
  if (i == 0) m->Fatal(ErrLoc(m), "first argument to 'word' function must be greater than 0");
  if (i < 0) return;  // GNU make counts down from it and never reaches 0
  WordScanner ws(a[1]);
  std::string_view w;
  while (ws.Next(&w)) {
    if (--i == 0) {
      out->append(w);
      return;
    }
  }
}

void FnWordlist(Make* m, Args& a, std::string* out, std::string_view) {
  CheckNumeric(m, a[0], "non-numeric first argument to 'wordlist' function");
  CheckNumeric(m, a[1], "non-numeric second argument to 'wordlist' function");
  const int start = GnuAtoi(a[0]);
  if (start < 1) {
    m->Fatal(ErrLoc(m),
             "invalid first argument to 'wordlist' function: '" + std::to_string(start) + "'");
  }
  // `atoi(stop) - start + 1` in int, wrapping as GNU make's build does.
  const int count = static_cast<int>(static_cast<unsigned>(GnuAtoi(a[1])) -
                                     static_cast<unsigned>(start) + 1u);
  if (count <= 0) return;
  std::string_view text = a[2];
  WordScanner ws(text);
  std::string_view w;
  const char* begin = nullptr;
  const char* end = nullptr;
  long long idx = 0;
  while (ws.Next(&w)) {
    ++idx;
    if (idx == start) begin = w.data();
    if (idx >= start) end = w.data() + w.size();
    if (idx == static_cast<long long>(start) + count - 1) break;
  }
  if (begin) out->append(begin, end - begin);
}

void FnWords(Make*, Args& a, std::string* out, std::string_view) {
  out->append(std::to_string(SplitWords(a[0]).size()));
}

void FnFirstword(Make*, Args& a, std::string* out, std::string_view) {
  WordScanner ws(a[0]);
  std::string_view w;
  if (ws.Next(&w)) out->append(w);
}

void FnLastword(Make*, Args& a, std::string* out, std::string_view) {
  auto words = SplitWords(a[0]);
  if (!words.empty()) out->append(words.back());
}

void FnDirBasename(Make*, Args& a, std::string* out, std::string_view name) {
  bool is_dir = name == "dir";
  bool first = true;
  for (auto w : SplitWords(a[0])) {
    if (!first) out->push_back(' ');
    first = false;
    size_t p = is_dir ? w.rfind('/') : w.find_last_of("/.");
    if (p != std::string_view::npos && is_dir) {
      out->append(w.substr(0, p + 1));
    } else if (p != std::string_view::npos && w[p] == '.') {
      out->append(w.substr(0, p));
    } else if (is_dir) {
      out->append("./");
    } else {
      out->append(w);
    }
  }
}

void FnNotdirSuffix(Make*, Args& a, std::string* out, std::string_view name) {
  bool is_suffix = name == "suffix";
  bool first = true;
  for (auto w : SplitWords(a[0])) {
    size_t p = is_suffix ? w.find_last_of("/.") : w.rfind('/');
    if (is_suffix) {
      if (p == std::string_view::npos || w[p] != '.') continue;
      AppendWord(out, w.substr(p), &first);
    } else {
      AppendWord(out, p == std::string_view::npos ? w : w.substr(p + 1), &first);
    }
  }
}

void FnAddfix(Make*, Args& a, std::string* out, std::string_view name) {
  bool prefix = name == "addprefix";
  bool first = true;
  for (auto w : SplitWords(a[1])) {
    if (!first) out->push_back(' ');
    first = false;
    if (prefix) out->append(a[0]);
    out->append(w);
    if (!prefix) out->append(a[0]);
  }
}

void FnJoin(Make*, Args& a, std::string* out, std::string_view) {
  auto l1 = SplitWords(a[0]);
  auto l2 = SplitWords(a[1]);
  bool first = true;
  for (size_t i = 0; i < std::max(l1.size(), l2.size()); ++i) {
    if (!first) out->push_back(' ');
    first = false;
    if (i < l1.size()) out->append(l1[i]);
    if (i < l2.size()) out->append(l2[i]);
  }
}

void FnWildcard(Make* m, Args& a, std::string* out, std::string_view) {
  bool first = true;
  // Words are separated by unescaped blanks ("a\ b" is one word).
  const std::string& s = a[0];
  std::string ar_prefix;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    if (i >= s.size()) break;
    size_t start = i;
    while (i < s.size() && !IsSpace(s[i])) {
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      ++i;
    }
    // A plain name (a .cmd file of Linux holds hundreds of `$(wildcard include/config/X)`)
    // is what Glob checks with lstat: done here without building a list or a copy. Plain:
    // outside an archive group, no "lib(member)", no quoting, tilde or glob character, and
    // not ending in '/'.
    const std::string_view plain = std::string_view(s).substr(start, i - start);
    static constexpr struct SpecialChars {
      bool is[256] = {};
      constexpr SpecialChars() {
        for (unsigned char c : {'(', ')', '\\', '*', '?', '['}) is[c] = true;
      }
    } kSpecial;
    bool special = plain[0] == '~' || plain.back() == '/' || !ar_prefix.empty();
    for (size_t k = 0; k < plain.size() && !special; ++k)
      special = kSpecial.is[static_cast<unsigned char>(plain[k])];
    if (!special) {
      struct stat st;
      if (m->dir_cache().Lstat(plain, &st) == 0) AppendWord(out, plain, &first);
      continue;
    }
    std::string word(plain);
    if (!ArchiveGroupWord(s, i, false, &ar_prefix, &word)) continue;
    if (!ArName(word)) {
      for (const std::string& f : m->Glob(word)) AppendWord(out, f, &first);
      continue;
    }
    // "lib(member)": the archive must exist; a member pattern is matched inside it.
    std::string archive, member;
    ArParseName(word, &archive, &member);
    for (const std::string& f : m->Glob(archive)) {
      std::vector<std::string> found = ArGlob(f, member);
      if (found.empty()) {
        AppendWord(out, f + "(" + member + ")", &first);
        continue;
      }
      // GNU make 4.3 quirk (string_glob parses without the string cache): each matching
      // member is reported as the archive's name, "lib.a lib.a", not "lib.a(x.o) ...".
      for (size_t k = 0; k < found.size(); ++k) AppendWord(out, f, &first);
    }
  }
}

/// GNU make's abspath(): `name` made absolute against `cwd` without looking at the disk, or
/// false if it is empty or a component would take it to PATH_MAX (GNU's fixed buffer; the
/// check is made as each component is added, before any later ".." shortens it).
bool GnuAbspath(const std::string& cwd, std::string_view name, std::string* path) {
  constexpr size_t kPathMax = 4096;  // GNU make's GET_PATH_MAX on Linux
  if (name.empty()) return false;
  *path = name[0] == '/' ? "/" : cwd;
  size_t i = 0;
  while (i < name.size()) {
    while (i < name.size() && name[i] == '/') ++i;
    size_t end = name.find('/', i);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(i, end - i);
    i = end;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      // Back to the previous component; nothing above the root.
      if (path->size() > 1) {
        path->pop_back();
        while (path->back() != '/') path->pop_back();
      }
      continue;
    }
    if (path->back() != '/') path->push_back('/');
    if (path->size() + part.size() >= kPathMax) return false;
    path->append(part);
  }
  if (path->size() > 1 && path->back() == '/') path->pop_back();
  return true;
}

void FnAbspath(Make* m, Args& a, std::string* out, std::string_view) {
  bool first = true;
  std::string path;
  for (auto w : SplitWords(a[0])) {
    if (GnuAbspath(m->starting_dir(), w, &path)) AppendWord(out, path, &first);
  }
}

void FnRealpath(Make* m, Args& a, std::string* out, std::string_view) {
  m->NotRememberable("used $(realpath)");
  bool first = true;
  for (auto w : SplitWords(a[0])) {
    std::string in(w);
    char buf[PATH_MAX];
    if (realpath(in.c_str(), buf) != nullptr) AppendWord(out, buf, &first);
  }
}

const char* OriginName(Origin o) {
  switch (o) {
    case Origin::kDefault: return "default";
    case Origin::kEnv: return "environment";
    case Origin::kFile: return "file";
    case Origin::kEnvOverride: return "environment override";
    case Origin::kCommand: return "command line";
    case Origin::kOverride: return "override";
    case Origin::kAutomatic: return "automatic";
  }
  return "undefined";
}

void FnOrigin(Make* m, Args& a, std::string* out, std::string_view) {
  Variable* v = m->Lookup(a[0]);
  out->append(v ? OriginName(v->origin) : "undefined");
}

void FnFlavor(Make* m, Args& a, std::string* out, std::string_view) {
  Variable* v = m->Lookup(a[0]);
  out->append(v == nullptr ? "undefined" : v->recursive ? "recursive" : "simple");
}

void FnValue(Make* m, Args& a, std::string* out, std::string_view) {
  if (Variable* v = m->Lookup(a[0])) out->append(v->value);
}

/// A new innermost variable scope for foreach/call/let, removed when this goes out of scope.
/// Pushed at the global level it goes, as GNU make's push_new_variable_scope does, into the
/// global scope's list head itself (the global set moves one link down), so that every chain
/// ending in the global scope sees it: a target-specific `x := $(x)` evaluated in the body
/// of a $(foreach x,...) reads the loop variable. Global definitions still go to the global
/// set itself.
class ScopedVarSet {
 public:
  explicit ScopedVarSet(Make* m) : m_(m), saved_(m->current_scope()) {
    SetList* global = m->global_scope();
    if (saved_ == global) {
      spliced_ = true;
      list_ = *global;
      global->set = &set_;
      global->next = &list_;
      global->next_is_parent = false;
    } else {
      list_.set = &set_;
      list_.next = saved_;
      m->set_current_scope(&list_);
    }
  }
  ~ScopedVarSet() {
    if (spliced_) {
      *m_->global_scope() = list_;
    } else {
      m_->set_current_scope(saved_);
    }
  }
  Variable* Define(std::string_view name, std::string value) {
    bool created;
    Variable* v = set_.Intern(name, &created);
    v->value = std::move(value);
    v->origin = Origin::kAutomatic;
    v->recursive = false;
    return v;
  }

 private:
  Make* m_;
  SetList* saved_;
  bool spliced_ = false;
  VarSet set_;
  SetList list_;
};

/// The first whitespace-separated token of `s` (GNU make's next_token + end_of_token, which
/// foreach and call apply to the name they are given).
std::string FirstToken(std::string_view s) {
  size_t b = 0;
  while (b < s.size() && IsSpace(s[b])) ++b;
  size_t e = b;
  while (e < s.size() && !IsSpace(s[e])) ++e;
  return std::string(s.substr(b, e - b));
}

void FnForeach(Make* m, Args& a, std::string* out, std::string_view) {
  std::string var = FirstToken(m->Expand(a[0]));
  std::string list = m->Expand(a[1]);
  ScopedVarSet scope(m);
  Variable* v = scope.Define(var, "");
  bool first = true;
  for (auto w : SplitWords(list)) {
    v->value = std::string(w);
    if (!first) out->push_back(' ');
    first = false;
    m->Expand(a[2], out);
  }
}

void FnLet(Make* m, Args& a, std::string* out, std::string_view) {
  std::vector<std::string_view> names;
  std::string name_text = m->Expand(a[0]);
  names = SplitWords(name_text);
  std::string list = m->Expand(a[1]);
  ScopedVarSet scope(m);
  WordScanner ws(list);
  for (size_t i = 0; i < names.size(); ++i) {
    std::string_view w;
    if (i + 1 == names.size()) {
      scope.Define(names[i], std::string(TrimSpace(ws.Rest())));
    } else {
      scope.Define(names[i], ws.Next(&w) ? std::string(w) : std::string());
    }
  }
  m->Expand(a[2], out);
}

void FnIf(Make* m, Args& a, std::string* out, std::string_view) {
  std::string_view cond = TrimSpace(a[0]);
  bool result = !cond.empty() && !m->Expand(cond).empty();
  size_t idx = result ? 1 : 2;
  if (idx < a.size()) m->Expand(a[idx], out);
}

void FnOr(Make* m, Args& a, std::string* out, std::string_view) {
  for (const std::string& arg : a) {
    std::string_view t = TrimSpace(arg);
    if (t.empty()) continue;
    std::string e = m->Expand(t);
    if (!e.empty()) {
      out->append(e);
      return;
    }
  }
}

void FnAnd(Make* m, Args& a, std::string* out, std::string_view) {
  std::string last;
  for (const std::string& arg : a) {
    std::string_view t = TrimSpace(arg);
    if (t.empty()) return;
    last = m->Expand(t);
    if (last.empty()) return;
  }
  out->append(last);
}

void FnError(Make* m, Args& a, std::string* out, std::string_view name) {
  // Several arguments only through $(call info,a,b): GNU make joins them with ", ".
  std::string msg = a[0];
  for (size_t i = 1; i < a.size(); ++i) msg += ", " + a[i];
  if (name == "error") m->Fatal(m->reading_loc(), msg);
  if (name == "warning") {
    m->Error(m->reading_loc(), msg);
    return;
  }
  m->WriteOutput(false, msg + "\n");
}

void FnEval(Make* m, Args& a, std::string* out, std::string_view) {
  m->EvalString(a[0], m->reading_loc());
}

void FnShell(Make* m, Args& a, std::string* out, std::string_view) {
  int status;
  out->append(m->ShellOutput(a[0], /*trim_all_newlines=*/true, &status));
}

void FnFile(Make* m, Args& a, std::string* out, std::string_view) {
  m->NotRememberable("used $(file)");
  std::string_view fn = a[0];
  if (!fn.empty() && fn[0] == '>') {
    bool append = fn.size() > 1 && fn[1] == '>';
    fn = TrimLeft(fn.substr(append ? 2 : 1));
    if (fn.empty()) m->Fatal(ErrLoc(m), "file: missing filename");
    std::string path(fn);
    FILE* fp = fopen(path.c_str(), append ? "ae" : "we");
    if (fp == nullptr) {
      m->Fatal(m->reading_loc(), "open: " + path + ": " + strerror(errno));
    }
    if (a.size() > 1) {
      const std::string& text = a[1];
      fwrite(text.data(), 1, text.size(), fp);
      if (text.empty() || text.back() != '\n') fputc('\n', fp);
    }
    fclose(fp);
    m->NoteFsChange();
    return;
  }
  if (!fn.empty() && fn[0] == '<') {
    fn = TrimLeft(fn.substr(1));
    if (a.size() > 1) m->Fatal(ErrLoc(m), "file: too many arguments");
    if (fn.empty()) m->Fatal(ErrLoc(m), "file: missing filename");
    std::string path(fn);
    // GNU make 4.3's func_file: a missing file reads as nothing, other failures (a
    // directory: "read: d: Is a directory") are fatal; one trailing "\n" or "\r\n" goes.
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return;
      m->Fatal(m->reading_loc(), "open: " + path + ": " + strerror(errno));
    }
    std::string text;
    char buf[4096];
    while (true) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int e = errno;
        close(fd);
        m->Fatal(m->reading_loc(), "read: " + path + ": " + strerror(e));
      }
      if (n == 0) break;
      text.append(buf, static_cast<size_t>(n));
    }
    close(fd);
    if (!text.empty() && text.back() == '\n') {
      text.pop_back();
      if (!text.empty() && text.back() == '\r') text.pop_back();
    }
    out->append(text);
    return;
  }
  m->Fatal(ErrLoc(m), "file: invalid file operation: " + std::string(fn));
}

void FnIntcmp(Make* m, Args& a, std::string* out, std::string_view) {
  long long l, r;
  if (!ParseInteger(a[0], &l)) {
    m->Fatal(ErrLoc(m), "non-numeric first argument to 'intcmp' function");
  }
  if (!ParseInteger(a[1], &r)) {
    m->Fatal(ErrLoc(m), "non-numeric second argument to 'intcmp' function");
  }
  if (a.size() == 2) {
    if (l == r) out->append(std::to_string(l));
    return;
  }
  size_t idx = l < r ? 2 : l == r ? 3 : 4;
  if (idx == 4 && a.size() <= 4) idx = 3;
  if (idx < a.size()) out->append(a[idx]);
}

void FnCall(Make* m, Args& a, std::string* out, std::string_view);

const FunctionEntry kFunctions[] = {
    {"abspath", 0, 1, true, FnAbspath},       {"addprefix", 2, 2, true, FnAddfix},
    {"addsuffix", 2, 2, true, FnAddfix},      {"basename", 0, 1, true, FnDirBasename},
    {"dir", 0, 1, true, FnDirBasename},       {"notdir", 0, 1, true, FnNotdirSuffix},
    {"subst", 3, 3, true, FnSubst},           {"suffix", 0, 1, true, FnNotdirSuffix},
    {"filter", 2, 2, true, FnFilter},         {"filter-out", 2, 2, true, FnFilter},
    {"findstring", 2, 2, true, FnFindstring}, {"firstword", 0, 1, true, FnFirstword},
    {"flavor", 0, 1, true, FnFlavor},         {"join", 2, 2, true, FnJoin},
    {"lastword", 0, 1, true, FnLastword},     {"patsubst", 3, 3, true, FnPatsubst},
    {"realpath", 0, 1, true, FnRealpath},     {"shell", 0, 1, true, FnShell},
    {"sort", 0, 1, true, FnSort},             {"strip", 0, 1, true, FnStrip},
    {"wildcard", 0, 1, true, FnWildcard},     {"word", 2, 2, true, FnWord},
    {"wordlist", 3, 3, true, FnWordlist},     {"words", 0, 1, true, FnWords},
    {"origin", 0, 1, true, FnOrigin},         {"foreach", 3, 3, false, FnForeach},
    {"let", 3, 3, false, FnLet},              {"call", 1, 0, true, FnCall},
    {"info", 0, 1, true, FnError},            {"error", 0, 1, true, FnError},
    {"warning", 0, 1, true, FnError},         {"if", 2, 3, false, FnIf},
    {"or", 1, 0, false, FnOr},                {"and", 1, 0, false, FnAnd},
    {"value", 0, 1, true, FnValue},           {"eval", 0, 1, true, FnEval},
    {"file", 1, 2, true, FnFile},             {"intcmp", 2, 5, true, FnIntcmp},
};

// GNU make's MAP_USERFUNC: the characters of a function name (builtin names use only
// lower-case letters and '-'; loaded objects may register names with the others).
bool IsFuncNameChar(char c) {
  return (c >= 'a' && c <= 'z') || c == '-' || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/// A function found by name: a builtin, or one registered by a loaded object (copied, as the
/// object may register functions again while it runs).
struct FoundFunction {
  const FunctionEntry* builtin = nullptr;
  LoadedFunction loaded;
  std::string_view name;
  int min_args = 0, max_args = 0;
  bool expand_args = true;
};

// GNU make's lookup_function: the function named at the start of `s`, followed by a blank or
// the end. Functions of loaded objects come first (GNU make's table lets them replace builtins).
bool LookupFunction(Make* m, std::string_view s, size_t* len, FoundFunction* f) {
  size_t e = 0;
  while (e < s.size() && IsFuncNameChar(s[e])) ++e;
  if (e == 0 || (e < s.size() && !IsSpace(s[e]))) return false;
  std::string_view name = s.substr(0, e);
  if (m->loaded() != nullptr) {
    if (const LoadedFunction* lf = LookupLoadedFunction(m, name)) {
      f->loaded = *lf;
      f->name = f->loaded.name;
      f->min_args = lf->min_args;
      f->max_args = lf->max_args;
      f->expand_args = lf->expand_args;
      *len = e;
      return true;
    }
  }
  // An index of the builtins by name (a Linux null build makes about 200,000 calls).
  static const auto* const builtins = [] {
    auto* index = new absl::flat_hash_map<std::string_view, const FunctionEntry*>();
    for (const FunctionEntry& b : kFunctions) index->emplace(b.name, &b);
    return index;
  }();
  auto it = builtins->find(name);
  if (it == builtins->end()) return false;
  const FunctionEntry& b = *it->second;
  f->builtin = &b;
  f->name = b.name;
  f->min_args = b.min_args;
  f->max_args = b.max_args;
  f->expand_args = b.expand_args;
  *len = e;
  return true;
}

void RunFunction(Make* m, const FoundFunction& f, Args& args, std::string* out) {
  if (static_cast<int>(args.size()) < f.min_args) {
    m->Fatal(ErrLoc(m), "insufficient number of arguments (" + std::to_string(args.size()) +
                            ") to function '" + std::string(f.name) + "'");
  }
  if (f.builtin != nullptr) {
    // As GNU make's expand_builtin_function: a builtin reached with no argument at all
    // (`$(call info)`) expands to nothing; a loaded function is still called.
    if (args.empty()) return;
    f.builtin->fn(m, args, out, f.name);
  } else {
    CallLoadedFunction(m, f.loaded, args, out);
  }
}

void FnCall(Make* m, Args& a, std::string* out, std::string_view) {
  std::string fname = FirstToken(a[0]);
  if (fname.empty()) return;
  size_t len;
  if (FoundFunction f; LookupFunction(m, fname + " ", &len, &f) && len == fname.size()) {
    Args rest(a.begin() + 1, a.end());
    RunFunction(m, f, rest, out);
    return;
  }
  Variable* v = m->Lookup(fname);
  if (v == nullptr) m->WarnUndefined(fname);
  if (v == nullptr || v->value.empty()) return;
  std::string body = "$(" + fname + ")";
  ScopedVarSet scope(m);
  size_t i = 0;
  for (; i < a.size(); ++i) scope.Define(std::to_string(i), i == 0 ? fname : a[i]);
  for (; static_cast<int>(i) < m->call_args_max(); ++i) scope.Define(std::to_string(i), "");
  v->exp_count = 32767;
  int saved = m->call_args_max();
  m->set_call_args_max(static_cast<int>(a.size()));
  try {
    m->Expand(body, out);
  } catch (...) {
    m->set_call_args_max(saved);
    v->exp_count = 0;
    throw;
  }
  m->set_call_args_max(saved);
  v->exp_count = 0;
}

/// GNU make's find_next_argument: the next top-level comma, counting only `open`/`close`.
size_t FindNextArgument(std::string_view s, size_t from, size_t end, char open, char close) {
  int count = 0;
  for (size_t i = from; i < end; ++i) {
    if (s[i] == open) {
      ++count;
    } else if (s[i] == close) {
      if (--count < 0) return std::string_view::npos;
    } else if (s[i] == ',' && count == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

bool Make::HandleFunction(std::string_view text, size_t* pos, char open, char close,
                          std::string* out) {
  size_t len;
  FoundFunction found;
  if (!LookupFunction(this, text.substr(*pos), &len, &found)) return false;
  const FoundFunction* f = &found;
  size_t beg = *pos + len;
  while (beg < text.size() && IsSpace(text[beg])) ++beg;
  int count = 0;
  size_t end = beg;
  for (; end < text.size(); ++end) {
    if (text[end] == open) {
      ++count;
    } else if (text[end] == close && --count < 0) {
      break;
    }
  }
  if (end >= text.size()) {
    Fatal(ErrLoc(this), "unterminated call to function '" + std::string(f->name) +
                            "': missing '" + std::string(1, close) + "'");
  }
  *pos = end;
  Args args;
  size_t p = beg;
  int nargs = 0;
  while (p <= end) {
    ++nargs;
    size_t next = std::string_view::npos;
    if (nargs != f->max_args) next = FindNextArgument(text, p, end, open, close);
    if (next == std::string_view::npos) next = end;
    std::string_view arg = text.substr(p, next - p);
    if (f->expand_args) {
      args.push_back(Expand(arg));
    } else {
      args.emplace_back(arg);
    }
    p = next + 1;
  }
  RunFunction(this, *f, args, out);
  return true;
}

}  // namespace kbmake

// Reading makefiles: GNU make's read.c statement logic (assignments, conditionals, define,
// include, export, vpath, rules, target-specific variables, recipes), line by line, because a
// line's meaning can depend on what earlier lines defined.
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "kbmake/base/strutil.h"
#include "kbmake/eval/load_object.h"
#include "kbmake/exec/process.h"
#include "kbmake/exec/submake_memo.h"
#include "kbmake/make.h"
#include "parser/assignment.h"
#include "parser/lines.h"
#include "parser/parsed_makefile.h"

namespace kbmake {
namespace {

// GNU make's NEXT_TOKEN: skips every space character (ISSPACE: \v, \f, \r too).
size_t NextToken(std::string_view s, size_t p) {
  while (p < s.size() && IsSpace(s[p])) ++p;
  return p;
}

size_t EndOfToken(std::string_view s, size_t p) {
  while (p < s.size() && !IsSpace(s[p])) ++p;
  return p;
}

struct Conditionals {
  std::vector<int> ignoring;  // 0 interpreting, 1 not yet, 2 done with this conditional
  std::vector<bool> seen_else;
};

}  // namespace

/// State of one makefile (or $(eval) buffer) being evaluated.
class Reader {
 public:
  Reader(Make* m, const std::string& text, const std::string* filename, long first_line,
         bool set_default, bool count_lines = true)
      : m_(m), lines_(text), set_default_(set_default), count_lines_(count_lines) {
    loc_.file = filename;
    loc_.line = first_line;
  }
  /// A makefile already split and analysed (parser/parsed_makefile.h), perhaps shared with
  /// other make instances through the parse cache.
  Reader(Make* m, const ParsedMakefile* parsed, const std::string* filename, bool set_default)
      : m_(m), lines_(std::string_view()), parsed_(parsed), set_default_(set_default),
        count_lines_(true) {
    loc_.file = filename;
    loc_.line = 1;
  }
  void Run();

 private:
  /// The next logical line: *analysed points to it in the parsed makefile (and *line is not
  /// set), or is null and *line holds it (text given to the reader as a string).
  bool NextLine(std::string* line, long* nlines, const LogicalLine** analysed);
  void ProcessLine(std::string& line, const LogicalLine* analysed);
  /// GNU make's warnings for the NUL bytes of `analysed` (null: none), at the current line.
  void WarnNuls(const LogicalLine* analysed) {
    if (analysed == nullptr) return;
    for (int i = 0; i < analysed->nul_warnings; ++i)
      m_->Error(&loc_, "warning: NUL character seen; rest of line ignored");
  }
  [[noreturn]] void Fatal(std::string_view msg) { m_->Fatal(&loc_, msg); }
  int ConditionalLine(std::string_view line, size_t wlen);
  void DoDefine(std::string_view rest, const VarModifiers& vm);
  void DoUndefine(std::string_view rest, Origin origin);
  Variable* TryVariableDefinition(std::string_view s, Origin origin, bool target_var);
  void DoInclude(std::string_view rest, bool noerror);
  void DoLoad(std::string_view rest, bool noerror);
  void DoExport(std::string_view rest, bool exporting);
  void DoRule(std::string& line);
  void RecordWaitingFiles();
  void RecordTargetVar(const std::vector<std::string>& targets, std::string_view defn,
                       const VarModifiers& vm);
  void RecordFiles();
  void MaybeSetDefaultGoal();

  Make* m_;
  LineReader lines_;
  const ParsedMakefile* parsed_ = nullptr;
  size_t next_line_ = 0;  // in parsed_
  bool set_default_;
  bool count_lines_;  // false for $(eval) text: GNU make keeps the $(eval) line number
  Loc loc_;
  Conditionals conds_;
  bool ignoring_ = false;
  bool in_ignored_define_ = false;
  bool no_targets_ = false;
  // The rule waiting for its recipe.
  std::vector<std::string> filenames_;
  bool have_rule_ = false;
  std::string pattern_;  // static pattern
  bool have_pattern_ = false;
  std::string depstr_;
  bool two_colon_ = false, grouped_ = false;
  std::string commands_;
  long cmds_started_ = 0;
  char prefix_ = '\t';
  Loc rule_loc_;
};

void Reader::Run() {
  const Loc* saved = m_->reading_loc_;
  m_->reading_loc_ = &loc_;
  std::string line;
  long nlines = 0;
  try {
    while (true) {
      if (count_lines_) loc_.line += nlines;
      const LogicalLine* analysed = nullptr;
      if (!NextLine(&line, &nlines, &analysed)) break;
      WarnNuls(analysed);
      // GNU make's eval(): a logical line that starts on line 1 loses a UTF-8 byte-order
      // mark (every line of an $(eval) made on line 1, whose lines all count as that line).
      std::string_view raw = analysed ? std::string_view(analysed->raw) : line;
      if (loc_.line == 1 && raw.compare(0, 3, "\xEF\xBB\xBF") == 0) {
        line = std::string(raw.substr(3));
        analysed = nullptr;
        m_->Debug(kDbBasic, 0,
                  loc_.file ? "Skipping UTF-8 BOM in makefile '" + *loc_.file + "'"
                            : std::string("Skipping UTF-8 BOM in makefile buffer"));
      }
      ProcessLine(line, analysed);
    }
    // As GNU make's eval(): the check comes before the last rule is recorded (-p shows it).
    if (!conds_.ignoring.empty()) m_->Fatal(&loc_, "missing 'endif'");
    RecordWaitingFiles();
  } catch (...) {
    m_->reading_loc_ = saved;
    throw;
  }
  m_->reading_loc_ = saved;
}

bool Reader::NextLine(std::string* line, long* nlines, const LogicalLine** analysed) {
  if (parsed_ == nullptr) return lines_.Next(line, nlines);
  if (next_line_ >= parsed_->lines.size()) return false;
  *analysed = &parsed_->lines[next_line_++];
  *nlines = (*analysed)->nlines;
  return true;
}

void Reader::ProcessLine(std::string& line, const LogicalLine* analysed) {
  std::string_view raw = analysed ? std::string_view(analysed->raw) : line;
  if (raw.empty()) return;
  char cmd_prefix = m_->cmd_prefix_;
  if (raw[0] == cmd_prefix) {
    if (no_targets_) return;
    if (have_rule_) {
      if (ignoring_) return;
      if (commands_.empty()) cmds_started_ = loc_.line;
      commands_.append(raw.substr(1));
      commands_.push_back('\n');
      return;
    }
  }
  // What the text alone says (parsed_makefile.h): from the parse, or worked out here.
  LogicalLine here;
  // The shared parse collapses continuations GNU's default way; after .POSIX a line that has
  // one is analysed again here (blanks before a backslash-newline are kept).
  if (analysed != nullptr && m_->posix_ && analysed->raw.find('\n') != std::string::npos) {
    line = analysed->raw;
    analysed = nullptr;
  }
  if (analysed == nullptr) {
    here.raw.swap(line);
    AnalyzeLine(&here, m_->posix_);
    analysed = &here;
    raw = here.raw;
  }
  const std::string& collapsed = analysed->text;
  const VarModifiers& vm = analysed->vm;
  size_t ap = analysed->assign_at;
  if (ap != std::string::npos) {
    if (ignoring_) {
      if (vm.define) in_ignored_define_ = true;
      return;
    }
    RecordWaitingFiles();
    Origin origin = vm.override_v ? Origin::kOverride : Origin::kFile;
    std::string_view rest = std::string_view(collapsed).substr(ap);
    if (vm.undefine) {
      DoUndefine(rest, origin);
      return;
    }
    if (vm.define) {
      DoDefine(rest, vm);
      return;
    }
    Variable* v = TryVariableDefinition(rest, origin, false);
    if (vm.export_v) v->export_mode = ExportMode::kExport;
    if (vm.private_v) v->private_var = true;
    return;
  }
  size_t p = NextToken(collapsed, 0);
  if (p >= collapsed.size()) return;
  std::string_view cs = collapsed;
  size_t p2 = EndOfToken(cs, p);
  size_t wlen = p2 - p;
  std::string_view word = cs.substr(p, wlen);
  p2 = NextToken(cs, p2);
  if (in_ignored_define_) {
    if (word == "endef") in_ignored_define_ = false;
    return;
  }
  int c = ConditionalLine(cs.substr(p), wlen);
  if (c != -2) {
    if (c == -1) Fatal("invalid syntax in conditional");
    ignoring_ = c != 0;
    return;
  }
  if (ignoring_) return;
  std::string_view rest = cs.substr(p2);
  if (word == "export" || word == "unexport") {
    RecordWaitingFiles();
    DoExport(rest, word == "export");
    return;
  }
  if (word == "vpath") {
    RecordWaitingFiles();
    std::string e = m_->Expand(rest);
    auto words = SplitWords(e);
    if (words.empty()) {
      m_->SetVpath("", "", false);
    } else {
      std::string dirs;
      // The remaining words (colon/blank separated) are the directories.
      size_t after = words[0].data() + words[0].size() - e.data();
      dirs = std::string(TrimSpace(std::string_view(e).substr(after)));
      m_->SetVpath(words[0], dirs, true);
    }
    return;
  }
  if (word == "include" || word == "-include" || word == "sinclude") {
    RecordWaitingFiles();
    DoInclude(rest, word[0] != 'i');
    return;
  }
  if (word == "load" || word == "-load") {
    RecordWaitingFiles();
    DoLoad(rest, word[0] == '-');
    return;
  }
  if (raw[0] == cmd_prefix) Fatal("recipe commences before first target");
  std::string rule_line = analysed == &here ? std::move(here.raw) : analysed->raw;
  DoRule(rule_line);
}

int Reader::ConditionalLine(std::string_view line, size_t len) {
  std::string_view cmd = line.substr(0, len);
  enum { kIfdef, kIfndef, kIfeq, kIfneq, kElse, kEndif } type;
  if (cmd == "ifdef") {
    type = kIfdef;
  } else if (cmd == "ifndef") {
    type = kIfndef;
  } else if (cmd == "ifeq") {
    type = kIfeq;
  } else if (cmd == "ifneq") {
    type = kIfneq;
  } else if (cmd == "else") {
    type = kElse;
  } else if (cmd == "endif") {
    type = kEndif;
  } else {
    return -2;
  }
  std::string cmdname(cmd);
  size_t p = NextToken(line, len);
  std::string_view rest = line.substr(p);
  auto any_ignoring = [&]() {
    for (int ig : conds_.ignoring)
      if (ig) return 1;
    return 0;
  };
  if (type == kEndif) {
    if (!rest.empty()) m_->Error(&loc_, "extraneous text after '" + cmdname + "' directive");
    if (conds_.ignoring.empty()) Fatal("extraneous '" + cmdname + "'");
    conds_.ignoring.pop_back();
    conds_.seen_else.pop_back();
    return any_ignoring();
  }
  if (type == kElse) {
    if (conds_.ignoring.empty()) Fatal("extraneous '" + cmdname + "'");
    size_t o = conds_.ignoring.size() - 1;
    if (conds_.seen_else[o]) Fatal("only one 'else' per conditional");
    if (conds_.ignoring[o] == 0) {
      conds_.ignoring[o] = 2;
    } else if (conds_.ignoring[o] == 1) {
      conds_.ignoring[o] = 0;
    }
    if (rest.empty()) {
      conds_.seen_else[o] = true;
      return any_ignoring();
    }
    size_t e = 1;
    while (e < rest.size() && !IsSpace(rest[e])) ++e;
    std::string_view w = rest.substr(0, e);
    if (w == "else" || w == "endif") {
      m_->Error(&loc_, "extraneous text after '" + cmdname + "' directive");
      return any_ignoring();
    }
    int r = ConditionalLine(rest, e);
    if (r < 0) {
      // GNU make 4.3 pushes the new conditional's level before it finds the syntax error
      // and leaves it there, so one more `endif` is needed. That level's `ignoring` entry
      // is never set: it is whatever malloc gave back, in practice on glibc a value that is
      // neither 0 nor 1, so the lines up to the matching `endif` are skipped and an `else`
      // of that level does not start interpreting. kbmake uses 2 ("done"), which acts so.
      if (r == -1) {  // -2: not a conditional at all, nothing was opened
        conds_.ignoring.push_back(2);
        conds_.seen_else.push_back(false);
      }
      m_->Error(&loc_, "extraneous text after '" + cmdname + "' directive");
      return any_ignoring();
    }
    if (conds_.ignoring[o] < 2) conds_.ignoring[o] = conds_.ignoring[o + 1];
    conds_.ignoring.pop_back();
    conds_.seen_else.pop_back();
    return any_ignoring();
  }
  size_t o = conds_.ignoring.size();
  conds_.ignoring.push_back(0);
  conds_.seen_else.push_back(false);
  for (size_t i = 0; i < o; ++i) {
    if (conds_.ignoring[i]) {
      conds_.ignoring[o] = 1;
      return 1;
    }
  }
  if (type == kIfdef || type == kIfndef) {
    std::string var = m_->Expand(rest);
    size_t e = EndOfToken(var, 0);
    size_t q = NextToken(var, e);
    // Only one name may follow (NEXT_TOKEN skips every space character, newline included).
    if (q < var.size()) {
      conds_.ignoring.pop_back();
      conds_.seen_else.pop_back();
      return -1;
    }
    Variable* v = m_->Lookup(std::string_view(var).substr(0, e));
    conds_.ignoring[o] = ((v != nullptr && !v->value.empty()) == (type == kIfndef)) ? 1 : 0;
    return any_ignoring();
  }
  // ifeq / ifneq
  std::string_view s = rest;
  auto fail = [&]() {
    conds_.ignoring.pop_back();
    conds_.seen_else.pop_back();
    return -1;
  };
  if (s.empty()) return fail();
  char termin = s[0] == '(' ? ',' : s[0];
  if (termin != ',' && termin != '"' && termin != '\'') return fail();
  size_t i = 1;
  size_t s1b = 1;
  if (termin == ',') {
    int count = 0;
    for (; i < s.size(); ++i) {
      if (s[i] == '(') {
        ++count;
      } else if (s[i] == ')') {
        --count;
      } else if (s[i] == ',' && count <= 0) {
        break;
      }
    }
  } else {
    while (i < s.size() && s[i] != termin) ++i;
  }
  if (i >= s.size()) return fail();
  size_t s1e = i;
  if (termin == ',') {
    while (s1e > s1b && IsBlank(s[s1e - 1])) --s1e;
  }
  ++i;
  std::string v1 = m_->Expand(s.substr(s1b, s1e - s1b));
  if (termin != ',') i = NextToken(s, i);
  if (termin == ',') {
    termin = ')';
  } else {
    if (i >= s.size()) return fail();
    termin = s[i];
  }
  if (termin != ')' && termin != '"' && termin != '\'') return fail();
  size_t s2b, s2e;
  if (termin == ')') {
    int count = 0;
    s2b = NextToken(s, i);
    for (i = s2b; i < s.size(); ++i) {
      if (s[i] == '(') {
        ++count;
      } else if (s[i] == ')') {
        if (count <= 0) break;
        --count;
      }
    }
  } else {
    ++i;
    s2b = i;
    while (i < s.size() && s[i] != termin) ++i;
  }
  if (i >= s.size()) return fail();
  s2e = i;
  ++i;
  i = NextToken(s, i);
  if (i < s.size()) m_->Error(&loc_, "extraneous text after '" + cmdname + "' directive");
  std::string v2 = m_->Expand(s.substr(s2b, s2e - s2b));
  conds_.ignoring[o] = ((v1 == v2) == (type == kIfneq)) ? 1 : 0;
  return any_ignoring();
}

Variable* Reader::TryVariableDefinition(std::string_view s, Origin origin, bool target_var) {
  VarDef def;
  if (!ParseVariableDefinition(s, 0, &def)) return nullptr;
  std::string name = m_->Expand(s.substr(def.name_begin, def.name_end - def.name_begin));
  if (name.empty()) Fatal("empty variable name");
  return m_->DoVariableDefinition(&loc_, name, s.substr(def.value_begin), origin, def.flavor,
                                  target_var);
}

void Reader::DoUndefine(std::string_view rest, Origin origin) {
  std::string name = m_->Expand(rest);
  std::string_view n = TrimSpace(name);
  if (n.empty()) Fatal("empty variable name");
  Variable* v = m_->global_.Lookup(n);
  // GNU make's undefine_variable_in_set: under -e an environment variable (imported before
  // -e was known) becomes an override first, which a makefile's undefine cannot remove.
  if (v && m_->opts_.env_overrides && v->origin == Origin::kEnv) v->origin = Origin::kEnvOverride;
  if (v && origin >= v->origin) m_->global_.Erase(n);
}

void Reader::DoDefine(std::string_view rest, const VarModifiers& vm) {
  Loc defstart = loc_;
  VarDef def;
  std::string name_text;
  Flavor flavor = Flavor::kRecursive;
  if (ParseVariableDefinition(rest, 0, &def)) {
    if (def.value_begin < rest.size()) {
      m_->Error(&defstart, "extraneous text after 'define' directive");
    }
    flavor = def.flavor;
    name_text = std::string(rest.substr(0, def.name_end));
  } else {
    name_text = std::string(rest);
  }
  std::string name = m_->Expand(name_text);
  std::string_view n = TrimSpace(name);
  if (n.empty()) m_->Fatal(&defstart, "empty variable name");
  std::string definition;
  int nlevels = 1;
  std::string line;
  long nlines = 0;
  bool first = true;
  while (true) {
    const LogicalLine* analysed = nullptr;
    if (!NextLine(&line, &nlines, &analysed)) {
      m_->Fatal(&defstart, "missing 'endef', unterminated 'define'");
    }
    // GNU make's do_define counts a line after reading it: a warning while reading it names
    // the line before.
    WarnNuls(analysed);
    if (analysed) line = analysed->raw;
    if (count_lines_) loc_.line += nlines;
    CollapseContinuations(&line);
    if (line.empty() || line[0] != m_->cmd_prefix_) {
      size_t p = NextToken(line, 0);
      std::string_view t = std::string_view(line).substr(p);
      if ((t.size() == 6 || (t.size() > 6 && IsBlank(t[6]))) && t.substr(0, 6) == "define") {
        ++nlevels;
      } else if ((t.size() == 5 || (t.size() > 5 && IsBlank(t[5]))) &&
                 t.substr(0, 5) == "endef") {
        std::string after(t.substr(5));
        RemoveComments(&after);
        if (!TrimLeft(after).empty()) {
          m_->Error(&loc_, "extraneous text after 'endef' directive");
        }
        if (--nlevels == 0) break;
      }
    }
    if (!first) definition.push_back('\n');
    first = false;
    definition += line;
  }
  Origin origin = vm.override_v ? Origin::kOverride : Origin::kFile;
  Variable* v = m_->DoVariableDefinition(&defstart, n, definition, origin, flavor, false);
  if (vm.export_v) v->export_mode = ExportMode::kExport;
  if (vm.private_v) v->private_var = true;
}

void Reader::DoExport(std::string_view rest, bool exporting) {
  if (rest.empty()) {
    m_->export_all_ = exporting;
    return;
  }
  std::string e = m_->Expand(rest);
  for (auto w : SplitWords(e)) {
    Variable* v = m_->Lookup(w);
    // GNU make defines a name it has never seen as an empty simple variable.
    if (v == nullptr) v = m_->DefineGlobal(w, "", Origin::kFile, false, &loc_);
    v->export_mode = exporting ? ExportMode::kExport : ExportMode::kNoExport;
  }
}

void Reader::DoInclude(std::string_view rest, bool noerror) {
  std::string e = m_->Expand(rest);
  if (TrimSpace(e).empty()) return;
  // Include names are never archive-member references.
  std::vector<std::string> files = m_->ParseFileSeq(e, true, nullptr, nullptr, /*noar=*/true);
  Conditionals saved = std::move(conds_);
  conds_ = Conditionals();
  for (const std::string& f : files) {
    int flags = Make::kRmIncluded | (noerror ? Make::kRmDontCare : 0) |
                (set_default_ ? 0 : Make::kRmNoDefaultGoal);
    int err = 0;
    if (!m_->EvalMakefile(f, flags, &err) && !noerror) {
      // Remember the failure; GNU make reports it after trying to remake the makefile.
      m_->missing_includes_.push_back({f, loc_, err});
    }
  }
  conds_ = std::move(saved);
}

// GNU make's `load`: each object is loaded and, unless its setup function returned -1, becomes
// a makefile to remake (so an object that does not exist yet can be built by a rule, after
// which make re-executes and loads it).
void Reader::DoLoad(std::string_view rest, bool noerror) {
  std::string e = m_->Expand(rest);
  std::vector<std::string> files = m_->ParseFileSeq(e, true, nullptr, nullptr, /*noar=*/true);
  for (std::string name : files) {
    int r = LoadFile(m_, loc_, &name, noerror);
    if (r == 0 && !noerror) Fatal(name + ": failed to load");
    if (r == -1) continue;
    m_->read_makefiles_.push_back(Make::ReadMakefile{name, 0, 0});
    m_->EnterFile(name)->loaded = true;
  }
}

void Reader::RecordWaitingFiles() {
  if (have_rule_) RecordFiles();
  have_rule_ = false;
  filenames_.clear();
  commands_.clear();
  depstr_.clear();
  have_pattern_ = false;
}

}  // namespace kbmake

namespace kbmake {

namespace {

enum class MWord { kEol, kSemicolon, kVarAssign, kColon, kDColon, kAmpColon, kAmpDColon,
                   kStatic, kVariable };

/// GNU make's get_next_mword: the next "makefile word" of s starting at *pos.
MWord NextMWord(std::string_view s, size_t* pos, size_t* beg, size_t* len) {
  size_t p = *pos;
  while (p < s.size() && IsBlank(s[p])) ++p;
  *beg = p;
  MWord type = MWord::kStatic;
  auto at = [&](size_t i) { return i < s.size() ? s[i] : '\0'; };
  char c = at(p++);
  bool done = true;
  switch (c) {
    case '\0': type = MWord::kEol; p = s.size(); break;
    case ';': type = MWord::kSemicolon; break;
    case '=': type = MWord::kVarAssign; break;
    case ':':
      if (at(p) == '=') {
        ++p;
        type = MWord::kVarAssign;
      } else if (at(p) == ':') {
        ++p;
        if (at(p) == '=') {
          ++p;
          type = MWord::kVarAssign;
        } else {
          type = MWord::kDColon;
        }
      } else {
        type = MWord::kColon;
      }
      break;
    case '&':
      if (at(p) == ':') {
        ++p;
        if (at(p) != ':') {
          type = MWord::kAmpColon;
        } else {
          ++p;
          type = MWord::kAmpDColon;
        }
      } else {
        done = false;
      }
      break;
    case '+': case '?': case '!':
      if (at(p) == '=') {
        ++p;
        type = MWord::kVarAssign;
      } else {
        done = false;
      }
      break;
    default: done = false;
  }
  if (!done) {
    type = MWord::kStatic;
    while (true) {
      bool end = false;
      switch (c) {
        case '\0': case ' ': case '\t': case '=': case ':':
          end = true;
          break;
        case '$': {
          c = at(p++);
          if (c == '$') break;
          if (c == '\0') {
            end = true;
            break;
          }
          type = MWord::kVariable;
          char close;
          if (c == '(') {
            close = ')';
          } else if (c == '{') {
            close = '}';
          } else {
            break;
          }
          int count = 0;
          for (; p < s.size(); ++p) {
            if (s[p] == c) {
              ++count;
            } else if (s[p] == close && --count < 0) {
              ++p;
              break;
            }
          }
          break;
        }
        case '?': case '+':
          if (at(p) == '=') end = true;
          break;
        case '\\':
          if (at(p) == ':' || at(p) == ';' || at(p) == '=' || at(p) == '\\') ++p;
          break;
        case '&':
          if (at(p) == ':') end = true;
          break;
        default: break;
      }
      if (end) break;
      c = at(p++);
    }
    --p;
  }
  if (p > s.size()) p = s.size();
  *len = p - *beg;
  *pos = p;
  return type;
}

/// Removes backslashes quoting `c` (GNU make's unescape_char).
std::string UnescapeChar(std::string_view s, char c) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '\\') {
      size_t j = i;
      while (j < s.size() && s[j] == '\\') ++j;
      size_t n = j - i;
      if (j < s.size() && s[j] == c) {
        out.append(n / 2, '\\');
        if (n % 2 == 0) {
          i = j;  // the char is unquoted; emit it normally
          continue;
        }
        out.push_back(c);
        i = j + 1;
        continue;
      }
      out.append(s.substr(i, n));
      i = j;
      continue;
    }
    out.push_back(s[i++]);
  }
  return out;
}

}  // namespace

void Reader::DoRule(std::string& line) {
  RecordWaitingFiles();
  Loc fstart = loc_;
  std::string recipe;
  bool have_recipe = false;
  size_t cut = FindUnquoted(&line, ";#", true);
  std::string semi_text;  // the raw text after ';' (for target-specific variables)
  bool semip = false;
  if (cut != std::string::npos) {
    if (line[cut] == '#') {
      line.resize(cut);
    } else {
      recipe = line.substr(cut + 1);
      semi_text = recipe;
      have_recipe = semip = true;
      line.resize(cut);
    }
  }
  CollapseContinuations(&line);
  size_t pos = 0, beg, wlen;
  MWord wtype = NextMWord(line, &pos, &beg, &wlen);
  if (wtype == MWord::kEol) {
    if (have_recipe) Fatal("missing rule before recipe");
    return;
  }
  if (wtype == MWord::kColon || wtype == MWord::kDColon) {
    no_targets_ = true;
    return;
  }
  std::string buf = m_->Expand(std::string_view(line).substr(beg, wlen));
  size_t p2 = 0;  // start of the not-yet-searched part of buf
  size_t colonp = std::string::npos;
  size_t lb_next = pos;
  while (true) {
    if (!have_recipe) {
      size_t sc = FindUnquoted(&buf, ";", false, p2);
      if (sc != std::string::npos) {
        std::string more = m_->Expand(std::string_view(line).substr(lb_next));
        recipe = buf.substr(sc + 1) + more;
        buf.resize(sc);
        lb_next = line.size();
        have_recipe = true;
      }
    }
    colonp = FindUnquoted(&buf, ":", false, p2);
    if (colonp != std::string::npos) break;
    wtype = NextMWord(line, &lb_next, &beg, &wlen);
    if (wtype == MWord::kEol) break;
    buf.push_back(' ');
    p2 = buf.size();
    buf += m_->Expand(std::string_view(line).substr(beg, wlen));
  }
  if (colonp == std::string::npos) {
    if (TrimSpace(buf).empty()) return;
    if (m_->cmd_prefix_ == '\t' && line.compare(0, 8, "        ") == 0) {
      Fatal("missing separator (did you mean TAB instead of 8 spaces?)");
    }
    Fatal("missing separator");
  }
  // Targets are everything before the colon.
  bool grouped = false;
  size_t tend = colonp;
  if (tend > 0 && buf[tend - 1] == '&') {
    grouped = true;
    --tend;
  }
  std::vector<std::string> targets =
      m_->ParseFileSeq(std::string_view(buf).substr(0, tend), true, nullptr, nullptr);
  if (targets.empty()) {
    no_targets_ = true;
    return;
  }
  size_t q = colonp + 1;
  bool two_colon = q < buf.size() && buf[q] == ':';
  if (two_colon) ++q;
  std::string after = buf.substr(q) + line.substr(lb_next);
  // A target-specific variable?
  VarModifiers vm;
  VarDef def;
  size_t ap = ParseVarAssignment(after, &vm, &def);
  if (ap != std::string::npos) {
    std::string defn = after.substr(ap);
    if (semip) {
      std::string st = ";" + semi_text;
      CollapseContinuations(&st);
      defn += st;
    }
    RecordTargetVar(targets, defn, vm);
    return;
  }
  std::string rest = buf.substr(q);
  std::string tail = UnescapeChar(line.substr(lb_next), '=');
  if (!tail.empty()) rest += m_->Expand(tail);
  if (!have_recipe) {
    size_t sc = FindUnquoted(&rest, ";", false);
    if (sc != std::string::npos) {
      recipe = rest.substr(sc + 1);
      rest.resize(sc);
      have_recipe = true;
    }
  }
  prefix_ = m_->cmd_prefix_;
  no_targets_ = false;
  // Static pattern rule?
  have_pattern_ = false;
  size_t sp = rest.find(':');
  while (sp != std::string::npos && sp > 0 && rest[sp - 1] == '\\') {
    size_t n = 0;
    while (sp - n > 0 && rest[sp - n - 1] == '\\') ++n;
    if (n % 2 == 1) {
      sp = rest.find(':', sp + 1);
    } else {
      break;
    }
  }
  if (sp != std::string::npos) {
    std::vector<std::string> pats =
        m_->ParseFileSeq(std::string_view(rest).substr(0, sp), false, nullptr, nullptr);
    if (pats.empty()) Fatal("missing target pattern");
    if (pats.size() > 1) Fatal("multiple target patterns");
    std::string pat = pats[0];
    if (FindPercentInPlace(&pat) == std::string::npos) {
      Fatal("target pattern contains no '%'");
    }
    pattern_ = pats[0];
    have_pattern_ = true;
    rest = rest.substr(sp + 1);
  }
  depstr_ = std::string(TrimSpace(rest));
  filenames_ = std::move(targets);
  two_colon_ = two_colon;
  grouped_ = grouped;
  have_rule_ = true;
  rule_loc_ = fstart;
  commands_.clear();
  if (have_recipe) {
    cmds_started_ = fstart.line;
    commands_ = recipe;
    commands_.push_back('\n');
  }
  MaybeSetDefaultGoal();
}

void Reader::MaybeSetDefaultGoal() {
  if (!set_default_ || !m_->default_goal_var_ || !m_->default_goal_var_->value.empty()) return;
  File* suffixes = m_->suffix_file_;
  for (const std::string& name : filenames_) {
    if (name.find('%') != std::string::npos) break;
    if (name[0] == '.' && name.find('/') == std::string::npos) continue;
    bool reject = false;
    if (suffixes) {
      for (const Dep& d : suffixes->deps) {
        if (d.name[0] != '.' && name == d.name) {
          reject = true;
          break;
        }
        for (const Dep& d2 : suffixes->deps) {
          if (name.compare(0, d2.name.size(), d2.name) == 0 &&
              name.substr(d2.name.size()) == d.name) {
            reject = true;
            break;
          }
        }
        if (reject) break;
      }
    }
    if (!reject) {
      m_->DefineGlobal(".DEFAULT_GOAL", name, Origin::kFile, false);
      break;
    }
  }
}

void Reader::RecordTargetVar(const std::vector<std::string>& targets, std::string_view defn,
                             const VarModifiers& vm) {
  Origin origin = vm.override_v ? Origin::kOverride : Origin::kFile;
  for (const std::string& name : targets) {
    Variable* v;
    std::string pat = name;
    if (FindPercentInPlace(&pat) != std::string::npos) {
      VarDef def;
      if (!ParseVariableDefinition(defn, 0, &def)) Fatal("Malformed target-specific variable definition");
      Make::PatternVar pv;
      pv.pattern = name;
      pv.var.name = m_->Expand(defn.substr(def.name_begin, def.name_end - def.name_begin));
      if (pv.var.name.empty()) Fatal("empty variable name");
      pv.var.origin = origin;
      pv.var.loc = loc_;
      pv.flavor = def.flavor;
      std::string_view value = defn.substr(def.value_begin);
      pv.var.value = def.flavor == Flavor::kSimple ? m_->Expand(value) : std::string(value);
      pv.var.recursive = def.flavor != Flavor::kSimple;
      pv.var.per_target = true;
      pv.var.private_var = vm.private_v;
      if (vm.export_v) pv.var.export_mode = ExportMode::kExport;
      // Keep patterns sorted by length; equal lengths stay in definition order.
      auto it = m_->pattern_vars_.begin();
      while (it != m_->pattern_vars_.end() && it->pattern.size() <= name.size()) ++it;
      auto ins = m_->pattern_vars_.insert(it, std::move(pv));
      v = &ins->var;
    } else {
      File* f = m_->LookupFile(name);
      if (f == nullptr) {
        f = m_->EnterFile(name);
      } else if (f->double_colon) {
        f = f->double_colon;
      }
      // In GNU make's file table now: a pattern rule's prerequisite of this name "ought to
      // exist" (so are goals, -o/-W files and makefiles read).
      f->mentioned = true;
      m_->InitializeFileVariables(f, true);
      SetList* global = m_->current_;
      m_->current_ = f->variables;
      try {
        v = TryVariableDefinition(defn, origin, true);
      } catch (...) {
        m_->current_ = global;
        throw;
      }
      m_->current_ = global;
      if (v == nullptr) Fatal("Malformed target-specific variable definition");
    }
    v->per_target = true;
    v->private_var = vm.private_v;
    if (vm.export_v) v->export_mode = ExportMode::kExport;
    if (v->origin != Origin::kOverride) {
      Variable* gv = m_->Lookup(v->name);
      if (gv && gv != v &&
          (gv->origin == Origin::kEnvOverride || gv->origin == Origin::kCommand)) {
        v->value = gv->value;
        v->origin = gv->origin;
        v->recursive = gv->recursive;
        v->append = false;
      }
    }
  }
}

void Reader::RecordFiles() {
  m_->RecordRule(filenames_, have_pattern_ ? &pattern_ : nullptr, depstr_,
                 commands_.empty() ? nullptr : &commands_, cmds_started_, two_colon_, grouped_,
                 prefix_, rule_loc_);
}

// ---------------------------------------------------------------------------------------

void Make::EvalBuffer(const std::string& text, const std::string* filename, long first_line,
                      bool set_default) {
  Reader r(this, text, filename, first_line, set_default);
  r.Run();
}

void Make::EvalString(std::string_view text, const Loc* loc) {
  std::string copy(text);
  const std::string* file = loc ? loc->file : nullptr;
  long line = loc ? loc->line : 1;
  // Errors inside $(eval) text without a file context have no location.
  Reader r(this, copy, file, line, true, /*count_lines=*/false);
  r.Run();
}

void Make::ConstructIncludePath() {
  include_search_path_.clear();
  std::vector<std::string> dirs;
  auto add = [&](std::string dir) {
    // Every instance asks for the same built-in directories: through the shared cache.
    struct stat st;
    if (StatName(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return;
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    dirs.push_back(dir);
  };
  for (const std::string& d : opts_.include_dirs) add(d);
  // The built-in list, then INCLUDEDIR (in the order Debian's GNU make 4.3 shows them).
  for (const char* d : {"/usr/gnu/include", "/usr/local/include", "/usr/include", "/usr/include"})
    add(d);
  std::string value;
  for (const std::string& d : dirs) value += (value.empty() ? "" : " ") + d;
  include_search_path_ = dirs;
  DefineGlobal(".INCLUDE_DIRS", value, Origin::kDefault, true);
}

namespace {

/// An open makefile: its descriptor (closed on destruction) or the errno of the failed open.
struct OpenedMakefile {
  int fd = -1;
  int err = 0;
  explicit OpenedMakefile(const std::string& path) {
    fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) err = errno;
  }
  ~OpenedMakefile() {
    if (fd >= 0) close(fd);
  }
  void Swap(OpenedMakefile& o) {
    std::swap(fd, o.fd);
    std::swap(err, o.err);
  }
};

int64_t RealtimeNs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace

void Make::NoteMakefileOpened(const std::string& path, int fd, int err) {
  if (facts_ == nullptr) return;
  if (path.empty()) {
    facts_->Refuse("opened a makefile without a name");
  } else {
    facts_->Opened(path[0] == '/' ? path : starting_dir_ + "/" + path, fd, err);
  }
}

bool Make::EvalMakefile(const std::string& filename, int flags, int* err) {
  std::string name = ExpandTilde(filename);
  std::string path = name;
  {
    struct stat st;
    if (StatName(path, &st) == 0 && S_ISDIR(st.st_mode)) {
      Fatal(nullptr, path + ": " + strerror(EISDIR));
    }
  }
  OpenedMakefile in(path);
  NoteMakefileOpened(path, in.fd, in.err);
  // GNU make's eval_makefile: out of descriptors or memory is fatal, at the line that asked.
  if (in.fd < 0 && (in.err == EMFILE || in.err == ENFILE || in.err == ENOMEM)) {
    Fatal(reading_loc_, strerror(in.err));
  }
  bool searched = false;
  // Only an included makefile (`include`, MAKEFILES) is looked for along the include path,
  // never a -f or default one.
  if (in.fd < 0 && in.err == ENOENT && (flags & kRmIncluded) && !name.empty() && name[0] != '/') {
    for (const std::string& dir : include_search_path_) {
      std::string cand = dir + "/" + name;
      OpenedMakefile in2(cand);
      NoteMakefileOpened(cand, in2.fd, in2.err);
      if (in2.fd >= 0) {
        path = cand;
        in.Swap(in2);
        searched = true;
        break;
      }
    }
  }
  // A directory found along the include path opens like a file and fails at its first read:
  // fatal, even for -include, under the name as written (GNU's floc).
  struct stat found_st;
  if (searched && fstat(in.fd, &found_st) == 0 && S_ISDIR(found_st.st_mode)) {
    Fatal(nullptr, name + ": " + strerror(EISDIR));
  }
  // Like GNU make, the name in MAKEFILE_LIST (and of the file entry) is the file entry's
  // (with any leading "./" removed), the one found along the include path if it was searched.
  File* deps_file = EnterFile(path);
  deps_file->mentioned = true;
  path = deps_file->name;
  // The lines read are located by the name as given, though: GNU make's eval_makefile sets
  // its floc to "the original file name" before it searches (-I d: `inc.mk:3: ...`).
  std::string loc_name = searched ? name : path;
  read_makefiles_.push_back(ReadMakefile{path, flags, in.fd < 0 ? in.err : 0});
  if (in.fd < 0) {
    // GNU make's eval_makefile: a makefile it cannot read does not exist (-p shows it).
    if (deps_file->last_mtime == kUnknownTime) deps_file->last_mtime = kNonexistentTime;
    *err = in.err ? in.err : ENOENT;
    return false;
  }
  // Add it to MAKEFILE_LIST.
  Variable* ml = Lookup("MAKEFILE_LIST");
  std::string list = ml ? ml->value : "";
  if (!list.empty()) list.push_back(' ');
  list += path;
  const std::string* fname = InternFileName(loc_name);
  Loc first_line{fname, 1};  // GNU make defines it at the makefile's line 1 (-p shows it)
  DefineGlobal("MAKEFILE_LIST", list, Origin::kFile, false, &first_line);
  // The parse cache (parser/parsed_makefile.h) knows the file by the identity of what was
  // opened; without a kept parse, the file is read and parsed here.
  std::shared_ptr<const ParsedMakefile> parsed;
  struct stat before;
  bool have_stat = fstat(in.fd, &before) == 0;
  if (parses_ != nullptr && have_stat) parsed = parses_->Find(before);
  if (parsed == nullptr) {
    int64_t started = RealtimeNs();
    // Read straight into one string sized from the file (a .cmd file of a few hundred KB
    // is neither copied through a buffer nor regrown), from the descriptor's offset on.
    std::string text;
    ReadToEnd(in.fd, &text,
              have_stat && S_ISREG(before.st_mode) ? static_cast<size_t>(before.st_size) : 0);
    parsed = ParseMakefile(std::move(text));
    struct stat after;
    if (parses_ != nullptr && have_stat && fstat(in.fd, &after) == 0)
      parses_->Offer(before, after, started, parsed);
  }
  Reader r(this, parsed.get(), fname, (flags & kRmNoDefaultGoal) == 0);
  r.Run();
  return true;
}

}  // namespace kbmake

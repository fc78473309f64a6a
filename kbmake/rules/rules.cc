// The rule database: entering targets and rules, parsing prerequisite lists, special targets,
// built-in rules and variables, and converting suffix rules to pattern rules.
#include <glob.h>

#include <algorithm>
#include <cstring>
#include <iterator>

#include "kbmake/base/archive.h"
#include "kbmake/base/gnu_hash_table.h"
#include "kbmake/base/strutil.h"
#include "kbmake/make.h"

namespace kbmake {
namespace {
#include "kbmake/rules/defaults_data.inc"

}  // namespace

File* Make::LookupFile(std::string_view name) {
  // GNU make strips leading "./" from file names.
  while (name.size() > 2 && name[0] == '.' && name[1] == '/') {
    name.remove_prefix(2);
    while (!name.empty() && name[0] == '/') name.remove_prefix(1);
  }
  auto it = files_.find(AV(name));
  return it == files_.end() ? nullptr : it->second.get();
}

File* Make::EnterFile(std::string_view name) {
  if (File* f = LookupFile(name)) return f;
  return EnterDoubleColon(name);
}

File* Make::EnterDoubleColon(std::string_view name) {
  while (name.size() > 2 && name[0] == '.' && name[1] == '/') {
    name.remove_prefix(2);
    while (!name.empty() && name[0] == '/') name.remove_prefix(1);
  }
  auto it = files_.find(AV(name));
  if (it != files_.end()) {
    File* f = it->second.get();
    if (f->double_colon == nullptr) return f;
    // A new entry in a double-colon chain.
    auto nf = std::make_unique<File>();
    nf->name = f->name;
    nf->double_colon = f;
    nf->last_mtime = f->last_mtime;
    nf->mtime_before_update = f->mtime_before_update;
    File* raw = nf.get();
    File* tail = f->last ? f->last : f;
    tail->prev = raw;
    f->last = raw;
    extra_files_.push_back(std::move(nf));
    return raw;
  }
  auto nf = std::make_unique<File>();
  nf->name = std::string(name);
  File* raw = nf.get();
  files_.emplace(raw->name, std::move(nf));
  file_order_.push_back(raw);
  return raw;
}

std::vector<File*> Make::FilesInGnuOrder() const {
  // GNU make 4.3's file table: hash_init(&files, FILE_BUCKETS = 1007, ...), keyed by
  // jhash_string of the name, filled in the order the names were entered. The key is the
  // name the file was entered under (GNU's hname), which a VPATH search may have replaced
  // in File::name since; the map keeps it.
  absl::flat_hash_map<const File*, std::string_view> keys;
  keys.reserve(files_.size());
  for (const auto& [key, f] : files_) keys.emplace(f.get(), key);
  GnuHashTable<File*> table(1007);
  // The hash of each file's current key, for the rehashes.
  absl::flat_hash_map<const File*, uint32_t> hashes;
  size_t r = 0;
  auto rehash_upto = [&](size_t entered) {
    for (; r < file_rehashes_.size() && file_rehashes_[r].entered <= entered; ++r) {
      const FileRehash& fr = file_rehashes_[r];
      auto it = hashes.find(fr.file);
      if (fr.merged) {  // merged into another entry: it leaves the table
        if (it != hashes.end()) {
          table.Delete(it->second, fr.file);
          hashes.erase(it);
        }
        continue;
      }
      uint32_t h = GnuJhashString(fr.name);
      if (it == hashes.end() || it->second == h) continue;
      table.Delete(it->second, fr.file);
      table.Insert(h, fr.file);
      it->second = h;
    }
  };
  for (size_t i = 0; i < file_order_.size(); ++i) {
    rehash_upto(i);
    File* f = file_order_[i];
    uint32_t h = GnuJhashString(keys.at(f));
    table.Insert(h, f);
    hashes[f] = h;
  }
  rehash_upto(file_order_.size());
  return table.Items();
}

void Make::NoteFileRehash(File* f, const std::string& name) {
  if (f->double_colon != nullptr && f->double_colon != f) f = f->double_colon;
  file_rehashes_.push_back(FileRehash{file_order_.size(), f, name});
}

std::vector<std::string> Make::Glob(std::string_view pattern) {
  return dir_cache_.Glob(ExpandTilde(std::string(pattern)));
}

namespace {
// The characters of a name in ParseFileSeq: kStop ends a run of ordinary characters (the
// blanks, the backslash and, where an order-only part may start ([1]), '|'); kSpecial is part
// of the name but may make it more than a plain name (an archive member's parentheses, a
// tilde, a glob character).
enum : uint8_t { kOrdinary = 0, kStop = 1, kSpecial = 2 };
struct WordStops {
  uint8_t stop[2][256];
  constexpr WordStops() : stop{} {
    for (int k = 0; k < 2; ++k) {
      for (unsigned char c : {' ', '\t', '\\'}) stop[k][c] = kStop;
      for (unsigned char c : {'(', ')', '~', '*', '?', '['}) stop[k][c] = kSpecial;
    }
    stop[1][static_cast<unsigned char>('|')] = kStop;
  }
};
constexpr WordStops kWordStops;
}  // namespace

std::vector<std::string> Make::ParseFileSeq(std::string_view text, bool do_glob,
                                            bool* order_only_split,
                                            std::vector<std::string>* order_only, bool noar) {
  std::vector<std::string> out;
  std::vector<std::string>* dest = &out;
  // '|' ends a name only before the order-only part starts (GNU's split_prereqs parses the
  // rest as a simple sequence, where '|' is an ordinary character).
  bool pipe_stops = order_only != nullptr;
  const uint8_t* stops = kWordStops.stop[pipe_stops];
  // Inside "lib(a b c)": the "lib(" that each member name gets.
  std::string ar_prefix;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i >= text.size()) break;
    if (pipe_stops && text[i] == '|') {
      dest = order_only;
      pipe_stops = false;
      stops = kWordStops.stop[0];
      if (order_only_split) *order_only_split = true;
      ++i;
      continue;
    }
    // As GNU make 4.3's parse_file_seq: spaces of any kind (newline, \r, \v, \f) before a
    // name are skipped, but only a blank ends one; the others are part of the name.
    std::string word;
    bool plain = true;  // no kSpecial character
    while (i < text.size() && !IsBlank(text[i])) {
      // A run of ordinary characters is appended at once.
      size_t run = i;
      for (; run < text.size(); ++run) {
        const uint8_t t = stops[static_cast<unsigned char>(text[run])];
        if (t == kStop) break;
        if (t == kSpecial) plain = false;
      }
      word.append(text.data() + i, run - i);
      i = run;
      if (i >= text.size() || IsBlank(text[i])) break;
      if (pipe_stops && text[i] == '|') break;
      // Backslashes. As GNU make's find_map_unquote: a run of n of them before a character
      // that would end the name (a blank, '|' in a prerequisite list, the end) becomes n/2
      // backslashes, and quotes that character if n is odd ("a\ b" is one name, "a\\ b"
      // two, the first "a\"). Elsewhere backslashes are ordinary characters.
      size_t n = 0;
      while (i + n < text.size() && text[i + n] == '\\') ++n;
      const size_t after = i + n;
      const bool ends = after >= text.size() || IsBlank(text[after]) ||
                        (pipe_stops && text[after] == '|');
      if (!ends) {
        word.append(n, '\\');
        i = after;
        continue;
      }
      word.append(n / 2, '\\');
      i = after;
      if (n % 2 == 0 || after >= text.size()) break;  // an unquoted end (or the text's)
      word.push_back(text[i++]);                        // the quoted blank or '|'
    }
    // Leading "./" (and the slashes after it) are dropped, so that "./%.o" and "%.o" are the
    // same pattern; "./" alone stays.
    size_t strip = 0;
    while (word.size() - strip > 2 && word[strip] == '.' && word[strip + 1] == '/') {
      strip += 2;
      while (strip < word.size() && word[strip] == '/') ++strip;
    }
    if (strip > 0) word = strip == word.size() ? "./" : word.substr(strip);
    if (plain && ar_prefix.empty()) {
      // The common case: one plain name, which no step below would change.
      dest->push_back(std::move(word));
      continue;
    }
    if (!noar && !ArchiveGroupWord(text, i, pipe_stops, &ar_prefix, &word)) continue;
    word = ExpandTilde(std::move(word));
    if (!do_glob) {
      dest->push_back(std::move(word));
      continue;
    }
    std::string member;
    if (!noar && ArName(word)) {
      std::string archive;
      ArParseName(word, &archive, &member);
      word = std::move(archive);
    }
    const bool glob = HasGlobChars(word);
    if (!glob && member.empty()) {  // the common case: one plain name
      dest->push_back(std::move(word));
      continue;
    }
    std::vector<std::string> names;
    if (glob) names = Glob(word);
    if (names.empty()) names.push_back(std::move(word));
    for (std::string& n : names) {
      if (member.empty()) {
        dest->push_back(std::move(n));
        continue;
      }
      // A member pattern is matched against the archive's members.
      std::vector<std::string> found = ArGlob(n, member);
      if (found.empty()) {
        dest->push_back(n + "(" + member + ")");
      } else {
        for (std::string& f : found) dest->push_back(std::move(f));
      }
    }
  }
  return out;
}

std::vector<Dep> Make::SplitPrereqs(std::string_view text, std::string_view stem) {
  std::vector<std::string> oo;
  bool split = false;
  std::vector<std::string> normal = ParseFileSeq(text, true, &split, &oo);
  std::vector<Dep> deps;
  deps.reserve(normal.size() + oo.size());
  auto add = [&](std::string name, bool order_only) {
    if (!stem.empty() || stem.data() != nullptr) {
      std::string pat = name;
      if (FindPercentInPlace(&pat) != std::string::npos) {
        Pattern p = Pattern::Parse(name);
        std::string n;
        p.Apply(stem, &n);
        name = std::move(n);
        // GNU make's enter_prereqs: a prerequisite that became empty is dropped.
        if (name.empty()) return;
      }
    }
    deps.emplace_back(std::move(name)).order_only = order_only;
  };
  for (auto& n : normal) add(std::move(n), false);
  for (auto& n : oo) add(std::move(n), true);
  return deps;
}

std::shared_ptr<Commands> Make::MakeCommands(const std::string& text, const Loc& loc,
                                              char prefix) {
  auto c = std::make_shared<Commands>();
  c->loc = loc;
  c->text = text;
  c->recipe_prefix = prefix;
  // Chop into lines at newlines that are not escaped by a backslash.
  std::string_view t = text;
  if (!t.empty() && t.back() == '\n') t.remove_suffix(1);
  size_t start = 0;
  for (size_t i = 0; i <= t.size(); ++i) {
    if (i == t.size() || (t[i] == '\n' && !(i > start && t[i - 1] == '\\' && [&] {
                            size_t n = 0;
                            while (i - n > start && t[i - n - 1] == '\\') ++n;
                            return n % 2 == 1;
                          }()))) {
      c->lines.emplace_back(t.substr(start, i - start));
      start = i + 1;
    }
  }
  if (text.empty()) c->lines.clear();
  for (const std::string& l : c->lines) {
    bool recurse = false, silent = false, noerror = false;
    size_t p = 0;
    while (p < l.size() && (IsBlank(l[p]) || l[p] == '@' || l[p] == '-' || l[p] == '+')) {
      if (l[p] == '+') recurse = true;
      if (l[p] == '@') silent = true;
      if (l[p] == '-') noerror = true;
      ++p;
    }
    c->silent.push_back(silent);
    c->noerror.push_back(noerror);
    if (l.find("$(MAKE)") != std::string::npos || l.find("${MAKE}") != std::string::npos) {
      recurse = true;
    }
    c->recurse.push_back(recurse);
    c->any_recurse |= recurse;
  }
  c->oneshell_recurse = (!c->recurse.empty() && c->recurse[0]) ||
                        text.find("$(MAKE)") != std::string::npos ||
                        text.find("${MAKE}") != std::string::npos;
  return c;
}

void Make::RecordRule(const std::vector<std::string>& targets, const std::string* pattern,
                      const std::string& depstr, const std::string* commands,
                      long cmds_started, bool two_colon, bool grouped, char prefix,
                      const Loc& loc) {
  if (!reading_makefiles_) Fatal(&loc, "prerequisites cannot be defined in recipes");
  std::string first = targets[0];
  bool implicit = FindPercentInPlace(&first) != std::string::npos;
  std::shared_ptr<Commands> cmds;
  if (commands) {
    Loc cl = loc;
    cl.line = cmds_started;
    cmds = MakeCommands(*commands, cl, prefix);
  }
  std::string deptext;
  bool two_expand = false;
  if (!depstr.empty()) {
    std::string s;
    s.reserve(depstr.size());
    // Quoted colons: GNU make's search for a static pattern's colon (find_map_unquote)
    // leaves n/2 of the n backslashes before each (n odd: one that was quoted).
    for (size_t i = 0; i < depstr.size();) {
      size_t n = 0;
      while (i + n < depstr.size() && depstr[i + n] == '\\') ++n;
      if (n == 0) {
        // The run up to the next backslash is copied at once (a Linux .cmd file's list of
        // dependencies is one line of about 50 KB).
        size_t next = depstr.find('\\', i);
        if (next == std::string::npos) next = depstr.size();
        s.append(depstr, i, next - i);
        i = next;
      } else if (i + n < depstr.size() && depstr[i + n] == ':') {
        s.append(n / 2, '\\');
        i += n;
      } else {
        s.append(n, '\\');
        i += n;
      }
    }
    deptext = std::move(s);
    two_expand = second_expansion_ && deptext.find('$') != std::string::npos;
  }
  if (implicit) {
    if (pattern) Fatal(&loc, "mixed implicit and static pattern rules");
    auto rule = std::make_unique<PatternRule>();
    for (const std::string& t : targets) {
      std::string tt = t;
      if (FindPercentInPlace(&tt) == std::string::npos) {
        Fatal(&loc, "mixed implicit and normal rules");
      }
      rule->targets.push_back(t);
    }
    if (two_expand) {
      Dep d;
      d.name = deptext;
      d.need_2nd_expansion = true;
      rule->deps.push_back(d);
    } else if (!deptext.empty()) {
      std::vector<std::string> oo;
      bool split = false;
      auto normal = ParseFileSeq(deptext, false, &split, &oo);
      for (auto& n : normal) rule->deps.push_back(Dep{n});
      for (auto& n : oo) {
        Dep d{n};
        d.order_only = true;
        rule->deps.push_back(d);
      }
    }
    rule->cmds = cmds;
    rule->terminal = two_colon;
    NewPatternRule(std::move(rule), true);
    return;
  }
  std::vector<Dep> deps;
  if (!deptext.empty() && !two_expand && !pattern) deps = SplitPrereqs(deptext, {});
  Pattern pat;
  if (pattern) pat = Pattern::Parse(*pattern);
  std::vector<File*> group;
  for (size_t ti = 0; ti < targets.size(); ++ti) {
    // GNU make's find_percent_cached: "\%" in a plain target's name is a plain '%'.
    std::string reduced;
    const std::string* namep = &targets[ti];
    if (namep->find('%') != std::string::npos) {
      reduced = *namep;
      FindPercentInPlace(&reduced);
      namep = &reduced;
    }
    const std::string& name = *namep;
    const bool dot = !name.empty() && name[0] == '.';  // only the special targets below
    if (dot && name == ".POSIX" && !posix_) {
      posix_ = true;
      DefineGlobal(".SHELLFLAGS", "-ec", Origin::kDefault, false);
      DefineGlobal("ARFLAGS", "-rvU", Origin::kDefault, false);
      DefineGlobal("CC", "c99", Origin::kDefault, false);
      DefineGlobal("CFLAGS", "-O1", Origin::kDefault, false);
      DefineGlobal("FC", "fort77", Origin::kDefault, false);
      DefineGlobal("FFLAGS", "-O1", Origin::kDefault, false);
      DefineGlobal("SCCSGETFLAGS", "-s", Origin::kDefault, false);
    } else if (dot && name == ".SECONDEXPANSION") {
      second_expansion_ = true;
    } else if (dot && name == ".ONESHELL") {
      one_shell_ = true;
    }
    std::vector<Dep> these;
    std::string_view stem;
    bool matched = true;
    if (pattern) {
      if (!pat.Matches(name, &stem)) {
        Error(&loc, "target '" + name + "' doesn't match the target pattern");
        matched = false;
      }
    }
    if (matched) {
      if (two_expand) {
        Dep d;
        d.name = deptext;
        d.need_2nd_expansion = true;
        d.staticpattern = pattern != nullptr;
        these.push_back(d);
      } else if (pattern) {
        if (!deptext.empty()) these = SplitPrereqs(deptext, stem);
      } else if (ti + 1 == targets.size()) {
        these = std::move(deps);  // the last target takes the list (often the only one)
      } else {
        these = deps;
      }
    }
    File* f;
    if (!two_colon) {
      f = EnterFile(name);
      f->builtin = false;  // GNU make's enter_file of a target: no longer built-in (-p)
      if (f->double_colon) {
        EnterDoubleColon(name);  // GNU's enter_file chains a new entry first (-p shows it)
        Fatal(&loc, "target file '" + f->name + "' has both : and :: entries");
      }
      if (cmds && f->cmds == cmds) {
        Error(&loc, "target '" + f->name + "' given more than once in the same rule");
      } else if (cmds && f->cmds && f->is_target) {
        Error(&cmds->loc, "warning: overriding recipe for target '" + f->name + "'");
        Error(&f->cmds->loc, "warning: ignoring old recipe for target '" + f->name + "'");
      }
      if (f == default_file_ && these.empty() && !cmds) f->cmds = nullptr;
      if (cmds) f->cmds = cmds;
      if (f == suffix_file_ && these.empty()) f->deps.clear();
    } else {
      f = LookupFile(name);
      if (f && f->is_target && !f->double_colon) {
        Fatal(&loc, "target file '" + f->name + "' has both : and :: entries");
      }
      f = EnterDoubleColon(name);
      if (f->double_colon == nullptr) f->double_colon = f;
      f->cmds = cmds;
    }
    f->is_target = true;
    f->is_explicit = true;
    f->builtin_deps = false;  // a makefile rule for .SUFFIXES makes its list the user's
    // GNU make: the stem is the target patsubst'ed by the pattern, so the whole name for a
    // target the pattern does not match ($* and -p show it).
    if (pattern) f->stem = matched ? std::string(stem) : name;
    if (pattern && matched && two_expand) {
      auto shared_stem = std::make_shared<const std::string>(stem);
      for (Dep& d : these) {
        d.staticpattern = true;
        d.stem = shared_stem;
      }
      f->stem = std::string(stem);
    }
    for (Dep& d : these) {
      if (!d.need_2nd_expansion) {
        d.file = EnterFile(d.name);
        d.file->mentioned = true;
      }
    }
    if (!these.empty()) {
      if (f->deps.empty()) {
        f->deps = std::move(these);
      } else if (cmds) {
        these.insert(these.end(), std::make_move_iterator(f->deps.begin()),
                     std::make_move_iterator(f->deps.end()));
        f->deps = std::move(these);
      } else {
        f->deps.insert(f->deps.end(), std::make_move_iterator(these.begin()),
                       std::make_move_iterator(these.end()));
      }
    }
    if (grouped) group.push_back(f);
    // GNU make 4.3 (record_files): a rule whose first target is a plain name treats a later
    // pattern as a plain name too, with an error for each, when it moves on to it.
    if (ti + 1 < targets.size() && targets[ti + 1].find('%') != std::string::npos) {
      std::string next = targets[ti + 1];
      if (FindPercentInPlace(&next) != std::string::npos) {
        Error(&loc, "*** mixed implicit and normal rules: deprecated syntax");
      }
    }
  }
  if (grouped) {
    if (!cmds) Fatal(&loc, "grouped targets must provide a recipe");
    for (File* f : group) {
      f->grouped = true;
      f->group = group;
      for (File* o : group)
        if (o != f && std::find(f->also_make.begin(), f->also_make.end(), o) ==
                          f->also_make.end())
          f->also_make.push_back(o);
    }
  }
}

bool Make::IsSuffixRuleName(const std::string& name) {
  if (suffix_file_ == nullptr || name.empty() || name[0] != '.') return false;
  for (const Dep& d : suffix_file_->deps) {
    if (name == d.name) return true;
    if (name.compare(0, d.name.size(), d.name) == 0) {
      std::string rest = name.substr(d.name.size());
      for (const Dep& d2 : suffix_file_->deps)
        if (rest == d2.name) return true;
    }
  }
  return false;
}

bool Make::NewPatternRule(std::unique_ptr<PatternRule> rule, bool override_rule) {
  for (auto it = pattern_rules_.begin(); it != pattern_rules_.end(); ++it) {
    PatternRule* r = it->get();
    bool same_targets = false;
    for (const std::string& t : rule->targets) {
      size_t j = 0;
      for (; j < r->targets.size(); ++j)
        if (t != r->targets[j]) break;
      if (j == r->targets.size()) {
        same_targets = true;
        break;
      }
    }
    if (!same_targets) continue;
    bool same_deps = rule->deps.size() == r->deps.size();
    for (size_t k = 0; same_deps && k < r->deps.size(); ++k)
      if (rule->deps[k].name != r->deps[k].name) same_deps = false;
    if (!same_deps) continue;
    if (!override_rule) return false;
    pattern_rules_.erase(it);
    break;
  }
  pattern_rules_.push_back(std::move(rule));
  return true;
}

void Make::DefineDefaultVariables() {
  if (opts_.no_builtin_vars) return;
  for (const DefaultVar& v : kDefaultVars) {
    // SUFFIXES is not one of GNU make's default_variables: InstallDefaultSuffixRules
    // defines it, as GNU's set_default_suffixes.
    if (std::string_view(v.name) == "SUFFIXES") continue;
    DefineGlobal(v.name, v.value, Origin::kDefault, v.recursive);
  }
}

void Make::UndefineDefaultVariables() {
  // -R removes GNU make's built-in variables (those of `make -p`'s default section) that still
  // have their default values' origin; MAKECMDGOALS, MAKE_VERSION and the like stay.
  for (const DefaultVar& d : kDefaultVars) {
    std::string_view n = d.name;
    if (n == "SUFFIXES") continue;  // not one of GNU make's default_variables
    Variable* v = global_.Lookup(n);
    if (v != nullptr && v->origin == Origin::kDefault) global_.Erase(std::string(n));
  }
}

void Make::InstallDefaultSuffixRules() {
  suffix_file_ = EnterFile(".SUFFIXES");
  suffix_file_->builtin = true;  // hidden from -p under -r, as in GNU make
  if (!opts_.no_builtin_rules) {
    suffix_file_->builtin_deps = true;
    for (auto w : SplitWords(kDefaultSuffixes)) {
      Dep d;
      d.name = std::string(w);
      d.file = EnterFile(w);
      d.file->builtin = true;  // as GNU make's set_default_suffixes (shown by -p)
      suffix_file_->deps.push_back(d);
    }
  }
  // -r (and -R, which implies it): SUFFIXES is still defined, empty.
  DefineGlobal("SUFFIXES", opts_.no_builtin_rules ? "" : std::string(kDefaultSuffixes),
               Origin::kDefault, false);
  if (!opts_.no_builtin_rules) {
    for (const DefaultRule& r : kDefaultSuffixRules) {
      File* f = EnterFile(r.target);
      f->cmds = MakeCommands(std::string(r.recipe) + "\n", Loc{}, '\t');
      f->builtin = true;
    }
  }
}

void Make::InstallDefaultRules() {
  if (opts_.no_builtin_rules) return;
  for (const DefaultRule& r : kDefaultPatternRules) {
    auto rule = std::make_unique<PatternRule>();
    rule->targets.push_back(r.target);
    for (auto w : SplitWords(r.deps)) rule->deps.push_back(Dep{std::string(w)});
    rule->cmds = MakeCommands(std::string(r.recipe) + "\n", Loc{}, '\t');
    rule->terminal = r.terminal;
    rule->builtin = true;
    NewPatternRule(std::move(rule), false);
  }
}

void Make::ConvertToPattern() {
  if (suffix_file_ == nullptr) return;
  auto convert = [&](const std::string& target, const std::string* source,
                     std::shared_ptr<Commands> cmds) {
    auto rule = std::make_unique<PatternRule>();
    rule->targets.push_back(target == "(%.o)" ? target : "%" + target);
    if (source) rule->deps.push_back(Dep{"%" + *source});
    rule->cmds = cmds;
    rule->suffix = (source ? *source : "") + (target == "(%.o)" ? ".a" : target);
    NewPatternRule(std::move(rule), false);
  };
  std::vector<std::string> suffixes;
  for (const Dep& d : suffix_file_->deps) suffixes.push_back(d.name);
  for (const std::string& s : suffixes) {
    convert(s, nullptr, nullptr);
    File* sf = LookupFile(s);
    if (sf && sf->cmds) convert("", &s, sf->cmds);
    for (const std::string& s2 : suffixes) {
      if (s == s2) continue;
      File* f = LookupFile(s + s2);
      if (f == nullptr || f->cmds == nullptr) continue;
      if (!f->deps.empty()) {
        // POSIX: not a suffix rule at all. Otherwise GNU make warns here, once for each
        // (possibly repeated) pair in the .SUFFIXES list, and converts it anyway.
        if (posix_) continue;
        Error(&f->cmds->loc, "warning: ignoring prerequisites on suffix rule definition");
      }
      // ".X.a:" also makes the archive-member rule "(%.o): %.X".
      if (s2 == ".a") convert("(%.o)", &s, f->cmds);
      convert(s2, &s, f->cmds);
    }
  }
}

void Make::ExpandDeps(File* f) {
  bool any = false;
  for (const Dep& d : f->deps)
    if (d.need_2nd_expansion) any = true;
  if (!any) return;
  std::string file_stem = f->stem;
  InitializeFileVariables(f, false);
  // Expand in place: while one entry is expanded, $^ and friends list every prerequisite
  // already known (entries still waiting for expansion are skipped), as in GNU make.
  for (size_t i = 0; i < f->deps.size();) {
    if (!f->deps[i].need_2nd_expansion) {
      ++i;
      continue;
    }
    Dep d = f->deps[i];
    std::string name = d.name;
    if (d.staticpattern) {
      std::string n;
      for (char c : name) {
        if (c == '%') {
          n += "$*";
        } else {
          n.push_back(c);
        }
      }
      name = n;
    }
    // GNU make's expand_deps: $* is the stem of the static pattern rule this entry came
    // from while it is expanded.
    if (d.stem != nullptr) f->stem = *d.stem;
    SetFileVariables(f);
    std::string e = ExpandForFile(name, f);
    if (d.stem != nullptr) f->stem = file_stem;
    std::vector<Dep> nds = SplitPrereqs(e, {});
    for (Dep& nd : nds) {
      nd.file = EnterFile(nd.name);
      nd.file->mentioned = true;
    }
    f->deps.erase(f->deps.begin() + i);
    f->deps.insert(f->deps.begin() + i, nds.begin(), nds.end());
    i += nds.size();
  }
  // GNU make's expand_deps keeps the stem set_file_variables computed (-p shows it, even
  // when empty); a static pattern's stem was already there.
  if (!file_stem.empty()) f->stem = file_stem;
}

std::vector<Dep> Make::ExpandExtraPrereqs(const Variable* v) {
  // GNU make's expand_extra_prereqs: the value is expanded (whatever the flavor) in the
  // current (global) context, then split into prerequisites that no automatic variable shows.
  std::vector<Dep> deps;
  if (v == nullptr) return deps;
  deps = SplitPrereqs(Expand(v->value), {});
  for (Dep& d : deps) {
    d.extra = true;
    d.file = EnterFile(d.name);
  }
  return deps;
}

void Make::AddExtraPrereqs() {
  // GNU make 4.3's snap_file, for each file in its table (the head of a :: chain only): a
  // file with variables of its own takes only its own .EXTRA_PREREQS (not the global one,
  // even if it has none); any other target takes the global list. If the list names the
  // file itself, none of it is added.
  std::vector<Dep> global = ExpandExtraPrereqs(global_.Lookup(".EXTRA_PREREQS"));
  // Nothing to add (and no expansion to run) in most builds: skip the walk in GNU's order.
  bool any = !global.empty();
  for (size_t i = 0; !any && i < file_order_.size(); ++i)
    any = file_order_[i]->vars && file_order_[i]->vars->Lookup(".EXTRA_PREREQS");
  if (!any) return;
  for (File* f : FilesInGnuOrder()) {
    std::vector<Dep> deps;
    if (f->vars) {
      deps = ExpandExtraPrereqs(f->vars->Lookup(".EXTRA_PREREQS"));
    } else if (f->is_target) {
      deps = global;
    }
    bool circular = false;
    for (const Dep& d : deps) circular |= d.file->name == f->name;
    if (!circular) f->deps.insert(f->deps.end(), deps.begin(), deps.end());
  }
}

void Make::AddExtraPrereqsToPatternRules() {
  // GNU make 4.3's snap_implicit_rules: the global list is expanded again and appended to
  // every pattern rule, so a rule that had neither prerequisites nor a recipe now has
  // prerequisites (and is skipped by the search as a rule without a recipe).
  std::vector<Dep> global = ExpandExtraPrereqs(global_.Lookup(".EXTRA_PREREQS"));
  if (global.empty()) return;
  for (auto& r : pattern_rules_) r->deps.insert(r->deps.end(), global.begin(), global.end());
}

void Make::SnapDeps() {
  if (second_expansion_) {
    if (File* s = LookupFile(".SUFFIXES")) ExpandDeps(s);
    // GNU make 4.3 walks a snapshot of its file table (hash_dump), in slot order.
    for (File* f : FilesInGnuOrder()) {
      if (f->name == ".SUFFIXES") continue;
      for (File* g = f; g; g = g->prev) ExpandDeps(g);
    }
  }
  for (File* f : file_order_) {
    for (File* g = f; g; g = g->prev)
      for (Dep& d : g->deps)
        if (!d.file) d.file = EnterFile(d.name);
  }
  auto each_dep = [&](const char* name, auto fn) {
    File* f = LookupFile(name);
    for (; f; f = f->prev)
      for (Dep& d : f->deps)
        for (File* f2 = d.file; f2; f2 = f2->prev) fn(f2);
  };
  each_dep(".PRECIOUS", [](File* f) { f->precious = true; });
  each_dep(".LOW_RESOLUTION_TIME", [](File* f) { f->low_resolution_time = true; });
  each_dep(".PHONY", [](File* f) {
    f->phony = true;
    f->is_target = true;
    f->last_mtime = kNonexistentTime;
    f->mtime_before_update = kNonexistentTime;
  });
  each_dep(".INTERMEDIATE", [](File* f) { f->intermediate = true; });
  if (File* f = LookupFile(".SECONDARY")) {
    if (!f->deps.empty()) {
      each_dep(".SECONDARY", [](File* g) { g->intermediate = g->secondary = true; });
    } else {
      all_secondary_ = true;
      for (File* g : file_order_) g->intermediate = true;
    }
  }
  if (File* f = LookupFile(".EXPORT_ALL_VARIABLES"); f && f->is_target) export_all_ = true;
  if (File* f = LookupFile(".IGNORE"); f && f->is_target) {
    if (f->deps.empty()) {
      opts_.ignore_errors = true;
    } else {
      each_dep(".IGNORE", [](File* g) { g->command_flags |= 2; });
    }
  }
  if (File* f = LookupFile(".SILENT"); f && f->is_target) {
    if (f->deps.empty()) {
      // Like -s, but GNU make 4.3 does not pass it on in MAKEFLAGS.
      if (!opts_.silent) silent_from_special_ = true;
      opts_.silent = true;
    } else {
      each_dep(".SILENT", [](File* g) { g->command_flags |= 1; });
    }
  }
  if (File* f = LookupFile(".NOTPARALLEL"); f && f->is_target) not_parallel_ = true;
  if (File* f = LookupFile(".DELETE_ON_ERROR"); f && f->is_target) delete_on_error_ = true;
  // Last, as GNU make's snap_file: the special targets above have their own prerequisites
  // only (.PHONY's extra prerequisites do not become phony).
  AddExtraPrereqs();
}

}  // namespace kbmake

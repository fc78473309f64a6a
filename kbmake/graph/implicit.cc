// Implicit rule search (GNU make's pattern_search), vpath search and file timestamps.
#include <sys/stat.h>

#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/match.h"
#include "kbmake/base/archive.h"
#include "kbmake/base/strutil.h"
#include "kbmake/make.h"

namespace kbmake {
namespace {

struct TryRule {
  PatternRule* rule;
  size_t matches;  // index of the matching target pattern
  size_t stemlen;
  size_t order;
  bool checked_lastslash;
};

struct FoundDep {
  std::string name;
  std::unique_ptr<File> intermediate;  // set if made by a recursive search
  bool order_only = false;
  bool extra = false;   // from .EXTRA_PREREQS
  std::string pattern;  // the rule's dependency pattern (for .PRECIOUS lookup)
};


}  // namespace

namespace {
Timestamp StatTime(const struct stat& st) { return MakeTimestamp(st.st_mtim.tv_sec, st.st_mtim.tv_nsec); }
}  // namespace

Timestamp Make::NameMtime(const std::string& name) {
  struct stat st;
  Timestamp mtime = kNonexistentTime;
  if (StatName(name, &st) == 0) {
    mtime = StatTime(st);
  } else if (!opts_.check_symlinks) {
    return kNonexistentTime;
  }
  if (opts_.check_symlinks) {
    NotRememberable("followed symbolic links (-L)");
    // -L: the newest of the target and every link leading to it (a dangling link: the
    // links' own times, as in GNU make's name_mtime).
    std::string p = name;
    for (int i = 0; i < 40; ++i) {
      struct stat lst;
      if (lstat(p.c_str(), &lst) != 0 || !S_ISLNK(lst.st_mode)) break;
      mtime = std::max(mtime, StatTime(lst));
      char buf[4096];
      ssize_t n = readlink(p.c_str(), buf, sizeof buf - 1);
      if (n <= 0) break;
      buf[n] = 0;
      std::string target(buf);
      if (target[0] != '/') {
        size_t slash = p.rfind('/');
        if (slash != std::string::npos) target = p.substr(0, slash + 1) + target;
      }
      p = target;
    }
  }
  return mtime;
}

std::string Make::LibrarySearch(const std::string& lib, Timestamp* mtime) {
  // GNU make's library_search: for each .LIBPATTERNS element, the name in the current
  // directory ends the search; otherwise the "earliest" find wins, as a linker would choose:
  // the lowest vpath directive, then directory, and the standard directories after all
  // vpath finds.
  // "/lib", "/usr/lib" and LIBDIR, as Debian configures GNU make 4.3 for x86_64.
  static const char* const kStdDirs[] = {"/lib", "/usr/lib", "/usr/lib/x86_64-linux-gnu"};
  constexpr unsigned kStdFirst = ~0u - static_cast<unsigned>(std::size(kStdDirs));
  std::string name = lib.substr(2);
  std::string pats = Expand("$(.LIBPATTERNS)");
  std::string best;
  unsigned best_vpath = 0, best_path = 0;
  for (auto w : SplitWords(pats)) {
    Pattern p = Pattern::Parse(w);
    if (!p.has_percent) {
      Error(nullptr, ".LIBPATTERNS element '" + std::string(w) + "' is not a pattern");
      continue;
    }
    std::string libname;
    p.Apply(name, &libname);
    Timestamp m = NameMtime(libname);
    if (m != kNonexistentTime) {
      *mtime = m;
      return libname;
    }
    Timestamp vm = kUnknownTime;
    unsigned vpath_index = 0, path_index = 0;
    std::string f = VpathSearch(libname, &vm, &vpath_index, &path_index);
    if (!f.empty() && (best.empty() || vpath_index < best_vpath ||
                       (vpath_index == best_vpath && path_index < best_path))) {
      best = f;
      best_vpath = vpath_index;
      best_path = path_index;
      *mtime = vm;
    }
    unsigned std_index = kStdFirst;
    for (const char* dir : kStdDirs) {
      std::string cand = std::string(dir) + "/" + libname;
      Timestamp dm = NameMtime(cand);
      if (dm != kNonexistentTime && (best.empty() || std_index < best_vpath)) {
        best = cand;
        best_vpath = std_index;
        *mtime = dm;
      }
      ++std_index;
    }
  }
  return best;
}

bool Make::FileExists(const std::string& name) {
  if (ArName(name)) return ArchiveMemberDate(name) != static_cast<time_t>(-1);
  return dir_cache_.Exists(name);
}

time_t Make::ArchiveMemberDate(const std::string& name) {
  NotRememberable("read an archive");
  std::string archive, member;
  ArParseName(name, &archive, &member);
  // As GNU make's ar_member_date: learn the archive's own time first (commands about to remake
  // the member will change it), entering it only if it exists.
  File* arfile = LookupFile(archive);
  if (arfile == nullptr && dir_cache_.Exists(archive)) arfile = EnterFile(archive);
  if (arfile != nullptr) FileMtime(arfile, false, /*cached=*/false);
  return ArMemberDate(archive, member);
}

Timestamp Make::FileMtime(File* file, bool search, bool cached) {
  if (cached && file->last_mtime != kUnknownTime) return file->last_mtime;
  Timestamp mtime;
  const bool member = ArName(file->name);
  if (member) {
    // An archive member's time is its date inside the archive (whole seconds).
    std::string archive, member;
    ArParseName(file->name, &archive, &member);
    File* arfile = LookupFile(archive);
    if (arfile == nullptr) arfile = EnterFile(archive);
    Timestamp armtime = FileMtime(arfile, search, /*cached=*/false);
    arfile = CheckRenamed(arfile);
    if (search && arfile->hn() != archive) {
      // The archive was found through VPATH: so is the member.
      file->hname = arfile->hn() + "(" + member + ")";
      NoteFileRehash(file, file->hname);
      archive = arfile->hn();
    }
    file->low_resolution_time = true;
    // GNU make's f_mtime returns at once when the archive does not exist: nothing is
    // stored, the member's time stays unknown (and a failed recipe's "may be bogus" check
    // compares against that).
    if (armtime == kNonexistentTime) return kNonexistentTime;
    time_t date = ArMemberDate(archive, member);
    mtime = date == static_cast<time_t>(-1) ? kNonexistentTime : MakeTimestamp(date);
  } else {
    mtime = NameMtime(file->name);
  }
  if (mtime == kNonexistentTime && search && !file->ignore_vpath && !member) {
    Timestamp vm = kUnknownTime;
    std::string found = VpathSearch(file->name, &vm);
    if (found.empty() && file->name.size() > 2 && file->name[0] == '-' &&
        file->name[1] == 'l') {
      found = LibrarySearch(file->name, &vm);
    }
    if (!found.empty()) {
      file->builtin = false;
      // GNU's table is keyed by the exact name ("./x" is not "x" there, unlike lookup_file).
      File* other = absl::StartsWith(found, "./") ? nullptr : LookupFile(found);
      if (other != nullptr) other = CheckRenamed(other);
      if (other != nullptr && other != file && InFileTable(other)) {
        // GNU make's rehash_file: an entry of the found name exists; this one is merged
        // into it and is that entry from now on (callers follow CheckRenamed).
        MergeRenamedFile(file, other, found);
        file = other;
      } else {
        file->hname = found;
        NoteFileRehash(file, found);
      }
      mtime = vm == kOldTime || vm == kNewTime ? vm : NameMtime(found);
      if (InGpath(found, file->name)) {
        // GNU's rename_file: the found name becomes the name too.
        for (File* f = file->double_colon ? file->double_colon : file; f; f = f->prev) {
          f->name = found;
        }
      }
    }
  }
  // GNU make's f_mtime: a file from the future is reported once, and the run ends with a
  // reminder (Make::ReadAndBuild).
  if (!clock_skew_detected_ && mtime >= kFirstRealTime && mtime != kNewTime && !file->updated) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    const Timestamp now_ts = MakeTimestamp(now.tv_sec, now.tv_nsec);
    if (now_ts < mtime) {
      const double from_now = static_cast<double>(TimestampSeconds(mtime) - now.tv_sec) +
                              (TimestampNanos(mtime) - now.tv_nsec) / 1e9;
      char buf[100];
      if (from_now >= 99 && from_now <= static_cast<double>(ULONG_MAX)) {
        snprintf(buf, sizeof buf, "%lu", static_cast<unsigned long>(from_now));
      } else {
        snprintf(buf, sizeof buf, "%.2g", from_now);
      }
      Error(nullptr, "Warning: File '" + file->name + "' has modification time " + buf +
                         " s in the future");
      clock_skew_detected_ = true;
    }
  }
  File* f = file->double_colon ? file->double_colon : file;
  bool propagate = f->updated;
  for (; f; f = f->prev) {
    if (mtime != kNonexistentTime && f->command_state == CmdState::kNotStarted &&
        !f->tried_implicit && f->intermediate) {
      f->intermediate = false;
    }
    if (f->updated == propagate) f->last_mtime = mtime;
  }
  return mtime;
}

void Make::MergeRenamedFile(File* from, File* to, const std::string& to_hname) {
  // GNU make 4.3's rehash_file, when the new name is already in the file table.
  file_rehashes_.push_back(FileRehash{file_order_.size(),
                                      from->double_colon ? from->double_colon : from, to_hname,
                                      /*merged=*/true});
  for (File* f = from->double_colon ? from->double_colon : from; f; f = f->prev) {
    f->hname = to_hname;
  }
  if (from->cmds != nullptr) {
    if (to->cmds == nullptr) {
      to->cmds = from->cmds;
    } else if (from->cmds != to->cmds) {
      // Two recipes: the one of the rule naming this file wins, with a message.
      const Loc* at = &from->cmds->loc;
      if (to->cmds->loc.valid()) {
        Error(at, "Recipe was specified for file '" + from->name + "' at " +
                      *to->cmds->loc.file + ":" + std::to_string(to->cmds->loc.line) + ",");
      } else {
        Error(at, "Recipe for file '" + from->name + "' was found by implicit rule search,");
      }
      Error(at, "but '" + from->name + "' is now considered the same file as '" + to_hname +
                    "'.");
      Error(at, "Recipe for '" + to_hname + "' will be ignored in favor of the one for '" +
                    from->name + "'.");
    }
  }
  to->deps.insert(to->deps.end(), from->deps.begin(), from->deps.end());
  if (from->vars != nullptr && from->vars->size() > 0) {
    // merge_variable_sets: the other entry's own variables win.
    EnsureFileVarSet(to);
    from->vars->ForEach([&](const Variable& v) {
      bool created = false;
      Variable* nv = to->vars->Intern(v.name, &created);
      if (created) *nv = v;  // the name is the same text: the set's key (a view of it) holds
    });
  }
  if (to->double_colon != nullptr && from->is_target && from->double_colon == nullptr) {
    Fatal(nullptr, "can't rename single-colon '" + from->name + "' to double-colon '" +
                       to_hname + "'");
  }
  if (to->double_colon == nullptr && from->double_colon != nullptr) {
    if (to->is_target) {
      Fatal(nullptr, "can't rename double-colon '" + from->name + "' to single-colon '" +
                         to_hname + "'");
    }
    to->double_colon = from->double_colon;
  }
  // "Kludge so -W wins on a file that gets vpathized."
  if (from->last_mtime > to->last_mtime) to->last_mtime = from->last_mtime;
  to->mtime_before_update = from->mtime_before_update;
  to->precious |= from->precious;
  to->tried_implicit |= from->tried_implicit;
  to->updating |= from->updating;
  to->updated |= from->updated;
  to->is_target |= from->is_target;
  to->cmd_target |= from->cmd_target;
  to->phony |= from->phony;
  to->loaded |= from->loaded;
  to->ignore_vpath |= from->ignore_vpath;
  to->builtin = false;
  from->renamed = to;
}

bool Make::InGpath(const std::string& found, const std::string& name) {
  Variable* v = Lookup("GPATH");
  if (v == nullptr) return false;
  std::string val = v->recursive ? Expand(v->value) : v->value;
  if (found.size() <= name.size() + 1) return false;
  std::string dir = found.substr(0, found.size() - name.size() - 1);
  std::string cur;
  for (size_t i = 0; i <= val.size(); ++i) {
    if (i == val.size() || val[i] == ':' || IsSpace(val[i])) {
      while (cur.size() > 1 && cur.back() == '/') cur.pop_back();
      if (!cur.empty() && cur == dir) return true;
      cur.clear();
    } else {
      cur.push_back(val[i]);
    }
  }
  return false;
}

void Make::SetVpath(std::string_view pattern, std::string_view dirs, bool have_pattern) {
  if (!have_pattern) {
    vpaths_.clear();
    return;
  }
  std::string pat(pattern);
  if (dirs.empty()) {
    vpaths_.erase(std::remove_if(vpaths_.begin(), vpaths_.end(),
                                 [&](const VpathEntry& e) { return e.pattern == pat; }),
                  vpaths_.end());
    return;
  }
  VpathEntry e;
  e.pattern = pat;
  std::string cur;
  auto flush = [&]() {
    while (cur.size() > 1 && cur.back() == '/') cur.pop_back();
    if (!cur.empty()) e.dirs.push_back(cur);
    cur.clear();
  };
  for (char c : dirs) {
    if (c == ':' || IsSpace(c)) {
      flush();
    } else {
      cur.push_back(c);
    }
  }
  flush();
  if (!e.dirs.empty()) vpaths_.push_back(std::move(e));
}

void Make::BuildVpathLists() {
  general_vpath_.clear();
  Variable* v = Lookup("VPATH");
  if (v == nullptr) return;
  std::string val = v->recursive ? Expand(v->value) : v->value;
  std::string cur;
  auto flush = [&]() {
    while (cur.size() > 1 && cur.back() == '/') cur.pop_back();
    if (!cur.empty()) general_vpath_.push_back(cur);
    cur.clear();
  };
  for (char c : val) {
    if (c == ':' || IsSpace(c)) {
      flush();
    } else {
      cur.push_back(c);
    }
  }
  flush();
}

std::string Make::VpathSearch(std::string_view file, Timestamp* mtime, unsigned* vpath_index,
                              unsigned* path_index) {
  if (file.empty() || file[0] == '/') return {};
  if (vpaths_.empty() && general_vpath_.empty()) return {};
  if (vpath_index != nullptr) *vpath_index = 0;
  // GNU's selective_vpath_search: a candidate the makefiles mention is found without looking
  // at the disk, if FILE is not a target itself or the candidate is one too.
  const File* self = LookupFile(file);
  const bool not_target = self == nullptr || !self->is_target;
  auto try_dirs = [&](const std::vector<std::string>& dirs) -> std::string {
    for (size_t i = 0; i < dirs.size(); ++i) {
      const std::string& d = dirs[i];
      if (path_index != nullptr) *path_index = static_cast<unsigned>(i);
      std::string cand = d + "/" + std::string(file);
      if (File* f = LookupFile(cand);
          f != nullptr && InFileTable(f) && (not_target || f->is_target)) {
        // Found with -o's or -W's time, else with a time the caller asks the disk for.
        if (mtime) {
          *mtime = f->last_mtime == kOldTime || f->last_mtime == kNewTime ? f->last_mtime
                                                                           : kUnknownTime;
        }
        return cand;
      }
      if (dir_cache_.Exists(cand)) {
        if (mtime) *mtime = NameMtime(cand);
        return cand;
      }
    }
    return {};
  };
  for (const VpathEntry& e : vpaths_) {
    Pattern p = Pattern::Parse(e.pattern);
    if (p.Matches(file, nullptr)) {
      std::string r = try_dirs(e.dirs);
      if (!r.empty()) return r;
    }
    if (vpath_index != nullptr) ++*vpath_index;
  }
  return try_dirs(general_vpath_);
}

namespace {

/// The next blank-separated word of `s`, where a $(...) or ${...} reference (with any blanks
/// inside it) belongs to the word (GNU make's get_next_word).
bool NextWordWithRefs(std::string_view s, size_t* pos, std::string_view* word) {
  size_t p = *pos;
  while (p < s.size() && IsSpace(s[p])) ++p;
  if (p >= s.size()) return false;
  size_t start = p;
  while (p < s.size() && !IsSpace(s[p])) {
    if (s[p] == '$' && p + 1 < s.size() && (s[p + 1] == '(' || s[p + 1] == '{')) {
      char open = s[p + 1], close = open == '(' ? ')' : '}';
      int count = 0;
      p += 2;
      for (; p < s.size(); ++p) {
        if (s[p] == open) {
          ++count;
        } else if (s[p] == close && --count < 0) {
          break;
        }
      }
      if (p < s.size()) ++p;
      continue;
    }
    if (s[p] == '$' && p + 1 < s.size()) {
      p += 2;
      continue;
    }
    ++p;
  }
  *word = s.substr(start, p - start);
  *pos = p;
  return true;
}

}  // namespace

bool Make::TryImplicitRule(File* file, int depth) {
  if (PatternSearch(file, false, depth, 0)) return true;
  // For "lib(member)" GNU make then searches rules for "(member)", e.g. the built-in
  // "(%): %".
  if (ArName(file->name) && PatternSearch(file, true, depth, 0)) return true;
  // GNU make leaves no stem after a failed search (-p shows none, even after a second
  // expansion computed an empty one).
  if (file->stem.empty()) file->stem_set = false;
  return false;
}

bool Make::PatternSearch(File* file, bool archive, int depth, int recursions) {
  const std::string filename = archive ? file->name.substr(file->name.find('(')) : file->name;
  // Archive-member names are not split into directory and file parts.
  size_t lastslash = archive || ArName(filename) || filename.empty()
                         ? std::string::npos
                         : std::string_view(filename).substr(0, filename.size() - 1).rfind('/');
  size_t pathlen = lastslash == std::string::npos ? 0 : lastslash + 1;
  std::vector<TryRule> tryrules;
  bool specific_rule_matched = false;
  for (auto& up : pattern_rules_) {
    PatternRule* r = up.get();
    if (!r->deps.empty() && r->cmds == nullptr) continue;
    if (r->in_use) continue;
    const auto& parsed = r->TargetPatterns();
    for (size_t ti = 0; ti < parsed.size(); ++ti) {
      const Pattern& tp = parsed[ti].pattern;
      if (recursions > 0 && tp.prefix.empty() && tp.suffix.empty() && !r->terminal) continue;
      bool check_lastslash = pathlen > 0 && !parsed[ti].has_slash;
      std::string_view subject = filename;
      if (check_lastslash) subject = std::string_view(filename).substr(pathlen);
      std::string_view stem;
      if (!tp.Matches(subject, &stem)) continue;
      if (!(tp.prefix.empty() && tp.suffix.empty())) specific_rule_matched = true;
      if (r->deps.empty() && r->cmds == nullptr) continue;
      tryrules.push_back(TryRule{r, ti, stem.size() + (check_lastslash ? pathlen : 0),
                                 tryrules.size(), check_lastslash});
    }
  }
  if (tryrules.empty()) return false;
  std::stable_sort(tryrules.begin(), tryrules.end(), [](const TryRule& a, const TryRule& b) {
    return a.stemlen < b.stemlen;
  });
  if (specific_rule_matched) {
    for (TryRule& t : tryrules) {
      if (t.rule->terminal) continue;
      for (const std::string& tg : t.rule->targets) {
        if (tg == "%") {
          t.rule = nullptr;
          break;
        }
      }
    }
  }
  PatternRule* rule = nullptr;
  TryRule* found = nullptr;
  std::string found_stem;
  std::vector<FoundDep> deplist;
  for (int intermed_ok = 0; intermed_ok < 2 && !rule; ++intermed_ok) {
    for (TryRule& tr : tryrules) {
      PatternRule* r = tr.rule;
      if (r == nullptr) continue;
      if (intermed_ok && r->terminal) continue;
      const Pattern& tp = r->TargetPatterns()[tr.matches].pattern;
      std::string_view subject = filename;
      if (tr.checked_lastslash) subject = std::string_view(filename).substr(pathlen);
      std::string_view stemv;
      tp.Matches(subject, &stemv);
      std::string stem(stemv);
      deplist.clear();
      if (r->deps.empty()) {
        rule = r;
        found = &tr;
        found_stem = stem;
        break;
      }
      std::string saved_stem = file->stem;
      // During the search $* is the full stem (directory included); $(*F) drops the directory.
      file->stem = tr.checked_lastslash ? filename.substr(0, pathlen) + stem : stem;
      r->in_use = true;
      bool failed = false;
      // Each prerequisite is checked as soon as it is known; with second expansion the
      // rule's text is expanded word by word, so a failing word stops the expansion of
      // later ones (as in GNU make, whose $(info) side effects show it).
      auto check = [&](const std::string& name, bool order_only, const std::string& pat,
                       bool extra = false) {
        if (FileImpossible(name)) return false;
        FoundDep fd;
        fd.name = name;
        fd.order_only = order_only;
        fd.extra = extra;
        fd.pattern = pat;
        File* f = LookupFile(name);
        // An .EXTRA_PREREQS file is in the file table, which is all GNU make asks of it.
        if ((f != nullptr && (f->is_target || f->mentioned || extra)) || FileExists(name)) {
          deplist.push_back(std::move(fd));
          return true;
        }
        // Found through VPATH: the prerequisite keeps its own name (GNU's pattern_search);
        // updating it finds the VPATH name again, and ignores it if it must be remade.
        if (!VpathSearch(name, nullptr).empty()) {
          deplist.push_back(std::move(fd));
          return true;
        }
        if (intermed_ok) {
          auto imf = std::make_unique<File>();
          imf->name = name;
          if (PatternSearch(imf.get(), false, depth + 1, recursions + 1)) {
            fd.intermediate = std::move(imf);
            deplist.push_back(std::move(fd));
            return true;
          }
          MarkImpossible(name);
        }
        return false;
      };
      std::string dir = tr.checked_lastslash ? filename.substr(0, pathlen) : std::string();
      bool vars_ready = false;
      for (const Dep& dep : r->deps) {
        if (!dep.need_2nd_expansion) {
          // GNU make's pattern_search takes the first '%' of the prerequisite as written
          // (lindex): a backslash before it is not a quote here and stays in the name.
          std::string depname;
          const std::string& pat = dep.name;
          size_t pc = pat.find('%');
          if (pc == std::string::npos) {
            depname = dep.name;
          } else {
            depname = dir + pat.substr(0, pc) + stem + pat.substr(pc + 1);
          }
          // The substituted name is one prerequisite even if the stem has blanks; a glob in
          // it names the files it matches (GNU's PARSE_FILE_SEQ with PARSEFS_ONEWORD), or
          // itself if it matches none.
          std::vector<std::string> names;
          if (HasGlobChars(depname)) names = Glob(depname);
          if (names.empty()) names.push_back(std::move(depname));
          for (const std::string& n : names) {
            if (!check(n, dep.order_only, dep.name, dep.extra)) {
              failed = true;
              break;
            }
          }
          if (failed) break;
          continue;
        }
        const std::string& text = dep.name;
        size_t pos = 0;
        bool order_only = false;
        std::string_view word;
        while (!failed && NextWordWithRefs(text, &pos, &word)) {
          if (!order_only && word == "|") {
            order_only = true;
            continue;
          }
          // % becomes $* (or $(*F)) so that a stem containing '$' is not expanded again.
          std::string depname;
          bool add_dir = false;
          size_t pc = word.find('%');
          if (pc == std::string_view::npos) {
            depname = std::string(word);
          } else {
            add_dir = tr.checked_lastslash;
            depname = std::string(word.substr(0, pc)) + (add_dir ? "$(*F)" : "$*") +
                      std::string(word.substr(pc + 1));
          }
          if (!vars_ready) {
            InitializeFileVariables(file, false);
            SetFileVariables(file);
            vars_ready = true;
          }
          std::string e = ExpandForFile(depname, file);
          std::vector<std::string> oo;
          bool split = false;
          std::vector<std::string> normal = ParseFileSeq(e, true, &split, &oo);
          for (auto& n : normal) {
            if (!check(add_dir ? dir + n : n, order_only, dep.name)) {
              failed = true;
              break;
            }
          }
          if (split) order_only = true;
          for (auto& n : oo) {
            if (failed) break;
            if (!check(add_dir ? dir + n : n, true, dep.name)) failed = true;
          }
        }
        if (failed) break;
      }
      r->in_use = false;
      file->stem = saved_stem;
      if (!failed) {
        rule = r;
        found = &tr;
        found_stem = stem;
        break;
      }
    }
  }
  if (rule == nullptr) return false;
  if (recursions > 0) file->name = rule->targets[found->matches];
  std::vector<Dep> newdeps;
  newdeps.reserve(deplist.size() + file->deps.size());
  for (FoundDep& fd : deplist) {
    if (fd.intermediate) {
      File* imf = fd.intermediate.get();
      File* f = LookupFile(fd.name);
      if (f != nullptr) {
        f->secondary = true;
      } else {
        f = EnterFile(fd.name);
      }
      f->deps = std::move(imf->deps);
      f->cmds = imf->cmds;
      f->graph_rule = imf->graph_rule;
      f->graph_rule_index = imf->graph_rule_index;
      f->stem = imf->stem;
      f->also_make = imf->also_make;
      f->is_target = true;
      f->intermediate = true;
      f->tried_implicit = true;
      if (File* pf = LookupFile(fd.pattern); pf && pf->precious) f->precious = true;
      for (Dep& d : f->deps) {
        if (!d.file) d.file = EnterFile(d.name);
        d.file->tried_implicit |= d.changed;
      }
    }
    Dep d;
    d.name = fd.name;
    d.order_only = fd.order_only;
    d.extra = fd.extra;
    if (recursions == 0) {
      d.file = EnterFile(fd.name);
      if (!fd.intermediate && rule->terminal) d.file->tried_implicit = true;
    } else if (!fd.intermediate && rule->terminal) {
      d.changed = true;
    }
    newdeps.push_back(std::move(d));
  }
  // The file's own prerequisites follow (moved: the list is replaced; an object of Linux has
  // hundreds from its .cmd file).
  newdeps.insert(newdeps.end(), std::make_move_iterator(file->deps.begin()),
                 std::make_move_iterator(file->deps.end()));
  file->deps = std::move(newdeps);
  std::string fullstem =
      found->checked_lastslash ? filename.substr(0, pathlen) + found_stem : found_stem;
  file->stem = fullstem;
  file->cmds = rule->cmds;
  file->graph_rule = rule;
  file->graph_rule_index = static_cast<int>(found->matches);
  file->is_target = true;
  if (File* pf = LookupFile(rule->targets[found->matches]); pf && pf->precious) {
    file->precious = true;
  }
  if (rule->targets.size() > 1) {
    for (size_t ri = 0; ri < rule->targets.size(); ++ri) {
      if (ri == found->matches) continue;
      Pattern p = Pattern::Parse(rule->targets[ri]);
      std::string nm;
      p.Apply(fullstem, &nm);
      File* f = EnterFile(nm);
      if (File* pf = LookupFile(rule->targets[ri]); pf && pf->precious) f->precious = true;
      f->is_target = true;
      file->also_make.push_back(f);
    }
  }
  return true;
}

}  // namespace kbmake

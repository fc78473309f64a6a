// The rule database's data: targets ("files" in GNU make's terms), their prerequisites and
// recipes, and pattern rules.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kbmake/base/loc.h"
#include "kbmake/base/strutil.h"
#include "kbmake/vars/variables.h"

namespace kbmake {

struct File;

/// A recipe as read: its lines (unexpanded, backslash-newlines kept) and where it started.
struct Commands {
  Loc loc;
  std::string text;                // the whole recipe, lines separated by '\n'
  std::vector<std::string> lines;  // chopped into command lines
  std::vector<bool> recurse;       // line has '+' or refers to $(MAKE)
  std::vector<bool> silent;        // line starts with '@' (before expansion)
  std::vector<bool> noerror;       // line starts with '-' (before expansion)
  bool any_recurse = false;
  /// Under .ONESHELL the recipe is one line whose flags are the first line's prefix, and it
  /// is recursive if that prefix has '+' or the text mentions $(MAKE) (GNU chop_commands).
  bool oneshell_recurse = false;
  /// Whether any (or, with `all`, every) command line is recursive, as .ONESHELL decides.
  bool Recurses(bool one_shell, bool all = false) const {
    if (one_shell) return oneshell_recurse;
    if (!all) return any_recurse;
    for (bool r : recurse)
      if (!r) return false;
    return !recurse.empty();
  }
  char recipe_prefix = '\t';
};

struct Dep {
  Dep() = default;
  /// A prerequisite named `n` as written, with no other property yet.
  explicit Dep(std::string n) : name(std::move(n)) {}

  std::string name;  // as written; for need_2nd_expansion the unexpanded text
  File* file = nullptr;
  bool order_only = false;
  bool need_2nd_expansion = false;
  bool staticpattern = false;
  bool changed = false;      // set while updating: this prerequisite was newer
  bool ignore_mtime = false;
  bool dontcare = false;
  bool extra = false;  // from .EXTRA_PREREQS: not in any automatic variable
  /// A static pattern rule's prerequisites waiting for the second expansion: the stem of
  /// that rule, which `$*` means while they are expanded (a file may have several such
  /// rules, each with its own stem).
  std::shared_ptr<const std::string> stem;
};

/// Timestamps: nanoseconds since the epoch plus kFirstRealTime, or a special value.
using Timestamp = int64_t;
constexpr Timestamp kUnknownTime = 0;
constexpr Timestamp kNonexistentTime = 1;
constexpr Timestamp kOldTime = 2;  // -o files
constexpr Timestamp kFirstRealTime = 3;
constexpr Timestamp kNewTime = INT64_MAX;  // -W files
constexpr Timestamp kNanosPerSecond = 1000000000LL;

/// A real time (seconds and nanoseconds since the epoch) as a Timestamp.
inline Timestamp MakeTimestamp(int64_t sec, int64_t nsec = 0) {
  return sec * kNanosPerSecond + nsec + kFirstRealTime;
}
/// The nanosecond part of a real Timestamp.
inline int64_t TimestampNanos(Timestamp t) { return (t - kFirstRealTime) % kNanosPerSecond; }
/// Whole seconds of a real Timestamp, or -1 for a special value (missing, unknown, -o).
inline int64_t TimestampSeconds(Timestamp t) {
  return t < kFirstRealTime ? -1 : (t - kFirstRealTime) / kNanosPerSecond;
}

enum class UpdateStatus { kSuccess = 0, kNone, kQuestion, kFailed };
enum class CmdState { kNotStarted, kDepsRunning, kRunning, kFinished };

struct File {
  std::string name;
  std::string hname;  // name found through vpath (empty: same as name)
  bool loaded = false;  // opened by `load`: unloaded before it is remade
  std::vector<Dep> deps;
  std::shared_ptr<Commands> cmds;
  std::string stem;
  VarSet* vars = nullptr;        // target-specific variables (owned by the instance)
  SetList* variables = nullptr;  // chain used when expanding for this target
  VarSet* pat_vars = nullptr;
  SetList* pat_list = nullptr;
  File* parent = nullptr;
  File* double_colon = nullptr;  // head of the :: chain, or null
  File* prev = nullptr;          // next :: rule for the same target
  File* last = nullptr;          // last :: rule (on the head)
  std::vector<File*> also_make;  // grouped / multi-target pattern siblings
  std::vector<File*> group;      // grouped targets (&:): all of them, in rule order (-p)
  Timestamp last_mtime = kUnknownTime;
  Timestamp mtime_before_update = kUnknownTime;
  int command_flags = 0;
  UpdateStatus update_status = UpdateStatus::kNone;
  CmdState command_state = CmdState::kNotStarted;
  bool precious = false, low_resolution_time = false, tried_implicit = false;
  bool updating = false, updated = false, is_target = false, cmd_target = false;
  bool phony = false, intermediate = false, secondary = false, dontcare = false;
  bool ignore_vpath = false, pat_searched = false, considered = false, no_diag = false;
  bool changed = false, deps_expanded = false, snapped = false, builtin = false;
  bool builtin_deps = false, is_explicit = false, mentioned = false, grouped = false, loaded_makefile = false;
  bool cmds_from_double_colon_head = false, vpath_checked = false, unlinked = false;
  bool stem_set = false;  // $* was computed (GNU's stem is then non-null; -p shows it)
  int considered_pass = -1;
  // --graph (graph/graph_dump.h): considered by UpdateFile1; a recipe line of it ran (or was
  // printed with -n); the implicit rule that gave it its recipe and which of its targets.
  bool graph_seen = false, graph_remade = false;
  const struct PatternRule* graph_rule = nullptr;
  int graph_rule_index = 0;

  /// The entry this one was merged into when a VPATH search found it under the other's name
  /// (GNU make's rehash_file); follow it with CheckRenamed().
  File* renamed = nullptr;

  const std::string& hn() const { return hname.empty() ? name : hname; }
};

/// Whether GNU make has this entry in its file table: kbmake also keeps entries for names it
/// only looked at, GNU enters the targets and every name a makefile mentions.
inline bool InFileTable(const File* f) { return f->is_target || f->mentioned; }

/// GNU make's check_renamed: the entry that `f` now is, after any VPATH merges.
inline File* CheckRenamed(File* f) {
  while (f->renamed != nullptr) f = f->renamed;
  return f;
}

/// A pattern rule (or a converted suffix rule).
struct PatternRule {
  std::vector<std::string> targets;  // each contains one '%'
  std::vector<Dep> deps;             // names may contain '%'
  std::shared_ptr<Commands> cmds;
  bool terminal = false;
  bool in_use = false;
  bool builtin = false;
  bool pending_delete = false;
  std::string suffix;  // for a converted suffix rule: its name (".c.o"), for --graph
  /// `targets` parsed (implicit search tries every rule on every file without a recipe;
  /// filled on first use by TargetPatterns(), as targets never change after creation).
  struct ParsedTarget {
    Pattern pattern;
    bool has_slash;
  };
  std::vector<ParsedTarget> parsed_targets;
  const std::vector<ParsedTarget>& TargetPatterns() {
    if (parsed_targets.size() != targets.size()) {
      parsed_targets.clear();
      for (const std::string& t : targets)
        parsed_targets.push_back({Pattern::Parse(t), t.find('/') != std::string::npos});
    }
    return parsed_targets;
  }
};

}  // namespace kbmake

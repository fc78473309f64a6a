// `-p`: the data base as GNU make 4.3 prints it (main.c print_data_base and the print_*
// functions it calls). Line formats and blank lines follow GNU make exactly; the order of the
// sections GNU make prints from hash tables (variables, directories, files) is kbmake's.
#include "kbmake/rules/database_print.h"

#include <sys/stat.h>

#include <cctype>
#include <cstdio>
#include <ctime>

#include "kbmake/make.h"

namespace kbmake {
namespace {

const char* OriginName(Origin o) {
  switch (o) {
    case Origin::kAutomatic: return "automatic";
    case Origin::kDefault: return "default";
    case Origin::kEnv: return "environment";
    case Origin::kFile: return "makefile";
    case Origin::kEnvOverride: return "environment under -e";
    case Origin::kCommand: return "command line";
    case Origin::kOverride: return "'override' directive";
  }
  return "makefile";
}

// ctime(3): "Mon Nov 30 11:02:57 2026\n".
std::string CTimeNow() {
  time_t now = time(nullptr);
  char buf[64];
  if (ctime_r(&now, buf) == nullptr) return "\n";
  return buf;
}

// GNU make's file_timestamp_sprintf: local time, then the nanoseconds without trailing zeros.
std::string FormatTimestamp(Timestamp ts) {
  time_t t = static_cast<time_t>(TimestampSeconds(ts));
  struct tm tm;
  char buf[64];
  if (localtime_r(&t, &tm) != nullptr) {
    snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  } else {
    snprintf(buf, sizeof buf, "%ld", static_cast<long>(t));
  }
  std::string out = buf;
  snprintf(buf, sizeof buf, ".%09ld", static_cast<long>(TimestampNanos(ts)));
  std::string frac = buf;
  while (frac.size() > 1 && frac.back() == '0') frac.pop_back();
  if (frac != ".") out += frac;
  return out;
}

// GNU make's hash_print_stats line (without newline). kbmake's tables are not GNU's, so only
// the shape is the same; the conformance runner does not compare these lines.
// GNU make's hash_print_stats for a table of `size` slots holding `count` items, rebuilt
// `rehashes` times. The collision counts depend on every lookup GNU made; kbmake prints
// none (the corpus drops these lines).
std::string HashStats(size_t count, size_t size, size_t rehashes) {
  // GNU prints the load with "%.0f" (rounded).
  char load[32];
  snprintf(load, sizeof load, "%.0f", size ? 100.0 * double(count) / double(size) : 0.0);
  return "Load=" + std::to_string(count) + "/" + std::to_string(size) + "=" + load +
         "%, Rehash=" + std::to_string(rehashes) +
         ", Collisions=0/" + std::to_string(count) + "=0%";
}

// The statistics of GNU make's file table (FILE_BUCKETS = 1007 → 1024 slots) after `count`
// insertions: it doubles each time more than 15/16 of it is in use.
std::string FileTableStats(size_t count) {
  size_t size = 1024, rehashes = 0;
  while (count > size - size / 16) size *= 2, ++rehashes;
  return HashStats(count, size, rehashes);
}

// GNU make's dep_name: the file's name (which became its VPATH name if it needed no
// remaking), else the name as written.
const std::string& DepName(const Dep& d) { return d.file ? d.file->name : d.name; }

class Printer {
 public:
  Printer(const Make& m, std::string* out) : m_(m), out_(*out), cmd_prefix_(m.recipe_prefix()) {}

  void Variables();
  void Directories();
  void ImplicitRules();
  void Files();
  void VpathSearchPaths();
  void StrcacheStats();

 private:
  void Variable(const kbmake::Variable& v, const std::string& prefix, bool simple_override);
  void VariableSet(const VarSet& set, const std::string& prefix, bool only_auto);
  void Prereqs(const std::vector<Dep>& deps, bool considered);
  void Recipe(const Commands& cmds);
  void File(const kbmake::File& f);

  const Make& m_;
  std::string& out_;
  char cmd_prefix_;  // GNU make's cmd_prefix: changed by ".RECIPEPREFIX = X" lines printed
};

// print_variable: origin comment, then the definition after `prefix`. Pattern-specific
// variables are printed as simple ones (GNU make never sets their `recursive` bit).
void Printer::Variable(const kbmake::Variable& v, const std::string& prefix,
                       bool simple_override) {
  out_ += "# ";
  out_ += OriginName(v.origin);
  if (v.private_var) out_ += " private";
  if (v.loc.valid()) {
    out_ += " (from '" + *v.loc.file + "', line " + std::to_string(v.loc.line) + ")";
  }
  out_ += "\n";
  out_ += prefix;
  bool recursive = v.recursive && !simple_override;
  if (recursive && v.value.find('\n') != std::string::npos) {
    out_ += "define " + v.name + "\n" + v.value + "\nendef\n";
    return;
  }
  out_ += v.name;
  out_ += recursive ? (v.append ? " += " : " = ") : " := ";
  size_t p = 0;
  while (p < v.value.size() && isspace(static_cast<unsigned char>(v.value[p]))) ++p;
  if (p != 0 && p == v.value.size()) {
    out_ += "$(subst ,," + v.value + ")";
  } else if (recursive) {
    out_ += v.value;
  } else {
    for (char c : v.value) {
      if (c == '$') out_ += '$';
      out_ += c;
    }
  }
  out_ += "\n";
}

// print_variable_set.
void Printer::VariableSet(const VarSet& set, const std::string& prefix, bool only_auto) {
  unsigned long size = 0, rehashes = 0;
  for (const kbmake::Variable* v : set.GnuOrder(&size, &rehashes))
    if (!only_auto || v->origin == Origin::kAutomatic) Variable(*v, prefix, false);
  out_ += "# variable set hash-table stats:\n# " + HashStats(set.size(), size, rehashes) + "\n";
}

// print_variable_data_base, pattern-specific values included.
void Printer::Variables() {
  out_ += "\n# Variables\n\n";
  VariableSet(m_.global_vars(), "", false);
  out_ += "\n# Pattern-specific Variable Values\n";
  for (const Make::PatternVar& pv : m_.pattern_vars()) {
    out_ += "\n" + pv.pattern + " :\n";
    Variable(pv.var, "# ", true);
  }
  if (m_.pattern_vars().empty()) {
    out_ += "\n# No pattern-specific variable values.\n";
  } else {
    out_ += "\n# " + std::to_string(m_.pattern_vars().size()) + " pattern-specific variable values";
  }
}

// print_dir_data_base, from kbmake's directory snapshots.
void Printer::Directories() {
  out_ += "\n# Directories\n\n";
  size_t dirs = 0, files = 0;
  m_.dir_cache().ForEachDirectory([&](const std::string& dir, const std::vector<std::string>* names) {
    ++dirs;
    std::string shown = dir.empty() ? "." : dir;
    struct stat st;
    if (names == nullptr || stat(shown.c_str(), &st) != 0) {
      out_ += "# " + shown + ": could not be stat'd.\n";
      return;
    }
    files += names->size();
    out_ += "# " + shown + " (device " + std::to_string(st.st_dev) + ", inode " +
            std::to_string(st.st_ino) + "): " + std::to_string(names->size()) +
            " files, 0 impossibilities.\n";
  });
  out_ += "\n# " + std::to_string(files) + " files, 0 impossibilities in " +
          std::to_string(dirs) + " directories.\n";
}

// print_prereqs: normal prerequisites, then " | " and the order-only ones. With
// `considered`, a file listed both ways is a normal prerequisite each time (GNU make clears
// the order-only bit when it updates the target).
void Printer::Prereqs(const std::vector<Dep>& deps, bool considered) {
  auto order_only = [&](const Dep& d) {
    if (!d.order_only) return false;
    if (!considered) return true;
    for (const Dep& o : deps)
      if (!o.order_only && (d.file ? o.file == d.file : o.name == d.name)) return false;
    return true;
  };
  bool any_order_only = false;
  for (const Dep& d : deps) {
    if (order_only(d)) {
      any_order_only = true;
    } else {
      out_ += " " + DepName(d);
    }
  }
  if (any_order_only) {
    out_ += " |";
    for (const Dep& d : deps)
      if (order_only(d)) out_ += " " + DepName(d);
  }
  out_ += "\n";
}

// print_commands: each logical line after the current recipe prefix.
void Printer::Recipe(const Commands& cmds) {
  out_ += "#  recipe to execute";
  if (cmds.loc.valid()) {
    out_ += " (from '" + *cmds.loc.file + "', line " + std::to_string(cmds.loc.line) + "):\n";
  } else {
    out_ += " (built-in):\n";
  }
  for (const std::string& line : cmds.lines) {
    out_ += cmd_prefix_;
    out_ += line;
    out_ += "\n";
  }
}

// print_rule_data_base.
void Printer::ImplicitRules() {
  out_ += "\n# Implicit Rules\n";
  size_t rules = 0, terminal = 0;
  for (const auto& r : m_.pattern_rules()) {
    ++rules;
    if (r->terminal) ++terminal;
    out_ += "\n";
    for (size_t i = 0; i < r->targets.size(); ++i) out_ += (i ? " " : "") + r->targets[i];
    out_ += r->terminal ? "::" : ":";
    std::vector<Dep> deps = r->deps;
    Prereqs(deps, false);
    if (r->cmds) Recipe(*r->cmds);
  }
  if (rules == 0) {
    out_ += "\n# No implicit rules.\n";
  } else {
    char buf[128];
    snprintf(buf, sizeof buf, "\n# %zu implicit rules, %zu (%.1f%%) terminal.", rules, terminal,
             static_cast<double>(terminal) / static_cast<double>(rules) * 100.0);
    out_ += buf;
  }
}

// print_file: one target (and the rest of its :: chain).
void Printer::File(const kbmake::File& f) {
  // Built-in suffix rules stay in the table under -r but are not shown.
  if (m_.options().no_builtin_rules && f.builtin) return;
  out_ += "\n";
  if (f.cmds && f.cmds->recipe_prefix != cmd_prefix_) {
    out_ += ".RECIPEPREFIX = ";
    cmd_prefix_ = f.cmds->recipe_prefix;
    if (cmd_prefix_ != '\t') out_ += cmd_prefix_;
    out_ += "\n";
  }
  // Target-specific variables, "target: NAME = value" (print_target_variables).
  if (f.vars) {
    for (const kbmake::Variable* v : f.vars->GnuOrder())
      if (v->origin != Origin::kAutomatic) Variable(*v, f.name + ": ", false);
  }
  if (!f.is_target) out_ += "# Not a target:\n";
  out_ += f.name + (f.double_colon ? "::" : ":");
  Prereqs(f.deps, f.updated || f.considered_pass != -1);
  if (f.precious) out_ += "#  Precious file (prerequisite of .PRECIOUS).\n";
  if (f.phony) out_ += "#  Phony target (prerequisite of .PHONY).\n";
  if (f.cmd_target) out_ += "#  Command line target.\n";
  if (f.dontcare) out_ += "#  A default, MAKEFILES, or -include/sinclude makefile.\n";
  if (f.builtin) out_ += "#  Builtin rule\n";
  out_ += f.tried_implicit ? "#  Implicit rule search has been done.\n"
                           : "#  Implicit rule search has not been done.\n";
  // GNU make's stem is set by a pattern match or, for an explicit rule, when the automatic
  // variables are computed.
  if (!f.stem.empty() || f.stem_set) {
    out_ += "#  Implicit/static pattern stem: '" + f.stem + "'\n";
  }
  if (f.intermediate) out_ += "#  File is an intermediate prerequisite.\n";
  if (!f.group.empty()) {
    // GNU make gives each grouped target the whole group, last target first.
    out_ += "#  Also makes:";
    for (auto it = f.group.rbegin(); it != f.group.rend(); ++it) out_ += " " + (*it)->name;
    out_ += "\n";
  } else if (!f.also_make.empty()) {
    // The other targets of a pattern rule, prepended one by one by GNU make's search.
    out_ += "#  Also makes:";
    for (auto it = f.also_make.rbegin(); it != f.also_make.rend(); ++it) out_ += " " + (*it)->name;
    out_ += "\n";
  }
  if (f.last_mtime == kUnknownTime) {
    out_ += "#  Modification time never checked.\n";
  } else if (f.last_mtime == kNonexistentTime) {
    out_ += "#  File does not exist.\n";
  } else if (f.last_mtime == kOldTime) {
    out_ += "#  File is very old.\n";
  } else {
    out_ += "#  Last modified " + FormatTimestamp(f.last_mtime) + "\n";
  }
  out_ += f.updated ? "#  File has been updated.\n" : "#  File has not been updated.\n";
  switch (f.command_state) {
    case CmdState::kRunning: out_ += "#  Recipe currently running (THIS IS A BUG).\n"; break;
    case CmdState::kDepsRunning:
      out_ += "#  Dependencies recipe running (THIS IS A BUG).\n";
      break;
    case CmdState::kNotStarted:
    case CmdState::kFinished:
      switch (f.update_status) {
        case UpdateStatus::kNone: break;
        case UpdateStatus::kSuccess: out_ += "#  Successfully updated.\n"; break;
        case UpdateStatus::kQuestion: out_ += "#  Needs to be updated (-q is set).\n"; break;
        case UpdateStatus::kFailed: out_ += "#  Failed to be updated.\n"; break;
      }
      break;
  }
  if (f.vars) VariableSet(*f.vars, "# ", true);
  if (f.cmds) Recipe(*f.cmds);
  if (f.prev) File(*f.prev);
}

// print_file_data_base.
void Printer::Files() {
  out_ += "\n# Files\n";
  for (const kbmake::File* f : m_.FilesInGnuOrder()) File(*f);
  out_ += "\n# files hash-table stats:\n# " + FileTableStats(m_.files().size());
}

// print_vpath_data_base.
void Printer::VpathSearchPaths() {
  out_ += "\n# VPATH Search Paths\n\n";
  auto join = [](const std::vector<std::string>& dirs) {
    std::string s;
    for (size_t i = 0; i < dirs.size(); ++i) s += (i ? ":" : "") + dirs[i];
    return s;
  };
  for (const Make::VpathEntry& v : m_.vpaths()) out_ += "vpath " + v.pattern + " " + join(v.dirs) + "\n";
  if (m_.vpaths().empty()) {
    out_ += "# No 'vpath' search paths.\n";
  } else {
    out_ += "\n# " + std::to_string(m_.vpaths().size()) + " 'vpath' search paths.\n";
  }
  if (m_.general_vpath().empty()) {
    out_ += "\n# No general ('VPATH' variable) search path.\n";
  } else {
    out_ += "\n# General ('VPATH' variable) search path:\n# " + join(m_.general_vpath()) + "\n";
  }
}

// strcache_print_stats("#"): kbmake has no string cache; the shape only.
void Printer::StrcacheStats() {
  out_ +=
      "\n# strcache buffers: 0 (0) / strings = 0 / storage = 0 B / avg = 0 B\n"
      "# current buf: size = 0 B / used = 0 B / count = 0 / avg = 0 B\n"
      "\n# strcache performance: lookups = 0 / hit rate = 0%\n"
      "# hash-table stats:\n# " +
      HashStats(0, 16, 0);
}

}  // namespace

std::string VersionBanner(const char* p) {
  std::string s;
  for (const char* line : {"GNU Make 4.3", "Built for x86_64-pc-linux-gnu",
                           "Copyright (C) 1988-2020 Free Software Foundation, Inc.",
                           "License GPLv3+: GNU GPL version 3 or later "
                           "<http://gnu.org/licenses/gpl.html>",
                           "This is free software: you are free to change and redistribute it.",
                           "There is NO WARRANTY, to the extent permitted by law."}) {
    s += p;
    s += line;
    s += "\n";
  }
  return s;
}

std::string FormatDataBase(const Make& make, bool with_banner) {
  std::string out;
  if (with_banner) out += VersionBanner("# ");
  out += "\n# Make data base, printed on " + CTimeNow();
  Printer p(make, &out);
  p.Variables();
  p.Directories();
  p.ImplicitRules();
  p.Files();
  p.VpathSearchPaths();
  p.StrcacheStats();
  out += "\n# Finished Make data base on " + CTimeNow() + "\n";
  return out;
}

void Make::PrintDataBase() {
  std::string text = FormatDataBase(*this, !version_printed_);
  WriteFd(io_.out, text);  // this make's stdout (a sub-make's may not be fd 1)
}

}  // namespace kbmake

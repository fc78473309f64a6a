// Deciding what to remake: GNU make's remake.c (update_goal_chain, update_file, check_dep,
// notice_finished_file), plus automatic variables and intermediate-file removal.
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "kbmake/base/archive.h"
#include "kbmake/base/name_marks.h"
#include "kbmake/base/strutil.h"
#include "kbmake/exec/jobs.h"
#include "kbmake/eval/load_object.h"
#include "kbmake/make.h"

namespace kbmake {
namespace {

/// GNU make keeps the "being updated" mark on the head of a double-colon chain, so that a
/// :: rule depending on its own target is seen as circular.
File* UpdHead(File* f) { return f->double_colon ? f->double_colon : f; }

/// The name a prerequisite is known by now (its vpath name once it was found not to need
/// remaking).
const std::string& DepName(const Dep& d) { return d.file ? d.file->name : d.name; }

}  // namespace

void Make::SetCommandState(File* f, CmdState s) {
  f->command_state = s;
  // GNU make's set_command_state only moves the other targets of the rule forward: a target
  // whose own recipe runs stays running when a rule naming it too waits for prerequisites.
  for (File* a : f->also_make) {
    if (s > a->command_state) a->command_state = s;
  }
}

namespace {
// In $^, $+, $? and $| an archive-member prerequisite "lib(m)" appears as "m".
std::string_view AutoVarName(std::string_view name) {
  if (!ArName(name)) return name;
  size_t p = name.find('(');
  return name.substr(p + 1, name.size() - p - 2);
}
}  // namespace

void Make::SetFileVariables(File* file) {
  // For a target "lib(member)", $@ is "lib" and $% is "member".
  std::string at = file->name, percent;
  if (ArName(file->name)) ArParseName(file->name, &at, &percent);
  if (file->stem.empty() && !file->deps_expanded) {
    // For explicit rules $* is the target name (the member name for an archive member) less
    // a known suffix.
    const std::string& base = percent.empty() ? at : percent;
    if (suffix_file_) {
      suffix_file_->builtin = false;  // GNU make's enter_file (".SUFFIXES") here (-p shows it)
      for (const Dep& d : suffix_file_->deps) {
        const std::string& s = d.name;
        if (base.size() > s.size() && base.compare(base.size() - s.size(), s.size(), s) == 0) {
          file->stem = base.substr(0, base.size() - s.size());
          break;
        }
      }
    }
  }
  file->stem_set = true;
  std::string less;
  for (const Dep& d : file->deps) {
    if (d.extra) continue;
    if (!d.order_only) {
      if (!d.need_2nd_expansion) less = DepName(d);
      break;
    }
  }
  if (default_file_ && file->cmds && file->cmds == default_file_->cmds) less = at;
  if (file->variables == nullptr) InitializeFileVariables(file, false);
  VarSet* set = file->vars;
  auto define = [&](const char* name, std::string value) {
    bool created;
    Variable* v = set->Intern(name, &created);
    v->value = std::move(value);
    v->origin = Origin::kAutomatic;
    v->recursive = false;
    v->append = false;
  };
  define("<", std::move(less));
  define("*", file->stem);
  define("@", std::move(at));
  define("%", std::move(percent));
  std::string plus, caret, qmark, bar;
  // An object of a Kbuild tree has hundreds of prerequisites: each list is sized once.
  size_t total = 0;
  for (const Dep& d : file->deps)
    if (!d.need_2nd_expansion && !d.extra) total += DepName(d).size() + 1;
  plus.reserve(total);
  caret.reserve(total);
  bool pf = true;
  for (const Dep& d : file->deps) {
    if (d.need_2nd_expansion || d.order_only || d.extra) continue;
    AppendWord(&plus, AutoVarName(DepName(d)), &pf);
  }
  define("+", std::move(plus));
  // $^, $? and $| list each prerequisite once; a name listed both order-only and normal
  // counts as normal. A record per name: its first mention, and whether all its mentions are
  // order-only.
  NameMarks::Lease seen(file->deps.size());
  std::vector<size_t> rec;  // the record of each counted prerequisite, in order
  rec.reserve(file->deps.size());
  for (const Dep& d : file->deps) {
    if (d.need_2nd_expansion || d.extra) continue;
    bool inserted;
    size_t r = seen->Insert(DepName(d), &inserted);
    NameMarks::Record& s = seen->record(r);
    if (inserted) {
      s.first = &d;
      s.flag = d.order_only;
    } else if (s.flag != d.order_only) {
      s.flag = false;
    }
    rec.push_back(r);
  }
  bool cf = true, qf = true, bf = true;
  size_t k = 0;
  for (const Dep& d : file->deps) {
    if (d.need_2nd_expansion || d.extra) continue;
    const NameMarks::Record& s = seen->record(rec[k++]);
    if (s.first != &d) continue;
    if (s.flag) {
      AppendWord(&bar, AutoVarName(DepName(d)), &bf);
    } else {
      AppendWord(&caret, AutoVarName(DepName(d)), &cf);
      if (d.changed || opts_.always_make) AppendWord(&qmark, AutoVarName(DepName(d)), &qf);
    }
  }
  define("^", std::move(caret));
  define("?", std::move(qmark));
  define("|", std::move(bar));
}

UpdateStatus Make::UpdateGoalChain(std::vector<File*>& goal_files, bool makefiles) {
  struct Goal {
    File* file;
    bool changed = false;
    bool dontcare = false;
  };
  std::vector<Goal> goals;
  for (File* f : goal_files) goals.push_back(Goal{f, false, makefiles && f->dontcare});
  // As GNU make, a goal is marked "don't care" only while it is processed (-p shows it).
  if (makefiles)
    for (File* f : goal_files) f->dontcare = false;
  bool t = opts_.touch, q = opts_.question, n = opts_.dry_run;
  UpdateStatus status = UpdateStatus::kNone;
  ++considered_;
  while (!goals.empty()) {
    // A signal ends the build here too: without children to wait for, nothing else would
    // look at it (GNU make's handler acts at once).
    if (int sig = PendingFatalSignal()) jobs_->HandleFatalSignal(sig);
    jobs_->StartWaitingJobs();
    jobs_->ReapChildren(true, false);
    size_t gi = 0;
    bool stop_all = false;
    while (gi < goals.size()) {
      Goal& g = goals[gi];
      bool stop = false, any_not_updated = false, end_pass_only = false;
      File* head = g.file->double_colon ? g.file->double_colon : g.file;
      current_goal_ = g.file;
      for (File* file = head; file; file = file->prev) {
        file->dontcare = g.dontcare;
        file = CheckRenamed(file);
        if (makefiles) {
          if (file->cmd_target) {
            opts_.touch = t;
            opts_.question = q;
            opts_.dry_run = n;
          } else {
            opts_.touch = opts_.question = opts_.dry_run = false;
          }
        }
        int ocommands = commands_started_;
        UpdateStatus fail = UpdateFile(file, makefiles ? 1 : 0);
        file = CheckRenamed(file);
        if (commands_started_ > ocommands) g.changed = true;
        stop = false;
        if ((fail != UpdateStatus::kSuccess || file->updated) &&
            status < UpdateStatus::kQuestion) {
          if (file->update_status != UpdateStatus::kSuccess) {
            status = file->update_status;
            stop = opts_.question && !opts_.keep_going && !makefiles;
          } else {
            Timestamp mtime = makefiles ? FileMtime(file, false) : FileMtime(file, true);
            file = CheckRenamed(file);
            if (file->updated && g.changed && mtime != file->mtime_before_update) {
              if (!makefiles || (!opts_.dry_run && !opts_.question)) {
                status = UpdateStatus::kSuccess;
              }
              // A remade default/-include makefile ends this pass over the goals, but the
              // other makefiles are still remade before re-executing (GNU make: one restart).
              if (makefiles && file->dontcare) stop = end_pass_only = true;
            }
          }
        }
        any_not_updated |= !file->updated;
        file->dontcare = false;
        if (stop) break;
      }
      File* file = g.file;
      if (stop || !any_not_updated) {
        if (!makefiles && file->update_status == UpdateStatus::kSuccess && !g.changed &&
            !opts_.silent && !opts_.question) {
          if (file->phony || file->cmds == nullptr) {
            Message("Nothing to be done for '" + file->name + "'.");
          } else {
            Message("'" + file->name + "' is up to date.");
          }
        }
        goals.erase(goals.begin() + gi);
        if (stop) {
          stop_all = !end_pass_only;
          break;
        }
      } else {
        ++gi;
      }
    }
    if (stop_all) break;
    if (gi >= goals.size()) ++considered_;
  }
  if (makefiles) {
    opts_.touch = t;
    opts_.question = q;
    opts_.dry_run = n;
  }
  return status;
}

UpdateStatus Make::UpdateFile(File* file, int depth) {
  UpdateStatus status = UpdateStatus::kSuccess;
  File* f = file->double_colon ? file->double_colon : file;
  if (f->considered_pass == considered_) {
    if (!(f->updated && f->update_status > UpdateStatus::kNone && !f->dontcare &&
          f->no_diag)) {
      return f->command_state == CmdState::kFinished ? f->update_status
                                                       : UpdateStatus::kSuccess;
    }
  }
  for (; f; f = f->prev) {
    f->considered_pass = considered_;
    UpdateStatus nw = UpdateFile1(f, depth);
    f = CheckRenamed(f);
    if (nw != UpdateStatus::kSuccess && !opts_.keep_going) return nw;
    if (f->command_state == CmdState::kRunning || f->command_state == CmdState::kDepsRunning) {
      return UpdateStatus::kSuccess;
    }
    if (nw > status) status = nw;
  }
  if (file->double_colon) {
    for (; f; f = f->prev) {
      f->considered_pass = considered_;
      for (Dep& d : f->deps) {
        UpdateStatus nw = UpdateFile(d.file, depth + 1);
        if (nw > status) status = nw;
      }
    }
  }
  return status;
}

namespace {

void Complain(Make* m, File* file) {
  for (Dep& d : file->deps) {
    if (d.file->updated && d.file->update_status > UpdateStatus::kNone && file->no_diag) {
      Complain(m, d.file);
      return;
    }
  }
  m->ShowGoalError(file);
  std::string msg = "No rule to make target '" + file->name + "'";
  if (file->parent) msg += ", needed by '" + file->parent->name + "'";
  if (!m->options().keep_going) m->Fatal(nullptr, msg);
  m->Error(nullptr, "*** " + msg + ".");
  file->no_diag = false;
}

}  // namespace

void Make::ShowGoalError(File*) {
  // GNU make's show_goal_error: while remaking makefiles, the first failure under an
  // included makefile that could not be read reports why it could not be read. GNU make
  // keeps the makefiles read newest first and reports only the first entry of that file:
  // a name included twice is reported once, at its last `include`.
  if (!updating_makefiles_ || current_goal_ == nullptr) return;
  File* file = current_goal_;
  for (auto mi = missing_includes_.rbegin(); mi != missing_includes_.rend(); ++mi) {
    if (mi->name == file->name || LookupFile(mi->name) == file) {
      if (mi->err != 0) Error(&mi->loc, mi->name + ": " + strerror(mi->err));
      mi->err = 0;
      return;
    }
  }
}

UpdateStatus Make::CheckDep(File* file, int depth, Timestamp this_mtime, bool* must_make) {
  UpdateStatus dep_status = UpdateStatus::kSuccess;
  ++depth;
  UpdHead(file)->updating = true;
  File* const ofile = file;  // a VPATH find may merge it into another entry (GNU's ofile)
  if (file->phony || !file->intermediate) {
    dep_status = UpdateFile(file, depth);
    file = CheckRenamed(file);
    Timestamp mtime = FileMtime(file, true);
    file = CheckRenamed(file);
    if (mtime == kNonexistentTime || mtime > this_mtime) *must_make = true;
  } else {
    if (!file->phony && file->cmds == nullptr && !file->tried_implicit) {
      TryImplicitRule(file, depth);
      file->tried_implicit = true;
    }
    if (file->cmds == nullptr && !file->is_target && default_file_ && default_file_->cmds) {
      file->cmds = default_file_->cmds;
    }
    file = CheckRenamed(file);
    Timestamp mtime = FileMtime(file, true);
    file = CheckRenamed(file);
    if (mtime != kNonexistentTime && mtime > this_mtime) {
      *must_make = true;
    } else {
      bool deps_running = false;
      if (file->command_state != CmdState::kRunning) {
        if (file->command_state == CmdState::kDepsRunning) file->considered_pass = -1;
        SetCommandState(file, CmdState::kNotStarted);
      }
      for (size_t i = 0; i < file->deps.size();) {
        Dep& d = file->deps[i];
        if (!d.file) d.file = EnterFile(d.name);
        if (UpdHead(d.file)->updating) {
          Error(nullptr, "Circular " + file->name + " <- " + d.file->name +
                             " dependency dropped.");
          file->deps.erase(file->deps.begin() + i);
          continue;
        }
        d.file->parent = file;
        bool maybe_make = *must_make;
        UpdateStatus s = CheckDep(d.file, depth, this_mtime, &maybe_make);
        if (s > dep_status) dep_status = s;
        if (!file->deps[i].order_only) *must_make = maybe_make;
        file->deps[i].file = CheckRenamed(file->deps[i].file);
        if (dep_status != UpdateStatus::kSuccess && !opts_.keep_going) break;
        File* df = file->deps[i].file;
        if (df->command_state == CmdState::kRunning ||
            df->command_state == CmdState::kDepsRunning) {
          deps_running = true;
        }
        ++i;
      }
      if (deps_running) SetCommandState(file, CmdState::kDepsRunning);
    }
  }
  UpdHead(file)->updating = false;
  UpdHead(ofile)->updating = false;
  return dep_status;
}

UpdateStatus Make::UpdateFile1(File* file, int depth) {
  file->graph_seen = true;
  if (file->updated) {
    if (file->update_status > UpdateStatus::kNone) {
      if (file->no_diag && !file->dontcare) Complain(this, file);
      return file->update_status;
    }
    return UpdateStatus::kSuccess;
  }
  switch (file->command_state) {
    case CmdState::kNotStarted:
    case CmdState::kDepsRunning:
      break;
    case CmdState::kRunning:
      return UpdateStatus::kSuccess;
    case CmdState::kFinished:
      return file->update_status;
  }
  file->no_diag = file->dontcare;
  ++depth;
  UpdHead(file)->updating = true;
  File* const ofile = file;  // a VPATH find may merge it into another entry (GNU's ofile)
  Timestamp this_mtime = FileMtime(file, true);
  file = CheckRenamed(file);
  bool noexist = this_mtime == kNonexistentTime;
  if (noexist) Debug(kDbBasic, depth, "File '" + file->name + "' does not exist.");
  if (!noexist && file->low_resolution_time && this_mtime >= kFirstRealTime &&
      this_mtime != kNewTime) {
    // GNU make: a low-resolution target counts as made at the end of its second (its time
    // as a prerequisite of others stays the one on disk).
    const int64_t ns = TimestampNanos(this_mtime);
    if (ns != 0) {
      Error(nullptr, "*** Warning: .LOW_RESOLUTION_TIME file '" + file->name +
                         "' has a high resolution time stamp");
    }
    this_mtime += kNanosPerSecond - 1 - ns;
  }
  bool must_make = noexist;
  if (!file->phony && file->cmds == nullptr && !file->tried_implicit) {
    TryImplicitRule(file, depth);
    file->tried_implicit = true;
  }
  if (file->cmds == nullptr && !file->is_target && default_file_ && default_file_->cmds) {
    file->cmds = default_file_->cmds;
  }
  UpdateStatus dep_status = UpdateStatus::kSuccess;
  bool running = false;
  std::vector<File*> scan{file};
  for (File* a : file->also_make) scan.push_back(a);
  for (File* af : scan) {
    for (size_t i = 0; i < af->deps.size();) {
      Dep* d = &af->deps[i];
      if (!d->file) d->file = EnterFile(d->name);
      d->file = CheckRenamed(d->file);
      Timestamp mtime = FileMtime(d->file, true);
      d->file = CheckRenamed(d->file);
      if (UpdHead(d->file)->updating) {
        Error(nullptr,
              "Circular " + file->name + " <- " + d->file->name + " dependency dropped.");
        af->deps.erase(af->deps.begin() + i);
        continue;
      }
      d->file->parent = file;
      bool maybe_make = must_make;
      bool saved_dontcare = d->file->dontcare;
      if (updating_makefiles_) d->file->dontcare = file->dontcare;
      UpdateStatus nw = CheckDep(d->file, depth, this_mtime, &maybe_make);
      d = &af->deps[i];
      if (nw > dep_status) dep_status = nw;
      if (updating_makefiles_) d->file->dontcare = saved_dontcare;
      if (!d->order_only) must_make = maybe_make;
      d->file = CheckRenamed(d->file);
      File* f = d->file->double_colon ? d->file->double_colon : d->file;
      for (; f; f = f->prev) {
        running |= f->command_state == CmdState::kRunning ||
                   f->command_state == CmdState::kDepsRunning;
      }
      if (dep_status != UpdateStatus::kSuccess && !opts_.keep_going) break;
      if (!running) {
        Timestamp now = FileMtime(d->file, true);
        d->changed = now != mtime || mtime == kNonexistentTime;
      }
      ++i;
    }
    if (dep_status != UpdateStatus::kSuccess && !opts_.keep_going) break;
  }
  if (must_make || opts_.always_make) {
    for (size_t i = 0; i < file->deps.size(); ++i) {
      Dep& d = file->deps[i];
      if (!d.file->intermediate) continue;
      Timestamp mtime = FileMtime(d.file, true);
      d.file = CheckRenamed(d.file);
      d.file->parent = file;
      bool saved_dontcare = d.file->dontcare;
      if (updating_makefiles_) d.file->dontcare = file->dontcare;
      d.file->considered_pass = -1;
      UpdateStatus nw = UpdateFile(d.file, depth);
      if (nw > dep_status) dep_status = nw;
      file->deps[i].file = CheckRenamed(file->deps[i].file);
      File* df = file->deps[i].file;
      if (updating_makefiles_) df->dontcare = saved_dontcare;
      File* f = df->double_colon ? df->double_colon : df;
      for (; f; f = f->prev) f->mtime_before_update = mtime;
      if (df->command_state == CmdState::kRunning ||
          df->command_state == CmdState::kDepsRunning) {
        running = true;
      }
      if (!opts_.keep_going && dep_status != UpdateStatus::kSuccess) break;
    }
  }
  UpdHead(file)->updating = false;
  UpdHead(ofile)->updating = false;
  if (running) {
    SetCommandState(file, CmdState::kDepsRunning);
    return UpdateStatus::kSuccess;
  }
  if (dep_status != UpdateStatus::kSuccess) {
    file->update_status =
        dep_status == UpdateStatus::kNone ? UpdateStatus::kFailed : dep_status;
    NoticeFinishedFile(file);
    --depth;
    if (depth == 0 && opts_.keep_going && !opts_.dry_run && !opts_.question) {
      Error(nullptr, "Target '" + file->name + "' not remade because of errors.");
    }
    return dep_status;
  }
  if (file->command_state == CmdState::kDepsRunning) {
    SetCommandState(file, CmdState::kNotStarted);
  }
  bool deps_changed = false;
  for (Dep& d : file->deps) {
    Timestamp d_mtime = FileMtime(d.file, true);
    d.file = CheckRenamed(d.file);
    if (!d.order_only) {
      if (d_mtime == kNonexistentTime && !d.file->intermediate) must_make = true;
      deps_changed |= d.changed;
    }
    d.changed |= noexist || d_mtime > this_mtime;
    if (!noexist && !d.order_only) {
      if (d_mtime == kNonexistentTime) {
        Debug(kDbBasic, depth,
              "Prerequisite '" + DepName(d) + "' of target '" + file->name + "' does not exist.");
      } else if (d.changed) {
        Debug(kDbBasic, depth,
              "Prerequisite '" + DepName(d) + "' is newer than target '" + file->name + "'.");
      }
    }
  }
  --depth;
  if (file->double_colon && file->deps.empty()) {
    must_make = true;
    Debug(kDbBasic, depth,
          "Target '" + file->name + "' is double-colon and has no prerequisites.");
  } else if (!noexist && file->is_target && !deps_changed && file->cmds == nullptr &&
             !opts_.always_make) {
    must_make = false;
  } else if (!must_make && file->cmds && opts_.always_make) {
    must_make = true;
  }
  if (!must_make) {
    NoticeFinishedFile(file);
    for (File* f = file; f; f = f->prev) {
      if (!f->hname.empty()) f->name = f->hname;
    }
    return UpdateStatus::kSuccess;
  }
  Debug(kDbBasic, depth, "Must remake target '" + file->name + "'.");
  // --explain: why, from make's point of view; jobs.cc adds what the build log says when the
  // recipe's first command starts (phony targets run every time and are not explained).
  if (explain_ && !file->phony) explain_reasons_[file] = ExplainRemake(this, file, noexist);
  if (!file->hname.empty() && file->hname != file->name) {
    Debug(kDbBasic, 0, "  Ignoring VPATH name '" + file->hname + "'.");
    file->ignore_vpath = true;
    file->hname.clear();
  }
  // As GNU make: a loaded object is unloaded before it is remade (some systems cannot
  // overwrite a loaded object).
  if (file->loaded) UnloadFile(this, file->name);
  RemakeFile(file);
  if (file->command_state != CmdState::kFinished) return UpdateStatus::kSuccess;
  switch (file->update_status) {
    case UpdateStatus::kFailed:
      Debug(kDbBasic, depth, "Failed to remake target file '" + file->name + "'.");
      break;
    case UpdateStatus::kSuccess:
      Debug(kDbBasic, depth, "Successfully remade target file '" + file->name + "'.");
      break;
    case UpdateStatus::kQuestion:
      Debug(kDbBasic, depth,
            "Target file '" + file->name + "' needs to be remade under -q.");
      break;
    default:
      break;
  }
  file->updated = true;
  return file->update_status;
}

void Make::RemakeFile(File* file) {
  if (file->cmds == nullptr) {
    if (file->phony || file->is_target) {
      file->update_status = UpdateStatus::kSuccess;
    } else {
      if (!updating_makefiles_ || !file->dontcare) Complain(this, file);
      file->update_status = UpdateStatus::kFailed;
    }
  } else {
    if (!opts_.touch || file->cmds->Recurses(one_shell_)) {
      jobs_->ExecuteFileCommands(file);
      return;
    }
    file->update_status = UpdateStatus::kSuccess;
  }
  NoticeFinishedFile(file);
}

void Make::NoticeFinishedFile(File* file) {
  bool ran = file->command_state == CmdState::kRunning;
  bool touched = false;
  file->command_state = CmdState::kFinished;
  file->updated = true;
  if (opts_.touch && file->update_status == UpdateStatus::kSuccess) {
    bool all_recursive = file->cmds && file->cmds->Recurses(one_shell_, /*all=*/true);
    if (!all_recursive) {
      if (file->phony) {
        file->update_status = UpdateStatus::kSuccess;
      } else if (file->cmds) {
        file->update_status = jobs_->TouchFile(file);
        ++commands_started_;
        touched = true;
      }
    }
  }
  if (file->mtime_before_update == kUnknownTime) file->mtime_before_update = file->last_mtime;
  if ((ran && !file->phony) || touched) {
    int i = 0;
    if ((opts_.question || opts_.dry_run || opts_.touch) && file->cmds) {
      for (i = static_cast<int>(file->cmds->lines.size()); i > 0; --i)
        if (!file->cmds->recurse[i - 1]) break;
    } else if (file->is_target && file->cmds == nullptr) {
      i = 1;
    }
    file->last_mtime = i == 0 ? kUnknownTime : kNewTime;
  }
  if (file->double_colon) {
    Timestamp max_mtime = file->last_mtime;
    File* f = file->double_colon;
    for (; f && f->updated; f = f->prev) {
      if (max_mtime != kUnknownTime &&
          (f->last_mtime == kUnknownTime || f->last_mtime > max_mtime)) {
        max_mtime = f->last_mtime;
      }
    }
    if (f == nullptr)
      for (f = file->double_colon; f; f = f->prev) f->last_mtime = max_mtime;
  }
  if (ran && file->update_status != UpdateStatus::kNone) {
    for (File* a : file->also_make) {
      a->command_state = CmdState::kFinished;
      a->updated = true;
      a->update_status = file->update_status;
      if (!a->phony) {
        a->last_mtime = kUnknownTime;
        FileMtime(a, false);
      }
    }
  } else if (file->update_status == UpdateStatus::kNone) {
    file->update_status = UpdateStatus::kSuccess;
  }
}

void Make::RemoveIntermediates(bool sig) {
  if (opts_.question || opts_.touch || all_secondary_) return;
  if (sig && opts_.dry_run) return;
  bool doneany = false;
  std::vector<File*> doomed;
  for (File* f : file_order_) {
    if (!(f->intermediate && (f->dontcare || !f->precious) && !f->secondary)) continue;
    if (f->cmd_target) continue;  // a command-line goal is never removed
    if (f->update_status == UpdateStatus::kNone) continue;
    doomed.push_back(f);
  }
  // GNU make removes them in the order of its file table's slots.
  if (doomed.size() > 1) {
    absl::flat_hash_set<const File*> set(doomed.begin(), doomed.end());
    doomed.clear();
    for (File* f : FilesInGnuOrder())
      if (set.contains(f)) doomed.push_back(f);
  }
  for (File* f : doomed) {
    int status = 0;
    if (!opts_.dry_run) {
      status = unlink(f->name.c_str());
      NoteFsChange();
      if (status < 0 && errno == ENOENT) continue;
    }
    if (!f->dontcare) {
      if (sig) {
        Error(nullptr, "*** Deleting intermediate file '" + f->name + "'");
      } else {
        // Under -s nothing is echoed, so the debug line comes for every file (as in GNU).
        if (!doneany) Debug(kDbBasic, 0, "Removing intermediate files...");
        if (!opts_.silent) {
          EnsureEntered();
          WriteFd(io_.out, (doneany ? " " : "rm ") + f->name);
          doneany = true;
        }
      }
      if (status < 0) Error(nullptr, "unlink: " + f->name + ": " + strerror(errno));
    }
  }
  if (doneany && !sig) WriteFd(io_.out, "\n");
}

}  // namespace kbmake

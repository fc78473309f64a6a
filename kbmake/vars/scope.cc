// Variable lookup and definition with GNU make's origin rules and target/pattern scoping.
#include <algorithm>

#include "kbmake/base/strutil.h"
#include "kbmake/make.h"

namespace kbmake {

Variable* Make::Lookup(std::string_view name) {
  bool is_parent = false;
  for (SetList* l = current_; l != nullptr; l = l->next) {
    Variable* v = l->set->Lookup(name);
    if (v && (!is_parent || !v->private_var)) {
      if (v->special) v->value = VariablesList();
      return v;
    }
    is_parent |= l->next_is_parent;
  }
  return nullptr;
}

std::string Make::VariablesList() {
  std::string out;
  bool first = true;
  // GNU make lists them as its global table holds them.
  for (const Variable* v : global_.GnuOrder()) AppendWord(&out, v->name, &first);
  return out;
}

Variable* Make::DefineInSet(std::string_view name, std::string value, Origin origin,
                            bool recursive, VarSet* set, const Loc* loc) {
  if (opts_.env_overrides && origin == Origin::kEnv) origin = Origin::kEnvOverride;
  bool created;
  Variable* v = set->Intern(name, &created);
  if (!created) {
    if (opts_.env_overrides && v->origin == Origin::kEnv) v->origin = Origin::kEnvOverride;
    if (origin < v->origin) return v;
  }
  v->value = std::move(value);
  v->origin = origin;
  v->recursive = recursive;
  v->loc = loc ? *loc : Loc{};
  if (set == &global_ && name == ".RECIPEPREFIX")
    cmd_prefix_ = v->value.empty() ? '\t' : v->value[0];
  return v;
}

Variable* Make::DefineStartupEnvVariable(std::string_view name, std::string value) {
  // DefineInSet applies -e; GNU make had not decoded it yet when it imported the environment.
  Variable* v = DefineGlobal(name, std::move(value), Origin::kEnv, true);
  v->origin = Origin::kEnv;
  return v;
}

Variable* Make::DoVariableDefinition(const Loc* loc, std::string_view name,
                                     std::string_view value, Origin origin, Flavor flavor,
                                     bool target_var) {
  std::string newval;
  bool recursive = true, append = false, conditional = false;
  switch (flavor) {
    case Flavor::kSimple:
      newval = Expand(value);
      recursive = false;
      break;
    case Flavor::kShell: {
      std::string cmd = Expand(value);
      int status;
      newval = ShellOutput(cmd, false, &status);
      break;
    }
    case Flavor::kConditional:
      if (Variable* v = Lookup(name)) return v;
      conditional = true;
      newval = std::string(value);
      break;
    case Flavor::kRecursive:
      newval = std::string(value);
      break;
    case Flavor::kAppend:
    case Flavor::kAppendValue: {
      Variable* v;
      if (target_var) {
        append = true;
        v = current_->set->Lookup(name);
        if (v && !v->append) append = false;
      } else {
        v = Lookup(name);
      }
      if (v == nullptr) {
        newval = std::string(value);
      } else {
        std::string add;
        if (v->recursive) {
          add = std::string(value);
        } else {
          add = flavor == Flavor::kAppendValue ? std::string(value) : Expand(value);
          recursive = false;
        }
        if (add.empty()) return v;  // GNU make leaves the variable untouched
        newval = v->value;
        if (!newval.empty()) newval.push_back(' ');
        newval += add;
      }
      break;
    }
  }
  VarSet* set = target_var ? current_->set : &global_;
  Variable* v = DefineInSet(name, std::move(newval), origin, recursive, set, loc);
  v->append = append;
  v->conditional = conditional;
  return v;
}

void Make::EnsureFileVarSet(File* file) {
  if (file->variables != nullptr) return;
  owned_sets_.push_back(std::make_unique<VarSet>());
  file->vars = owned_sets_.back().get();
  owned_lists_.push_back(std::make_unique<SetList>());
  file->variables = owned_lists_.back().get();
  file->variables->set = file->vars;
}

void Make::InitializeFileVariables(File* file, bool reading) {
  EnsureFileVarSet(file);
  SetList* l = file->variables;
  if (file->double_colon && file->double_colon != file) {
    InitializeFileVariables(file->double_colon, reading);
    l->next = file->double_colon->variables;
    l->next_is_parent = false;
    return;
  }
  if (file->parent == nullptr) {
    l->next = &global_list_;
  } else {
    InitializeFileVariables(file->parent, reading);
    l->next = file->parent->variables;
  }
  l->next_is_parent = true;

  if (!reading && !file->pat_searched) {
    file->pat_searched = true;
    bool any = false;
    for (const PatternVar& pv : pattern_vars_) {
      Pattern p = Pattern::Parse(pv.pattern);
      if (!p.Matches(file->name, nullptr)) continue;
      if (!any) {
        owned_sets_.push_back(std::make_unique<VarSet>());
        file->pat_vars = owned_sets_.back().get();
        owned_lists_.push_back(std::make_unique<SetList>());
        file->pat_list = owned_lists_.back().get();
        file->pat_list->set = file->pat_vars;
        any = true;
      }
      SetList* save = current_;
      file->pat_list->next = &global_list_;
      current_ = file->pat_list;
      Variable* v;
      if (pv.flavor == Flavor::kSimple) {
        v = DefineInSet(pv.var.name, pv.var.value, pv.var.origin, false, file->pat_vars,
                        &pv.var.loc);
      } else {
        v = DoVariableDefinition(&pv.var.loc, pv.var.name, pv.var.value, pv.var.origin,
                                 pv.flavor, true);
      }
      current_ = save;
      v->per_target = true;
      v->export_mode = pv.var.export_mode;
      v->private_var = pv.var.private_var;
    }
  }
  if (file->pat_list) {
    file->pat_list->next = l->next;
    file->pat_list->next_is_parent = l->next_is_parent;
    l->next = file->pat_list;
    l->next_is_parent = false;
  }
}

}  // namespace kbmake

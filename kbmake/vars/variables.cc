#include "kbmake/vars/variables.h"
#include "kbmake/base/strutil.h"

namespace kbmake {

Variable* VarSet::Lookup(std::string_view name) const {
  auto it = map_.find(AV(name));
  return it == map_.end() ? nullptr : it->second;
}

Variable* VarSet::Intern(std::string_view name, bool* created) {
  auto it = map_.find(AV(name));
  if (it != map_.end()) {
    *created = false;
    return it->second;
  }
  auto v = std::make_unique<Variable>();
  v->name = std::string(name);
  v->exportable = IsValidEnvName(name);
  Variable* raw = v.get();
  order_.push_back(std::move(v));
  map_.emplace(raw->name, raw);
  *created = true;
  return raw;
}

bool VarSet::Erase(std::string_view name) {
  auto it = map_.find(AV(name));
  if (it == map_.end()) return false;
  Variable* v = it->second;
  map_.erase(it);
  for (auto& p : order_) {
    if (p.get() == v) {
      p.reset();
      break;
    }
  }
  return true;
}

bool IsValidEnvName(std::string_view name) {
  // ASCII letters, digits and '_', not starting with a digit: GNU make's define_variable_in_set
  // tests character ranges, not the locale's isalnum (and it runs for every definition).
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (name.empty() || !alpha(name[0])) return false;
  for (char c : name)
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  return true;
}

}  // namespace kbmake

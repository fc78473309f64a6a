#include "kbmake/vars/variables.h"
#include "kbmake/base/gnu_hash_table.h"
#include "kbmake/base/strutil.h"

namespace kbmake {

Variable* VarSet::Lookup(std::string_view name) const {
  auto it = map_.find(AV(name));
  return it == map_.end() ? nullptr : it->second;
}

Variable* VarSet::Intern(std::string_view name, bool* created) {
  *created = false;
  // One hash probe: the variable is made only when the name is absent, and its own name
  // becomes the key.
  auto it = map_.lazy_emplace(AV(name), [&](const auto& construct) {
    auto v = std::make_unique<Variable>();
    v->name = std::string(name);
    v->exportable = IsValidEnvName(name);
    Variable* raw = v.get();
    order_.push_back(Entry{std::move(v), false});
    construct(AV(raw->name), raw);
    *created = true;
  });
  return it->second;
}

bool VarSet::Erase(std::string_view name) {
  auto it = map_.find(AV(name));
  if (it == map_.end()) return false;
  Variable* v = it->second;
  map_.erase(it);
  // The entry stays (erased) so that GnuOrder() can replay the deletion where it happened.
  for (size_t i = order_.size(); i-- > 0;) {
    if (order_[i].var.get() == v) {
      order_[i].erased = true;
      erasures_.push_back(Erasure{i, order_.size()});
      break;
    }
  }
  return true;
}

template <typename Table>
void VarSet::Replay(Table* t) const {
  size_t e = 0;
  auto erase_upto = [&](size_t inserted) {
    for (; e < erasures_.size() && erasures_[e].inserted <= inserted; ++e) {
      const Variable* v = order_[erasures_[e].entry].var.get();
      t->Delete(GnuJhash(v->name), v);
    }
  };
  for (size_t i = 0; i < order_.size(); ++i) {
    erase_upto(i);
    const Variable* v = order_[i].var.get();
    t->Insert(GnuJhash(v->name), v);
  }
  erase_upto(order_.size());
}

std::vector<const Variable*> VarSet::GnuOrder(unsigned long* size,
                                              unsigned long* rehashes) const {
  GnuHashTable<const Variable*> t(gnu_buckets_);
  Replay(&t);
  if (size != nullptr) *size = t.size();
  if (rehashes != nullptr) *rehashes = t.rehashes();
  return t.Items();
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

// Variables: flavor, origin, value and location; variable sets and the chains of sets that give
// target-specific and pattern-specific scoping (GNU make's variable_set_list).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "kbmake/base/loc.h"

namespace kbmake {

/// Ordered from weakest to strongest, as in GNU make: a definition only replaces a variable of
/// the same or weaker origin.
enum class Origin { kDefault, kEnv, kFile, kEnvOverride, kCommand, kOverride, kAutomatic };

enum class ExportMode { kDefault, kExport, kNoExport };

struct Variable {
  std::string name;
  std::string value;
  Origin origin = Origin::kFile;
  bool recursive = true;
  bool append = false;       // target-specific `+=`: append to the value inherited from outside
  bool conditional = false;  // defined by ?=
  bool per_target = false;
  bool private_var = false;
  bool expanding = false;    // recursion guard
  int exp_count = 0;         // re-entries allowed while expanding (set by $(call))
  bool special = false;      // value computed on lookup (.VARIABLES)
  bool exportable = true;    // the name is a valid shell variable name
  ExportMode export_mode = ExportMode::kDefault;
  Loc loc;
};

/// One scope of variables. Insertion order is kept (environment export walks it), and with
/// it the history of deletions, so that GnuOrder() can give GNU make's order.
class VarSet {
 public:
  Variable* Lookup(std::string_view name) const;
  /// Creates or returns the named variable (not yet given a value).
  Variable* Intern(std::string_view name, bool* created);
  bool Erase(std::string_view name);
  /// Calls f(variable) for each variable, in the order they were created.
  template <typename F>
  void ForEach(F f) const {
    for (const Entry& e : order_)
      if (!e.erased) f(*e.var);
  }
  size_t size() const { return map_.size(); }
  /// Makes room for `n` variables at once (a make's global set holds thousands in a Kbuild
  /// directory); lookups and the orders above do not change.
  void Reserve(size_t n) {
    map_.reserve(n);
    order_.reserve(n);
  }

  /// The size GNU make gives this kind of set's hash table: VARIABLE_BUCKETS (523) for the
  /// global set, PERFILE_VARIABLE_BUCKETS (23, the default) for a target's.
  void set_gnu_buckets(unsigned long n) { gnu_buckets_ = n; }
  /// The variables in the order GNU make 4.3 walks this set (the slots of its hash table,
  /// keyed by jhash of the name): $(.VARIABLES) and -p print them so. Built on each call;
  /// `size` and `rehashes`, when given, get GNU's slot count and rebuilds (-p's statistics).
  std::vector<const Variable*> GnuOrder(unsigned long* size = nullptr,
                                        unsigned long* rehashes = nullptr) const;

 private:
  struct Entry {
    std::unique_ptr<Variable> var;
    bool erased = false;
  };
  // An erasure: of order_[entry], after the first `inserted` entries had been created.
  struct Erasure {
    size_t entry, inserted;
  };
  template <typename Table>
  void Replay(Table* t) const;

  // Keyed by a view of the variable's own name (a Variable never moves, and its name is
  // never changed once interned): no second copy of each name.
  absl::flat_hash_map<absl::string_view, Variable*> map_;
  std::vector<Entry> order_;
  std::vector<Erasure> erasures_;
  unsigned long gnu_buckets_ = 23;
};

/// A chain of scopes, innermost first. `next_is_parent` marks that `next` belongs to the target
/// that depends on this one, so its private variables are invisible here.
struct SetList {
  VarSet* set = nullptr;
  SetList* next = nullptr;
  bool next_is_parent = false;
};

/// Whether a variable of this name can be exported: ASCII letters, digits and underscores,
/// not starting with a digit (GNU make's test when it defines a variable).
bool IsValidEnvName(std::string_view name);

}  // namespace kbmake

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

/// One scope of variables; insertion order is kept for .VARIABLES and environment export.
class VarSet {
 public:
  Variable* Lookup(std::string_view name) const;
  /// Creates or returns the named variable (not yet given a value).
  Variable* Intern(std::string_view name, bool* created);
  bool Erase(std::string_view name);
  template <typename F>
  void ForEach(F f) const {
    for (const auto& v : order_)
      if (v) f(*v);
  }
  size_t size() const { return map_.size(); }

 private:
  absl::flat_hash_map<std::string, Variable*> map_;
  std::vector<std::unique_ptr<Variable>> order_;
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

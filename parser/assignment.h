// Whether a makefile line is a variable assignment (GNU make's parse_var_assignment), decided
// from the line's text alone: the same for every make that reads it.
#pragma once

#include <cstddef>
#include <string_view>

namespace kbmake {

/// The assignment operators: `=`, `:=`/`::=`, `+=`, `?=`, `!=`; kAppendValue is an internal
/// flavor of the evaluator.
enum class Flavor { kRecursive, kSimple, kAppend, kConditional, kShell, kAppendValue };

/// The words before an assignment (`export`, `override`, `private`, `define`, `undefine`).
struct VarModifiers {
  bool assign = false, define = false, undefine = false, override_v = false;
  bool export_v = false, private_v = false;
};

/// Where the parts of `NAME OP VALUE` are, relative to the text given to the parser.
struct VarDef {
  size_t name_begin = 0, name_end = 0;  // raw name range in the line
  size_t value_begin = 0;
  Flavor flavor = Flavor::kRecursive;
};

/// GNU make's parse_variable_definition: is s[p..] an assignment? Fills *def.
bool ParseVariableDefinition(std::string_view s, size_t p, VarDef* def);

/// GNU make's parse_var_assignment: modifiers followed by an assignment (or define/undefine).
/// Returns the position of the assignment text, or npos when the line is not one.
size_t ParseVarAssignment(std::string_view s, VarModifiers* vm, VarDef* def);

}  // namespace kbmake

// The fuzz build does not run cmake/kbmake-version.cmake (the top-level build's generated
// source); the engine's --version line only needs these two strings.
#include "kbmake/cli/version.h"

namespace kbmake {
const char* KbmakeVersion() { return "fuzz"; }
const char* KbmakeCommit() { return "fuzz"; }
}  // namespace kbmake

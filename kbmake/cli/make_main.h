// One make invocation from its argv, environment and standard descriptors to its exit
// status: GNU make's main() without the process around it, so that a sub-make can run it on
// a thread of the same process (exec/submake.h).
#pragma once

#include "kbmake/exec/submake.h"

namespace kbmake {

class Build;

/// Decodes options (GNUMAKEFLAGS, MAKEFLAGS, argv), applies -C, reads the makefiles and
/// updates the goals; returns the exit status. Re-executing after remaking makefiles execs
/// the program again when `inv.owns_process`, and otherwise runs the invocation again on
/// the same thread with MAKE_RESTARTS set. `build` is the process's build-wide object: its
/// caches, its sub-make runner and the instruments the instances share.
int MakeMain(Invocation& inv, Build* build);

}  // namespace kbmake

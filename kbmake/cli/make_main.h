// One make invocation from its argv, environment and standard descriptors to its exit
// status: GNU make's main() without the process around it, so that a sub-make can run it on
// a thread of the same process (exec/submake.h).
#pragma once

#include "kbmake/exec/submake.h"

namespace kbmake {

class FsCache;

/// Decodes options (GNUMAKEFLAGS, MAKEFLAGS, argv), applies -C, reads the makefiles and
/// updates the goals; returns the exit status. Re-executing after remaking makefiles execs
/// the program again when `inv.owns_process`, and otherwise runs the invocation again on
/// the same thread with MAKE_RESTARTS set. `host` runs this instance's own sub-makes (null:
/// always as processes). `fs` is the build-wide stat and directory cache (null: none).
int MakeMain(Invocation& inv, SubmakeHost* host, FsCache* fs);

}  // namespace kbmake

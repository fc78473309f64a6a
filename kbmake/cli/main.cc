// The kbmake program: the process around one make invocation (cli/make_main.h). It reads
// argv and environ, decides whether sub-makes may run inside the process, and exits.
#include <cstring>
#include <cstdlib>

#include "kbmake/cli/make_main.h"
#include "kbmake/exec/submake.h"

extern char** environ;

int main(int argc, char** argv) {
  kbmake::Invocation inv;
  inv.argv.assign(argv, argv + argc);
  for (char** e = environ; *e; ++e) inv.env.emplace_back(*e);
  // KBMAKE_SUBMAKE=process runs every sub-make as a process, as GNU make does (a process
  // sub-make inherits the variable, so the whole build does). See docs/INTERNALS.md.
  const char* mode = getenv("KBMAKE_SUBMAKE");
  const bool in_process = !(mode != nullptr && strcmp(mode, "process") == 0);
  kbmake::SubmakeHost host(
      [&host](kbmake::Invocation& sub) { return kbmake::MakeMain(sub, &host); }, in_process);
  return kbmake::MakeMain(inv, &host);
}

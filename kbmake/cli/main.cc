// The kbmake program: the process around one build (kbmake/build.h) and its top make
// invocation (cli/make_main.h). It reads argv and environ and exits with the make's status.
#include "kbmake/build.h"
#include "kbmake/cli/make_main.h"

extern char** environ;

int main(int argc, char** argv) {
  kbmake::Invocation inv;
  inv.argv.assign(argv, argv + argc);
  for (char** e = environ; *e; ++e) inv.env.emplace_back(*e);
  // KBMAKE_SUBMAKE=process runs every sub-make as a process, as GNU make does (a process
  // sub-make inherits the variable, so the whole build does); KBMAKE_FS_CACHE=0 and
  // KBMAKE_PARSE_CACHE=0 turn off the shared caches. See docs/INTERNALS.md.
  kbmake::Build build(kbmake::BuildSettings::FromEnvironment(inv.env), kbmake::MakeMain);
  return kbmake::MakeMain(inv, &build);
}

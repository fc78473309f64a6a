// The kbmake program: the process around one make invocation (cli/make_main.h). It reads
// argv and environ, decides whether sub-makes may run inside the process, and exits.
#include <cstring>
#include <cstdlib>

#include "kbmake/base/fs_cache.h"
#include "kbmake/cli/make_main.h"
#include "kbmake/exec/submake.h"
#include "parser/parsed_makefile.h"

extern char** environ;

int main(int argc, char** argv) {
  kbmake::Invocation inv;
  inv.argv.assign(argv, argv + argc);
  for (char** e = environ; *e; ++e) inv.env.emplace_back(*e);
  // KBMAKE_SUBMAKE=process runs every sub-make as a process, as GNU make does (a process
  // sub-make inherits the variable, so the whole build does). See docs/INTERNALS.md.
  const char* mode = getenv("KBMAKE_SUBMAKE");
  const bool in_process = !(mode != nullptr && strcmp(mode, "process") == 0);
  // KBMAKE_FS_CACHE=0 turns off the build-wide stat and directory cache (base/fs_cache.h).
  const char* cache = getenv("KBMAKE_FS_CACHE");
  kbmake::FsCache fs;
  kbmake::FsCache* fsp = cache != nullptr && strcmp(cache, "0") == 0 ? nullptr : &fs;
  kbmake::SubmakeHost host(
      [&host, fsp](kbmake::Invocation& sub) { return kbmake::MakeMain(sub, &host, fsp); },
      in_process);
  // KBMAKE_PARSE_CACHE=0 turns off the build-wide parse cache (parser/parsed_makefile.h).
  const char* parse = getenv("KBMAKE_PARSE_CACHE");
  kbmake::ParseCache parses;
  if (!(parse != nullptr && strcmp(parse, "0") == 0)) host.set_parse_cache(&parses);
  return kbmake::MakeMain(inv, &host, fsp);
}

/* A plugin whose setup functions register a function or only set a variable. */
#include <gnumake.h>

int plugin_is_GPL_compatible;

/* $(level): the MAKELEVEL of the make that calls it. */
static char *level(const char *name, unsigned int argc, char **argv) {
  return gmk_expand("$(MAKELEVEL)");
}

int testload_gmk_setup(const gmk_floc *floc) {
  gmk_add_function("level", level, 0, 0, GMK_FUNC_DEFAULT);
  gmk_eval("TESTLOAD = implicit", floc);
  return 1;
}

int explicit_setup(const gmk_floc *floc) {
  gmk_eval("TESTLOAD = explicit", floc);
  return 1;
}

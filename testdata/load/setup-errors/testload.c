/* Setup functions that fail, or register functions in ways gmk_add_function refuses. */
#include <string.h>

#include <gnumake.h>

int plugin_is_GPL_compatible;

static char *noop(const char *nm, unsigned int argc, char **argv) { return NULL; }

int fail_setup(const gmk_floc *floc) { return 0; }

int noremake_setup(const gmk_floc *floc) {
  gmk_eval("TESTLOAD = noremake", NULL);
  return -1;
}

int emptyname_setup(const gmk_floc *floc) { gmk_add_function("", noop, 0, 0, 0); return 1; }
int dotname_setup(const gmk_floc *floc) { gmk_add_function(".dot", noop, 0, 0, 0); return 1; }
int spacename_setup(const gmk_floc *floc) { gmk_add_function("a b", noop, 0, 0, 0); return 1; }
int longname_setup(const gmk_floc *floc) {
  char name[300];
  memset(name, 'x', 299);
  name[299] = '\0';
  gmk_add_function(name, noop, 0, 0, 0);
  return 1;
}
int minargs_setup(const gmk_floc *floc) { gmk_add_function("f", noop, 256, 0, 0); return 1; }
int maxargs_setup(const gmk_floc *floc) { gmk_add_function("f", noop, 3, 2, 0); return 1; }

/* The object the eval fuzzer's inputs can load (`load fuzzplugin.so`): its functions hand
   fuzzed text to every gnumake.h entry point (gmk_expand, gmk_eval with and without a
   location, gmk_add_function with fuzzed names, counts and flags, gmk_alloc/gmk_free). */
#include <stdlib.h>
#include <string.h>

#include "kbmake/eval/gnumake_api.h"

int plugin_is_GPL_compatible;

static char *copy(const char *s) {
  char *m = gmk_alloc((unsigned int)strlen(s) + 1);
  strcpy(m, s);
  return m;
}

/* Every argument, joined by '|'. */
static char *join(unsigned int argc, char **argv) {
  size_t n = 1;
  unsigned int i;
  char *m;
  for (i = 0; i < argc; i++) n += strlen(argv[i]) + 1;
  m = gmk_alloc((unsigned int)n);
  m[0] = '\0';
  for (i = 0; i < argc; i++) {
    if (i) strcat(m, "|");
    strcat(m, argv[i]);
  }
  return m;
}

static char *fz(const char *nm, unsigned int argc, char **argv) {
  if (strcmp(nm, "fz-expand") == 0) {
    char *e = gmk_expand(argv[0]);
    char *r = copy(e);
    gmk_free(e);
    return r;
  }
  if (strcmp(nm, "fz-eval") == 0) {
    gmk_eval(argv[0], NULL);
    return NULL;
  }
  if (strcmp(nm, "fz-eval-at") == 0) {
    gmk_floc floc = {argv[0], 7};
    gmk_eval(argv[1], &floc);
    return NULL;
  }
  if (strcmp(nm, "fz-add") == 0) {
    gmk_add_function(argv[0], fz, argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 10) : 0,
                     argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 10) : 0,
                     argc > 3 ? (unsigned int)strtoul(argv[3], NULL, 10) : 0);
    return NULL;
  }
  if (strcmp(nm, "fz-null") == 0) return NULL;
  return join(argc, argv);
}

static void add_all(void) {
  gmk_add_function("fz-expand", fz, 1, 1, GMK_FUNC_DEFAULT);
  gmk_add_function("fz-eval", fz, 1, 1, GMK_FUNC_DEFAULT);
  gmk_add_function("fz-eval-at", fz, 2, 2, GMK_FUNC_DEFAULT);
  gmk_add_function("fz-add", fz, 1, 4, GMK_FUNC_DEFAULT);
  gmk_add_function("fz-null", fz, 0, 0, GMK_FUNC_DEFAULT);
  gmk_add_function("fz-join", fz, 0, 0, GMK_FUNC_DEFAULT);
  gmk_add_function("fz-raw", fz, 1, 3, GMK_FUNC_NOEXPAND);
}

int fuzzplugin_gmk_setup(const gmk_floc *floc) {
  (void)floc;
  add_all();
  return 1;
}

/* Setup through `load fuzzplugin.so(name)`: evaluates text, fails, or asks not to be remade. */
int fuzzplugin_eval_setup(const gmk_floc *floc) {
  add_all();
  gmk_eval("FUZZPLUGIN := $(.LOADED) $(fz-join a,b)", floc);
  return 1;
}
int fuzzplugin_fail_setup(const gmk_floc *floc) {
  (void)floc;
  return 0;
}
int fuzzplugin_noremake_setup(const gmk_floc *floc) {
  (void)floc;
  add_all();
  return -1;
}

/* A plugin for GNU make's load directive (gnumake.h), built by the case itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnumake.h>

int plugin_is_GPL_compatible;

static char *copy(const char *s) {
  char *m = gmk_alloc(strlen(s) + 1);
  strcpy(m, s);
  return m;
}

static char *func_test(const char *nm, unsigned int argc, char **argv) {
  char buf[256];
  unsigned int i;
  if (strcmp(nm, "test-expand") == 0) {
    char *e = gmk_expand(argv[0]);
    char *r = copy(e);
    gmk_free(e);
    return r;
  }
  if (strcmp(nm, "test-eval") == 0) {
    gmk_eval(argv[0], NULL);
    return NULL;
  }
  if (strcmp(nm, "test-args") == 0) {
    snprintf(buf, sizeof buf, "%u", argc);
    for (i = 0; i < argc; i++) {
      strncat(buf, "<", sizeof buf - strlen(buf) - 1);
      strncat(buf, argv[i], sizeof buf - strlen(buf) - 1);
      strncat(buf, ">", sizeof buf - strlen(buf) - 1);
    }
    return copy(buf);
  }
  /* test-noexpand */
  return copy(argv[0]);
}

int testload_gmk_setup(const gmk_floc *floc) {
  gmk_add_function("test-expand", func_test, 1, 1, GMK_FUNC_DEFAULT);
  gmk_add_function("test-noexpand", func_test, 1, 1, GMK_FUNC_NOEXPAND);
  gmk_add_function("test-eval", func_test, 1, 1, GMK_FUNC_DEFAULT);
  gmk_add_function("test-args", func_test, 2, 3, GMK_FUNC_DEFAULT);
  gmk_eval("TESTLOAD = implicit", NULL);
  return 1;
}

int explicit_setup(const gmk_floc *floc) {
  char buf[256];
  snprintf(buf, sizeof buf, "TESTLOAD = explicit from %s:%lu", floc->filenm, floc->lineno);
  gmk_eval(buf, floc);
  return 1;
}

int override_setup(const gmk_floc *floc) {
  gmk_add_function("info", func_test, 0, 0, GMK_FUNC_NOEXPAND);
  gmk_add_function("Odd_name.v2-x", func_test, 2, 0, 0);
  return 1;
}

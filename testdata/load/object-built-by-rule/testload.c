/* A plugin for GNU make's load directive (gnumake.h), built by the makefile's rule. */
#include <gnumake.h>

int plugin_is_GPL_compatible;

int testload_gmk_setup(const gmk_floc *floc) {
  gmk_eval("TESTLOAD = implicit", floc);
  return 1;
}

/* A loadable object that does not declare plugin_is_GPL_compatible. */
int nogpl_gmk_setup(void) { return 1; }

int helper(void); int helper(void) { return HELPER + 2; }

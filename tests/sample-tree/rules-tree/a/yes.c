int f_yes(void); int f_yes(void) { return EXTRA; }

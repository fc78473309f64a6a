int f_p(void); int f_p(void) { return EXTRA; }

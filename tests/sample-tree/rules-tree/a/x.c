int f_x(void); int f_x(void) { return EXTRA; }

int f_q(void); int f_q(void) { return EXTRA; }

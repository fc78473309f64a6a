#if WHY != 2 || defined(GONE)
#error flags
#endif
int f_y(void); int f_y(void) { return WHY; }

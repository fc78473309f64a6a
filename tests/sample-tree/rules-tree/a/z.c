int f_z(void); const char z_data[] = "kbuild"; int f_z(void) { return EXTRA; }

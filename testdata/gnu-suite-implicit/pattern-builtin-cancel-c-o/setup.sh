touch x.c

touch x.c extra.h

touch x.c x.h

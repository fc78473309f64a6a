touch x.o y.o

touch x.o

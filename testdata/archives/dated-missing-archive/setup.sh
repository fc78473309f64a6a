printf a > a.o

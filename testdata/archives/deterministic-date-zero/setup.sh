printf a > a.o; ar rc libx.a a.o

printf a > a.o; printf b > b.o

echo 'a.o: a.c hdr.h' > .a.o.d
touch -d @1500000000 a.c
touch -d @1550000000 a.o
touch -d @1600000000 hdr.h

touch -d @1000000000 a.c; touch -d @1000000100 a.o; touch -d @1000000200 a.h; echo "a.o: a.h" > a.d

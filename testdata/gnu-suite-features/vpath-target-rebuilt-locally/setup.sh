mkdir src; touch -d @1000000000 src/foo.o; touch -d @1000000100 src/foo.c

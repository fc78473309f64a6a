mkdir -p src; touch -d @1000000000 src/t.o; touch -d @1000000100 src/t.c

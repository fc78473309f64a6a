printf a > a.o; touch -d @1000000000 a.o; ar rcU libx.a a.o 2>/dev/null; touch -d @1000000050 libx.a

touch -d @1000000000 f1.h; touch -d @1000000100 foo; touch -d @1000000200 f2.h

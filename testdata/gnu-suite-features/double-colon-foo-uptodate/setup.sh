touch -d @1000000000 f1.h f2.h; touch -d @1000000100 foo

mkdir src; touch -d @1000000000 src/a; touch -d @1000000100 all; touch -d @1000000200 src/b

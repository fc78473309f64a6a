touch -d @1000000000 dep; touch -d @1000000100 all; touch -d @1000000200 src

touch -d @1000000000 all; touch -d @1000000100 a

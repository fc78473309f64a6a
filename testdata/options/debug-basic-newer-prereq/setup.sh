touch -d @1000000000 x; touch -d @1000000100 y

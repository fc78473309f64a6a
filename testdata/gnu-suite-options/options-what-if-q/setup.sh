touch -d @1000000000 a; touch -d @1000000100 all

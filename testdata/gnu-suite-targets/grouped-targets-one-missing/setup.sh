touch -d @1000000000 src; touch -d @1000000100 a

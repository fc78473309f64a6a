touch -d @1000000000 b.x; touch -d @1000000100 a.x

touch -d @1000000000 x.out all; touch -d @1000000100 x.in

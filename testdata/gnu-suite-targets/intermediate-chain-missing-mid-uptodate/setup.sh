touch -d @1000000000 x.in; touch -d @1000000100 x.out all

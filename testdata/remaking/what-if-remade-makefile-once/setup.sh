echo X = 0 > inc.mk; touch inc.src; touch -d @1000000000 inc.src

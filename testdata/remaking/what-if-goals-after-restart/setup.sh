echo X = 0 > inc.mk; touch prog inc.src; touch -d @1000000000 inc.src

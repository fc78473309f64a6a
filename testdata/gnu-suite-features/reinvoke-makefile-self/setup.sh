touch -d @1000000000 Makefile; touch -d @1000000100 dep

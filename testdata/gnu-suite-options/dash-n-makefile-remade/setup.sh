touch -d @1000000000 inc.mk; touch -d @1000000100 src

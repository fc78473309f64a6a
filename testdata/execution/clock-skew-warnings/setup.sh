touch -d '+1 hour' a; touch -d '+2 hour' Makefile

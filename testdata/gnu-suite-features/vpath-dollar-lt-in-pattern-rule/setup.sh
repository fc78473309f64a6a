mkdir src; touch src/x.c src/y.c

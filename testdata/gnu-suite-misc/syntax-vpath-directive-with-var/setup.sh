mkdir src; touch src/x.c

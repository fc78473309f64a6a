mkdir src; touch src/foo.c

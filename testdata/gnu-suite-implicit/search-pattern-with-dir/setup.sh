mkdir src out; touch src/foo.c

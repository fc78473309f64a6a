mkdir src; touch src/foo.h

mkdir src lib; touch src/foo.c lib/bar.h

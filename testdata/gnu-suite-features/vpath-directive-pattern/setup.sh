mkdir src inc; touch src/foo.c inc/bar.h

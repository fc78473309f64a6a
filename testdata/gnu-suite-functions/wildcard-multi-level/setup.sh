mkdir -p a/b c; touch a/x.c c/y.c a/b/z.c

touch foo.c foo.s

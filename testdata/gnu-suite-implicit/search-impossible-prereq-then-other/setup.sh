touch foo.c

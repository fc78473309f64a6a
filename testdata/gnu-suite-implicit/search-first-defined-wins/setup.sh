touch foo.s foo.c

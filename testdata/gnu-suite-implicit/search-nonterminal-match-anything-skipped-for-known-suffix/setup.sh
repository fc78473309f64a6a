touch foo.c.src

touch foo.el bar.c lose.c

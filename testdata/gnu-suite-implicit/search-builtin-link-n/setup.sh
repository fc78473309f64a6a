touch prog.c util.c

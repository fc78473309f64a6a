touch b.c a.c

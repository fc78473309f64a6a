touch a.c

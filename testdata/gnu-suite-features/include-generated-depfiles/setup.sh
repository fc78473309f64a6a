touch a.c b.c

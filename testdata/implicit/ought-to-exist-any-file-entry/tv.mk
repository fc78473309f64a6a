%.o: %.c ; @echo build $@ from $<
x.c: X=1

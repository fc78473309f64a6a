%.o: %.c ; @echo build $@ from $<
-include x.c

a.o: %.o %.x: %.c ; @echo x

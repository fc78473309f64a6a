%.o: V = short
f%.o: V = longer
foo.o: ; @echo $@ $(V)

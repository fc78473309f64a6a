.SUFFIXES: .a .b
.a.b: ; @echo suffix
%.b: %.a ; @echo pattern

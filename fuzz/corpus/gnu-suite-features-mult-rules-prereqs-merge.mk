all: foo
foo: a
foo: b ; @echo $@ from $^
foo: c
a b c: ; @echo $@

all: a b
a: ; @false
b: ; @echo b-built

all: x ; @echo sub
x: ; @echo x

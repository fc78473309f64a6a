all: ; @echo sub

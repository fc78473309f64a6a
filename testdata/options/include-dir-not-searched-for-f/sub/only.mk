all: ; @echo found

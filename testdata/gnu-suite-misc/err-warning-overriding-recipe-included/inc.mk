all: ; @echo inc

V = a$\
b
all: ; @echo '[$(V)]'

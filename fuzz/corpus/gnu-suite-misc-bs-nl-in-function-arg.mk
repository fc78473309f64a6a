X = $(subst a,\
b,aaa)
all: ; @echo '[$(X)]'

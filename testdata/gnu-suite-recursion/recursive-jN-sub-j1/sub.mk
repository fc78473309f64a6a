all: ; @echo '[$(filter -j%,$(MAKEFLAGS))]'

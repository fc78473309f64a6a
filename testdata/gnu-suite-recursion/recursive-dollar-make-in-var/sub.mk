all: ; echo sub

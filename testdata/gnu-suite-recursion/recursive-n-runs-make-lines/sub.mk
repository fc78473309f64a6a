all: ; echo sub-not-executed > out

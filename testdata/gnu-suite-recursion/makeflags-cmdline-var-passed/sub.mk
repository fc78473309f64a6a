all: ; @echo 'V=[$(V)] origin=$(origin V) MAKEFLAGS=[$(MAKEFLAGS)]'

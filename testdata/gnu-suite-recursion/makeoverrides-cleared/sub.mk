all: ; @echo 'V=[$(V)] MAKEFLAGS=[$(MAKEFLAGS)]'

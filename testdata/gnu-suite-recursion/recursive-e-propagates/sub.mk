V = subfile
all: ; @echo 'V=[$(V)] [$(MAKEFLAGS)]'

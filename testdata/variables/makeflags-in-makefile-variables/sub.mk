all: ; @echo "sub [$(MAKEFLAGS)] [$(origin X)] [$(X)] [$(Y)]"

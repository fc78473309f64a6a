all: ; @echo "sub [$(MAKEFLAGS)] [$$GNUMAKEFLAGS]"

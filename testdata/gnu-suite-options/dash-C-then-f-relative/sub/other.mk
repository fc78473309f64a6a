all: ; @echo other in sub $(MAKEFILE_LIST)

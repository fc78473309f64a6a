all: ; @echo $(words $(MAKEFILE_LIST)) $(if $(filter /tmp/Gm%,$(MAKEFILE_LIST)),temp-copy,other)

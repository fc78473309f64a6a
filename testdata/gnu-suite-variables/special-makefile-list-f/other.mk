all: ; @echo '$(MAKEFILE_LIST)'

all: ; @echo '$(filter -j%,$(MAKEFLAGS))' '$(if $(findstring jobserver,$(MAKEFLAGS)),has-jobserver,no)'

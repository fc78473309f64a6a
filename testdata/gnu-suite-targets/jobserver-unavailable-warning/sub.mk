s: ; @echo sub [$(filter -j%,$(MAKEFLAGS))]

s: ; @echo sub $(T) [$(filter -j%,$(MAKEFLAGS))]

s: ; @echo sub

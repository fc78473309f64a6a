s: ; @echo sub-ran

x: ; @echo sub ran

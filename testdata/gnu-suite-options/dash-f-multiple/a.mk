a: ; @echo a

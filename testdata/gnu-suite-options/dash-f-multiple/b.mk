b: ; @echo b

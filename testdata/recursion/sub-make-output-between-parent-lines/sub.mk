x: ; @echo middle

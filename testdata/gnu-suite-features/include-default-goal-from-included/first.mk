first: ; @echo first

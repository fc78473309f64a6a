x: ; @echo x

from-include: ; @echo from-include

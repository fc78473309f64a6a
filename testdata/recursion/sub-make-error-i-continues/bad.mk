x: ; @exit 1

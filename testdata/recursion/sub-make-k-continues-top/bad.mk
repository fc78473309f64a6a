x: ; @false

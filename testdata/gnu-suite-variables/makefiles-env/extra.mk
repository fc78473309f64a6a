M = from-makefiles
first: ; @echo not default

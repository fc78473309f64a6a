ANOTHER: ; @echo This is another included makefile

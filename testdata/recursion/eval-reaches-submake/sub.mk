all: ; @echo "sub x=$(x)"

all: ; @echo 'V=[$(value V)]'

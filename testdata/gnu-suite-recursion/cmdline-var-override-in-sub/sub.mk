all: ; @echo 'V=[$(V)]'

all: ; @echo 'A=[$(A)] B=[$(B)]'

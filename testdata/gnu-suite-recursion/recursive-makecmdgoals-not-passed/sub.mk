all: ; @echo 'goals=[$(MAKECMDGOALS)]'

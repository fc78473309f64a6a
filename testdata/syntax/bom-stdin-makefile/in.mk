all: ; @echo [$@]

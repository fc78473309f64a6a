all: x y ; @echo sub done
x y: ; @touch $@

V = sub
all: ; @echo 'V=[$(V)] $(origin V)'

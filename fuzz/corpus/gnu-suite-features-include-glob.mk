include inc/*.mk
all: ; @echo $(sort $(V))

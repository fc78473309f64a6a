$(info parse out)
$(error bad)
all: ; @echo recipe

$(shell echo d2 stderr 1>&2)
$(info d2 stdout)
all:; @echo d2 recipe

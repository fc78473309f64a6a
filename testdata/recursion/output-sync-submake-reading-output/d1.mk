$(shell echo d1 stderr 1>&2)
$(info d1 stdout)
all:; @:

$(shell echo d3 stderr 1>&2)
$(info d3 stdout)
$(error d3 failed)
all:; @:

a = $(b) x
b := 1
c ::= $(a)
d ?= 2
d += 3
e != echo hi
override f = 4
export g = 5
unexport h
undefine b
private i = 6
$(info $(a)|$(c)|$(d)|$(origin f)|$(flavor e)|$(value a))

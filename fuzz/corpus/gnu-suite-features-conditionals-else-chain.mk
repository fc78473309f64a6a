V = 3
ifeq ($(V),1)
R = one
else ifeq ($(V),2)
R = two
else ifdef V
R = defined-$(V)
else
R = none
endif
all: ; @echo $(R)

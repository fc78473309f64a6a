# load file(symbol): the named setup function gets the location of the load line.
.LOADED := preset
load testload.so(explicit_setup)
$(info .LOADED=[$(.LOADED)] TESTLOAD=[$(TESTLOAD)])
# The override setup replaces the builtin info (its arguments unexpanded now) and registers
# a name with every allowed character.
load testload.so(override_setup)
X := $(info $$(TESTLOAD))
$(warning X=[$(X)])
$(warning [$(Odd_name.v2-x a,b,c)])
all: ; @:

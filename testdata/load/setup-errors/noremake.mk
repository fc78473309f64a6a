# A setup function returning -1: loaded, not in .LOADED, never remade.
load testload.so(noremake_setup)
$(info .LOADED=[$(.LOADED)] TESTLOAD=[$(TESTLOAD)])
all: ; @:
testload.so: ; @echo not remade

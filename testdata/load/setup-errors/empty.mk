# A load line without names (after expansion) does nothing.
load $(NOTHING)
$(info .LOADED=[$(.LOADED)])
all: ; @:

-include generated.mk
ifdef GENERATED
$(info other: $(GENERATED))
endif
all: phony-like
phony-like: ; @:

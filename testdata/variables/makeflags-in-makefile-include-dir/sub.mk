-include one.mk two.mk
$(info sub-make [$(FROM1)] [$(FROM2)] [$(.INCLUDE_DIRS)])
all: ; @:

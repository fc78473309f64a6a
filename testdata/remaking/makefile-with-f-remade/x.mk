$(info reading x.mk)
include y.mk
all: ; @echo Y=$(Y)
y.mk:
	@echo 'Y = made' > $@

define L
@echo quiet
-false
echo loud
endef
all: ; $(L)

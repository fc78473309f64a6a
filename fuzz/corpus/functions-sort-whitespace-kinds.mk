define nl


endef
x := c$(nl)b	a
all:
	@echo '$(sort $(x))'

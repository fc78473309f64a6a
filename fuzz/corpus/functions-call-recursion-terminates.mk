count = $(if $(2),$(call count,$(1)x,$(wordlist 2,99,$(2))),done-$(1))
all:
	@echo '$(call count,x,a b c d)'

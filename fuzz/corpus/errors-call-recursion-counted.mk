dec = $(wordlist 2,$(words $(1)),$(1))
down = $(if $(1),$(words $(1)) $(call down,$(call dec,$(1))))
all:
	@echo $(call down,a b c d e)

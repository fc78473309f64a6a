all:
	@echo '$(foreach i,1 2,$(foreach j,a b,$(i)$(j)))'

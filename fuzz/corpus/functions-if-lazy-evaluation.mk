all:
	@echo '$(if x,ok,$(error should not expand))'

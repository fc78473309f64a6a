all:
	@echo V=$(V)

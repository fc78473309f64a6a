all:
	@echo from other
